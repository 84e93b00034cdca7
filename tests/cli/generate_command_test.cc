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

std::filesystem::path ScratchDir() {
  return stepsim::cli::testutil::ScratchDir("stepsim_generate_");
}

using ::testing::HasSubstr;
using Json = nlohmann::json;

const std::filesystem::path kFixtures = STEPSIM_FIXTURES_DIR;

// The order workflow copied to <dir>/order-processing/, so that a suite
// written to <dir>/generate/ refers to it exactly as one written to
// fixtures/generate/ does.
std::filesystem::path CopyOrder(const std::filesystem::path& dir) {
  const auto def = dir / "order-processing" / "definition.asl.json";
  WriteFile(def, ReadFile(kFixtures / "order-processing" / "definition.asl.json"));
  std::filesystem::create_directories(dir / "generate");
  return def;
}

// Compares with a golden under fixtures/generate/; STEPSIM_UPDATE_GOLDENS=1
// rewrites it.
void ExpectGolden(const std::string& actual, const std::string& golden_name) {
  const auto golden = kFixtures / "generate" / golden_name;
  if (std::getenv("STEPSIM_UPDATE_GOLDENS") != nullptr) WriteFile(golden, actual);
  EXPECT_EQ(actual, ReadFile(golden))
      << "golden " << golden << " differs (STEPSIM_UPDATE_GOLDENS=1 rewrites it)";
}

TEST(GenerateCommandTest, OrderWorkflowSuiteCoversEverythingAndMatchesGolden) {
  const auto dir = ScratchDir();
  CopyOrder(dir);
  const CliRun run = RunStepsim(
      "generate order-processing/definition.asl.json --out generate/order.scenarios.json", dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.out,
            "wrote 6 scenarios to generate/order.scenarios.json\n"
            "obligations covered: 23/23 (100.0%)\n");
  const std::string text = ReadFile(dir / "generate" / "order.scenarios.json");
  const Json file = Json::parse(text);
  EXPECT_EQ(file.at("Definition"), "../order-processing/definition.asl.json");
  ExpectGolden(text, "order.scenarios.json");
}

TEST(GenerateCommandTest, GeneratedScenariosPassStepsimTest) {
  const auto dir = ScratchDir();
  CopyOrder(dir);
  ASSERT_EQ(RunStepsim(
                "generate order-processing/definition.asl.json --out generate/s.json --seed 3", dir)
                .exit_code,
            0);
  const Json file = Json::parse(ReadFile(dir / "generate" / "s.json"));
  EXPECT_EQ(file.at("Options").at("Seed"), 3);
  const CliRun test = RunStepsim("test generate/s.json --coverage-out cov.json", dir);
  EXPECT_EQ(test.exit_code, 0) << test.out << test.err;
  EXPECT_THAT(test.out, HasSubstr("[  PASSED  ] 6 scenarios."));
  // Run by `stepsim test`, the generated suite itself covers every
  // obligation: the coverage gate passes at 100% on every criterion.
  const CliRun gate = RunStepsim(
      "coverage report cov.json "
      "--fail-under states=100,transitions=100,choices=100,retries=100,catches=100,errors=100",
      dir);
  EXPECT_EQ(gate.exit_code, 0) << gate.out << gate.err;
  EXPECT_THAT(gate.out, HasSubstr("uncovered: none"));
}

