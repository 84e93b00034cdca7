#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/analysis/obligations.h>
#include <stepsim/analysis/witness.h>
#include <stepsim/asl/loader.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/options.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "analysis_test_util.h"

namespace stepsim::analysis {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::shared_ptr<const asl::Definition> Order() {
  return asl::LoadFile(std::string(STEPSIM_FIXTURES_DIR) + "/order-processing/definition.asl.json");
}

std::shared_ptr<const asl::Definition> FromText(const std::string& text) { return asl::Load(text); }

const Witness* Find(const WitnessSuite& suite, const std::string& target) {
  for (const Witness& w : suite.witnesses) {
    if (std::find(w.covers.begin(), w.covers.end(), target) != w.covers.end()) return &w;
  }
  return nullptr;
}

// One "obligation: reason" line per obligation left unwitnessed, for failure
// messages.
std::string UnwitnessedText(const WitnessSuite& suite) {
  std::string text;
  for (const Unwitnessed& u : suite.unwitnessed) text += u.obligation + ": " + u.reason + "\n";
  return text;
}

// Re-runs a witness in a fresh interpreter and returns the obligation ids it
// hits: what a user running the generated scenario would see.
std::vector<std::string> Rerun(const std::shared_ptr<const asl::Definition>& def, const Witness& w,
                               sim::Execution* out = nullptr) {
  const Obligations obligations = Obligations::For(*def);
  ObligationTracker tracker(obligations);
  WitnessTaskHandler handler(w);
  sim::Options options;
  options.task_handlers = {&handler};
  options.listeners = {&tracker};
  sim::Interpreter interpreter(def);
  sim::Execution run = interpreter.Run(w.input, options);
  std::vector<std::string> ids;
  for (std::size_t i : tracker.TakeNewlyHit()) ids.push_back(obligations[i].id);
  if (out != nullptr) *out = std::move(run);
  return ids;
}

TEST(WitnessTest, OrderWorkflowSuiteCoversEveryObligation) {
  const auto def = Order();
  const WitnessSuite suite = SynthesizeWitnesses(def);
  EXPECT_EQ(suite.covered, suite.obligations);
  EXPECT_THAT(suite.unwitnessed, IsEmpty());
  // Replaying every witness independently covers everything too.
  const Obligations obligations = Obligations::For(*def);
  std::vector<bool> hit(obligations.size(), false);
  for (const Witness& w : suite.witnesses) {
    for (const std::string& id : Rerun(def, w)) hit[*obligations.Find(id)] = true;
  }
  for (std::size_t i = 0; i < obligations.size(); ++i) {
    EXPECT_TRUE(hit[i]) << obligations[i].id;
  }
  // Smallest: the workflow has six distinct ends (success, the catch path, the
  // Default's Fail, and payment, shipping, notification failing uncaught),
  // and each scenario reaches one.
  EXPECT_EQ(suite.witnesses.size(), 6U);
}

TEST(WitnessTest, OrderWorkflowRetryExhaustionThrowsThreeTimes) {
  const auto def = Order();
  const WitnessSuite suite = SynthesizeWitnesses(def);
  const Witness* w = Find(suite, "retry:ProcessPayment#0:exhausted");
  ASSERT_NE(w, nullptr);
  // Inventory must be "available" for the Choice to reach the payment.
  EXPECT_EQ(w->status, sim::ExecutionStatus::kFailed);
  EXPECT_EQ(w->error, "PaymentGatewayTimeout");  // ASL: RTY-06
  EXPECT_THAT(w->visited_states,
              ElementsAre("CheckInventory", "IsInventoryAvailable", "ProcessPayment"));
  std::map<std::string, std::vector<TaskAnswer>> outcomes(w->outcomes.begin(), w->outcomes.end());
  ASSERT_EQ(outcomes["ProcessPayment"].size(), 3U);
  for (const TaskAnswer& a : outcomes["ProcessPayment"]) {
    EXPECT_TRUE(a.is_throw);
    EXPECT_EQ(a.error, "PaymentGatewayTimeout");
  }
  ASSERT_EQ(outcomes["CheckInventory"].size(), 1U);
  EXPECT_EQ(outcomes["CheckInventory"][0].value,
            nlohmann::json::parse(R"({"inventory":{"status":"available"}})"));
  // 3 s then 4.5 s of backoff on the virtual clock.
  EXPECT_EQ(w->elapsed_millis, 7500);
}

TEST(WitnessTest, ChoiceDefaultNeedsAValueThatIsNotTheLiteral) {
  const auto def = Order();
  const WitnessSuite suite = SynthesizeWitnesses(def);
  const Witness* w = Find(suite, "choice:IsInventoryAvailable#default");
  ASSERT_NE(w, nullptr);
  // The Fail state has a Cause and no Error.
  EXPECT_EQ(w->status, sim::ExecutionStatus::kFailed);
  EXPECT_EQ(w->visited_states.back(), "InventoryUnavailableState");
  EXPECT_NE(w->outcomes.at(0).second.at(0).value["inventory"]["status"], "available");
  sim::Execution run;
  const auto ids = Rerun(def, *w, &run);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "choice:IsInventoryAvailable#default"), ids.end());
}

