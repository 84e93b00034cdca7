#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <stepsim/asl/loader.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/mock_config.h>
#include <stepsim/test.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "framework_test_util.h"

namespace stepsim::test {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;
using namespace std::chrono_literals;

const std::string kGoldens = STEPSIM_SOURCE_DIR "/fixtures/framework/matchers/";

RunResult RunCase(const std::string& test_case) {
  auto harness = Harness::FromFile(kOrder);
  harness.UseMockConfig(kOrderMocks, "order-processing", test_case);
  return harness.Run(Json{{"orderId", "order-1001"}});
}

// Compares `actual` with fixtures/framework/matchers/<name>.golden;
// STEPSIM_UPDATE_GOLDENS=1 rewrites the file instead.
void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = kGoldens + name + ".golden";
  if (std::getenv("STEPSIM_UPDATE_GOLDENS") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "missing golden file " << path
                  << "; run with STEPSIM_UPDATE_GOLDENS=1 to create it";
    return;
  }
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str())
      << "golden file " << path << " differs; STEPSIM_UPDATE_GOLDENS=1 rewrites it";
}

// The description, negation and explanation of `matcher` on `value`, laid
// out as gtest prints a failed EXPECT_THAT.
template <typename T, typename M>
std::string MatcherText(const M& matcher, const T& value) {
  const ::testing::Matcher<const T&> m = matcher;
  ::testing::StringMatchResultListener listener;
  const bool matched = m.MatchAndExplain(value, &listener);
  std::ostringstream out;
  out << "Expected: ";
  m.DescribeTo(&out);
  out << "\nNegation: ";
  m.DescribeNegationTo(&out);
  out << "\n  Actual: " << ::testing::PrintToString(value) << ", " << listener.str()
      << "\nMatches: " << (matched ? "true" : "false") << "\n";
  return out.str();
}

template <typename T, typename M>
void ExpectMismatchGolden(const std::string& name, const M& matcher, const T& value) {
  EXPECT_THAT(value, Not(matcher)) << "the golden case " << name << " must be a mismatch";
  ExpectGolden(name, MatcherText<T>(matcher, value));
}

// ---- what each matcher accepts --------------------------------------------

TEST(MatchersTest, StatusMatchersAcceptTheirRuns) {
  const RunResult happy = RunCase("HappyPath");
  const RunResult declined = RunCase("PaymentDeclined");
  EXPECT_THAT(happy, Succeeded());
  EXPECT_THAT(happy, Not(Failed()));
  EXPECT_THAT(declined, Failed());
  EXPECT_THAT(declined, FailedWith("PaymentDeclined"));
  EXPECT_THAT(declined, FailedWith("PaymentDeclined", HasSubstr("4242")));
  EXPECT_THAT(declined, Not(FailedWith("PaymentDeclined", "another cause")));
  EXPECT_THAT(declined, HasCause(HasSubstr("insufficient funds")));
  EXPECT_THAT(declined, Not(TimedOut()));
  EXPECT_THAT(happy, Not(HasCause(::testing::_)));
}

TEST(MatchersTest, TimedOutMatchesTheExecutionTimeout) {
  // ASL: EXE-02
  auto harness = Harness::FromString(R"({
    "StartAt": "Slow", "TimeoutSeconds": 5,
    "States": {"Slow": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}
  })");
  harness.MockState("Slow").Returns(1, 10s);
  const RunResult run = harness.Run();
  EXPECT_THAT(run, TimedOut());
  EXPECT_THAT(run, Not(Failed()));
  EXPECT_THAT(run, ElapsedVirtualTime(5s));
  ExpectMismatchGolden("succeeded_on_timed_out", Succeeded(), run);
}

