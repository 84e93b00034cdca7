#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/analysis/paths.h>
#include <stepsim/asl/loader.h>

#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis_test_util.h"

namespace stepsim::analysis {
namespace {

using ::testing::ElementsAre;

std::string OrderFile() {
  return std::string(STEPSIM_FIXTURES_DIR) + "/order-processing/definition.asl.json";
}

std::vector<std::string> AllPaths(const Graph& graph, const PathOptions& options = {}) {
  std::vector<std::string> out;
  EnumeratePaths(graph, options, [&](const Path& path) {
    out.push_back(PathToText(graph, path));
    return true;
  });
  return out;
}

TEST(PathsTest, OrderWorkflowListsEveryPathWithRetryCounts) {
  const auto definition = asl::LoadFile(OrderFile());
  const Graph graph = Graph::Build(*definition);
  const std::string head = "CheckInventory -> IsInventoryAvailable [rule 0] -> ProcessPayment";
  // ASL: RTY-06 (retries 0, 1, 2 and exhaustion of the MaxAttempts 2 retrier)
  EXPECT_THAT(
      AllPaths(graph),
      ElementsAre(
          "SUCCEEDED: " + head + " -> CreateShippingLabel -> (succeed)",
          "FAILED: " + head + " -> CreateShippingLabel [uncaught States.TaskFailed] -> (fail)",
          "SUCCEEDED: " + head + " [retry 0 x1] -> CreateShippingLabel -> (succeed)",
          "FAILED: " + head +
              " [retry 0 x1] -> CreateShippingLabel [uncaught States.TaskFailed] -> (fail)",
          "SUCCEEDED: " + head + " [retry 0 x2] -> CreateShippingLabel -> (succeed)",
          "FAILED: " + head +
              " [retry 0 x2] -> CreateShippingLabel [uncaught States.TaskFailed] -> (fail)",
          "FAILED States.TaskFailed: " + head + " [uncaught States.TaskFailed] -> (fail)",
          "FAILED States.TaskFailed: " + head +
              " [retry 0 x1; uncaught States.TaskFailed] -> (fail)",
          "FAILED States.TaskFailed: " + head +
              " [retry 0 x2; uncaught States.TaskFailed] -> (fail)",
          "FAILED PaymentGatewayTimeout: " + head +
              " [retry 0 x2 exhausted; uncaught PaymentGatewayTimeout] -> (fail)",
          "FAILED: CheckInventory -> IsInventoryAvailable [Default] -> InventoryUnavailableState "
          "-> (fail)",
          "SUCCEEDED: CheckInventory [Catch 0 States.TaskFailed] -> InventoryErrorState -> "
          "NotifyUserOfFailure -> (succeed)",
          "FAILED: CheckInventory [Catch 0 States.TaskFailed] -> InventoryErrorState -> "
          "NotifyUserOfFailure [uncaught States.TaskFailed] -> (fail)"));

  const PathCounts counts = CountPaths(graph);
  EXPECT_EQ(counts.succeeded, 4);
  EXPECT_EQ(counts.failed, 9);
  EXPECT_EQ(counts.total(), 13);
  std::vector<std::string> outcomes;
  for (const OutcomeCount& o : counts.outcomes) {
    outcomes.push_back(o.count.str() + (o.succeeded ? " SUCCEEDED " : " FAILED ") +
                       o.error.value_or("-") + " " + o.state);
  }
  EXPECT_THAT(
      outcomes,
      ElementsAre("1 FAILED PaymentGatewayTimeout ProcessPayment",
                  "3 FAILED States.TaskFailed ProcessPayment", "3 SUCCEEDED - CreateShippingLabel",
                  "3 FAILED - CreateShippingLabel", "1 FAILED - InventoryUnavailableState",
                  "1 SUCCEEDED - NotifyUserOfFailure", "1 FAILED - NotifyUserOfFailure"));
}

TEST(PathsTest, CountsPrintAndSerialiseAsDecimalStrings) {
  const PathCounts counts{BigInt(4), BigInt(9)};
  EXPECT_EQ(::testing::PrintToString(counts), "13 (4 succeeded, 9 failed)");
  EXPECT_EQ(nlohmann::json(counts),
            nlohmann::json::parse(R"({"succeeded": "4", "failed": "9", "total": "13"})"));
  Path path;
  path.steps = {PathStep{}, PathStep{}};
  path.steps[0].retries = {2};
  path.steps[0].exhausted_retrier = 0;
  path.steps[0].edge = EdgeDescriptor{};
  path.steps[1].node = 8;
  path.error = "PaymentGatewayTimeout";
  EXPECT_EQ(::testing::PrintToString(path),
            "FAILED PaymentGatewayTimeout: s0 retry 0 x2 exhausted 0 -> s8");
}

TEST(PathsTest, PathJsonNamesStatesEdgesAndRetries) {
  const auto definition = asl::LoadFile(OrderFile());
  const Graph graph = Graph::Build(*definition);
  std::vector<nlohmann::json> paths;
  EnumeratePaths(graph, {}, [&](const Path& path) {
    paths.push_back(PathToJson(graph, path));
    return true;
  });
  ASSERT_EQ(paths.size(), 13U);
  EXPECT_EQ(paths[9], nlohmann::json::parse(R"json({
    "status": "FAILED", "error": "PaymentGatewayTimeout",
    "states": ["CheckInventory", "IsInventoryAvailable", "ProcessPayment"],
    "edges": [
      {"from": "CheckInventory", "to": "IsInventoryAvailable", "kind": "Next"},
      {"from": "IsInventoryAvailable", "to": "ProcessPayment", "kind": "ChoiceRule", "index": 0},
      {"from": "ProcessPayment", "to": "(fail)", "kind": "Uncaught", "retries": [2],
       "exhausted": 0, "error": "PaymentGatewayTimeout"}
    ]})json"));
  EXPECT_EQ(paths[0]["status"], "SUCCEEDED");
  EXPECT_FALSE(paths[0].contains("error"));
}

TEST(PathsTest, WithoutRetryExpansionRetriesAreTakenAtMostOnce) {
  const auto definition = asl::LoadFile(OrderFile());
  const Graph graph = Graph::Build(*definition);
  PathOptions options;
  options.expand_retries = false;
  const auto paths = AllPaths(graph, options);
  EXPECT_EQ(paths.size(), 10U);  // retry counts 0 and 1, plus exhaustion
  EXPECT_EQ(CountPaths(graph, options).total(), 10);
}

TEST(PathsTest, EnumerationStopsAtMaxPathsOrWhenTheSinkSaysSo) {
  const auto definition = asl::LoadFile(OrderFile());
  const Graph graph = Graph::Build(*definition);
  PathOptions options;
  options.max_paths = 3;
  EXPECT_EQ(AllPaths(graph, options).size(), 3U);
  int seen = 0;
  const std::size_t produced = EnumeratePaths(graph, {}, [&](const Path&) { return ++seen < 2; });
  EXPECT_EQ(produced, 2U);
  EXPECT_EQ(seen, 2);
}

constexpr const char* kPolling = R"({
  "StartAt": "Pause",
  "States": {
    "Pause": {"Type": "Wait", "Seconds": 5, "Next": "Check"},
    "Check": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:check",
              "Next": "IsDone"},
    "IsDone": {"Type": "Choice",
               "Choices": [{"Variable": "$.done", "BooleanEquals": true, "Next": "Done"}],
               "Default": "Pause"},
    "Done": {"Type": "Succeed"}
  }
})";

