#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/analysis/graph.h>
#include <stepsim/asl/loader.h>

#include <string>
#include <vector>

namespace stepsim::analysis {
namespace {

using ::testing::ElementsAre;

std::string OrderFile() {
  return std::string(STEPSIM_FIXTURES_DIR) + "/order-processing/definition.asl.json";
}

// A definition with every construct the graph distinguishes: a Choice without
// Default, a Parallel with a retried branch task and a catcher, a Map whose
// processor catches everything, Fail and Succeed states.
constexpr const char* kComposite = R"({
  "StartAt": "Route",
  "States": {
    "Route": {
      "Type": "Choice",
      "Choices": [
        {"Variable": "$.kind", "StringEquals": "fan", "Next": "FanOut"},
        {"Variable": "$.kind", "StringEquals": "each", "Next": "EachItem"}
      ]
    },
    "FanOut": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": true}}},
        {"StartAt": "Right", "States": {"Right": {
          "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:right",
          "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 3}],
          "End": true}}}
      ],
      "Catch": [{"ErrorEquals": ["States.BranchFailed"], "Next": "Broken"}],
      "Next": "Done"
    },
    "EachItem": {
      "Type": "Map",
      "ItemsPath": "$.items",
      "ItemProcessor": {
        "StartAt": "Work",
        "States": {
          "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
                   "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Skip"}], "End": true},
          "Skip": {"Type": "Succeed"}
        }
      },
      "Next": "Done"
    },
    "Broken": {"Type": "Fail", "Error": "Broken", "Cause": "branch failed"},
    "Done": {"Type": "Succeed"}
  }
})";

// "Kind index -> target [errors] xN" for each edge leaving `name`, in order.
std::vector<std::string> OutEdges(const Graph& graph, Vertex v) {
  std::vector<std::string> out;
  for (const auto e : boost::make_iterator_range(boost::out_edges(v, graph.boost()))) {
    const Edge& edge = graph.edge(e);
    std::string text(ToString(edge.kind));
    if (edge.index >= 0) text += " " + std::to_string(edge.index);
    text += " -> " + graph.NodeName(boost::target(e, graph.boost()));
    if (!edge.errors.empty()) {
      text += " [";
      for (std::size_t i = 0; i < edge.errors.size(); ++i) {
        text += (i == 0 ? "" : ",") + edge.errors[i];
      }
      text += "]";
    }
    if (edge.max_attempts != 0) text += " x" + std::to_string(edge.max_attempts);
    out.push_back(text);
  }
  return out;
}

std::vector<std::string> OutEdges(const Graph& graph, std::string_view name) {
  const auto v = graph.FindNode(name);
  EXPECT_TRUE(v.has_value()) << name;
  return v ? OutEdges(graph, *v) : std::vector<std::string>{};
}

TEST(GraphTest, OrderWorkflowEdgesCarryTheirKinds) {
  const auto definition = asl::LoadFile(OrderFile());
  const Graph graph = Graph::Build(*definition);

  ASSERT_EQ(graph.scopes().size(), 1U);
  EXPECT_EQ(boost::num_vertices(graph.boost()), 9U);  // 7 states + 2 sinks
  EXPECT_EQ(graph.NodeName(graph.scopes()[0].start), "CheckInventory");
  EXPECT_THAT(
      OutEdges(graph, "CheckInventory"),
      ElementsAre("Next -> IsInventoryAvailable", "Catch 0 -> InventoryErrorState [States.ALL]"));
  EXPECT_THAT(
      OutEdges(graph, "IsInventoryAvailable"),
      ElementsAre("ChoiceRule 0 -> ProcessPayment", "Default -> InventoryUnavailableState"));
  EXPECT_THAT(
      OutEdges(graph, "ProcessPayment"),
      ElementsAre("Next -> CreateShippingLabel",
                  "Retry 0 -> ProcessPayment [PaymentGatewayTimeout] x2", "Uncaught -> (fail)"));
  EXPECT_THAT(OutEdges(graph, "CreateShippingLabel"),
              ElementsAre("End -> (succeed)", "Uncaught -> (fail)"));
  EXPECT_THAT(OutEdges(graph, "InventoryUnavailableState"), ElementsAre("FailState -> (fail)"));
  EXPECT_THAT(OutEdges(graph, "InventoryErrorState"), ElementsAre("Next -> NotifyUserOfFailure"));
  EXPECT_THAT(OutEdges(graph, "NotifyUserOfFailure"),
              ElementsAre("End -> (succeed)", "Uncaught -> (fail)"));
  EXPECT_THAT(OutEdges(graph, graph.scopes()[0].succeed), ElementsAre());
}

TEST(GraphTest, ScopeStatesAreNodesInDefinitionOrder) {
  const auto definition = asl::LoadFile(OrderFile());
  const Graph graph = Graph::Build(*definition);
  std::vector<std::string> names;
  for (const Vertex v : graph.scopes()[0].states) names.push_back(graph.NodeName(v));
  EXPECT_THAT(names, ElementsAre("CheckInventory", "IsInventoryAvailable", "ProcessPayment",
                                 "CreateShippingLabel", "InventoryUnavailableState",
                                 "InventoryErrorState", "NotifyUserOfFailure"));
  EXPECT_EQ(graph.NodeName(graph.scopes()[0].succeed), "(succeed)");
  EXPECT_EQ(graph.NodeName(graph.scopes()[0].fail), "(fail)");
  const asl::State* payment = definition->FindState("ProcessPayment");
  EXPECT_EQ(graph.node(graph.NodeOf(*payment)).state, payment);
  EXPECT_EQ(graph.ScopeOf(*payment), 0U);
  EXPECT_FALSE(graph.FindNode("NoSuchState").has_value());
}

