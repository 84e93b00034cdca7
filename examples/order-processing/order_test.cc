// The order workflow's GoogleTest suite: one TEST per path through
// fixtures/order-processing/definition.asl.json. It shows the three ways of
// answering Task states: MockState scripts, GoogleMock expectations and the
// MockConfigFile test cases of mocks.json.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/test.h>

#include <chrono>
#include <string>

namespace {

using ::stepsim::test::CaughtBy;
using ::stepsim::test::ElapsedVirtualTime;
using ::stepsim::test::Failed;
using ::stepsim::test::FailedWith;
using ::stepsim::test::Harness;
using ::stepsim::test::HasOutput;
using ::stepsim::test::Json;
using ::stepsim::test::JsonContains;
using ::stepsim::test::MockTasks;
using ::stepsim::test::OutputContains;
using ::stepsim::test::Retried;
using ::stepsim::test::Succeeded;
using ::stepsim::test::TookChoiceRule;
using ::stepsim::test::TookDefault;
using ::stepsim::test::TookTransition;
using ::stepsim::test::VisitedStates;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

const std::string kDefinition = STEPSIM_SOURCE_DIR "/fixtures/order-processing/definition.asl.json";
const std::string kMocks = STEPSIM_SOURCE_DIR "/fixtures/order-processing/mocks.json";
const char* const kMachine = "order-processing";

const Json kOrder = {
    {"orderId", "order-1001"}, {"items", {{{"sku", "BOOK-123"}, {"quantity", 2}}}}, {"total", 28}};
const Json kInStock = {{"orderId", "order-1001"},
                       {"total", 28},
                       {"inventory", {{"status", "available"}, {"warehouse", "DUB-1"}}}};
const Json kCharged = {{"orderId", "order-1001"}, {"paymentId", "pay-7781"}, {"status", "charged"}};
const Json kLabel = {{"orderId", "order-1001"}, {"trackingNumber", "1Z999AA10123456784"}};

// Every run also feeds workflow coverage: run the binary with
// --stepsim_coverage_out=FILE (or STEPSIM_COVERAGE_OUT=FILE) to write it.
class OrderWorkflowTest : public ::testing::Test {
 protected:
  OrderWorkflowTest() {
    harness_.AddListener(stepsim::test::CoverageEnvironment::CollectorFor(
        harness_.shared_definition(), "fixtures/order-processing/definition.asl.json"));
  }

