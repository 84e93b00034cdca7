#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli_test_util.h"

namespace {

using namespace stepsim::cli::testutil;  // NOLINT(google-build-using-namespace)

std::filesystem::path ScratchDir() { return stepsim::cli::testutil::ScratchDir("stepsim_test_"); }

// Runs `stepsim test <args>` in `cwd`. Wipes ScratchDir() first, so a file
// a test reads there afterwards was written by this run.
CliRun RunTestCommand(const std::string& args, const std::filesystem::path& cwd) {
  ScratchDir();
  return RunStepsim("test " + args, cwd);
}

using ::testing::HasSubstr;

const std::string kSource = STEPSIM_SOURCE_DIR;
const std::string kFixtures = STEPSIM_FIXTURES_DIR;

void ExpectGolden(const std::string& golden_path, const std::string& actual) {
  const char* update = std::getenv("STEPSIM_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(golden_path, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(actual, ReadFile(golden_path)) << "golden: " << golden_path;
}

TEST(TestCommandTest, TheOrderExamplePassesWithAGtestLikeSummary) {
  const CliRun run =
      RunTestCommand("examples/order-processing/scenarios.json --junit /dev/null", kSource);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_THAT(run.out, HasSubstr("[==========] Running 9 scenarios from 1 suite.\n"
                                 "[----------] 9 scenarios from "
                                 "examples/order-processing/scenarios.json\n"
                                 "[ RUN      ] HappyPath\n"
                                 "[       OK ] HappyPath (0 virtual ms)\n"));
  EXPECT_THAT(run.out, HasSubstr("[       OK ] PaymentRetriedThenSucceeds (7500 virtual ms)\n"));
  EXPECT_THAT(run.out, HasSubstr("[==========] 9 scenarios from 1 suite ran. (15000 virtual ms "
                                 "total)\n[  PASSED  ] 9 scenarios.\n"));
}

TEST(TestCommandTest, AFailingScenarioExitsOneWithAnActionableReportAndJUnit) {
  const std::filesystem::path dir = ScratchDir();
  const std::string junit = (dir / "report.xml").string();
  const CliRun run = RunTestCommand(
      "scenarios/failing-expectations.scenarios.json --junit " + Quoted(junit), kFixtures);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  ExpectGolden(kFixtures + "/scenarios/failing-expectations.summary.golden", run.out);
  ExpectGolden(kFixtures + "/scenarios/failing-expectations.junit.golden", ReadFile(junit));
  // Same input, same bytes.
  const CliRun again = RunTestCommand(
      "scenarios/failing-expectations.scenarios.json --junit " + Quoted(junit), kFixtures);
  EXPECT_EQ(again.out, run.out);
  EXPECT_EQ(ReadFile(junit), ReadFile(kFixtures + "/scenarios/failing-expectations.junit.golden"));
}

TEST(TestCommandTest, FilterRunsOnlyMatchingScenarios) {
  const CliRun run = RunTestCommand(
      "scenarios/failing-expectations.scenarios.json --filter 'Wrong*:-*Path*'", kFixtures);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.out, HasSubstr("[==========] Running 2 scenarios from 1 suite.\n"));
  EXPECT_THAT(run.out, HasSubstr("[ RUN      ] WrongStatusAndError\n"));
  EXPECT_THAT(run.out, HasSubstr("[ RUN      ] WrongOutputMember\n"));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("WrongPathAndTime")));
  const CliRun passes =
      RunTestCommand("scenarios/failing-expectations.scenarios.json --filter=Passes", kFixtures);
  EXPECT_EQ(passes.exit_code, 0);
  EXPECT_THAT(passes.out, HasSubstr("[  PASSED  ] 1 scenario.\n"));
}

TEST(TestCommandTest, ABrokenFileExitsTwoWithEveryDiagnostic) {
  const CliRun run = RunTestCommand(
      "scenarios/invalid/bad-outcomes.scenarios.json "
      "scenarios/invalid/unknown-members.scenarios.json",
      kFixtures);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            ReadFile(kFixtures + "/scenarios/invalid/bad-outcomes.diagnostics.golden") +
                ReadFile(kFixtures + "/scenarios/invalid/unknown-members.diagnostics.golden"));
}

