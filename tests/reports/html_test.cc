#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/analysis/graph.h>
#include <stepsim/analysis/render.h>
#include <stepsim/report/writers.h>

#include <nlohmann/json.hpp>
#include <string>

#include "report_test_util.h"

namespace stepsim::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testutil::CollectOrder;

CoverageData Partial() {
  return CollectOrder({"HappyPath", "PaymentRetriedThenSucceeds", "PaymentDeclined"});
}

// Loads the definitions of the test data from the source tree.
HtmlOptions SourceTreeOptions() {
  HtmlOptions options;
  options.load = [](const DefinitionCoverage& d) -> std::shared_ptr<const asl::Definition> {
    return asl::LoadFile(testutil::SourcePath(d.file));
  };
  return options;
}

analysis::EdgeDescriptor FindEdge(const analysis::Graph& graph, const std::string& from,
                                  analysis::EdgeKind kind) {
  const auto v = *graph.FindNode(from);
  for (auto [it, end] = boost::out_edges(v, graph.boost()); it != end; ++it) {
    if (graph.edge(*it).kind == kind) return *it;
  }
  ADD_FAILURE() << "no " << analysis::ToString(kind) << " edge from " << from;
  return {};
}

TEST(StyleFromCoverageTest, ColoursStatesAndEdgesByTheirObligationsHits) {
  const DefinitionCoverage d = Partial().definitions[0];
  const auto definition = asl::LoadFile(testutil::SourcePath(testutil::kOrderFile));
  const auto graph = analysis::Graph::Build(*definition);
  const analysis::RenderStyle style = StyleFromCoverage(d, graph);
  using analysis::EdgeKind;
  EXPECT_EQ(style.node_hits(*graph.FindNode("CheckInventory")), 3);
  EXPECT_EQ(style.node_hits(*graph.FindNode("InventoryErrorState")), 0);
  EXPECT_EQ(style.edge_hits(FindEdge(graph, "CheckInventory", EdgeKind::kNext)), 3);
  EXPECT_EQ(style.edge_hits(FindEdge(graph, "CheckInventory", EdgeKind::kCatch)), 0);
  EXPECT_EQ(style.edge_hits(FindEdge(graph, "IsInventoryAvailable", EdgeKind::kChoiceRule)), 3);
  EXPECT_EQ(style.edge_hits(FindEdge(graph, "IsInventoryAvailable", EdgeKind::kDefault)), 0);
  EXPECT_EQ(style.edge_hits(FindEdge(graph, "ProcessPayment", EdgeKind::kRetry)), 2);
  EXPECT_EQ(style.edge_hits(FindEdge(graph, "ProcessPayment", EdgeKind::kUncaught)), 1);
  EXPECT_EQ(style.edge_hits(FindEdge(graph, "CreateShippingLabel", EdgeKind::kEnd)), 2);
  // The root's succeed sink: reached twice (both through CreateShippingLabel).
  EXPECT_EQ(style.node_hits(graph.scopes()[0].succeed), 2);
  EXPECT_EQ(style.node_hits(graph.scopes()[0].fail), 1);
  // The same colours reach the DOT text.
  const std::string dot = analysis::RenderDot(graph, style);
  EXPECT_NE(dot, analysis::RenderDot(graph));
}

TEST(HtmlReportTest, IsOneSelfContainedPageWithTheGraphAndWhatIsUncovered) {
  const std::string html = FormatHtml(Partial(), SourceTreeOptions());
  EXPECT_THAT(html, testing::StartsWith("<!DOCTYPE html>\n"));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, Not(HasSubstr("<?xml")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("No graph")));
  // Hovering a state shows its counts.
  EXPECT_THAT(html, HasSubstr("<title>ProcessPayment (Task)\nstate:ProcessPayment: 3 hits\n"
                              "transition:ProcessPayment-&gt;CreateShippingLabel: 2 hits\n"
                              "retry:ProcessPayment#0:retried: 2 hits\n"
                              "retry:ProcessPayment#0:exhausted: 0 hits\n"
                              "uncaught:ProcessPayment: 1 hit</title>"));
  // The uncovered list and the criteria table.
  EXPECT_THAT(html, HasSubstr("<h3>Uncovered (12)</h3>"));
  EXPECT_THAT(html, HasSubstr("<li><code>20:18</code> <code>retry:ProcessPayment#0:exhausted"
                              "</code><br>ProcessPayment: retrier 0 [PaymentGatewayTimeout] "
                              "exhausted after 2 retries</li>"));
  EXPECT_THAT(html, HasSubstr("<tr><td>states</td><td class=\"num\">4</td><td class=\"num\">7"
                              "</td><td class=\"num\">57.1%</td>"));
  // Per-test attribution is listed with every obligation.
  EXPECT_THAT(html, HasSubstr("<td>OrderMocks.PaymentDeclined</td>"));
  // Deterministic: the same data gives the same bytes.
  EXPECT_EQ(html, FormatHtml(Partial(), SourceTreeOptions()));
}

