#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>
#include <stepsim/test.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework_test_util.h"

namespace stepsim::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Json kAvailable = {{"orderId", "o-1"}, {"inventory", {{"status", "available"}}}};

TEST(HarnessTest, RunsAScriptedHappyPathAndRecordsIt) {
  auto harness = Harness::FromFile(kOrder);
  harness.MockState("CheckInventory").Returns(kAvailable);
  harness.MockState("ProcessPayment").Returns({{"paymentId", "p-1"}}, std::chrono::seconds(2));
  harness.MockState("CreateShippingLabel").Returns({{"tracking", "1Z"}});
  const RunResult run = harness.Run({{"orderId", "o-1"}});

  EXPECT_EQ(run.status(), sim::ExecutionStatus::kSucceeded);
  EXPECT_EQ(run.output(), Json({{"tracking", "1Z"}}));
  EXPECT_EQ(run.error(), std::nullopt);
  EXPECT_THAT(run.visited_states(), ElementsAre("CheckInventory", "IsInventoryAvailable",
                                                "ProcessPayment", "CreateShippingLabel"));
  EXPECT_EQ(run.elapsed(), std::chrono::seconds(2));
  ASSERT_EQ(run.transitions().size(), 4U);
  EXPECT_EQ(run.transitions()[1].from_name(), "IsInventoryAvailable");
  EXPECT_EQ(run.transitions()[1].to_name(), "ProcessPayment");
  EXPECT_EQ(run.transitions()[1].kind, sim::TransitionKind::kChoiceRule);
  EXPECT_EQ(run.transitions()[1].index, 0);
  EXPECT_EQ(run.transitions()[3].kind, sim::TransitionKind::kEnd);
  EXPECT_EQ(run.history().front().type, sim::EventType::kExecutionStarted);
  EXPECT_EQ(run.history().back().type, sim::EventType::kExecutionSucceeded);
}

TEST(HarnessTest, ScriptAnswersChainPerInvocationThenFallThrough) {
  // ASL: RTY-05 (3 s, then 4.5 s), MOCK-06 (invocations count retries)
  auto harness = Harness::FromFile(kOrder);
  harness.MockState("CheckInventory").Returns(kAvailable);
  harness.MockState("ProcessPayment")
      .Throws("PaymentGatewayTimeout", "slow")
      .Throws("PaymentGatewayTimeout", "slow");
  harness.MockState("CreateShippingLabel").Returns({{"tracking", "1Z"}});
  const RunResult run = harness.Run();
  // The third attempt has no scripted answer and nothing else answers it.
  EXPECT_EQ(run.status(), sim::ExecutionStatus::kFailed);
  EXPECT_EQ(run.error(), "States.Runtime");
  EXPECT_EQ(run.cause(),
            "No outcome configured for Task state 'ProcessPayment' (resource "
            "arn:aws:lambda:us-east-1:123456789012:function:process-payment-func, invocation 2): "
            "give the run a TaskHandler or task_function that answers it, or a MockConfigFile "
            "response for this state.");
  EXPECT_EQ(run.elapsed(), std::chrono::milliseconds(7500));

  harness.MockState("ProcessPayment").Returns({{"paymentId", "p-1"}});
  EXPECT_EQ(harness.Run().status(), sim::ExecutionStatus::kSucceeded);
}

TEST(HarnessTest, AlwaysRepeatsTheLastAnswer) {
  // ASL: RTY-06 (MaxAttempts 2: the third failure is not retried)
  auto harness = Harness::FromFile(kOrder);
  harness.MockState("CheckInventory").Returns(kAvailable);
  harness.MockState("ProcessPayment").AlwaysThrows("PaymentGatewayTimeout", "slow");
  const RunResult run = harness.Run();
  EXPECT_EQ(run.error(), "PaymentGatewayTimeout");
  EXPECT_EQ(run.cause(), "slow");
  EXPECT_THAT(run.visited_states(),
              ElementsAre("CheckInventory", "IsInventoryAvailable", "ProcessPayment"));
  EXPECT_EQ(harness.MockState("ProcessPayment").answers().size(), 1U);
  EXPECT_TRUE(harness.MockState("ProcessPayment").repeats_last());
}

TEST(HarnessTest, AnswersAfterAlwaysAreRejected) {
  auto harness = Harness::FromFile(kOrder);
  auto& script = harness.MockState("CheckInventory").AlwaysReturns(kAvailable);
  try {
    script.Returns(kAvailable);
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "MockState(\"CheckInventory\"): an answer after Always() is never used; give it "
                 "before Always()");
  }
  EXPECT_THROW(harness.MockState("ProcessPayment").Always(), UsageError);
}