TEST(WitnessTest, SolvesInputThroughInputPathParametersAndResultPath) {
  const auto def = FromText(R"({
    "StartAt": "Load",
    "States": {
      "Load": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f",
               "InputPath": "$.order", "Parameters": {"id.$": "$.id"},
               "ResultSelector": {"level.$": "$.Payload.level"},
               "ResultPath": "$.customer", "Next": "Route"},
      "Route": {"Type": "Choice", "Choices": [
          {"And": [{"Variable": "$.customer.level", "NumericGreaterThanEquals": 3},
                   {"Variable": "$.order.total", "NumericLessThan": 100}], "Next": "Gold"},
          {"Variable": "$.order.coupon", "StringMatches": "SAVE*", "Next": "Coupon"},
          {"Not": {"Variable": "$.order.when", "TimestampLessThan": "2025-06-01T00:00:00Z"},
           "Next": "Late"}],
        "Default": "Plain"},
      "Gold": {"Type": "Succeed"}, "Coupon": {"Type": "Succeed"},
      "Late": {"Type": "Succeed"}, "Plain": {"Type": "Succeed"}
    }
  })");
  const WitnessSuite suite = SynthesizeWitnesses(def);
  EXPECT_EQ(suite.covered, suite.obligations) << nlohmann::json(suite).dump(1);
  const Witness* gold = Find(suite, "choice:Route#0");
  ASSERT_NE(gold, nullptr);
  // The level reaches the Choice from the task result through ResultSelector
  // and ResultPath; the total comes from the execution input.
  EXPECT_GE(gold->outcomes.at(0).second.at(0).value["Payload"]["level"].get<double>(), 3);
  EXPECT_LT(gold->input["order"]["total"].get<double>(), 100);
  EXPECT_TRUE(gold->input["order"].contains("id"));
}

TEST(WitnessTest, ReportsShadowedCatcherAsInfeasible) {
  const auto def = FromText(R"({
    "StartAt": "T",
    "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true,
            "Catch": [{"ErrorEquals": ["Boom", "Bang"], "Next": "A"},
                      {"ErrorEquals": ["Boom"], "Next": "B"}]},
      "A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}
    }
  })");
  const WitnessSuite suite = SynthesizeWitnesses(def);
  std::vector<std::string> ids;
  for (const Unwitnessed& u : suite.unwitnessed) ids.push_back(u.obligation + " " + u.reason);
  EXPECT_THAT(ids, ::testing::Contains(
                       "catch:T#1 infeasible: catcher 1 never fires (every error it names is "
                       "caught by an earlier catcher)"));
}

TEST(WitnessTest, ReportsUnsupportedJsonataConditionWithTheReason) {
  const auto def = FromText(R"({
    "QueryLanguage": "JSONata",
    "StartAt": "C",
    "States": {
      "C": {"Type": "Choice", "Choices": [
              {"Condition": "{% $count($states.input.items) > 2 %}", "Next": "Many"},
              {"Condition": "{% $states.input.kind = 'x' %}", "Next": "X"}],
            "Default": "Other"},
      "Many": {"Type": "Succeed"}, "X": {"Type": "Succeed"}, "Other": {"Type": "Succeed"}
    }
  })");
  const WitnessSuite suite = SynthesizeWitnesses(def);
  // Rule 0 cannot be solved; the other rules are still witnessed (rule 0 is
  // assumed false, and the verifying run confirms it).
  std::vector<std::string> ids;
  for (const Unwitnessed& u : suite.unwitnessed) ids.push_back(u.obligation);
  EXPECT_THAT(
      ids, ElementsAre("transition:C->Many", "choice:C#0", "state:Many", "transition:Many->(end)"));
  EXPECT_EQ(suite.unwitnessed[0].reason,
            "unsupported: JSONata condition {% $count($states.input.items) > 2 %} (C rule 0)");
}