TEST(GenerateCommandTest, GtestFormatMatchesGolden) {
  const auto dir = ScratchDir();
  CopyOrder(dir);
  const CliRun run = RunStepsim(
      "generate order-processing/definition.asl.json --format gtest "
      "--out generate/order_witness_test.cc",
      dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string text = ReadFile(dir / "generate" / "order_witness_test.cc");
  EXPECT_THAT(text, HasSubstr("TEST(OrderWitnessTest, W01RetryProcessPayment0Exhausted) {"));
  EXPECT_THAT(text, HasSubstr("\"../order-processing/definition.asl.json\""));
  ExpectGolden(text, "order_witness_test.cc");
}

TEST(GenerateCommandTest, AllPathsWritesOneVerifiedScenarioPerPath) {
  const auto dir = ScratchDir();
  CopyOrder(dir);
  const CliRun run = RunStepsim(
      "generate order-processing/definition.asl.json --all-paths --out generate/paths.json", dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json file = Json::parse(ReadFile(dir / "generate" / "paths.json"));
  const std::size_t n = file.at("Scenarios").size();
  EXPECT_GE(n, 8U);  // retries 0, 1, 2 and exhaustion included
  EXPECT_EQ(run.out, "wrote " + std::to_string(n) + " scenarios to generate/paths.json\n" +
                         "paths witnessed: " + std::to_string(n) + "/" + std::to_string(n) +
                         "\nobligations covered: 23/23 (100.0%)\n");
  const CliRun test = RunStepsim("test generate/paths.json", dir);
  EXPECT_EQ(test.exit_code, 0) << test.out << test.err;
}

TEST(GenerateCommandTest, ListsUnwitnessedObligationsWithPositionAndReason) {
  const auto dir = ScratchDir();
  WriteFile(dir / "shadow.asl.json", R"({
  "StartAt": "T",
  "States": {
    "T": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:1:function:f",
      "End": true,
      "Catch": [
        {"ErrorEquals": ["Boom", "Bang"], "Next": "A"},
        {"ErrorEquals": ["Boom"], "Next": "B"}
      ]
    },
    "A": {"Type": "Succeed"},
    "B": {"Type": "Succeed"}
  }
}
)");
  const CliRun run = RunStepsim("generate shadow.asl.json --out out.json", dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "wrote 3 scenarios to out.json\n"
            "obligations covered: 7/11 (63.6%)\n"
            "shadow.asl.json:10:9: warning[WITNESS_INFEASIBLE]: /States/T/Catch/1: "
            "transition:T->B: infeasible: no way through T takes it (catcher 1 of T never "
            "fires)\n"
            "shadow.asl.json:10:9: warning[WITNESS_INFEASIBLE]: /States/T/Catch/1: catch:T#1: "
            "infeasible: catcher 1 never fires (every error it names is caught by an earlier "
            "catcher)\n"
            "shadow.asl.json:14:10: warning[WITNESS_INFEASIBLE]: /States/B: state:B: "
            "infeasible: no complete path through B (catcher 1 of T never fires)\n"
            "shadow.asl.json:14:10: warning[WITNESS_INFEASIBLE]: /States/B: transition:B->(end): "
            "infeasible: no complete path through B (catcher 1 of T never fires)\n");
}

TEST(GenerateCommandTest, NothingVerifiedWritesNothingAndExitsOne) {
  const auto dir = ScratchDir();
  // The first state's rule reads a context field no scenario controls.
  WriteFile(dir / "never.asl.json", R"({
  "StartAt": "C",
  "States": {
    "C": {"Type": "Choice", "Default": "Done",
          "Choices": [{"Variable": "$$.Execution.Name", "StringEquals": "x", "Next": "Done"}]},
    "Done": {"Type": "Succeed"}
  }
}
)");
  const CliRun run = RunStepsim("generate never.asl.json --out out.json", dir);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.out, ::testing::StartsWith("no scenario verified: nothing written to out.json\n"
                                             "obligations covered: 0/6 (0.0%)\n"
                                             "never.asl.json:4:10: warning[WITNESS_UNSUPPORTED]: "
                                             "/States/C: state:C: unsupported: context object "
                                             "field $$.Execution.Name (read by C)\n"));
  EXPECT_FALSE(std::filesystem::exists(dir / "out.json"));
}

TEST(GenerateCommandTest, MissingOutIsAUsageError) {
  const auto dir = ScratchDir();
  const CliRun run = RunStepsim(
      "generate " + Quoted((kFixtures / "order-processing" / "definition.asl.json").string()), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, ::testing::StartsWith("stepsim generate: missing --out FILE\n"));
}

TEST(GenerateCommandTest, UnknownFormatIsAUsageError) {
  const auto dir = ScratchDir();
  const CliRun run = RunStepsim("generate d.json --out x --format yaml", dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "stepsim generate: unknown format \"yaml\" (expected scenarios or gtest)\n");
}

TEST(GenerateCommandTest, InvalidDefinitionExitsTwoWithDiagnostics) {
  const auto dir = ScratchDir();
  WriteFile(dir / "bad.asl.json", ReadFile(kFixtures / "invalid" / "catch-missing-next.asl.json"));
  const CliRun run = RunStepsim("generate bad.asl.json --out out.json", dir);
  EXPECT_EQ(run.exit_code, 2);
  std::string golden = ReadFile(kFixtures / "invalid" / "catch-missing-next.diagnostics.golden");
  const std::string from = "catch-missing-next.asl.json";
  for (auto at = golden.find(from); at != std::string::npos; at = golden.find(from, at)) {
    golden.replace(at, from.size(), "bad.asl.json");
  }
  EXPECT_EQ(run.err, golden);
  EXPECT_FALSE(std::filesystem::exists(dir / "out.json"));
}

TEST(GenerateCommandTest, UnwritableOutputExitsTwo) {
  const auto dir = ScratchDir();
  CopyOrder(dir);
  const CliRun run =
      RunStepsim("generate order-processing/definition.asl.json --out no/such/dir/x.json", dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "no/such/dir/x.json: error[FILE_NOT_WRITABLE]: /: cannot write the file\n");
}

}  // namespace