TEST(HarnessTest, MockStateOfANonTaskStateNamesTheTaskStates) {
  auto harness = Harness::FromFile(kOrder);
  try {
    harness.MockState("IsInventoryAvailable");
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "MockState(\"IsInventoryAvailable\"): \"IsInventoryAvailable\" is a Choice "
                 "state; only Task states are invoked (Task states: \"CheckInventory\", "
                 "\"ProcessPayment\", \"CreateShippingLabel\", \"NotifyUserOfFailure\")");
  }
  try {
    harness.MockState("ChargeCard");
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no state is named \"ChargeCard\""));
  }
}

TEST(HarnessTest, BadDefinitionsThrowDiagnosticsWithPositions) {
  try {
    Harness::FromString(R"({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"},
                           "C": {"Type": "Succeed"}}})");
    FAIL() << "expected a DefinitionError";
  } catch (const asl::DefinitionError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].code, "MISSING_TRANSITION_TARGET");
    EXPECT_EQ(e.diagnostics()[0].pointer, "/States/A/Next");
  }
  try {
    Harness::FromFile(STEPSIM_SOURCE_DIR "/fixtures/no-such-file.asl.json");
    FAIL() << "expected a DefinitionError";
  } catch (const asl::DefinitionError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1U);
    EXPECT_EQ(e.diagnostics()[0].code, "FILE_NOT_READABLE");
  }
  EXPECT_THROW(Harness(nullptr), UsageError);
}

TEST(HarnessTest, FileDiagnosticsNameFileLineColumnAndPointer) {
  const std::string path =
      STEPSIM_SOURCE_DIR "/fixtures/invalid/catch-next-missing-target.asl.json";
  try {
    Harness::FromFile(path);
    FAIL() << "expected a DefinitionError";
  } catch (const asl::DefinitionError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_THAT(
        asl::FormatDiagnostic(e.diagnostics()[0]),
        ::testing::EndsWith("catch-next-missing-target.asl.json:41:19: "
                            "error[MISSING_TRANSITION_TARGET]: /States/Charge/Catch/0/Next: "
                            "no state named \"Refunds\""));
  }
}

// The STYLE.md example as written, with its fixture given inline; Ship is
// answered too, and a retry is no new state entry (RTY-08), so ChargeCard is
// visited once.
#define STEPSIM_FIXTURE(name) name
const char* const kStyleOrder = R"({
  "StartAt": "Validate",
  "States": {
    "Validate": {"Type": "Pass", "Next": "ChargeCard"},
    "ChargeCard": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Ship",
                   "Retry": [{"ErrorEquals": ["Payment.Declined"], "IntervalSeconds": 2}]},
    "Ship": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}
  }
})";

TEST(OrderWorkflowTest, RetriesDeclinedChargeThenShips) {
  auto harness = Harness::FromString(STEPSIM_FIXTURE(kStyleOrder));
  harness.MockState("ChargeCard")
      .Throws("Payment.Declined", "card declined")
      .Returns({{"chargeId", "ch-1"}});
  harness.MockState("Ship").Returns({{"shipped", true}});
  const auto run = harness.Run({{"orderId", "o-1"}});
  EXPECT_THAT(run, Succeeded());
  EXPECT_THAT(run, VisitedStates(ElementsAre("Validate", "ChargeCard", "Ship")));
  EXPECT_EQ(run.elapsed(), std::chrono::seconds(2));  // virtual time
}
#undef STEPSIM_FIXTURE

TEST(HarnessTest, WithScriptPlaysAnOutcomeScript) {
  auto harness = Harness::FromString(kStyleOrder);
  OutcomeScript script;
  script.Add("ChargeCard", sim::TaskOutcome::Fail("Payment.Declined", "no"))
      .Add("ChargeCard", sim::TaskOutcome::Succeed({{"chargeId", "ch-2"}}))
      .Add("Ship", sim::TaskOutcome::Succeed("shipped"));
  const RunResult run = harness.WithScript(script).Run();
  EXPECT_THAT(run, HasOutput("shipped"));
  EXPECT_THAT(run, Retried("ChargeCard", 1));
}

