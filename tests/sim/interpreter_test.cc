#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "sim_test_util.h"

namespace stepsim::sim {
namespace {

using ::testing::ElementsAre;
using testutil::Find;
using testutil::OrderWorkflow;
using testutil::RunWith;
using testutil::ScriptHandler;
using testutil::Types;

Json Available() { return {{"inventory", {{"status", "available"}}}}; }

TEST(InterpreterTest, OrderWorkflowFixtureMatchesTheInlineCopy) {
  std::ifstream in(std::string(STEPSIM_FIXTURES_DIR) + "/order-processing/definition.asl.json");
  std::stringstream text;
  text << in.rdbuf();
  Json fixture = Json::parse(text.str());
  fixture.erase("Comment");
  EXPECT_EQ(fixture, Json::parse(OrderWorkflow()));
}

TEST(InterpreterTest, OrderWorkflowRetriesPaymentTwiceThenSucceedsAfter7500ms) {
  // ASL: RTY-05, RTY-08, RTY-09, EXE-02, WAIT-05
  ScriptHandler h;
  h.On("CheckInventory", {TaskOutcome::Succeed(Available())})
      .On("ProcessPayment", {TaskOutcome::Fail("PaymentGatewayTimeout", "gateway slow"),
                             TaskOutcome::Fail("PaymentGatewayTimeout", "gateway slow"),
                             TaskOutcome::Succeed({{"paid", true}})})
      .On("CreateShippingLabel", {TaskOutcome::Succeed({{"label", "L-1"}})});
  const auto wall_start = std::chrono::steady_clock::now();
  Execution e = RunWith(OrderWorkflow(), {{"order", 1}}, &h);
  const auto wall = std::chrono::steady_clock::now() - wall_start;
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output, Json({{"label", "L-1"}}));
  EXPECT_EQ(e.elapsed(), Millis{7500});
  EXPECT_LT(wall, std::chrono::milliseconds(10));
  EXPECT_THAT(h.calls(), ElementsAre("CheckInventory", "ProcessPayment", "ProcessPayment",
                                     "ProcessPayment", "CreateShippingLabel"));
  // The second retry waits 3 s x 1.5 = 4.5 s after the first one.
  std::vector<std::int64_t> scheduled_at;
  for (const auto& ev : e.history) {
    if (ev.type == EventType::kLambdaFunctionScheduled && ev.state->name == "ProcessPayment") {
      scheduled_at.push_back((ev.timestamp - e.start_time).count());
    }
  }
  EXPECT_THAT(scheduled_at, ElementsAre(0, 3000, 7500));
}

TEST(InterpreterTest, OrderWorkflowFailsWithTheErrorAfterThreeTimeouts) {
  // ASL: RTY-06, CAT-02
  ScriptHandler h;
  h.On("CheckInventory", {TaskOutcome::Succeed(Available())})
      .On("ProcessPayment", {TaskOutcome::Fail("PaymentGatewayTimeout", "gateway slow")});
  Execution e = RunWith(OrderWorkflow(), Json::object(), &h);
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "PaymentGatewayTimeout");
  EXPECT_EQ(e.cause, "gateway slow");
  EXPECT_EQ(e.elapsed(), Millis{7500});
  EXPECT_EQ(Types(e).back(), "ExecutionFailed");
}

TEST(InterpreterTest, OrderWorkflowFailsAtOnceOnAnotherPaymentError) {
  // ASL: RTY-01, ERR-01
  ScriptHandler h;
  h.On("CheckInventory", {TaskOutcome::Succeed(Available())})
      .On("ProcessPayment", {TaskOutcome::Fail("Payment.Declined", "no funds")});
  Execution e = RunWith(OrderWorkflow(), Json::object(), &h);
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "Payment.Declined");
  EXPECT_EQ(e.elapsed(), Millis{0});
}