TEST(PathsTest, LoopsAreUnrolledAtMostMaxLoopTimes) {
  const auto definition = asl::Load(kPolling);
  const Graph graph = Graph::Build(*definition);
  PathOptions options;
  options.max_loop = 0;
  EXPECT_THAT(AllPaths(graph, options),
              ElementsAre("SUCCEEDED: Pause -> Check -> IsDone [rule 0] -> Done -> (succeed)",
                          "FAILED: Pause -> Check [uncaught States.TaskFailed] -> (fail)"));
  options.max_loop = 1;
  EXPECT_THAT(
      AllPaths(graph, options),
      ElementsAre("SUCCEEDED: Pause -> Check -> IsDone [rule 0] -> Done -> (succeed)",
                  "SUCCEEDED: Pause -> Check -> IsDone [Default] -> Pause -> Check -> IsDone "
                  "[rule 0] -> Done -> (succeed)",
                  "FAILED: Pause -> Check -> IsDone [Default] -> Pause -> Check [uncaught "
                  "States.TaskFailed] -> (fail)",
                  "FAILED: Pause -> Check [uncaught States.TaskFailed] -> (fail)"));
  options.max_loop = 3;
  EXPECT_EQ(AllPaths(graph, options).size(), 8U);
}

TEST(PathsTest, CountingTraversesACycleAsOneUnit) {
  const auto definition = asl::Load(kPolling);
  const Graph graph = Graph::Build(*definition);
  // One way into {Pause, Check, IsDone}; two ways out: rule 0 and uncaught.
  const PathCounts counts = CountPaths(graph);
  EXPECT_EQ(counts.succeeded, 1);
  EXPECT_EQ(counts.failed, 1);
}

