#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/sim/mock_config.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cli_test_util.h"

namespace {

using namespace stepsim::cli::testutil;  // NOLINT(google-build-using-namespace)

std::filesystem::path ScratchDir() {
  return stepsim::cli::testutil::ScratchDir("stepsim_coverage_cli_");
}

// Runs `stepsim <args>` in the source tree (coverage files name the
// definition relative to it).
CliRun Stepsim(const std::string& args) { return RunStepsim(args, STEPSIM_SOURCE_DIR); }

using ::testing::HasSubstr;
using ::testing::StartsWith;

const char* const kDefinition = "fixtures/order-processing/definition.asl.json";

// `stepsim run` of one MockConfig test case with --coverage-out.
std::string RunCase(const std::string& test_case, const std::filesystem::path& dir) {
  std::string file = (dir / (test_case + ".coverage.json")).string();
  const CliRun run = Stepsim(std::string("run ") + kDefinition +
                             " --mock-config fixtures/order-processing/mocks.json"
                             " --input fixtures/order-processing/input.json --test-case " +
                             test_case + " --coverage-out " + Quoted(file));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return file;
}

const std::vector<std::string>& AllCases() {
  static const std::vector<std::string> cases =
      stepsim::sim::MockConfig::LoadFile(STEPSIM_FIXTURES_DIR "/order-processing/mocks.json")
          .TestCaseNames("order-processing");
  return cases;
}

TEST(CoverageCommandTest, RunWritesACoverageFileAttributedToItsTestCase) {
  const auto dir = ScratchDir();
  const std::string file = RunCase("PaymentDeclined", dir);
  const std::string text = ReadFile(file);
  EXPECT_THAT(text, StartsWith("{\n  \"definitions\": [\n"));
  EXPECT_THAT(text, HasSubstr("\"file\": \"fixtures/order-processing/definition.asl.json\""));
  EXPECT_THAT(text, HasSubstr("\"executions\": 1,"));
  EXPECT_THAT(text, HasSubstr("\"tests\": [\n        \"PaymentDeclined\"\n      ]"));
  EXPECT_THAT(text, HasSubstr("\"format\": \"stepsim-coverage/1\""));
}

TEST(CoverageCommandTest, EachUncoveredObligationSaysWhatWouldCoverIt) {
  const auto dir = ScratchDir();
  const std::string file = RunCase("PaymentRetriedThenSucceeds", dir);
  const CliRun report = Stepsim("coverage report " + Quoted(file));
  ASSERT_EQ(report.exit_code, 0) << report.err;
  // ASL: RTY-06 -- exhausting the retrier takes three gateway timeouts.
  EXPECT_THAT(report.out, HasSubstr("fixtures/order-processing/definition.asl.json:20:18: "
                                    "retry:ProcessPayment#0:exhausted: ProcessPayment: retrier 0 "
                                    "[PaymentGatewayTimeout] exhausted after 2 retries\n"
                                    "      to cover: input {}, outcomes "
                                    "{\"CheckInventory\":[{\"Return\":{\"inventory\":{\"status\":"
                                    "\"available\"}}}],\"ProcessPayment\":[{\"Throw\":{\"Cause\":"
                                    "\"witness\",\"Error\":\"PaymentGatewayTimeout\"}},{\"Throw\":{"
                                    "\"Cause\":\"witness\",\"Error\":\"PaymentGatewayTimeout\"}},{"
                                    "\"Throw\":{\"Cause\":\"witness\",\"Error\":"
                                    "\"PaymentGatewayTimeout\"}}]}\n"));
}

TEST(CoverageCommandTest, MergeGivesTheSameBytesInAnyOrder) {
  const auto dir = ScratchDir();
  std::string forward;
  std::string backward;
  for (const std::string& c : AllCases()) forward += " " + Quoted(RunCase(c, dir));
  const std::vector<std::string> reversed(AllCases().rbegin(), AllCases().rend());
  for (const std::string& c : reversed) {
    backward += " " + Quoted((dir / (c + ".coverage.json")).string());
  }
  const auto a = Stepsim("coverage merge" + forward + " -o " + Quoted((dir / "a.json").string()));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, "merged 9 files (1 definition) into " + (dir / "a.json").string() + "\n");
  const auto b =
      Stepsim("coverage merge" + backward + " --output=" + Quoted((dir / "b.json").string()));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(ReadFile(dir / "a.json"), ReadFile(dir / "b.json"));
  EXPECT_THAT(ReadFile(dir / "a.json"), HasSubstr("\"executions\": 9,"));
}

