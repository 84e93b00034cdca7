#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/test.h>

#include <chrono>
#include <string>

#include "framework_test_util.h"

namespace stepsim::test {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using namespace std::chrono_literals;

// CheckInventory and CreateShippingLabel answered by the HappyPath test case,
// every ProcessPayment attempt by a script.
Harness HappyOrder() {
  auto harness = Harness::FromFile(kOrder);
  harness.UseMockConfig(kOrderMocks, "order-processing", "HappyPath");
  harness.MockState("ProcessPayment").AlwaysReturns({{"paymentId", "pay-1"}});
  return harness;
}

std::string UsageMessage(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no UsageError)";
}

TEST(FaultsTest, ErrorOnTheFirstAttemptIsRetried) {
  // ASL: RTY-05 (first retry after IntervalSeconds 3)
  auto harness = HappyOrder();
  harness.Faults().ErrorAt("ProcessPayment", "PaymentGatewayTimeout", "injected", Attempt(1));
  const RunResult run = harness.Run();
  EXPECT_THAT(run, Succeeded());
  EXPECT_THAT(run, Retried("ProcessPayment", 1));
  EXPECT_THAT(run, ElapsedVirtualTime(3s));
}

TEST(FaultsTest, ErrorOnEveryAttemptExhaustsTheRetrier) {
  // ASL: RTY-06, CAT-02 (no catcher: the error leaves the state)
  auto harness = HappyOrder();
  harness.Faults().ErrorAt("ProcessPayment", "PaymentGatewayTimeout", "down");
  const RunResult run = harness.Run();
  EXPECT_THAT(run, FailedWith("PaymentGatewayTimeout", "down"));
  EXPECT_THAT(run, Retried("ProcessPayment", 2));
  ASSERT_FALSE(run.transitions().empty());
  EXPECT_EQ(run.transitions().back().exhausted_retrier, 0);
  EXPECT_THAT(run, ElapsedVirtualTime(7500ms));
}

TEST(FaultsTest, ErrorIsCaughtByTheMatchingCatcher) {
  // ASL: CAT-02, CAT-05
  auto harness = HappyOrder();
  harness.UseMockConfig(kOrderMocks, "order-processing", "InventoryCheckError");
  harness.Faults().ErrorAt("CheckInventory", "Inventory.Throttled", "slow down");
  const RunResult run = harness.Run();
  EXPECT_THAT(run, Succeeded());
  EXPECT_THAT(run, CaughtBy("CheckInventory", 0));
  EXPECT_THAT(run, VisitedStates(ElementsAre("CheckInventory", "InventoryErrorState",
                                             "NotifyUserOfFailure")));
}

TEST(FaultsTest, AttemptRangesAndInvocationNumbersSelectAttempts) {
  auto harness = HappyOrder();
  harness.Faults().ErrorAt("ProcessPayment", "PaymentGatewayTimeout", "", Attempts(1, 2));
  EXPECT_THAT(harness.Run(), Retried("ProcessPayment", 2));
  EXPECT_THAT(harness.Run(), Succeeded());

  // Attempt 1 times out and is retried; attempt 2 on is declined (not retried).
  harness.Faults()
      .Clear()
      .ErrorAt("ProcessPayment", "PaymentGatewayTimeout", "", Attempt(1))
      .ErrorAt("ProcessPayment", "PaymentDeclined", "", AttemptsFrom(2));
  RunResult run = harness.Run();
  EXPECT_THAT(run, FailedWith("PaymentDeclined"));
  EXPECT_THAT(run, Retried("ProcessPayment", 1));

  harness.Faults().Clear().ErrorAt("ProcessPayment", "PaymentDeclined", "", Invocation(0));
  EXPECT_THAT(harness.Run(), FailedWith("PaymentDeclined"));

  EXPECT_EQ(UsageMessage([] { Attempt(0); }),
            "Attempts(0, 0): attempts are numbered from 1 and the range must not be empty");
  EXPECT_EQ(UsageMessage([] { Invocation(-1); }),
            "Invocation(-1): invocation numbers start at 0 (MockConfig numbering)");
}

TEST(FaultsTest, LatencyWrapsTheOtherSourcesAnswer) {
  auto harness = HappyOrder();
  harness.Faults().LatencyAt("CheckInventory", 5s).LatencyAt("CreateShippingLabel", 2s);
  const RunResult run = harness.Run();
  EXPECT_THAT(run, Succeeded());
  EXPECT_THAT(run, OutputContains({{"carrier", "UPS"}}));  // the test case's answer
  EXPECT_THAT(run, ElapsedVirtualTime(7s));
}

TEST(FaultsTest, LatencyBeyondTimeoutSecondsTimesTheTaskOut) {
  // ASL: TASK-04
  auto harness = Harness::FromString(R"({
    "StartAt": "Call",
    "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                        "TimeoutSeconds": 10, "End": true}}
  })");
  harness.MockState("Call").AlwaysReturns("fast");
  harness.Faults().LatencyAt("Call", 30s);
  const RunResult run = harness.Run();
  EXPECT_THAT(run, FailedWith("States.Timeout"));
  EXPECT_THAT(run, ElapsedVirtualTime(10s));
}