  Harness harness_ = Harness::FromFile(kDefinition);
};

TEST_F(OrderWorkflowTest, HappyPathShipsTheOrder) {
  harness_.MockState("CheckInventory").Returns(kInStock);
  harness_.MockState("ProcessPayment").Returns(kCharged);
  harness_.MockState("CreateShippingLabel").Returns(kLabel);

  const auto run = harness_.Run(kOrder);

  EXPECT_THAT(run, Succeeded());
  EXPECT_THAT(run, VisitedStates(ElementsAre("CheckInventory", "IsInventoryAvailable",
                                             "ProcessPayment", "CreateShippingLabel")));
  EXPECT_THAT(run, TookChoiceRule("IsInventoryAvailable", 0));
  EXPECT_THAT(run, HasOutput(kLabel));
  EXPECT_THAT(run, ElapsedVirtualTime(0ms));
}

TEST_F(OrderWorkflowTest, InventoryUnavailableFailsWithoutCharging) {
  harness_.MockState("CheckInventory")
      .Returns({{"orderId", "order-1001"}, {"inventory", {{"status", "out_of_stock"}}}});

  const auto run = harness_.Run(kOrder);

  EXPECT_THAT(run, Failed());
  EXPECT_EQ(run.error(), std::nullopt);  // the Fail state names no Error
  EXPECT_EQ(run.cause(), "Inventory not available for the requested items.");
  EXPECT_THAT(run, TookDefault("IsInventoryAvailable"));
  EXPECT_THAT(run, VisitedStates(ElementsAre("CheckInventory", "IsInventoryAvailable",
                                             "InventoryUnavailableState")));
}

TEST_F(OrderWorkflowTest, InventoryCheckErrorIsCaughtAndTheUserNotified) {
  MockTasks tasks;
  EXPECT_CALL(tasks, Invoke("CheckInventory", JsonContains({{"orderId", "order-1001"}})))
      .WillOnce(stepsim::test::Throw("InventoryServiceUnavailable", "503 from inventory"));
  EXPECT_CALL(tasks, Invoke("NotifyUserOfFailure", _))
      .WillOnce(stepsim::test::Return({{"notified", true}}));
  harness_.UseMockTasks(tasks);

  const auto run = harness_.Run(kOrder);

  EXPECT_THAT(run, Succeeded());
  EXPECT_THAT(run, CaughtBy("CheckInventory", 0));
  EXPECT_THAT(run, VisitedStates(ElementsAre("CheckInventory", "InventoryErrorState",
                                             "NotifyUserOfFailure")));
  EXPECT_THAT(run, HasOutput({{"notified", true}}));
}

TEST_F(OrderWorkflowTest, NotificationFailureFailsTheExecution) {
  harness_.UseMockConfig(kMocks, kMachine, "NotificationFails");

  const auto run = harness_.Run(kOrder);

  EXPECT_THAT(run, FailedWith("NotificationFailed", "email provider rejected the message"));
  EXPECT_THAT(run, VisitedStates(ElementsAre("CheckInventory", "InventoryErrorState",
                                             "NotifyUserOfFailure")));
}

TEST_F(OrderWorkflowTest, PaymentRetriedTwiceThenSucceeds) {
  // ASL: RTY-05 (3 s, then 3 s x 1.5 = 4.5 s), RTY-09 (virtual time only)
  MockTasks tasks;
  EXPECT_CALL(tasks, Invoke("ProcessPayment", _))
      .WillOnce(stepsim::test::Throw("PaymentGatewayTimeout", "no answer in 10 s"))
      .WillOnce(stepsim::test::Throw("PaymentGatewayTimeout", "no answer in 10 s"))
      .WillOnce(stepsim::test::Return(kCharged));
  harness_.UseMockTasks(tasks);
  harness_.MockState("CheckInventory").Returns(kInStock);
  harness_.MockState("CreateShippingLabel").Returns(kLabel);

  const auto run = harness_.Run(kOrder);

  EXPECT_THAT(run, Succeeded());
  EXPECT_THAT(run, Retried("ProcessPayment", 2));
  EXPECT_THAT(run, ElapsedVirtualTime(7500ms));
  EXPECT_THAT(run, VisitedStates(ElementsAre("CheckInventory", "IsInventoryAvailable",
                                             "ProcessPayment", "CreateShippingLabel")));
  EXPECT_THAT(run, OutputContains({{"trackingNumber", "1Z999AA10123456784"}}));
}

TEST_F(OrderWorkflowTest, PaymentRetriesExhaustedFailTheExecution) {
  // ASL: RTY-06 (MaxAttempts 2: the third failure is not retried)
  harness_.UseMockConfig(kMocks, kMachine, "PaymentRetriesExhausted");

  const auto run = harness_.Run(kOrder);

  EXPECT_THAT(run, FailedWith("PaymentGatewayTimeout", HasSubstr("did not answer")));
  EXPECT_THAT(run, Retried("ProcessPayment", 2));
  EXPECT_THAT(run, ElapsedVirtualTime(7500ms));
  EXPECT_THAT(
      run, VisitedStates(ElementsAre("CheckInventory", "IsInventoryAvailable", "ProcessPayment")));
}

TEST_F(OrderWorkflowTest, PaymentDeclinedIsNotRetried) {
  harness_.MockState("CheckInventory").Returns(kInStock);
  harness_.MockState("ProcessPayment").Throws("PaymentDeclined", "card declined");

  const auto run = harness_.Run(kOrder);

  EXPECT_THAT(run, FailedWith("PaymentDeclined", "card declined"));
  EXPECT_THAT(run, Retried("ProcessPayment", 0));
  EXPECT_THAT(run, ElapsedVirtualTime(0ms));
  EXPECT_THAT(
      run, VisitedStates(ElementsAre("CheckInventory", "IsInventoryAvailable", "ProcessPayment")));
}

TEST_F(OrderWorkflowTest, ShippingFailureFailsAfterCharging) {
  MockTasks tasks;
  EXPECT_CALL(tasks,
              Invoke("ProcessPayment", JsonContains({{"inventory", {{"status", "available"}}}})))
      .WillOnce(stepsim::test::Return(kCharged));
  EXPECT_CALL(tasks, Invoke("CreateShippingLabel", JsonContains({{"paymentId", "pay-7781"}})))
      .WillOnce(stepsim::test::Throw("ShippingLabelError", "address could not be validated"));
  harness_.UseMockTasks(tasks);
  harness_.MockState("CheckInventory").Returns(kInStock);

  const auto run = harness_.Run(kOrder);

  EXPECT_THAT(run, FailedWith("ShippingLabelError", "address could not be validated"));
  EXPECT_THAT(run, TookTransition("ProcessPayment", "CreateShippingLabel"));
  EXPECT_THAT(run, VisitedStates(ElementsAre("CheckInventory", "IsInventoryAvailable",
                                             "ProcessPayment", "CreateShippingLabel")));
}

TEST_F(OrderWorkflowTest, InventoryWithoutStatusFailsAtTheChoice) {
  // ASL: CHO-10 (a StringEquals Variable that matches nothing is a
  // States.Runtime error, not a Default): this path is unguarded.
  harness_.UseMockConfig(kMocks, kMachine, "MissingInventoryStatus");

  const auto run = harness_.Run(kOrder);

  EXPECT_THAT(run, FailedWith("States.Runtime", HasSubstr("Invalid path '$.inventory.status'")));
  EXPECT_THAT(run, ::testing::Not(TookDefault("IsInventoryAvailable")));
  EXPECT_THAT(run, VisitedStates(ElementsAre("CheckInventory", "IsInventoryAvailable")));
}

TEST_F(OrderWorkflowTest, GmockTasksMixWithAMockConfigTestCase) {
  // CheckInventory and CreateShippingLabel come from the HappyPath test case;
  // the gmock expectation overrides ProcessPayment only.
  MockTasks tasks;
  EXPECT_CALL(tasks, Invoke("ProcessPayment", _))
      .WillOnce(stepsim::test::Throw("PaymentGatewayTimeout"))
      .WillOnce(stepsim::test::Return(kCharged));
  harness_.UseMockTasks(tasks);
  harness_.UseMockConfig(kMocks, kMachine, "HappyPath");

  const auto run = harness_.Run(kOrder);

  EXPECT_THAT(run, Succeeded());
  EXPECT_THAT(run, Retried("ProcessPayment", 1));
  EXPECT_THAT(run, ElapsedVirtualTime(3s));
  EXPECT_THAT(run, OutputContains({{"carrier", "UPS"}}));
}

}  // namespace