TEST(MatchersTest, StateAndTransitionMatchersAcceptTheirRuns) {
  const RunResult retried = RunCase("PaymentRetriedThenSucceeds");
  EXPECT_THAT(retried, VisitedStates(Contains("ProcessPayment")));
  EXPECT_THAT(retried, VisitedStates(IsSupersetOf({"CheckInventory", "CreateShippingLabel"})));
  EXPECT_THAT(retried, Visited("CreateShippingLabel"));
  EXPECT_THAT(retried, Not(Visited("NotifyUserOfFailure")));
  EXPECT_THAT(retried, TookTransition("CheckInventory", "IsInventoryAvailable"));
  EXPECT_THAT(retried, TookTransition("IsInventoryAvailable", "ProcessPayment"));
  EXPECT_THAT(retried, Not(TookTransition("CheckInventory", "InventoryErrorState")));
  EXPECT_THAT(retried, TookChoiceRule("IsInventoryAvailable", 0));
  EXPECT_THAT(retried, Not(TookDefault("IsInventoryAvailable")));
  EXPECT_THAT(retried, Retried("ProcessPayment", 2));
  EXPECT_THAT(retried, Retried("ProcessPayment", Ge(1)));
  EXPECT_THAT(retried, Retried("CheckInventory", 0));
  EXPECT_THAT(retried, ElapsedVirtualTime(7500ms));
  EXPECT_THAT(retried, ElapsedVirtualTime(Ge(std::chrono::milliseconds(7000))));
  EXPECT_THAT(retried, ElapsedVirtualTime(std::chrono::duration<double>(7.5)));

  const RunResult caught = RunCase("InventoryCheckError");
  EXPECT_THAT(caught, CaughtBy("CheckInventory", 0));
  EXPECT_THAT(caught, TookTransition("CheckInventory", "InventoryErrorState"));
  EXPECT_THAT(caught, Not(CaughtBy("CheckInventory", 1)));
}

TEST(MatchersTest, OutputMatchersCompareJson) {
  const RunResult happy = RunCase("HappyPath");
  const Json label = {
      {"orderId", "order-1001"}, {"trackingNumber", "1Z999AA10123456784"}, {"carrier", "UPS"}};
  EXPECT_THAT(happy, HasOutput(label));
  EXPECT_THAT(happy, OutputContains({{"carrier", "UPS"}}));
  EXPECT_THAT(happy, OutputContains(Json::object()));
  EXPECT_THAT(happy, Not(OutputContains({{"carrier", "DHL"}})));
  EXPECT_THAT(Json({{"a", {1, {{"b", 2}, {"c", 3}}}}}), JsonContains({{"a", {1, {{"b", 2}}}}}));
  EXPECT_THAT(Json({{"a", {1, 2}}}), Not(JsonContains({{"a", {1}}})));
  EXPECT_EQ(FindJsonMismatch(Json({{"a", {{"x/y", 1}}}}), Json({{"a", {{"x/y", 2}}}}), true),
            "/a/x~1y: expected 2, got 1");
  EXPECT_EQ(FindJsonMismatch(Json({{"a", 1}, {"b", 2}}), Json({{"a", 1}}), false),
            "/b: unexpected member with value 2");
  EXPECT_EQ(FindJsonMismatch(Json({{"a", 1}, {"b", 2}}), Json({{"a", 1}}), true), std::nullopt);
}

TEST(MatchersTest, RunMatchersWorkOnABareExecution) {
  const auto definition = asl::LoadFile(kOrder);
  const auto mocks =
      std::make_shared<const sim::MockConfig>(sim::MockConfig::LoadFile(kOrderMocks));
  sim::MockTaskHandler handler(mocks, "order-processing", "PaymentDeclined");
  sim::Options options;
  options.task_handlers.push_back(&handler);
  const sim::Execution execution = sim::Interpreter(definition).Run(Json::object(), options);
  EXPECT_THAT(execution, FailedWith("PaymentDeclined"));
  EXPECT_THAT(execution, VisitedStates(ElementsAre("CheckInventory", "IsInventoryAvailable",
                                                   "ProcessPayment")));
  EXPECT_THAT(execution, Visited("ProcessPayment"));
  EXPECT_THAT(execution, ElapsedVirtualTime(0ms));
  ExpectMismatchGolden("execution_succeeded", Succeeded(), execution);
}

// ---- goldens: each matcher's description and mismatch explanation ---------