constexpr const char* kHeartbeat = R"({
  "StartAt": "Worker",
  "States": {
    "Worker": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
               "Parameters": {"token.$": "$$.Task.Token"},
               "TimeoutSeconds": 60, "HeartbeatSeconds": 10,
               "Retry": [{"ErrorEquals": ["States.HeartbeatTimeout"], "IntervalSeconds": 1,
                          "MaxAttempts": 1}],
               "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "GaveUp"}],
               "End": true},
    "GaveUp": {"Type": "Pass", "End": true}
  }
})";

TEST(FaultsTest, HeartbeatLossIsAHeartbeatTimeout) {
  // ASL: TASK-04 (the lapse is States.Timeout; a States.HeartbeatTimeout
  // retrier matches it), TASK-06
  auto harness = Harness::FromString(kHeartbeat);
  harness.MockState("Worker").AlwaysReturns("done", 1s);
  harness.Faults().HeartbeatLoss("Worker", Attempt(1));
  const RunResult recovered = harness.Run();
  EXPECT_THAT(recovered, Succeeded());
  EXPECT_THAT(recovered, Retried("Worker", 1));
  ASSERT_FALSE(recovered.transitions().empty());
  EXPECT_TRUE(recovered.transitions().front().heartbeat);
  // 10 s of silence, 1 s retry interval, 1 s for the retry.
  EXPECT_THAT(recovered, ElapsedVirtualTime(12s));

  harness.Faults().Clear().HeartbeatLoss("Worker");
  const RunResult lost = harness.Run();
  EXPECT_THAT(lost, CaughtBy("Worker", 0));
  EXPECT_THAT(lost, Retried("Worker", 1));
  EXPECT_THAT(lost, ElapsedVirtualTime(21s));
}

TEST(FaultsTest, HeartbeatLossNeedsHeartbeatSeconds) {
  auto harness = HappyOrder();
  EXPECT_EQ(UsageMessage([&] { harness.Faults().HeartbeatLoss("ProcessPayment"); }),
            "HeartbeatLoss(\"ProcessPayment\"): the state has no HeartbeatSeconds, so a lost "
            "heartbeat is never noticed; use TaskTimeout to time it out");
}

TEST(FaultsTest, TaskTimeoutLastsTimeoutSecondsAndIsCaught) {
  // ASL: TASK-04, CAT-02
  auto harness = Harness::FromString(kHeartbeat);
  harness.Faults().TaskTimeout("Worker");
  const RunResult run = harness.Run();
  EXPECT_THAT(run, Succeeded());
  EXPECT_THAT(run, CaughtBy("Worker", 0));
  EXPECT_THAT(run, Retried("Worker", 0));  // not a heartbeat lapse
  EXPECT_THAT(run, ElapsedVirtualTime(60s));
  EXPECT_THAT(run, VisitedStates(ElementsAre("Worker", "GaveUp")));
}

TEST(FaultsTest, DuplicateDeliveryInvokesEachAttemptTwice) {
  // ASL: EXE-01 (Express at-least-once delivery)
  auto harness = Harness::FromString(R"({
    "StartAt": "Charge",
    "States": {"Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}
  })");
  harness.options().type = sim::StateMachineType::kExpress;
  MockTasks tasks;
  EXPECT_CALL(tasks, Invoke("Charge", _))
      .WillOnce(Return({{"charge", 1}}))
      .WillOnce(Return({{"charge", 2}}));
  harness.UseMockTasks(tasks);
  harness.Faults().DuplicateDelivery();
  const RunResult run = harness.Run();
  EXPECT_THAT(run, HasOutput({{"charge", 2}}));  // the second delivery's answer is used
  EXPECT_THAT(tasks.calls(), ElementsAre("Charge", "Charge"));
}

constexpr const char* kMap = R"({
  "StartAt": "ChargeAll",
  "States": {
    "ChargeAll": {"Type": "Map", "ItemsPath": "$.cards", "MaxConcurrency": 1,
      "ToleratedFailureCount": 2, "End": true,
      "ItemProcessor": {"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"card.$": "$"}, "End": true}}}}
  }
})";
const Json kCards = {{"cards", {"c0", "c1", "c2", "c3", "c4"}}};

TEST(FaultsTest, MapIterationFailuresWithinTheToleranceLetTheMapSucceed) {
  // ASL: DMAP-07 (within tolerance the Map succeeds), MAP-05 (item order)
  auto harness = Harness::FromString(kMap);
  harness.MockState("Charge").AlwaysReturns("charged");
  harness.Faults().MapIterationFailure("ChargeAll", {1, 3}, "Card.Declined", "no funds");
  const RunResult run = harness.Run(kCards);
  EXPECT_THAT(run, Succeeded());
  const Json failed = {{"Error", "Card.Declined"}, {"Cause", "no funds"}};
  EXPECT_THAT(run, HasOutput({"charged", failed, "charged", failed, "charged"}));
}

