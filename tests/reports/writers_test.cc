#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/report/writers.h>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "report_test_util.h"

namespace stepsim::report {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testutil::CollectOrder;
using testutil::OrderCases;

// A suite that misses the retry exhaustion, the Default, the catch path and
// two error paths.
CoverageData Partial() {
  return CollectOrder({"HappyPath", "PaymentRetriedThenSucceeds", "PaymentDeclined"});
}

TEST(TextReportTest, SummarisesEachCriterionThenListsWhatIsUncovered) {
  testutil::ExpectGolden("partial.summary.txt", FormatText(Partial()));
  EXPECT_THAT(FormatText(CollectOrder(OrderCases())), HasSubstr("  uncovered: none\n"));
}

TEST(TextReportTest, PrintsWhatWouldCoverAnObligationWhenAWitnessIsKnown) {
  TextOptions options;
  options.witness = [](const DefinitionCoverage&,
                       const ObligationCoverage& o) -> std::optional<std::string> {
    if (o.id != "choice:IsInventoryAvailable#default") return std::nullopt;
    return R"(input {"inventory": {"status": "none"}})";
  };
  const std::string text = FormatText(Partial(), options);
  EXPECT_THAT(text, HasSubstr("    fixtures/order-processing/definition.asl.json:14:18: "
                              "choice:IsInventoryAvailable#default: IsInventoryAvailable: no rule "
                              "matched, Default taken (-> InventoryUnavailableState)\n"
                              "      to cover: input {\"inventory\": {\"status\": \"none\"}}\n"));
}

TEST(TextReportTest, PercentagesRoundDown) {
  EXPECT_EQ(FormatPercent({analysis::Criterion::kStates, 1999, 2000}), "99.9%");
  EXPECT_EQ(FormatPercent({analysis::Criterion::kStates, 1, 3}), "33.3%");
  EXPECT_EQ(FormatPercent({analysis::Criterion::kStates, 2, 3}), "66.6%");
  EXPECT_EQ(FormatPercent({analysis::Criterion::kStates, 0, 0}), "100.0%");
}

TEST(ThresholdTest, ParsesCriteriaAndPercentages) {
  const Thresholds t = ParseThresholds("states=100,transitions=90.5,errors=0");
  ASSERT_EQ(t.minimum.size(), 3U);
  EXPECT_EQ(t.minimum.at(analysis::Criterion::kStates), 100.0);
  EXPECT_EQ(t.minimum.at(analysis::Criterion::kTransitions), 90.5);
  EXPECT_EQ(t.minimum.at(analysis::Criterion::kErrors), 0.0);
}

std::string ThresholdError(const std::string& text) {
  try {
    ParseThresholds(text);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ThresholdTest, RejectsWhatItCannotRead) {
  EXPECT_EQ(ThresholdError("branches=100"),
            "--fail-under: unknown criterion \"branches\" (expected states, transitions, "
            "choices, retries, catches or errors)");
  EXPECT_EQ(ThresholdError("states=101"),
            "--fail-under: states needs a percentage from 0 to 100, got \"101\"");
  EXPECT_EQ(ThresholdError("states=abc"),
            "--fail-under: states needs a percentage from 0 to 100, got \"abc\"");
  EXPECT_EQ(ThresholdError("states"), "--fail-under: expected CRITERION=PERCENT, got \"states\"");
  EXPECT_EQ(ThresholdError("states=100,"), "--fail-under: expected CRITERION=PERCENT, got \"\"");
  EXPECT_EQ(ThresholdError(""), "--fail-under needs CRITERION=PERCENT[,...]");
}

TEST(ThresholdTest, FailsBelowAndPassesAtTheThreshold) {
  const CoverageData partial = Partial();
  const auto summaries = Summarize(partial);
  // The partial suite enters 4 of 7 states (57.14%).
  ASSERT_EQ(summaries[0].covered, 4);
  ASSERT_EQ(summaries[0].total, 7);
  EXPECT_THAT(CheckThresholds(partial, ParseThresholds("states=57.14")), IsEmpty());
  EXPECT_THAT(CheckThresholds(partial, ParseThresholds("states=57.15")), Not(IsEmpty()));

  const auto failures = CheckThresholds(partial, ParseThresholds("states=100,retries=50"));
  ASSERT_EQ(failures.size(), 1U);  // retries: 1 of 2 = 50%, which passes
  EXPECT_EQ(failures[0].summary.criterion, analysis::Criterion::kStates);
  EXPECT_EQ(FormatThresholdFailures(failures),
            "coverage below threshold:\n"
            "  fixtures/order-processing/definition.asl.json: states 57.1% (4/7) < 100%\n"
            "    fixtures/order-processing/definition.asl.json:27:34: "
            "state:InventoryUnavailableState: InventoryUnavailableState: entered\n"
            "    fixtures/order-processing/definition.asl.json:28:28: "
            "state:InventoryErrorState: InventoryErrorState: entered\n"
            "    fixtures/order-processing/definition.asl.json:33:28: "
            "state:NotifyUserOfFailure: NotifyUserOfFailure: entered\n");
  EXPECT_EQ(FormatThresholdFailures({}), "");

  const Thresholds all =
      ParseThresholds("states=100,transitions=100,choices=100,retries=100,catches=100,errors=100");
  EXPECT_THAT(CheckThresholds(CollectOrder(OrderCases()), all), IsEmpty());
  EXPECT_EQ(CheckThresholds(partial, all).size(), 6U);
}

// ---- lcov -------------------------------------------------------------------

TEST(LcovTest, WritesEachStateAsALineAndItsOutcomesAsBranches) {
  const std::string lcov = FormatLcov(Partial());
  testutil::ExpectGolden("partial.info", lcov);
  // CheckInventory (line 5) was entered 3 times; its catcher (an error path,
  // block 1) never ran.
  EXPECT_THAT(lcov, HasSubstr("DA:5,3\n"));
  EXPECT_THAT(lcov, HasSubstr("BRDA:5,0,0,3\n"));
  EXPECT_THAT(lcov, HasSubstr("BRDA:5,1,0,0\n"));
  // InventoryErrorState was never entered: its branch is "-".
  EXPECT_THAT(lcov, HasSubstr("DA:28,0\nBRDA:28,0,0,-\n"));
  // InventoryUnavailableState (a Fail state) has no outcome besides failing.
  EXPECT_THAT(lcov, HasSubstr("DA:27,0\nDA:28,0\n"));
}

std::map<std::string, std::string> SummaryNumbers(const std::string& text) {
  // lcov --summary: "  lines......: 57.1% (4 of 7 lines)"
  std::map<std::string, std::string> out;
  const std::regex line(R"(\s*(lines|functions|branches)\.*: ([0-9.]+%) \((\d+) of (\d+) )");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator();
       ++it) {
    out[(*it)[1]] = (*it)[3].str() + "/" + (*it)[4].str();
  }
  return out;
}

TEST(LcovTest, LcovSummaryReadsTheTracefile) {
  const auto dir = testutil::ScratchDir();
  const std::string info = (dir / "partial.info").string();
  testutil::WriteText(info, FormatLcov(Partial()));
  const auto r = testutil::RunShell(
      "lcov --rc lcov_branch_coverage=1 --summary " + testutil::Quote(info), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto numbers = SummaryNumbers(r.out + r.err);
  // lines = states, functions = scopes, branches = every other obligation.
  EXPECT_EQ(numbers.at("lines"), "4/7");
  EXPECT_EQ(numbers.at("functions"), "1/1");
  const auto summaries = Summarize(Partial());
  std::int64_t covered = 0;
  std::int64_t total = 0;
  for (const CriterionSummary& s : summaries) {
    covered += s.covered;
    total += s.total;
  }
  EXPECT_EQ(numbers.at("branches"), std::to_string(covered - 4) + "/" + std::to_string(total - 7));
}

TEST(LcovTest, GenhtmlRendersTheAslFileWithoutWarnings) {
  const auto dir = testutil::ScratchDir();
  const std::string info = (dir / "order.info").string();
  testutil::WriteText(info, FormatLcov(Partial()));
  // The tracefile names the file relative to the source tree; genhtml runs
  // there.
  const auto r =
      testutil::RunShell("genhtml --branch-coverage --output-directory " +
                             testutil::Quote((dir / "html").string()) + " " + testutil::Quote(info),
                         dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, Not(HasSubstr("WARNING")));
  EXPECT_THAT(r.out, HasSubstr("lines......: 57.1% (4 of 7 lines)"));
  const std::string page =
      testutil::ReadText((dir / "html/order-processing/definition.asl.json.gcov.html").string());
  EXPECT_THAT(page, HasSubstr("CheckInventory"));
  EXPECT_THAT(page, HasSubstr("lineNoCov"));
}

// ---- Cobertura --------------------------------------------------------------

TEST(CoberturaTest, ValidatesAgainstTheCoverage04Dtd) {
  const auto dir = testutil::ScratchDir();
  CoverageData data = Partial();
  MergeInto(data, CollectOrder({"HappyPath"}, "fixtures/other & more/flow.asl.json"));
  const std::string xml = (dir / "coverage.xml").string();
  testutil::WriteText(xml, FormatCobertura(data));
  // A catalog maps the DOCTYPE's URL to our copy of the DTD: no network.
  const std::string dtd = testutil::SourcePath("reports/dtd/coverage-04.dtd");
  const std::string catalog = (dir / "catalog.xml").string();
  testutil::WriteText(catalog,
                      "<?xml version=\"1.0\"?>\n"
                      "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\">\n"
                      "  <system systemId=\"http://cobertura.sourceforge.net/xml/coverage-04.dtd\""
                      " uri=\"file://" +
                          dtd + "\"/>\n</catalog>\n");
  const auto validate = [&](const std::string& file) {
    return testutil::RunShell("XML_CATALOG_FILES=" + testutil::Quote(catalog) +
                                  " xmllint --noout --nonet --dtdvalid " + testutil::Quote(dtd) +
                                  " " + testutil::Quote(file),
                              dir);
  };
  const auto r = validate(xml);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");

  // The check has teeth: a document the DTD does not allow fails.
  std::string broken = testutil::ReadText(xml);
  broken.replace(broken.find("<methods>"), 9, "<methods><bogus/>");
  testutil::WriteText((dir / "broken.xml").string(), broken);
  const auto bad = validate((dir / "broken.xml").string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, HasSubstr("does not validate"));
}

TEST(CoberturaTest, WritesAPackagePerFolderAndAClassPerDefinition) {
  const std::string xml = FormatCobertura(Partial());
  testutil::ExpectGolden("partial.cobertura.xml", xml);
  EXPECT_THAT(xml, HasSubstr("<package name=\"fixtures.order-processing\""));
  EXPECT_THAT(xml, HasSubstr("<class name=\"definition.asl.json\" "
                             "filename=\"fixtures/order-processing/definition.asl.json\""));
  EXPECT_THAT(xml, HasSubstr("lines-covered=\"4\" lines-valid=\"7\""));
}

}  // namespace
}  // namespace stepsim::report