TEST(WitnessTest, SolvesSimpleJsonataConditions) {
  const auto def = FromText(R"({
    "QueryLanguage": "JSONata",
    "StartAt": "C",
    "States": {
      "C": {"Type": "Choice", "Choices": [
              {"Condition": "{% $states.input.n > 10 and $states.input.kind = 'x' %}",
               "Next": "X"}],
            "Default": "Other"},
      "X": {"Type": "Succeed"}, "Other": {"Type": "Succeed"}
    }
  })");
  const WitnessSuite suite = SynthesizeWitnesses(def);
  EXPECT_EQ(suite.covered, suite.obligations);
  const Witness* x = Find(suite, "choice:C#0");
  ASSERT_NE(x, nullptr);
  EXPECT_GT(x->input["n"].get<double>(), 10);
  EXPECT_EQ(x->input["kind"], "x");
}

TEST(WitnessTest, CoversParallelBranchFailureAndMapIterations) {
  const auto def = FromText(R"({
    "StartAt": "P",
    "States": {
      "P": {"Type": "Parallel", "Next": "M",
            "Catch": [{"ErrorEquals": ["Bad"], "ResultPath": "$.err", "Next": "Handled"}],
            "Branches": [
              {"StartAt": "A", "States": {"A": {"Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:1:function:a", "End": true}}},
              {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]},
      "M": {"Type": "Map", "ItemsPath": "$[0].items", "End": true,
            "ItemProcessor": {"StartAt": "Check", "States": {
              "Check": {"Type": "Choice", "Choices": [
                {"Variable": "$.ok", "BooleanEquals": true, "Next": "Fine"}],
                "Default": "Broken"},
              "Fine": {"Type": "Succeed"},
              "Broken": {"Type": "Fail", "Error": "Item.Broken"}}}},
      "Handled": {"Type": "Succeed"}
    }
  })");
  const WitnessSuite suite = SynthesizeWitnesses(def);
  EXPECT_EQ(suite.covered, suite.obligations) << UnwitnessedText(suite);
  const Witness* broken = Find(suite, "state:Broken");
  ASSERT_NE(broken, nullptr);
  EXPECT_EQ(broken->error, "Item.Broken");
  const Witness* caught = Find(suite, "catch:P#0");
  ASSERT_NE(caught, nullptr);
  EXPECT_EQ(caught->status, sim::ExecutionStatus::kSucceeded);
}

TEST(WitnessTest, TimeoutAndHeartbeatUseLatency) {
  const auto def = FromText(R"({
    "StartAt": "T",
    "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f",
            "TimeoutSeconds": 10, "HeartbeatSeconds": 4, "End": true,
            "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Late"}]},
      "Late": {"Type": "Succeed"}
    }
  })");
  const WitnessSuite suite = SynthesizeWitnesses(def);
  EXPECT_EQ(suite.covered, suite.obligations) << UnwitnessedText(suite);
  const Witness* t = Find(suite, "timeout:T");
  ASSERT_NE(t, nullptr);
  const Witness* h = Find(suite, "heartbeat:T");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->outcomes.at(0).second.at(0).latency_seconds, 4.5);
}

TEST(WitnessTest, FollowsIntrinsicsWithKnownArgumentsAndVariables) {
  const auto def = FromText(R"json({
    "StartAt": "Seed",
    "States": {
      "Seed": {"Type": "Pass", "Parameters": {"n": 2}, "Next": "Add"},
      "Add": {"Type": "Pass", "Parameters": {"m.$": "States.MathAdd($.n, 1)"},
              "Assign": {"limit.$": "$.m"}, "Next": "Load"},
      "Load": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f",
               "Next": "C"},
      "C": {"Type": "Choice", "Choices": [
              {"Variable": "$limit", "NumericEquals": 3, "Next": "Three"},
              {"Variable": "$.count", "NumericGreaterThanPath": "$limit", "Next": "Many"}],
            "Default": "Other"},
      "Three": {"Type": "Succeed"}, "Many": {"Type": "Succeed"}, "Other": {"Type": "Succeed"}
    }
  })json");
  const WitnessSuite suite = SynthesizeWitnesses(def);
  std::vector<std::string> ids;
  for (const Unwitnessed& u : suite.unwitnessed) ids.push_back(u.obligation + ": " + u.reason);
  // $limit is 3 on every run: rule 0 always matches.
  EXPECT_THAT(ids, ::testing::Contains(
                       "choice:C#1: infeasible: the Choice conditions along the path contradict "
                       "each other (C)"));
  EXPECT_NE(Find(suite, "choice:C#0"), nullptr);
}