TEST(HarnessTest, HarnessPrintsItsSetUp) {
  auto harness = Harness::FromFile(kOrder);
  harness.WithSeed(7).MockState("CheckInventory").Returns(kAvailable).Always();
  harness.Faults().TaskTimeout("ProcessPayment", Attempt(2));
  harness.UseMockConfig(kOrderMocks, "order-processing", "HappyPath");
  const Json j = harness;
  EXPECT_EQ(j["definition"], kOrder);
  EXPECT_EQ(j["seed"], 7);
  EXPECT_EQ(j["scripts"]["CheckInventory"]["repeatsLast"], true);
  EXPECT_EQ(j["faults"]["faults"][0]["kind"], "TaskTimeout");
  EXPECT_EQ(j["mockConfig"], true);
  EXPECT_EQ(j["mockTasks"], false);
  EXPECT_EQ(::testing::PrintToString(harness), j.dump());
}

TEST(HarnessTest, MockConfigTestCaseAnswersWhatScriptsLeaveOpen) {
  // ASL: MOCK-09 (unlisted states go to the next source)
  auto harness = Harness::FromFile(kOrder);
  harness.UseMockConfig(kOrderMocks, "order-processing", "HappyPath");
  harness.MockState("CreateShippingLabel").Returns({{"tracking", "SCRIPTED"}});
  const RunResult run = harness.Run();
  EXPECT_EQ(run.status(), sim::ExecutionStatus::kSucceeded);
  // The script wins over the test case for CreateShippingLabel.
  EXPECT_EQ(run.output(), Json({{"tracking", "SCRIPTED"}}));
  // The test case answered ProcessPayment.
  bool saw_payment = false;
  for (const auto& e : run.history()) {
    if (e.type == sim::EventType::kLambdaFunctionSucceeded && e.state != nullptr &&
        e.state->name == "ProcessPayment") {
      saw_payment = true;
      EXPECT_EQ((*e.output)["paymentId"], "pay-7781");
    }
  }
  EXPECT_TRUE(saw_payment);
  EXPECT_THROW(harness.UseMockConfig(kOrderMocks, "order-processing", "NoSuchCase"),
               asl::DefinitionError);
}

class CountingHandler : public sim::TaskHandler {
 public:
  explicit CountingHandler(std::string answers_state) : state_(std::move(answers_state)) {}
  std::optional<sim::TaskOutcome> Invoke(const sim::TaskInvocation& call) override {
    ++calls;
    if (call.state->name != state_) return std::nullopt;
    return sim::TaskOutcome::Succeed({{"from", "handler"}, {"state", state_}});
  }
  int calls = 0;

 private:
  std::string state_;
};

TEST(HarnessTest, SourcesAreAskedFaultsGmockScriptsHandlersThenMockConfig) {
  auto harness = Harness::FromFile(kOrder);
  auto handler = std::make_shared<CountingHandler>("CreateShippingLabel");
  harness.AddHandler(handler);
  harness.UseMockConfig(kOrderMocks, "order-processing", "HappyPath");
  RunResult run = harness.Run();
  // The handler comes before the MockConfig test case.
  EXPECT_EQ(run.output(), Json({{"from", "handler"}, {"state", "CreateShippingLabel"}}));
  EXPECT_EQ(handler->calls, 3);

  // A script comes before the handler.
  harness.MockState("CreateShippingLabel").Returns({{"from", "script"}});
  EXPECT_EQ(harness.Run().output(), Json({{"from", "script"}}));

  // gmock tasks come before the script.
  MockTasks tasks;
  EXPECT_CALL(tasks, Invoke("CreateShippingLabel", ::testing::_))
      .WillOnce(Return({{"from", "gmock"}}));
  harness.UseMockTasks(tasks);
  EXPECT_EQ(harness.Run().output(), Json({{"from", "gmock"}}));

  // Faults come first.
  harness.Faults().ErrorAt("CreateShippingLabel", "Injected", "by the fault injector");
  run = harness.Run();
  EXPECT_EQ(run.error(), "Injected");
  EXPECT_EQ(run.cause(), "by the fault injector");
}

class EventCounter : public sim::ExecutionListener {
 public:
  void OnEvent(const sim::HistoryEvent& /*event*/) override { ++events; }
  void OnTransition(const sim::Transition& /*transition*/) override { ++transitions; }
  int events = 0;
  int transitions = 0;
};

TEST(HarnessTest, ListenersSeeEveryEventAndTransition) {
  auto harness = Harness::FromFile(kOrder);
  harness.UseMockConfig(kOrderMocks, "order-processing", "HappyPath");
  EventCounter counter;
  harness.AddListener(&counter);
  const RunResult run = harness.Run();
  EXPECT_EQ(counter.events, static_cast<int>(run.history().size()));
  EXPECT_EQ(counter.transitions, static_cast<int>(run.transitions().size()));
  EXPECT_THROW(harness.AddListener(nullptr), UsageError);
}