TEST(InterpreterTest, OrderWorkflowHappyPathHistoryIsAwsShaped) {
  // ASL: HIST-01, HIST-02, HIST-05, HIST-06, TASK-01
  ScriptHandler h;
  h.On("CheckInventory", {TaskOutcome::Succeed(Available())})
      .On("ProcessPayment", {TaskOutcome::Succeed({{"paid", true}})})
      .On("CreateShippingLabel", {TaskOutcome::Succeed({{"label", "L-1"}})});
  Execution e = RunWith(OrderWorkflow(), {{"order", 1}}, &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_THAT(Types(e),
              ElementsAre("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                          "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
                          "ChoiceStateEntered", "ChoiceStateExited", "TaskStateEntered",
                          "LambdaFunctionScheduled", "LambdaFunctionStarted",
                          "LambdaFunctionSucceeded", "TaskStateExited", "TaskStateEntered",
                          "LambdaFunctionScheduled", "LambdaFunctionStarted",
                          "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"));
  for (std::size_t i = 0; i < e.history.size(); ++i) {
    EXPECT_EQ(e.history[i].id, static_cast<std::int64_t>(i + 1));
  }
  const Json started = ToAwsJson(e.history[0]);
  EXPECT_EQ(started["previousEventId"], 0);
  EXPECT_EQ(started["timestamp"], "2025-01-01T00:00:00.000Z");
  EXPECT_EQ(started["executionStartedEventDetails"]["input"], "{\"order\":1}");
  const Json entered = ToAwsJson(e.history[1]);
  EXPECT_EQ(entered["previousEventId"], 0);
  EXPECT_EQ(entered["stateEnteredEventDetails"]["name"], "CheckInventory");
  const Json scheduled = ToAwsJson(e.history[2]);
  EXPECT_EQ(scheduled["previousEventId"], 2);
  EXPECT_EQ(scheduled["lambdaFunctionScheduledEventDetails"]["resource"],
            "arn:aws:lambda:us-east-1:123456789012:function:check-inventory-func");
  EXPECT_EQ(scheduled["lambdaFunctionScheduledEventDetails"]["input"], "{\"order\":1}");
  const Json exited = ToAwsJson(e.history[5]);
  EXPECT_EQ(exited["stateExitedEventDetails"]["output"],
            "{\"inventory\":{\"status\":\"available\"}}");
  const Json last = ToAwsJson(e.history.back());
  EXPECT_EQ(last["previousEventId"], 18);
  EXPECT_EQ(last["executionSucceededEventDetails"]["output"], "{\"label\":\"L-1\"}");
}

TEST(InterpreterTest, InventoryErrorIsCaughtAndRoutedToNotify) {
  // ASL: CAT-02, CAT-03, CAT-05, ERR-03
  ScriptHandler h;
  h.On("CheckInventory", {TaskOutcome::Fail("Inventory.Down", "db offline")})
      .On("NotifyUserOfFailure", {TaskOutcome::Succeed("notified")});
  Execution e = RunWith(OrderWorkflow(), Json::object(), &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(*e.output, "notified");
  const HistoryEvent* exited = Find(e, "TaskStateExited", "CheckInventory");
  ASSERT_NE(exited, nullptr);
  EXPECT_EQ(*exited->output, Json({{"Error", "Inventory.Down"}, {"Cause", "db offline"}}));
  EXPECT_THAT(e.visited_states,
              ElementsAre("CheckInventory", "InventoryErrorState", "NotifyUserOfFailure"));
}

TEST(InterpreterTest, UnavailableInventoryEndsInTheFailState) {
  // ASL: CHO-02, PSF-04
  ScriptHandler h;
  h.On("CheckInventory", {TaskOutcome::Succeed({{"inventory", {{"status", "none"}}}})});
  Execution e = RunWith(OrderWorkflow(), Json::object(), &h);
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, std::nullopt);
  EXPECT_EQ(e.cause, "Inventory not available for the requested items.");
  EXPECT_EQ(Types(e).end()[-2], "FailStateEntered");
}

TEST(InterpreterTest, TaskWithoutConfiguredOutcomeFailsNamingTheState) {
  // ASL: TASK-01
  Execution e = RunWith(OrderWorkflow(), Json::object());
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.Runtime");
  EXPECT_THAT(*e.cause, ::testing::HasSubstr("Task state 'CheckInventory'"));
  EXPECT_THAT(*e.cause, ::testing::HasSubstr("MockConfigFile"));
}

TEST(InterpreterTest, SameSeedGivesIdenticalSerializedHistory) {
  // ASL: PAR-07, MAP-07
  const std::string asl = R"({"StartAt": "P", "States": {"P": {"Type": "Parallel",
    "Branches": [
      {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A2"}, "A2": {"Type": "Pass", "End": true}}},
      {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "B2"}, "B2": {"Type": "Pass", "End": true}}},
      {"StartAt": "C", "States": {"C": {"Type": "Wait", "Seconds": 0, "End": true}}}],
    "End": true}}})";
  Options o;
  o.seed = 42;
  const Json h1 = Json(RunWith(asl, {{"x", 1}}, nullptr, o))["history"];
  const Json h2 = Json(RunWith(asl, {{"x", 1}}, nullptr, o))["history"];
  EXPECT_EQ(h1.dump(), h2.dump());
  // Some seed explores a different interleaving.
  bool differs = false;
  for (std::uint64_t seed = 0; seed < 20 && !differs; ++seed) {
    o.seed = seed;
    differs = Json(RunWith(asl, {{"x", 1}}, nullptr, o))["history"].dump() != h1.dump();
  }
  EXPECT_TRUE(differs);
}