TEST(WitnessTest, AllPathsWitnessesEveryPathOfTheOrderWorkflow) {
  const auto def = Order();
  WitnessOptions options;
  options.all_paths = true;
  const WitnessSuite suite = SynthesizeWitnesses(def, options);
  EXPECT_THAT(suite.unwitnessed_paths, IsEmpty());
  EXPECT_EQ(suite.witnesses.size(), suite.paths);
  EXPECT_GE(suite.paths, 8U);
  EXPECT_EQ(suite.covered, suite.obligations);
}

TEST(WitnessTest, SameInputsGiveTheSameSuite) {
  const auto def = Order();
  const WitnessSuite a = SynthesizeWitnesses(def);
  const WitnessSuite b = SynthesizeWitnesses(def);
  EXPECT_EQ(ScenarioFile(a, "d.json", 0).dump(), ScenarioFile(b, "d.json", 0).dump());
}

TEST(WitnessTest, ScenarioFileHasTheDocumentedShape) {
  const auto def = Order();
  const WitnessSuite suite = SynthesizeWitnesses(def);
  const auto file = ScenarioFile(suite, "../order/definition.asl.json", 7);
  EXPECT_EQ(file["Format"], "stepsim-scenarios/1");
  EXPECT_EQ(file["Definition"], "../order/definition.asl.json");
  EXPECT_EQ(file["Options"]["Seed"], 7);
  ASSERT_EQ(file["Scenarios"].size(), suite.witnesses.size());
  for (const auto& sc : file["Scenarios"]) {
    EXPECT_TRUE(sc.contains("Name"));
    EXPECT_TRUE(sc.contains("Input"));
    EXPECT_TRUE(sc["Expect"].contains("Status"));
    EXPECT_TRUE(sc["Expect"].contains("VisitedStates"));
    for (const auto& [state, answers] : sc["Outcomes"].items()) {
      for (const auto& a : answers)
        EXPECT_TRUE(a.contains("Return") || a.contains("Throw")) << state;
    }
  }
}

// Acceptance (issue 6): over the conformance corpus, generated suites cover at
// least 90% of obligations in total.
TEST(WitnessCorpusTest, CoversNinetyPercentOfCorpusObligations) {
  const std::filesystem::path root = CorpusRoot();
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no corpus at " << root;
  const std::vector<std::filesystem::path> files = CorpusDefinitions(root);
  std::size_t total = 0;
  std::size_t covered = 0;
  std::size_t loaded = 0;
  std::map<std::string, std::size_t> reasons;
  for (const auto& f : files) {
    std::shared_ptr<const asl::Definition> def;
    try {
      def = asl::LoadFile(f.string());
    } catch (const std::exception&) {
      continue;  // definitions the validator rejects have no obligations
    }
    ++loaded;
    const WitnessSuite suite = SynthesizeWitnesses(def);
    total += suite.obligations;
    covered += suite.covered;
    for (const Unwitnessed& u : suite.unwitnessed) {
      if (std::getenv("STEPSIM_WITNESS_DEBUG") != nullptr) {
        std::cout << f.parent_path().filename().string() << " " << u.obligation << ": " << u.reason
                  << "\n";
      }
      std::string key = u.reason.substr(0, u.reason.find(" ("));
      if (key.size() > 90) key = key.substr(0, 90);
      ++reasons[key];
    }
  }
  const double ratio = total == 0 ? 1.0 : static_cast<double>(covered) / static_cast<double>(total);
  std::cout << "corpus: " << loaded << " definitions, " << covered << "/" << total
            << " obligations covered (" << ratio * 100 << "%)\n";
  std::vector<std::pair<std::size_t, std::string>> top;
  for (const auto& [k, n] : reasons) top.emplace_back(n, k);
  std::sort(top.rbegin(), top.rend());
  for (std::size_t i = 0; i < top.size() && i < 15; ++i) {
    std::cout << "  " << top[i].first << "  " << top[i].second << "\n";
  }
  EXPECT_GE(ratio, 0.90);
}

}  // namespace
}  // namespace stepsim::analysis
