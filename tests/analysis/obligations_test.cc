#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/analysis/obligations.h>
#include <stepsim/asl/loader.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/mock_config.h>

#include <memory>
#include <string>
#include <vector>

#include "../sim/sim_test_util.h"

namespace stepsim::analysis {
namespace {

using sim::Json;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

std::vector<std::string> Ids(const Obligations& obligations) {
  std::vector<std::string> ids;
  for (const Obligation& o : obligations.all()) ids.push_back(o.id);
  return ids;
}

std::vector<std::string> Hit(const ObligationTracker& tracker) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < tracker.hits().size(); ++i) {
    if (tracker.hits()[i] > 0) ids.push_back(tracker.obligations()[i].id);
  }
  return ids;
}

std::vector<std::string> Missed(const ObligationTracker& tracker) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < tracker.hits().size(); ++i) {
    if (tracker.hits()[i] == 0) ids.push_back(tracker.obligations()[i].id);
  }
  return ids;
}

std::shared_ptr<const asl::Definition> Order() {
  return asl::LoadFile(STEPSIM_FIXTURES_DIR "/order-processing/definition.asl.json");
}

TEST(ObligationsTest, OrderWorkflowListsEveryStateEdgeRetryCatchAndUncaughtError) {
  const auto definition = Order();
  const Obligations obligations = Obligations::For(*definition);
  // ASL: RTY-06 (retried and exhausted), CAT-02, CHO-01 (rules and Default).
  EXPECT_THAT(
      Ids(obligations),
      ElementsAre("state:CheckInventory", "transition:CheckInventory->IsInventoryAvailable",
                  "transition:CheckInventory->InventoryErrorState", "catch:CheckInventory#0",
                  "state:IsInventoryAvailable", "transition:IsInventoryAvailable->ProcessPayment",
                  "transition:IsInventoryAvailable->InventoryUnavailableState",
                  "choice:IsInventoryAvailable#0", "choice:IsInventoryAvailable#default",
                  "state:ProcessPayment", "transition:ProcessPayment->CreateShippingLabel",
                  "retry:ProcessPayment#0:retried", "retry:ProcessPayment#0:exhausted",
                  "uncaught:ProcessPayment", "state:CreateShippingLabel",
                  "transition:CreateShippingLabel->(end)", "uncaught:CreateShippingLabel",
                  "state:InventoryUnavailableState", "state:InventoryErrorState",
                  "transition:InventoryErrorState->NotifyUserOfFailure",
                  "state:NotifyUserOfFailure", "transition:NotifyUserOfFailure->(end)",
                  "uncaught:NotifyUserOfFailure"));
  EXPECT_EQ(obligations.Count(Criterion::kStates), 7U);
  EXPECT_EQ(obligations.Count(Criterion::kTransitions), 8U);
  EXPECT_EQ(obligations.Count(Criterion::kChoices), 2U);
  EXPECT_EQ(obligations.Count(Criterion::kRetries), 2U);
  EXPECT_EQ(obligations.Count(Criterion::kCatches), 1U);
  EXPECT_EQ(obligations.Count(Criterion::kErrors), 3U);
}