TEST(PathsTest, CycleWithoutExitYieldsNoPath) {
  const auto definition = asl::Load(R"({
    "StartAt": "Route",
    "States": {
      "Route": {"Type": "Choice",
                "Choices": [{"Variable": "$.spin", "BooleanEquals": true, "Next": "A"}],
                "Default": "Done"},
      "A": {"Type": "Pass", "Next": "B"},
      "B": {"Type": "Pass", "Next": "A"},
      "Done": {"Type": "Succeed"}
    }
  })");
  const Graph graph = Graph::Build(*definition);
  EXPECT_EQ(CountPaths(graph).total(), 1);
  EXPECT_THAT(AllPaths(graph), ElementsAre("SUCCEEDED: Route [Default] -> Done -> (succeed)"));
}

std::string ChainOfChoices(int n) {
  // n Choices in a row, each with two routes that rejoin.
  nlohmann::ordered_json states = nlohmann::ordered_json::object();
  for (int i = 0; i < n; ++i) {
    const std::string next = i + 1 < n ? "C" + std::to_string(i + 1) : "Done";
    states["C" + std::to_string(i)] = {
        {"Type", "Choice"},
        {"Choices",
         {{{"Variable", "$.x"}, {"NumericEquals", i}, {"Next", "P" + std::to_string(i)}}}},
        {"Default", next}};
    states["P" + std::to_string(i)] = {{"Type", "Pass"}, {"Next", next}};
  }
  states["Done"] = {{"Type", "Succeed"}};
  return nlohmann::ordered_json{{"StartAt", "C0"}, {"States", states}}.dump();
}

TEST(PathsTest, CountsAreExactBeyondSixtyFourBits) {
  const auto definition = asl::Load(ChainOfChoices(70));
  const Graph graph = Graph::Build(*definition);
  const PathCounts counts = CountPaths(graph);
  EXPECT_EQ(counts.succeeded.str(), "1180591620717411303424");  // 2^70
  EXPECT_EQ(counts.failed, 0);
}

TEST(PathsTest, ChildScopesAreWalkedOnTheirOwn) {
  const auto definition = asl::Load(R"({
    "StartAt": "Fan",
    "States": {
      "Fan": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
        {"StartAt": "B", "States": {
          "B": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:b",
                "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1}],
                "TimeoutSeconds": 5, "End": true}}}
      ]}
    }
  })");
  const Graph graph = Graph::Build(*definition);
  PathOptions options;
  options.scope = 2;
  EXPECT_THAT(
      AllPaths(graph, options),
      ElementsAre("SUCCEEDED: B -> (succeed Fan/1)", "SUCCEEDED: B [retry 0 x1] -> (succeed Fan/1)",
                  "FAILED States.TaskFailed: B [uncaught States.TaskFailed] -> (fail Fan/1)",
                  "FAILED States.TaskFailed: B [retry 0 x1; uncaught States.TaskFailed] -> "
                  "(fail Fan/1)",
                  "FAILED States.Timeout: B [retry 0 x1 exhausted; uncaught States.Timeout] "
                  "-> (fail Fan/1)"));
  EXPECT_EQ(CountPaths(graph, options).total(), 5);
  EXPECT_THAT(AllPaths(graph), ElementsAre("SUCCEEDED: Fan -> (succeed)",
                                           "FAILED: Fan [uncaught States.TaskFailed] -> (fail)"));
  options.scope = 3;
  EXPECT_THROW(CountPaths(graph, options), UsageError);
  options.scope = 0;
  options.max_loop = -1;
  EXPECT_THROW(EnumeratePaths(graph, options, [](const Path&) { return true; }), UsageError);
}