TEST(TestCommandTest, AMockConfigFileRunsAsASuite) {
  const CliRun run = RunTestCommand(
      "order-processing/mocks.json --definition order-processing/definition.asl.json "
      "--input order-processing/input.json --filter 'Notification*:Payment*'",
      kFixtures);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "[==========] Running 4 scenarios from 1 suite.\n"
            "[----------] 4 scenarios from order-processing/mocks.json\n"
            "[ RUN      ] NotificationFails\n"
            "             status FAILED, error NotificationFailed\n"
            "[       OK ] NotificationFails (0 virtual ms)\n"
            "[ RUN      ] PaymentRetriedThenSucceeds\n"
            "             status SUCCEEDED\n"
            "[       OK ] PaymentRetriedThenSucceeds (7500 virtual ms)\n"
            "[ RUN      ] PaymentRetriesExhausted\n"
            "             status FAILED, error PaymentGatewayTimeout\n"
            "[       OK ] PaymentRetriesExhausted (7500 virtual ms)\n"
            "[ RUN      ] PaymentDeclined\n"
            "             status FAILED, error PaymentDeclined\n"
            "[       OK ] PaymentDeclined (0 virtual ms)\n"
            "[----------] 4 scenarios from order-processing/mocks.json (15000 virtual ms total)\n"
            "\n"
            "[==========] 4 scenarios from 1 suite ran. (15000 virtual ms total)\n"
            "[  PASSED  ] 4 scenarios.\n");
}

TEST(TestCommandTest, BadUsageExitsTwo) {
  CliRun run = RunTestCommand("", kFixtures);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("stepsim test: missing SUITE\nusage: stepsim test SUITE..."));
  run = RunTestCommand("order-processing/mocks.json", kFixtures);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "stepsim test: order-processing/mocks.json is a MockConfigFile; give the definition "
            "it runs with --definition FILE\n");
  run = RunTestCommand("x.json --junit", kFixtures);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "stepsim test: --junit needs a value\n");
  run = RunTestCommand("x.json --bogus", kFixtures);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("stepsim test: unknown option \"--bogus\"\n"));
  run = RunTestCommand("no-such.scenarios.json", kFixtures);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "no-such.scenarios.json: error[SCENARIO_FILE_NOT_READABLE]: /: cannot read the "
            "scenario file\n");
  run = RunTestCommand("--help", kFixtures);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, HasSubstr("usage: stepsim test SUITE... [options]"));
}

}  // namespace

namespace {

TEST(TestCommandTest, CoverageOutWritesEveryScenariosHits) {
  const auto dir = ScratchDir();
  const std::string coverage = (dir / "coverage.json").string();
  const CliRun run = RunTestCommand(
      "examples/order-processing/scenarios.json --coverage-out " + Quoted(coverage), kSource);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::string text = ReadFile(coverage);
  const nlohmann::json data = nlohmann::json::parse(text);
  ASSERT_EQ(data["definitions"].size(), 1U);
  const nlohmann::json& definition = data["definitions"][0];
  EXPECT_EQ(definition["file"], "fixtures/order-processing/definition.asl.json");
  EXPECT_EQ(definition["executions"], 9);
  EXPECT_EQ(definition["tests"].size(), 9U);
  EXPECT_EQ(definition["tests"][0], "examples/order-processing/scenarios.json:HappyPath");
  // The nine scenarios enter every state of the workflow.
  for (const nlohmann::json& obligation : definition["obligations"]) {
    if (obligation["kind"] == "State") {
      EXPECT_GT(obligation["hits"], 0) << obligation["id"];
    }
  }
  // Same run, same bytes.
  RunTestCommand("examples/order-processing/scenarios.json --coverage-out " + Quoted(coverage),
                 kSource);
  EXPECT_EQ(ReadFile(coverage), text);
}

}  // namespace