TEST(GraphTest, EdgesPointAtWhereTheyAreWritten) {
  const auto definition = asl::LoadFile(OrderFile());
  const Graph graph = Graph::Build(*definition);
  std::vector<std::string> sources;
  for (const auto e : boost::make_iterator_range(boost::edges(graph.boost()))) {
    const Edge& edge = graph.edge(e);
    sources.push_back(std::string(ToString(edge.kind)) + " " + edge.source.pointer + " " +
                      std::to_string(edge.source.position.line) + ":" +
                      std::to_string(edge.source.position.column));
  }
  EXPECT_THAT(sources, ElementsAre("Next /States/CheckInventory/Next 8:15",
                                   "Catch /States/CheckInventory/Catch/0 9:18",
                                   "ChoiceRule /States/IsInventoryAvailable/Choices/0 13:20",
                                   "Default /States/IsInventoryAvailable/Default 14:18",
                                   "Next /States/ProcessPayment/Next 19:15",
                                   "Retry /States/ProcessPayment/Retry/0 20:18",
                                   "Uncaught /States/ProcessPayment 16:23",
                                   "End /States/CreateShippingLabel/End 25:14",
                                   "Uncaught /States/CreateShippingLabel 22:28",
                                   "FailState /States/InventoryUnavailableState 27:34",
                                   "Next /States/InventoryErrorState/Next 31:15",
                                   "End /States/NotifyUserOfFailure/End 36:14",
                                   "Uncaught /States/NotifyUserOfFailure 33:28"));
}

TEST(GraphTest, CompositeDefinitionHasNestedScopesAndEveryEdgeKind) {
  const auto definition = asl::Load(kComposite);
  const Graph graph = Graph::Build(*definition);

  ASSERT_EQ(graph.scopes().size(), 4U);
  EXPECT_THAT(graph.scopes()[0].children, ElementsAre(1U, 2U, 3U));
  const ScopeInfo& left = graph.scopes()[1];
  const ScopeInfo& right = graph.scopes()[2];
  const ScopeInfo& items = graph.scopes()[3];
  EXPECT_EQ(left.parent_state->name, "FanOut");
  EXPECT_EQ(left.branch, 0U);
  EXPECT_EQ(right.parent_state->name, "FanOut");
  EXPECT_EQ(right.branch, 1U);
  EXPECT_EQ(items.parent_state->name, "EachItem");
  EXPECT_EQ(items.parent, 0U);
  EXPECT_EQ(graph.scopes()[0].parent_state, nullptr);
  EXPECT_EQ(graph.NodeName(right.start), "Right");
  EXPECT_EQ(graph.NodeName(right.fail), "(fail FanOut/1)");
  EXPECT_EQ(graph.NodeName(items.succeed), "(succeed EachItem/0)");
  EXPECT_EQ(graph.ScopeOf(*definition->FindState("Work")), 3U);
  EXPECT_EQ(graph.node(right.fail).kind, NodeKind::kFail);
  EXPECT_EQ(graph.node(right.fail).scope, 2U);

  EXPECT_THAT(OutEdges(graph, "Route"),
              ElementsAre("ChoiceRule 0 -> FanOut", "ChoiceRule 1 -> EachItem",
                          "NoChoiceMatched -> (fail) [States.NoChoiceMatched]"));
  EXPECT_THAT(
      OutEdges(graph, "FanOut"),
      ElementsAre("Next -> Done", "Catch 0 -> Broken [States.BranchFailed]", "Uncaught -> (fail)"));
  EXPECT_THAT(OutEdges(graph, "EachItem"), ElementsAre("Next -> Done", "Uncaught -> (fail)"));
  EXPECT_THAT(OutEdges(graph, "Broken"), ElementsAre("FailState -> (fail)"));
  EXPECT_THAT(OutEdges(graph, "Done"), ElementsAre("End -> (succeed)"));
  EXPECT_THAT(OutEdges(graph, "Left"), ElementsAre("End -> (succeed FanOut/0)"));
  EXPECT_THAT(OutEdges(graph, "Right"),
              ElementsAre("End -> (succeed FanOut/1)", "Retry 0 -> Right [States.TaskFailed] x3",
                          "Uncaught -> (fail FanOut/1)"));
  // A States.ALL catcher leaves no uncaught edge.
  EXPECT_THAT(OutEdges(graph, "Work"),
              ElementsAre("End -> (succeed EachItem/0)", "Catch 0 -> Skip [States.ALL]"));
  EXPECT_THAT(OutEdges(graph, "Skip"), ElementsAre("End -> (succeed EachItem/0)"));
}

TEST(GraphTest, NodeOfAStateFromAnotherDefinitionIsAUsageError) {
  const auto order = asl::LoadFile(OrderFile());
  const auto other = asl::Load(kComposite);
  const Graph graph = Graph::Build(*order);
  EXPECT_THROW((void)graph.NodeOf(*other->FindState("Route")), UsageError);
}

TEST(GraphTest, EdgeKindsPrintTheirNames) {
  EXPECT_EQ(ToString(EdgeKind::kNoChoiceMatched), "NoChoiceMatched");
  EXPECT_EQ(ToString(NodeKind::kSucceed), "Succeed");
  EXPECT_EQ(::testing::PrintToString(EdgeKind::kUncaught), "Uncaught");
  EXPECT_EQ(::testing::PrintToString(NodeKind::kFail), "Fail");
  Edge retry;
  retry.kind = EdgeKind::kRetry;
  retry.index = 0;
  retry.errors = {"PaymentGatewayTimeout", "Busy"};
  retry.max_attempts = 2;
  EXPECT_EQ(::testing::PrintToString(retry), "Retry 0 x2 [PaymentGatewayTimeout,Busy]");
}

}  // namespace
}  // namespace stepsim::analysis