TEST(PathsTest, ShadowedCatcherIsNeverTaken) {
  // ASL: RTY-01, RTY-06, CAT-02, ERR-03
  const auto definition = asl::Load(R"({
    "StartAt": "T",
    "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:t",
            "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 0}],
            "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Recover"},
                      {"ErrorEquals": ["Specific"], "Next": "Recover"}],
            "End": true},
      "Recover": {"Type": "Succeed"}
    }
  })");
  const Graph graph = Graph::Build(*definition);
  // The States.TaskFailed retrier with MaxAttempts 0 is exhausted by every
  // error but a timeout, the States.TaskFailed catcher takes them all: catcher
  // 1 is never taken, and only States.Timeout goes uncaught.
  EXPECT_THAT(
      AllPaths(graph),
      ElementsAre("SUCCEEDED: T -> (succeed)",
                  "SUCCEEDED: T [retry 0 x0 exhausted; Catch 0 States.TaskFailed] -> Recover -> "
                  "(succeed)",
                  "FAILED States.Timeout: T [uncaught States.Timeout] -> (fail)"));
  EXPECT_EQ(CountPaths(graph).total(), 3);
}

bool HasCycle(const Graph& graph) {
  struct NotRetry {
    const BoostGraph* g = nullptr;
    bool operator()(EdgeDescriptor e) const { return (*g)[e].kind != EdgeKind::kRetry; }
  };
  const BoostGraph& g = graph.boost();
  const boost::filtered_graph<BoostGraph, NotRetry> fg(g, NotRetry{&g});
  std::vector<std::size_t> component(boost::num_vertices(g));
  return boost::strong_components(fg, component.data()) != boost::num_vertices(g);
}

// Over the conformance corpus: for every acyclic scope, counting and
// enumeration agree path for path.
TEST(PathsTest, CountMatchesEnumerationOverTheCorpus) {
  const std::filesystem::path root = CorpusRoot();
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no corpus at " << root;
  const std::vector<std::filesystem::path> files = CorpusDefinitions(root);
  int compared = 0;
  for (const auto& file : files) {
    std::shared_ptr<const asl::Definition> definition;
    try {
      definition = asl::LoadFile(file.string());
    } catch (const asl::DefinitionError&) {
      continue;
    }
    const Graph graph = Graph::Build(*definition);
    if (HasCycle(graph)) continue;
    for (std::size_t s = 0; s < graph.scopes().size(); ++s) {
      PathOptions options;
      options.scope = s;
      const PathCounts counts = CountPaths(graph, options);
      if (counts.total() > 2000) continue;
      std::size_t succeeded = 0;
      std::size_t failed = 0;
      EnumeratePaths(graph, options, [&](const Path& path) {
        ++(path.succeeded ? succeeded : failed);
        return true;
      });
      EXPECT_EQ(counts.succeeded, succeeded) << file << " scope " << s;
      EXPECT_EQ(counts.failed, failed) << file << " scope " << s;
      BigInt by_outcome = 0;
      for (const OutcomeCount& o : counts.outcomes) by_outcome += o.count;
      EXPECT_EQ(by_outcome, counts.total()) << file << " scope " << s;
      ++compared;
    }
  }
  EXPECT_GT(compared, 400);
}

}  // namespace
}  // namespace stepsim::analysis