TEST(MatchersGoldenTest, Status) {
  ExpectMismatchGolden("succeeded", Succeeded(), RunCase("PaymentDeclined"));
  ExpectMismatchGolden("failed", Failed(), RunCase("HappyPath"));
  ExpectMismatchGolden("failed_with", FailedWith("PaymentDeclined"),
                       RunCase("PaymentRetriesExhausted"));
  ExpectMismatchGolden("failed_with_cause",
                       FailedWith("PaymentDeclined", HasSubstr("expired card")),
                       RunCase("PaymentDeclined"));
  ExpectMismatchGolden("has_cause", HasCause(HasSubstr("503")), RunCase("NotificationFails"));
  ExpectMismatchGolden("timed_out", TimedOut(), RunCase("ShippingFails"));
}

TEST(MatchersGoldenTest, States) {
  ExpectMismatchGolden("visited_states",
                       VisitedStates(ElementsAre("CheckInventory", "IsInventoryAvailable",
                                                 "ProcessPayment", "CreateShippingLabel")),
                       RunCase("InventoryUnavailable"));
  ExpectMismatchGolden("visited", Visited("CreateShippingLabel"), RunCase("PaymentDeclined"));
  // A typo in a state name says so.
  ExpectMismatchGolden("visited_unknown_state", Visited("ProcesPayment"), RunCase("HappyPath"));
}

TEST(MatchersGoldenTest, Transitions) {
  ExpectMismatchGolden("took_transition", TookTransition("ProcessPayment", "CreateShippingLabel"),
                       RunCase("PaymentRetriesExhausted"));
  ExpectMismatchGolden("took_choice_rule", TookChoiceRule("IsInventoryAvailable", 0),
                       RunCase("InventoryUnavailable"));
  ExpectMismatchGolden("took_default", TookDefault("IsInventoryAvailable"), RunCase("HappyPath"));
  ExpectMismatchGolden("retried", Retried("ProcessPayment", 1), RunCase("PaymentRetriesExhausted"));
  ExpectMismatchGolden("retried_matcher", Retried("ProcessPayment", Ge(1)), RunCase("HappyPath"));
  ExpectMismatchGolden("caught_by", CaughtBy("ProcessPayment", 0), RunCase("PaymentDeclined"));
}

TEST(MatchersGoldenTest, OutputAndTime) {
  ExpectMismatchGolden("has_output",
                       HasOutput({{"orderId", "order-1001"}, {"trackingNumber", "1Z999"}}),
                       RunCase("HappyPath"));
  ExpectMismatchGolden("output_contains",
                       OutputContains({{"inventory", {{"status", "available"}}}}),
                       RunCase("HappyPath"));
  ExpectMismatchGolden("output_contains_on_failure", OutputContains({{"carrier", "UPS"}}),
                       RunCase("ShippingFails"));
  ExpectMismatchGolden("elapsed_virtual_time", ElapsedVirtualTime(3s),
                       RunCase("PaymentRetriedThenSucceeds"));
}

TEST(MatchersGoldenTest, NestedScopesShowTheirIterations) {
  // ASL: MAP-06 (the failing iteration's error fails the Map)
  auto harness = Harness::FromString(R"({
    "StartAt": "Prepare",
    "States": {
      "Prepare": {"Type": "Pass", "Next": "ChargeAll"},
      "ChargeAll": {"Type": "Map", "ItemsPath": "$.cards", "MaxConcurrency": 1, "Next": "Done",
        "ItemProcessor": {"StartAt": "Charge", "States": {
          "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}},
      "Done": {"Type": "Succeed"}
    }
  })");
  harness.MockState("Charge").Returns("ok").Throws("Card.Declined", "card 2 declined");
  ExpectMismatchGolden("succeeded_map", Succeeded(), harness.Run({{"cards", {1, 2, 3}}}));
}

TEST(MatchersGoldenTest, ABrokenExpectationSaysWhatToFix) {
  // The test author expects the payment to be retried and succeed, but the
  // mocks decline the card: the message names the error, the path and the
  // events that explain it.
  const RunResult run = RunCase("PaymentDeclined");
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    EXPECT_THAT(run, Succeeded());
    EXPECT_THAT(run, Retried("ProcessPayment", 1));
  }
  ASSERT_EQ(failures.size(), 2);
  ExpectGolden("broken_expectation", std::string(failures.GetTestPartResult(0).message()) +
                                         "\n---\n" + failures.GetTestPartResult(1).message() +
                                         "\n");
}

}  // namespace
}  // namespace stepsim::test