TEST(InterpreterTest, ContextObjectCarriesExecutionIdentity) {
  // ASL: CTX-01, CTX-02
  const std::string asl = R"({"StartAt": "P", "States": {"P": {"Type": "Pass",
    "Parameters": {"ctx.$": "$$"}, "End": true}}})";
  Options o;
  o.execution_name = "exec-1";
  o.execution_id = "arn:aws:states:us-east-1:111111111111:execution:M:exec-1";
  o.state_machine_name = "M";
  o.state_machine_id = "arn:aws:states:us-east-1:111111111111:stateMachine:M";
  Execution e = RunWith(asl, {{"a", 1}}, nullptr, o);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  const Json& ctx = (*e.output)["ctx"];
  EXPECT_EQ(ctx["Execution"]["Name"], "exec-1");
  EXPECT_EQ(ctx["Execution"]["Input"], Json({{"a", 1}}));
  EXPECT_EQ(ctx["Execution"]["RedriveCount"], 0);
  EXPECT_EQ(ctx["Execution"]["StartTime"], "2025-01-01T00:00:00.000Z");
  EXPECT_EQ(ctx["State"]["Name"], "P");
  // AWS shows RetryCount only in Task, Parallel and Map states.
  EXPECT_FALSE(ctx["State"].contains("RetryCount"));
  EXPECT_EQ(ctx["State"]["EnteredTime"], "2025-01-01T00:00:00.000Z");
  EXPECT_EQ(ctx["StateMachine"]["Name"], "M");
}

TEST(InterpreterTest, ExpressExecutionTimesOutAfterFiveMinutes) {
  // ASL: EXE-01, EXE-02, WAIT-06
  const std::string asl = R"({"StartAt": "W", "States": {"W": {"Type": "Wait",
    "Seconds": 301, "End": true}}})";
  Options o;
  o.type = StateMachineType::kExpress;
  Execution e = RunWith(asl, Json::object(), nullptr, o);
  EXPECT_EQ(e.status, ExecutionStatus::kTimedOut);
  EXPECT_EQ(e.error, "States.Timeout");
  EXPECT_EQ(e.elapsed(), Millis{300000});
  EXPECT_EQ(Types(e).back(), "ExecutionTimedOut");
}

TEST(InterpreterTest, DefinitionTimeoutSecondsTimesTheExecutionOut) {
  // ASL: EXE-02
  const std::string asl = R"({"StartAt": "W", "TimeoutSeconds": 10,
    "States": {"W": {"Type": "Wait", "Seconds": 11, "End": true}}})";
  Execution e = RunWith(asl, Json::object());
  EXPECT_EQ(e.status, ExecutionStatus::kTimedOut);
  EXPECT_EQ(e.elapsed(), Millis{10000});
}

TEST(InterpreterTest, EndlessLoopIsStoppedWithAClearCause) {
  // ASL: EXE-04
  const std::string asl = R"({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Next": "B"},
    "B": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "BooleanEquals": true, "Next": "Done"}],
          "Default": "A"},
    "Done": {"Type": "Succeed"}}})";
  Execution e = RunWith(asl, {{"stop", false}});
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.Runtime");
  EXPECT_THAT(*e.cause, ::testing::HasSubstr("maximum number of history events (25000)"));
  EXPECT_LE(e.history.size(), 25000u);
  Options o;
  o.record_history = false;
  o.type = StateMachineType::kExpress;
  o.limits.max_state_transitions = 1000;
  Execution x = RunWith(asl, {{"stop", false}}, nullptr, o);
  EXPECT_EQ(x.status, ExecutionStatus::kFailed);
  EXPECT_THAT(*x.cause, ::testing::HasSubstr("loops forever"));
  EXPECT_EQ(x.state_transitions, 1001);
}

TEST(InterpreterTest, OversizedStateOutputFailsWithDataLimitExceeded) {
  // ASL: IO-11, ERR-05
  const std::string asl = R"({"StartAt": "P", "States": {"P": {"Type": "Pass",
    "Parameters": {"a.$": "$.s", "b.$": "$.s"}, "End": true}}})";
  Options o;
  o.limits.max_payload_bytes = 100;
  Execution e = RunWith(asl, {{"s", std::string(60, 'a')}}, nullptr, o);
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.DataLimitExceeded");
  EXPECT_EQ(e.cause,
            "The state/task 'P' returned a result with a size exceeding the "
            "maximum number of bytes service limit.");
}

TEST(InterpreterTest, ExecutionToJsonIsTheCliResultShape) {
  // ASL: HIST-04
  const std::string asl = R"({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})";
  Execution e = RunWith(asl, {{"a", 1}});
  const Json j = e;
  EXPECT_EQ(j["status"], "SUCCEEDED");
  EXPECT_EQ(j["output"], Json({{"a", 1}}));
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_TRUE(j["cause"].is_null());
  EXPECT_EQ(j["history"].size(), 4u);
  EXPECT_EQ(j["history"][2]["type"], "PassStateExited");
  EXPECT_EQ(j["history"][2]["stateExitedEventDetails"]["output"], "{\"a\":1}");
}

TEST(InterpreterTest, DuplicateDeliveryInvokesEachTaskTwice) {
  // ASL: EXE-01
  ScriptHandler h;
  h.On("CheckInventory", {TaskOutcome::Succeed(Available())})
      .On("ProcessPayment", {TaskOutcome::Succeed({{"paid", true}})})
      .On("CreateShippingLabel", {TaskOutcome::Succeed({{"label", "L-1"}})});
  Options o;
  o.type = StateMachineType::kExpress;
  o.duplicate_task_delivery = true;
  Execution e = RunWith(OrderWorkflow(), Json::object(), &h, o);
  EXPECT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(h.calls().size(), 6u);
}

}  // namespace
}  // namespace stepsim::sim