TEST(FaultsTest, MapIterationFailuresBeyondTheToleranceFailTheMap) {
  // ASL: DMAP-07 (States.ExceedToleratedFailureThreshold), MAP-06
  auto harness = Harness::FromString(kMap);
  harness.MockState("Charge").AlwaysReturns("charged");
  harness.Faults().MapIterationFailure("ChargeAll", {0, 2, 4}, "Card.Declined");
  EXPECT_THAT(harness.Run(kCards), FailedWith("States.ExceedToleratedFailureThreshold"));

  auto strict = Harness::FromString(R"({
    "StartAt": "ChargeAll",
    "States": {"ChargeAll": {"Type": "Map", "End": true,
      "ItemProcessor": {"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}}}
  })");
  strict.MockState("Charge").AlwaysReturns("charged");
  strict.Faults().MapIterationFailure("ChargeAll", {2}, "Card.Declined", "card 2");
  const RunResult run = strict.Run(Json::array({1, 2, 3}));
  EXPECT_THAT(run, FailedWith("Card.Declined", "card 2"));
}

TEST(FaultsTest, MapIterationFailureChecksItsTarget) {
  auto harness = Harness::FromString(kMap);
  EXPECT_EQ(UsageMessage([&] { harness.Faults().MapIterationFailure("Charge", {1}, "E"); }),
            "MapIterationFailure(\"Charge\"): \"Charge\" is a Task state, not a Map state (Map "
            "states: \"ChargeAll\")");
  EXPECT_EQ(UsageMessage([&] { harness.Faults().MapIterationFailure("ChargeAll", {-1}, "E"); }),
            "MapIterationFailure(\"ChargeAll\"): iteration indices start at 0, got -1");
}

constexpr const char* kParallel = R"({
  "StartAt": "Both",
  "States": {
    "Both": {"Type": "Parallel", "Next": "Done",
      "Catch": [{"ErrorEquals": ["Ledger.Down"], "Next": "Compensate"}],
      "Branches": [
        {"StartAt": "Reserve", "States": {
          "Reserve": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
        {"StartAt": "Prepare", "States": {
          "Prepare": {"Type": "Pass", "Next": "Record"},
          "Record": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}
      ]},
    "Compensate": {"Type": "Pass", "End": true},
    "Done": {"Type": "Succeed"}
  }
})";

TEST(FaultsTest, BranchFailureFailsTheParallelWithTheErrorUnchanged) {
  // ASL: PAR-04, PAR-05 (the Parallel's Catch matches the branch's error)
  auto harness = Harness::FromString(kParallel);
  harness.MockState("Reserve").AlwaysReturns("reserved");
  harness.MockState("Record").AlwaysReturns("recorded");
  EXPECT_THAT(harness.Run(), HasOutput({"reserved", "recorded"}));

  harness.Faults().BranchFailure("Both", 1, "Ledger.Down", "ledger unreachable");
  const RunResult caught = harness.Run();
  EXPECT_THAT(caught, Succeeded());
  EXPECT_THAT(caught, CaughtBy("Both", 0));
  EXPECT_THAT(caught, HasOutput({{"Error", "Ledger.Down"}, {"Cause", "ledger unreachable"}}));

  harness.Faults().Clear().BranchFailure("Both", 0, "Inventory.Gone", "sold out");
  const RunResult failed = harness.Run();
  EXPECT_THAT(failed, FailedWith("Inventory.Gone", "sold out"));
}

TEST(FaultsTest, BranchFailureChecksItsTarget) {
  auto harness = Harness::FromString(kParallel);
  EXPECT_EQ(UsageMessage([&] { harness.Faults().BranchFailure("Both", 2, "E"); }),
            "BranchFailure(\"Both\", 2): the Parallel has 2 branches, numbered from 0");
  EXPECT_EQ(UsageMessage([&] { harness.Faults().ErrorAt("Prepare", "E"); }),
            "ErrorAt(\"Prepare\"): \"Prepare\" is a Pass state, not a Task state (Task states: "
            "\"Reserve\", \"Record\")");
  EXPECT_EQ(UsageMessage([&] { harness.Faults().LatencyAt("Nope", 1s); }),
            "LatencyAt(\"Nope\"): no state is named \"Nope\" (Task states: \"Reserve\", "
            "\"Record\")");
}

TEST(FaultsTest, FaultsPrintAsJson) {
  auto harness = Harness::FromString(kParallel);
  harness.Faults()
      .ErrorAt("Reserve", "E", "c", Attempt(2))
      .LatencyAt("Record", 1500ms)
      .BranchFailure("Both", 1, "Ledger.Down")
      .DuplicateDelivery();
  EXPECT_EQ(
      ::testing::PrintToString(harness.Faults()),
      R"({"duplicateDelivery":true,"faults":[)"
      R"({"cause":"c","error":"E","kind":"Error","state":"Reserve",)"
      R"("when":{"counter":"attempt","first":2,"last":2}},)"
      R"({"kind":"Latency","latencyMillis":1500,"state":"Record",)"
      R"("when":{"counter":"attempt","first":1,"last":null}},)"
      R"({"branch":1,"cause":"","error":"Ledger.Down","kind":"BranchFailure","state":"Both"}]})");
}

}  // namespace
}  // namespace stepsim::test