TEST(CoverageCommandTest, ReportPassesTheGateAtFullCoverageAndWritesEveryFormat) {
  const auto dir = ScratchDir();
  std::string files;
  for (const std::string& c : AllCases()) files += " " + Quoted(RunCase(c, dir));
  const auto r =
      Stepsim("coverage report" + files + " --lcov " + Quoted((dir / "c.info").string()) +
              " --cobertura " + Quoted((dir / "c.xml").string()) + " --html " +
              Quoted((dir / "html").string()) + " --json " + Quoted((dir / "c.json").string()) +
              " --fail-under states=100,transitions=100,choices=100,retries=100,catches=100,"
              "errors=100");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("  uncovered: none\n"));
  EXPECT_THAT(r.out, HasSubstr("  retries            2      2   100.0%\n"));
  EXPECT_THAT(ReadFile(dir / "c.info"), StartsWith("TN:stepsim\nSF:" + std::string(kDefinition)));
  EXPECT_THAT(ReadFile(dir / "c.xml"), HasSubstr("lines-covered=\"7\" lines-valid=\"7\""));
  EXPECT_THAT(ReadFile(dir / "html/index.html"), HasSubstr("<svg"));
  EXPECT_THAT(ReadFile(dir / "c.json"), HasSubstr("\"executions\": 9,"));
}

TEST(CoverageCommandTest, ReportFailsBelowAThresholdAndListsWhatIsMissing) {
  const auto dir = ScratchDir();
  const std::string files =
      Quoted(RunCase("HappyPath", dir)) + " " + Quoted(RunCase("PaymentRetriedThenSucceeds", dir));
  const auto r = Stepsim("coverage report " + files + " --fail-under retries=100,choices=50");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("\ncoverage below threshold:\n"
                        "  fixtures/order-processing/definition.asl.json: retries 50.0% (1/2) "
                        "< 100%\n"
                        "    fixtures/order-processing/definition.asl.json:20:18: "
                        "retry:ProcessPayment#0:exhausted: ProcessPayment: retrier 0 "
                        "[PaymentGatewayTimeout] exhausted after 2 retries\n"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("choices 50.0%")));
  EXPECT_EQ(r.err, "");
}

TEST(CoverageCommandTest, PrintsTheSummaryThenEveryUncoveredObligation) {
  const auto dir = ScratchDir();
  const auto r = Stepsim("coverage report " + Quoted(RunCase("InventoryUnavailable", dir)));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("stepsim coverage: 1 definition, 1 execution, 1 test\n\n"
                                "fixtures/order-processing/definition.asl.json (sha256:"));
  EXPECT_THAT(r.out, HasSubstr("  criterion    covered  total  percent\n"
                               "  states             3      7    42.8%\n"
                               "  transitions        2      8    25.0%\n"
                               "  choices            1      2    50.0%\n"
                               "  retries            0      2     0.0%\n"
                               "  catches            0      1     0.0%\n"
                               "  errors             0      3     0.0%\n"
                               "  uncovered (17):\n"
                               "    fixtures/order-processing/definition.asl.json:9:18: "
                               "transition:CheckInventory->InventoryErrorState: CheckInventory "
                               "-> InventoryErrorState\n"));
}