TEST(HarnessTest, CopiesShareTheDefinitionButNotTheirScripts) {
  auto original = Harness::FromFile(kOrder);
  original.MockState("CheckInventory").Returns({{"inventory", {{"status", "gone"}}}});
  Harness copy = original;
  copy.MockState("CheckInventory").Returns(kAvailable);  // a second answer, copy only
  EXPECT_EQ(&copy.definition(), &original.definition());
  EXPECT_EQ(original.MockState("CheckInventory").answers().size(), 1U);
  EXPECT_EQ(copy.MockState("CheckInventory").answers().size(), 2U);
  EXPECT_EQ(original.Run().error(), std::nullopt);  // Fail state without Error
}

TEST(HarnessTest, SameSeedSameExecution) {
  // ASL: PAR-07 (seeded interleaving)
  auto harness = Harness::FromString(R"({
    "StartAt": "P",
    "States": {
      "P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
        {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}
      ]}
    }
  })");
  harness.MockState("A").Returns(1, std::chrono::seconds(1));
  harness.MockState("B").Returns(2, std::chrono::seconds(1));
  harness.WithSeed(42);
  const RunResult a = harness.Run();
  const RunResult b = harness.Run();
  EXPECT_EQ(a.execution(), b.execution());
  EXPECT_EQ(a.transitions(), b.transitions());
  EXPECT_EQ(a.seed(), 42U);
  EXPECT_EQ(a.output(), Json({1, 2}));
}

TEST(HarnessTest, OptionsReachTheRun) {
  auto harness = Harness::FromString(R"({
    "StartAt": "Loop",
    "States": {
      "Loop": {"Type": "Pass", "Next": "Check"},
      "Check": {"Type": "Choice", "Default": "Loop",
                "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}]},
      "Done": {"Type": "Succeed"}
    }
  })");
  harness.options().limits.max_state_transitions = 5;
  const RunResult run = harness.Run();
  EXPECT_EQ(run.status(), sim::ExecutionStatus::kFailed);
  EXPECT_EQ(run.error(), "States.Runtime");
  EXPECT_EQ(run.visited_states().size(), 5U);
}

TEST(HarnessTest, TimesOutTakesTheStatesTimeoutSeconds) {
  // ASL: TASK-04
  auto harness = Harness::FromString(R"({
    "StartAt": "T",
    "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "TimeoutSeconds": 30, "HeartbeatSeconds": 10, "End": true}}
  })");
  harness.MockState("T").TimesOut();
  const RunResult run = harness.Run();
  EXPECT_EQ(run.error(), "States.Timeout");
  EXPECT_EQ(run.elapsed(), std::chrono::seconds(30));
  ASSERT_EQ(run.transitions().size(), 1U);
  EXPECT_FALSE(run.transitions()[0].heartbeat);  // a timeout, not a heartbeat lapse
}

TEST(HarnessTest, PrintsJsonNotBytes) {
  auto harness = Harness::FromFile(kOrder);
  harness.UseMockConfig(kOrderMocks, "order-processing", "PaymentDeclined");
  const RunResult run = harness.Run();
  EXPECT_EQ(::testing::PrintToString(run),
            R"({"cause":"card ending 4242 was declined: insufficient funds","elapsedMillis":0,)"
            R"("error":"PaymentDeclined","seed":0,"status":"FAILED"})");
  EXPECT_EQ(::testing::PrintToString(run.transitions()[1]),
            R"({"from":"IsInventoryAvailable","index":0,"kind":"ChoiceRule",)"
            R"("time":"2025-01-01T00:00:00.000Z","to":"ProcessPayment"})");
  EXPECT_EQ(::testing::PrintToString(harness.MockState("ProcessPayment").Throws("E", "c")),
            R"({"answers":[{"cause":"c","error":"E","kind":"Failed","latencyMillis":0}],)"
            R"("repeatsLast":false,"state":"ProcessPayment"})");
  // gtest prints a JSON value as its compact text.
  EXPECT_EQ(::testing::PrintToString(Json{{"a", 1}, {"b", {true, nullptr}}}),
            R"({"a":1,"b":[true,null]})");
  const Json j = run;
  EXPECT_EQ(j["visitedStates"], Json({"CheckInventory", "IsInventoryAvailable", "ProcessPayment"}));
  EXPECT_EQ(j["transitions"][2]["kind"], "ErrorOut");
  EXPECT_EQ(j["transitions"][2]["error"], "PaymentDeclined");
}

}  // namespace
}  // namespace stepsim::test
