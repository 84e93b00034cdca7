#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/analysis/render.h>
#include <stepsim/asl/loader.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace stepsim::analysis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Fixture(const std::string& relative) {
  return std::string(STEPSIM_FIXTURES_DIR) + "/" + relative;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void ExpectGolden(const std::string& actual, const std::string& name) {
  const std::string golden = Fixture("lint/render/" + name);
  if (std::getenv("STEPSIM_UPDATE_GOLDENS") != nullptr) {
    std::filesystem::create_directories(std::filesystem::path(golden).parent_path());
    std::ofstream(golden, std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, ReadFile(golden))
      << "golden " << golden << " (STEPSIM_UPDATE_GOLDENS=1 rewrites it)";
}

// Runs Graphviz on `dot` and returns its exit status (0: valid DOT).
int RunDot(const std::string& dot, const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "stepsim_render_test";
  std::filesystem::create_directories(dir);
  const auto input = dir / (name + ".dot");
  std::ofstream(input, std::ios::binary) << dot;
  const std::string command = "dot -Tsvg " + input.string() + " -o " +
                              (dir / (name + ".svg")).string() + " 2>" +
                              (dir / (name + ".err")).string();
  const int status = std::system(command.c_str());
  return status;
}

bool HaveDot() { return std::system("dot -V >/dev/null 2>&1") == 0; }

constexpr const char* kComposite = R"({
  "StartAt": "Route",
  "States": {
    "Route": {"Type": "Choice", "Choices": [
      {"Variable": "$.kind", "StringEquals": "fan", "Next": "Fan \"quoted\""},
      {"Variable": "$.kind", "StringEquals": "each", "Next": "Each"}]},
    "Fan \"quoted\"": {"Type": "Parallel", "Next": "Done", "Branches": [
      {"StartAt": "Left", "States": {"Left": {"Type": "Wait", "Seconds": 1, "End": true}}},
      {"StartAt": "Right", "States": {"Right": {"Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:r",
        "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 3}], "End": true}}}]},
    "Each": {"Type": "Map", "ItemsPath": "$.items", "Next": "Done",
      "ItemProcessor": {"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:w",
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Skip"}], "End": true},
        "Skip": {"Type": "Fail", "Error": "Skipped"}}}},
    "Done": {"Type": "Succeed"}
  }
})";

TEST(RenderTest, OrderWorkflowDotGolden) {
  const auto definition = asl::LoadFile(Fixture("order-processing/definition.asl.json"));
  const Graph graph = Graph::Build(*definition);
  RenderStyle style;
  style.title = "order-processing";
  ExpectGolden(RenderDot(graph, style), "order.dot");
}

TEST(RenderTest, OrderWorkflowMermaidGolden) {
  const auto definition = asl::LoadFile(Fixture("order-processing/definition.asl.json"));
  const Graph graph = Graph::Build(*definition);
  ExpectGolden(RenderMermaid(graph), "order.mmd");
}

TEST(RenderTest, CompositeDefinitionHasClustersAndEscapedNames) {
  const auto definition = asl::Load(kComposite);
  const Graph graph = Graph::Build(*definition);
  const std::string dot = RenderDot(graph);
  ExpectGolden(dot, "composite.dot");
  EXPECT_THAT(dot, HasSubstr("subgraph cluster_1 {"));
  EXPECT_THAT(dot, HasSubstr("label=\"Fan \\\"quoted\\\" branch 0\""));
  EXPECT_THAT(dot, HasSubstr("label=\"Each item processor\""));
  EXPECT_THAT(dot, HasSubstr("label=\"Retry 0 x3 [States.TaskFailed]\""));
  EXPECT_THAT(dot, HasSubstr("label=\"NoChoiceMatched\""));
  const std::string mermaid = RenderMermaid(graph);
  ExpectGolden(mermaid, "composite.mmd");
  EXPECT_THAT(mermaid, HasSubstr("subgraph c1 [\"Fan #quot;quoted#quot; branch 0\"]"));
}

TEST(RenderTest, MermaidEscapesEntitiesAndMarkup) {
  const auto definition = asl::Load(R"({
    "StartAt": "a<b> #1",
    "States": {"a<b> #1": {"Type": "Pass", "End": true}}
  })");
  EXPECT_THAT(RenderMermaid(Graph::Build(*definition)), HasSubstr("  s0[\"a#lt;b#gt; #35;1\"]\n"));
}

TEST(RenderTest, CoverageColoursNodesAndEdges) {
  const auto definition = asl::LoadFile(Fixture("order-processing/definition.asl.json"));
  const Graph graph = Graph::Build(*definition);
  const Vertex payment = *graph.FindNode("ProcessPayment");
  const Vertex shipping = *graph.FindNode("CreateShippingLabel");
  RenderStyle style;
  style.node_hits = [&](Vertex v) -> std::optional<std::int64_t> {
    if (v == payment) return 12;
    if (v == shipping) return 0;
    return std::nullopt;
  };
  style.edge_hits = [&](EdgeDescriptor e) -> std::optional<std::int64_t> {
    if (boost::source(e, graph.boost()) != payment) return std::nullopt;
    return graph.edge(e).kind == EdgeKind::kNext ? 3 : 0;
  };
  const std::string dot = RenderDot(graph, style);
  EXPECT_THAT(dot, HasSubstr(std::string("s2 [label=\"ProcessPayment\", shape=box, "
                                         "fillcolor=\"#82e0aa\", color=\"#1e8449\", "
                                         "style=\"rounded,filled\", tooltip=\"ProcessPayment "
                                         "(Task), hits: 12\"];")));
  EXPECT_THAT(dot, HasSubstr("s3 [label=\"CreateShippingLabel\", shape=box, fillcolor=\"#f8d7da\", "
                             "color=\"#c0392b\", style=\"rounded,filled\", "
                             "tooltip=\"CreateShippingLabel (Task), hits: 0\"];"));
  EXPECT_THAT(dot, HasSubstr("s2 -> s3 [label=\"Next\", color=\"#1e8449\", "
                             "fontcolor=\"#1e8449\", penwidth=2, tooltip=\"ProcessPayment -> "
                             "CreateShippingLabel: Next, hits: 3\"];"));
  EXPECT_THAT(dot, HasSubstr("s2 -> s8 [label=\"Uncaught\", style=dashed, color=\"#c0392b\", "
                             "fontcolor=\"#c0392b\", penwidth=1, tooltip=\"ProcessPayment -> "
                             "(fail): Uncaught, hits: 0\"];"));
  EXPECT_THAT(dot, Not(HasSubstr("s0 [label=\"CheckInventory\", shape=box, fill")));
  const std::string mermaid = RenderMermaid(graph, style);
  EXPECT_THAT(mermaid, HasSubstr("  class s2 covered\n  "));
  EXPECT_THAT(mermaid, HasSubstr("  class s3 uncovered\n"));
  EXPECT_THAT(mermaid, HasSubstr("  linkStyle 4 stroke:#1e8449,stroke-width:2px\n"));
  EXPECT_THAT(mermaid, HasSubstr("  linkStyle 5 stroke:#c0392b,stroke-width:1px\n"));
  if (HaveDot()) {
    EXPECT_EQ(RunDot(dot, "coverage"), 0);
  }
}

TEST(RenderTest, StylePrintsItsTitleAndHooks) {
  RenderStyle style;
  style.title = "order";
  style.edge_hits = [](EdgeDescriptor) { return std::optional<std::int64_t>(); };
  EXPECT_EQ(::testing::PrintToString(style), "{title \"order\", edge_hits}");
}

TEST(RenderTest, RenderingIsDeterministic) {
  const auto a = asl::Load(kComposite);
  const auto b = asl::Load(kComposite);
  EXPECT_EQ(RenderDot(Graph::Build(*a)), RenderDot(Graph::Build(*b)));
  EXPECT_EQ(RenderMermaid(Graph::Build(*a)), RenderMermaid(Graph::Build(*b)));
}

TEST(RenderTest, GraphvizAcceptsEveryRendering) {
  if (!HaveDot()) GTEST_SKIP() << "Graphviz dot is not installed";
  std::vector<std::string> files = {
      Fixture("order-processing/definition.asl.json"), Fixture("lint/handlers.asl.json"),
      Fixture("lint/loops.asl.json"), Fixture("lint/nested.asl.json")};
  int n = 0;
  for (const std::string& file : files) {
    const auto definition = asl::LoadFile(file);
    EXPECT_EQ(RunDot(RenderDot(Graph::Build(*definition)), "fixture" + std::to_string(n++)), 0)
        << file;
  }
  const auto composite = asl::Load(kComposite);
  RenderStyle style;
  style.title = R"(a "title" with \ backslash)";
  style.node_hits = [](Vertex v) { return std::optional<std::int64_t>(v % 3); };
  style.edge_hits = [](EdgeDescriptor) { return std::optional<std::int64_t>(1); };
  EXPECT_EQ(RunDot(RenderDot(Graph::Build(*composite), style), "composite"), 0);
}

}  // namespace
}  // namespace stepsim::analysis