TEST(ObligationsTest, ObligationsPointAtTheirSource) {
  const auto definition = Order();
  const Obligations obligations = Obligations::For(*definition);
  const Obligation& retried = obligations[*obligations.Find("retry:ProcessPayment#0:retried")];
  EXPECT_EQ(retried.source.pointer, "/States/ProcessPayment/Retry/0");
  EXPECT_EQ(retried.source.position.line, 20);
  EXPECT_EQ(retried.description, "ProcessPayment: retrier 0 [PaymentGatewayTimeout] retried");
  const Obligation& end = obligations[*obligations.Find("transition:CreateShippingLabel->(end)")];
  EXPECT_EQ(end.source.pointer, "/States/CreateShippingLabel/End");
  EXPECT_EQ(end.source.position.line, 25);
  const Obligation& dflt = obligations[*obligations.Find("choice:IsInventoryAvailable#default")];
  EXPECT_EQ(dflt.source.pointer, "/States/IsInventoryAvailable/Default");
  EXPECT_EQ(dflt.criterion, Criterion::kChoices);
  EXPECT_EQ(
      Json(dflt).dump(),
      R"j({"column":18,"criterion":"choices","description":"IsInventoryAvailable: no rule matched, Default taken (-> InventoryUnavailableState)","id":"choice:IsInventoryAvailable#default","kind":"ChoiceDefault","line":14,"pointer":"/States/IsInventoryAvailable/Default","state":"IsInventoryAvailable"})j");
}

TEST(ObligationsTest, CriterionNamesRoundTrip) {
  for (Criterion c : kAllCriteria) EXPECT_EQ(ParseCriterion(ToString(c)), c);
  EXPECT_EQ(ParseCriterion("branches"), std::nullopt);
}

TEST(ObligationTrackerTest, TheNineOrderTestCasesCoverEveryObligation) {
  const auto definition = Order();
  const Obligations obligations = Obligations::For(*definition);
  ObligationTracker tracker(obligations);
  const auto mocks = std::make_shared<const sim::MockConfig>(
      sim::MockConfig::LoadFile(STEPSIM_FIXTURES_DIR "/order-processing/mocks.json"));
  const sim::Interpreter interpreter(definition);
  for (const std::string& test_case : mocks->TestCaseNames("order-processing")) {
    sim::MockTaskHandler handler(mocks, "order-processing", test_case);
    sim::Options options;
    options.task_handlers.push_back(&handler);
    options.listeners.push_back(&tracker);
    interpreter.Run(Json::object(), options);
  }
  EXPECT_THAT(Missed(tracker), IsEmpty());
}

TEST(ObligationTrackerTest, RetriedThenExhaustedThenUncaught) {
  const auto definition = Order();
  const Obligations obligations = Obligations::For(*definition);
  ObligationTracker tracker(obligations);
  sim::testutil::ScriptHandler handler;
  handler.On("CheckInventory",
             {sim::TaskOutcome::Succeed(Json{{"inventory", {{"status", "available"}}}})});
  handler.On("ProcessPayment", {sim::TaskOutcome::Fail("PaymentGatewayTimeout", "slow")});
  sim::Options options;
  options.task_handlers.push_back(&handler);
  options.listeners.push_back(&tracker);
  const sim::Execution run = sim::Interpreter(definition).Run(Json::object(), options);
  ASSERT_EQ(run.status, sim::ExecutionStatus::kFailed);
  // ASL: RTY-06 -- two retries, then the third failure exhausts the retrier.
  EXPECT_EQ(tracker.hits()[*obligations.Find("retry:ProcessPayment#0:retried")], 2);
  EXPECT_EQ(tracker.hits()[*obligations.Find("retry:ProcessPayment#0:exhausted")], 1);
  EXPECT_EQ(tracker.hits()[*obligations.Find("uncaught:ProcessPayment")], 1);
  EXPECT_EQ(tracker.hits()[*obligations.Find("transition:ProcessPayment->CreateShippingLabel")], 0);
  std::vector<std::string> fresh;
  for (std::size_t i : tracker.TakeNewlyHit()) fresh.push_back(obligations[i].id);
  EXPECT_THAT(
      fresh,
      ElementsAre("state:CheckInventory", "transition:CheckInventory->IsInventoryAvailable",
                  "state:IsInventoryAvailable", "transition:IsInventoryAvailable->ProcessPayment",
                  "choice:IsInventoryAvailable#0", "state:ProcessPayment",
                  "retry:ProcessPayment#0:retried", "retry:ProcessPayment#0:exhausted",
                  "uncaught:ProcessPayment"));
  EXPECT_THAT(tracker.TakeNewlyHit(), IsEmpty());
  tracker.Reset();
  EXPECT_THAT(Hit(tracker), IsEmpty());
}

constexpr const char* kBranchy = R"({
  "StartAt": "Pick",
  "States": {
    "Pick": {"Type": "Choice",
             "Choices": [{"Variable": "$.go", "BooleanEquals": true, "Next": "Fan"}]},
    "Fan": {"Type": "Parallel", "End": true,
            "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}],
            "Branches": [
              {"StartAt": "Work", "States": {
                "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                         "TimeoutSeconds": 5, "HeartbeatSeconds": 2, "End": true}}}]},
    "TimedOut": {"Type": "Succeed"}
  }
})";

TEST(ObligationTrackerTest, NoChoiceMatchedTimeoutsAndBranchOutcomes) {
  const auto definition = asl::Load(kBranchy);
  const Obligations obligations = Obligations::For(*definition);
  EXPECT_THAT(Ids(obligations),
              ElementsAreArray({"state:Pick", "transition:Pick->Fan", "choice:Pick#0",
                                "choice:Pick#nomatch", "state:Fan", "transition:Fan->(end)",
                                "transition:Fan->TimedOut", "catch:Fan#0", "uncaught:Fan",
                                "branches:Fan:succeeded", "branches:Fan:failed", "state:Work",
                                "transition:Work->(end)", "uncaught:Work", "timeout:Work",
                                "heartbeat:Work", "state:TimedOut", "transition:TimedOut->(end)"}));
  EXPECT_EQ(obligations[*obligations.Find("uncaught:Work")].description,
            "Work: an error no catcher handles fails the enclosing branch");

  ObligationTracker tracker(obligations);
  const sim::Interpreter interpreter(definition);
  const auto run = [&](const Json& input, std::optional<sim::TaskOutcome> outcome) {
    sim::testutil::FnHandler handler([&](const sim::TaskInvocation&) { return outcome; });
    sim::Options options;
    options.task_handlers.push_back(&handler);
    options.listeners.push_back(&tracker);
    return interpreter.Run(input, options);
  };
  // ASL: CHO-04 -- no rule matches and there is no Default.
  EXPECT_EQ(run(Json{{"go", false}}, std::nullopt).error, "States.NoChoiceMatched");
  EXPECT_THAT(tracker.TakeNewlyHit(), ElementsAre(*obligations.Find("state:Pick"),
                                                  *obligations.Find("choice:Pick#nomatch")));

  // ASL: TASK-05 -- the task outlives TimeoutSeconds; the branch fails and
  // the Parallel's catcher handles States.Timeout.
  sim::TaskOutcome beating = sim::TaskOutcome::Succeed(Json::object(), sim::Millis{10000});
  for (int s = 1; s < 10; ++s) beating.heartbeats.push_back(sim::Millis{s * 1000});
  EXPECT_EQ(run(Json{{"go", true}}, beating).status, sim::ExecutionStatus::kSucceeded);
  EXPECT_EQ(tracker.hits()[*obligations.Find("timeout:Work")], 1);
  EXPECT_EQ(tracker.hits()[*obligations.Find("uncaught:Work")], 1);
  EXPECT_EQ(tracker.hits()[*obligations.Find("branches:Fan:failed")], 1);
  EXPECT_EQ(tracker.hits()[*obligations.Find("catch:Fan#0")], 1);
  EXPECT_EQ(tracker.hits()[*obligations.Find("heartbeat:Work")], 0);

  // ASL: TASK-06 -- no heartbeat within HeartbeatSeconds.
  sim::TaskOutcome slow = sim::TaskOutcome::Succeed(Json::object(), sim::Millis{4000});
  run(Json{{"go", true}}, slow);
  EXPECT_EQ(tracker.hits()[*obligations.Find("heartbeat:Work")], 1);

  run(Json{{"go", true}}, sim::TaskOutcome::Succeed(Json::object()));
  EXPECT_EQ(tracker.hits()[*obligations.Find("branches:Fan:succeeded")], 1);
  EXPECT_EQ(tracker.hits()[*obligations.Find("transition:Fan->(end)")], 1);
  EXPECT_THAT(Missed(tracker), ElementsAre("uncaught:Fan"));
}

TEST(ObligationTrackerTest, DistributedMapChildExecutionsCount) {
  // ASL: DMAP-05 -- child executions keep their own histories, but their
  // states are still covered.
  const auto definition = asl::Load(R"({"StartAt": "M", "States": {"M": {"Type": "Map",
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
      "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
    "End": true}}})");
  const Obligations obligations = Obligations::For(*definition);
  ObligationTracker tracker(obligations);
  sim::Options options;
  options.listeners.push_back(&tracker);
  const sim::Execution run = sim::Interpreter(definition).Run(Json::array({1, 2, 3}), options);
  ASSERT_EQ(run.status, sim::ExecutionStatus::kSucceeded);
  EXPECT_EQ(tracker.hits()[*obligations.Find("state:P")], 3);
  EXPECT_EQ(tracker.hits()[*obligations.Find("transition:P->(end)")], 3);
  EXPECT_EQ(tracker.hits()[*obligations.Find("branches:M:succeeded")], 1);
}

}  // namespace
}  // namespace stepsim::analysis