TEST(CoverageCommandTest, BadInputExitsTwoNamingTheProblem) {
  const auto dir = ScratchDir();
  std::ofstream(dir / "bad.json") << R"({"format": "stepsim-coverage/1", "definitions": 3})";
  const auto bad = Stepsim("coverage report " + Quoted((dir / "bad.json").string()));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, (dir / "bad.json").string() +
                         ":1:49: error[COVERAGE_FILE_INVALID]: /definitions: must be an array, "
                         "got number\n");
  EXPECT_EQ(bad.out, "");

  const auto missing = Stepsim("coverage merge /nonexistent.json -o x.json");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "/nonexistent.json: error[FILE_NOT_READABLE]: cannot read the file\n");

  const auto threshold = Stepsim("coverage report x.json --fail-under states=ten");
  EXPECT_EQ(threshold.exit_code, 2);
  EXPECT_EQ(threshold.err,
            "stepsim coverage: --fail-under: states needs a percentage from 0 to 100, got "
            "\"ten\"\n");

  EXPECT_EQ(Stepsim("coverage").exit_code, 2);
  EXPECT_EQ(Stepsim("coverage report").err,
            "stepsim coverage report: missing FILE\n" + Stepsim("coverage --help").out);
  EXPECT_EQ(Stepsim("coverage merge a.json").err, "stepsim coverage merge: missing -o OUT\n");
  EXPECT_EQ(Stepsim("coverage frobnicate a.json").exit_code, 2);
  EXPECT_EQ(Stepsim("coverage report a.json --bogus").exit_code, 2);
  EXPECT_EQ(Stepsim("coverage --help").exit_code, 0);

  // An unwritable output is exit 2 too.
  const std::string file = RunCase("HappyPath", dir);
  const auto unwritable =
      Stepsim("coverage report " + Quoted(file) + " --lcov /nonexistent/dir/c.info");
  EXPECT_EQ(unwritable.exit_code, 2);
  EXPECT_EQ(unwritable.err, "stepsim coverage: cannot write \"/nonexistent/dir/c.info\"\n");
  const auto run =
      Stepsim(std::string("run ") + kDefinition + " --coverage-out /nonexistent/dir/c.json");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "stepsim run: /nonexistent/dir/c.json: cannot write the coverage file\n");
}

}  // namespace

namespace {

TEST(CoverageCommandTest, ReportsTheCoverageOfAnExploration) {
  const auto dir = ScratchDir();
  const std::string file = (dir / "explore.json").string();
  const auto explore =
      Stepsim(std::string("explore ") + kDefinition +
              " --runs 50 --seed 3 --mock-config "
              "fixtures/order-processing/mocks.json --out-dir " +
              Quoted((dir / "findings").string()) + " --coverage-out " + Quoted(file));
  // Exploring reports what it found (exit 0 or 1); the coverage is written
  // either way.
  ASSERT_LE(explore.exit_code, 1) << explore.err;
  const auto r =
      Stepsim("coverage report " + Quoted(file) + " --lcov " + Quoted((dir / "e.info").string()) +
              " --cobertura " + Quoted((dir / "e.xml").string()) + " --html " +
              Quoted((dir / "html").string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(" 50 executions"));
  EXPECT_THAT(ReadFile(dir / "e.xml"), HasSubstr("<class name=\"definition.asl.json\""));
  EXPECT_THAT(ReadFile(dir / "html/index.html"), HasSubstr("<svg"));
  // lcov reads the tracefile of an exploration back: every state is a line
  // (7), every scope a function (1).
  const CliRun summary = RunShell("lcov --summary " + Quoted((dir / "e.info").string()), dir);
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_THAT(summary.out + summary.err, HasSubstr("of 7 lines)"));
  EXPECT_THAT(summary.out + summary.err, HasSubstr("functions..: 100.0% (1 of 1 function)"));
}

}  // namespace