TEST(HtmlReportTest, ExplainsAMissingGraphAndStillListsTheObligations) {
  const CoverageData data = CollectOrder({"HappyPath"}, "no/such/definition.asl.json");
  const std::string html = FormatHtml(data);
  EXPECT_THAT(html, HasSubstr("<p class=\"note\">No graph: the definition file cannot be read."
                              "</p>"));
  EXPECT_THAT(html, HasSubstr("<h3>Uncovered ("));

  HtmlOptions no_dot = SourceTreeOptions();
  no_dot.dot_program = "stepsim-no-such-graphviz";
  EXPECT_THAT(
      FormatHtml(Partial(), no_dot),
      HasSubstr("No graph: cannot run Graphviz &quot;stepsim-no-such-graphviz&quot;: No such "
                "file or directory."));
}

TEST(HtmlReportTest, DrawsTheGraphWhenTheFileStillHasItsDigest) {
  // An absolute path loads wherever the test runs; an edited file does not.
  const std::string path = testutil::SourcePath(testutil::kOrderFile);
  EXPECT_THAT(FormatHtml(CollectOrder({"HappyPath"}, path)), Not(HasSubstr("No graph")));
  CoverageData changed = CollectOrder({"HappyPath"}, path);
  changed.definitions[0].digest = Sha256Digest("an older version");
  EXPECT_THAT(FormatHtml(changed),
              HasSubstr("No graph: the definition file changed since the coverage was "
                        "collected."));
}

nlohmann::json Screenshot(const std::filesystem::path& dir, const std::string& page,
                          const std::string& png) {
  const auto shot = testutil::RunShell(
      "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir=" +
          testutil::Quote((dir / "profile").string()) + " --window-size=1400,1200 --screenshot=" +
          testutil::Quote(png) + " " + testutil::Quote("file://" + page),
      dir);
  EXPECT_EQ(shot.exit_code, 0) << shot.err;
  const auto stats = testutil::RunShell(
      "python3 " + testutil::Quote(testutil::SourcePath("fixtures/coverage/png_stats.py")) + " " +
          testutil::Quote(png),
      dir);
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  return nlohmann::json::parse(stats.out, nullptr, false);
}

TEST(HtmlReportTest, LooksRightInHeadlessChromium) {
  const auto dir = testutil::ScratchDir();
  WriteHtmlReport((dir / "report").string(), Partial(), SourceTreeOptions());
  const nlohmann::json stats =
      Screenshot(dir, (dir / "report/index.html").string(), (dir / "report.png").string());
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats["width"], 1400);
  EXPECT_EQ(stats["height"], 1200);
  const double pixels = 1400.0 * 1200.0;
  // Text, tables and the graph cover a good part of the page...
  EXPECT_GT(stats["nonwhite"].get<double>(), 0.03 * pixels) << stats;
  EXPECT_GT(stats["distinct"].get<int>(), 200) << stats;
  // ...with covered (green) and uncovered (red) items visible.
  EXPECT_GT(stats["green"].get<int>(), 2000) << stats;
  EXPECT_GT(stats["red"].get<int>(), 500) << stats;

  // The check tells a blank page apart.
  testutil::WriteText((dir / "blank.html").string(), "<!DOCTYPE html><html><body></body></html>");
  const nlohmann::json blank =
      Screenshot(dir, (dir / "blank.html").string(), (dir / "blank.png").string());
  ASSERT_TRUE(blank.is_object());
  EXPECT_EQ(blank["nonwhite"], 0) << blank;
}

}  // namespace
}  // namespace stepsim::report