namespace stepsim::report {
namespace {

// Answers every task: `Right` fails when told to, everything else succeeds.
class NestedTasks : public sim::TaskHandler {
 public:
  explicit NestedTasks(bool right_fails) : right_fails_(right_fails) {}
  std::optional<sim::TaskOutcome> Invoke(const sim::TaskInvocation& call) override {
    if (right_fails_ && call.state->name == "Right") {
      return sim::TaskOutcome::Fail("Right.Broken", "boom");
    }
    return sim::TaskOutcome::Succeed(nlohmann::json::object());
  }

 private:
  bool right_fails_;
};

CoverageData Nested() {
  const char* const file = "fixtures/coverage/nested.asl.json";
  const std::string text = testutil::ReadText(testutil::SourcePath(file));
  const auto definition = asl::Load(text);
  CoverageCollector collector(definition, file, text);
  const sim::Interpreter interpreter(definition);
  for (const bool fails : {false, true}) {
    NestedTasks tasks(fails);
    sim::Options options;
    options.task_handlers.push_back(&tasks);
    options.listeners.push_back(&collector);
    collector.BeginTest(fails ? "Nested.RightFails" : "Nested.AllSucceed");
    interpreter.Run(nlohmann::json{{"items", {1, 2}}}, options);
  }
  return collector.Data();
}

TEST(LcovTest, ReportsEachParallelBranchAndMapProcessorAsAFunction) {
  const CoverageData data = Nested();
  const DefinitionCoverage& d = data.definitions[0];
  ASSERT_EQ(d.scopes.size(), 4U);
  EXPECT_EQ(d.scopes[1].name, "Fanout/branch0");
  EXPECT_EQ(d.scopes[2].name, "Fanout/branch1");
  EXPECT_EQ(d.scopes[3].name, "Each/processor");
  EXPECT_EQ(d.scopes[3].states, std::vector<std::string>{"Work"});
  const std::string lcov = FormatLcov(data);
  EXPECT_THAT(lcov, HasSubstr("FN:1,(root)\nFN:8,Fanout/branch0\nFN:9,Fanout/branch1\n"
                              "FN:28,Each/processor\n"));
  // The Map ran its processor twice (two items) in the first run.
  EXPECT_THAT(lcov, HasSubstr("FNDA:2,(root)\nFNDA:2,Fanout/branch0\nFNDA:2,Fanout/branch1\n"
                              "FNDA:2,Each/processor\nFNF:4\nFNH:4\n"));

  const auto dir = testutil::ScratchDir();
  testutil::WriteText((dir / "nested.info").string(), lcov);
  const auto r = testutil::RunShell("genhtml --branch-coverage --output-directory " +
                                        testutil::Quote((dir / "html").string()) + " " +
                                        testutil::Quote((dir / "nested.info").string()),
                                    dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("functions..: 100.0% (4 of 4 functions)"));
}

TEST(CoberturaTest, WritesAMethodPerScope) {
  const std::string xml = FormatCobertura(Nested());
  EXPECT_THAT(xml, HasSubstr("<method name=\"Fanout/branch1\" signature=\"\""));
  EXPECT_THAT(xml, HasSubstr("<method name=\"Each/processor\" signature=\"\""));
  testutil::ExpectGolden("nested.cobertura.xml", xml);
}

}  // namespace
}  // namespace stepsim::report
