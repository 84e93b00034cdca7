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

// Runs `stepsim lint <args>` from the source tree's root, so that fixture
// paths print as "fixtures/...".
CliRun RunCli(const std::string& args) { return RunStepsim("lint " + args, STEPSIM_SOURCE_DIR); }

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

const std::string kOrder = "fixtures/order-processing/definition.asl.json";

std::string Write(const std::string& name, const std::string& text) {
  return WriteTempFile("stepsim_lint_cli_" + name, text);
}

constexpr const char* kClean = R"({
  "StartAt": "Charge",
  "States": {
    "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:c",
               "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}], "End": true},
    "Failed": {"Type": "Fail", "Error": "ChargeFailed"}
  }
})";

TEST(LintCommandTest, OrderWorkflowReportsItsUncaughtErrorsAndExitsOne) {
  const CliRun run = RunCli(kOrder);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.out,
            "fixtures/order-processing/definition.asl.json:16:23: warning[UNCAUGHT_ERROR]: "
            "/States/ProcessPayment: errors leave task state \"ProcessPayment\" uncaught and fail "
            "the execution: any other error; PaymentGatewayTimeout once retrier 0 is exhausted (2 "
            "retries)\n"
            "fixtures/order-processing/definition.asl.json:22:28: warning[UNCAUGHT_ERROR]: "
            "/States/CreateShippingLabel: any error raised by task state \"CreateShippingLabel\" "
            "is uncaught and will fail the execution (no Catch)\n"
            "fixtures/order-processing/definition.asl.json:33:28: warning[UNCAUGHT_ERROR]: "
            "/States/NotifyUserOfFailure: any error raised by task state \"NotifyUserOfFailure\" "
            "is uncaught and will fail the execution (no Catch)\n");
  EXPECT_EQ(run.err, "");
}

TEST(LintCommandTest, CleanDefinitionExitsZero) {
  const std::string clean = Write("clean.asl.json", kClean);
  const CliRun run = RunCli(Quoted(clean));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, clean + ": no findings\n");
}

TEST(LintCommandTest, SeveralFilesAreLintedInTurn) {
  const std::string clean = Write("clean2.asl.json", kClean);
  const CliRun run = RunCli(Quoted(clean) + " fixtures/lint/nested.asl.json");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, clean + ": no findings\n");
  EXPECT_EQ(run.out, ReadFile(std::string(STEPSIM_FIXTURES_DIR) + "/lint/nested.lint.golden"));
}

TEST(LintCommandTest, InfoFindingsAloneExitZero) {
  const std::string file = Write("long.asl.json", R"({
  "StartAt": "Poll",
  "States": {
    "Poll": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:p",
             "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 600, "MaxAttempts": 10}],
             "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "End": true},
    "Done": {"Type": "Succeed"}
  }
})");
  CliRun run = RunCli(Quoted(file));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            file +
                ":5:24: info[LONG_RETRY_TOTAL]: /States/Poll/Retry/0: retrier 0 retries every "
                "error (States.ALL) up to 10 times and can wait 613800 seconds in total\n");
  run = RunCli("--long-retry-seconds=1000000 " + Quoted(file));
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, "");
}

TEST(LintCommandTest, JsonFormatGivesFileResultAndDiagnostics) {
  const CliRun run = RunCli(kOrder + " --format json");
  ASSERT_EQ(run.exit_code, 1) << run.err;
  const Json report = Json::parse(run.out);
  EXPECT_EQ(report.at("file"), kOrder);
  EXPECT_EQ(report.at("result"), "FINDINGS");
  ASSERT_EQ(report.at("diagnostics").size(), 3U);
  const Json& first = report.at("diagnostics").at(0);
  EXPECT_EQ(first.at("code"), "UNCAUGHT_ERROR");
  EXPECT_EQ(first.at("severity"), "WARNING");
  EXPECT_EQ(first.at("pointer"), "/States/ProcessPayment");
  EXPECT_EQ(first.at("line"), 16);
  EXPECT_EQ(first.at("column"), 23);

  const CliRun two = RunCli(kOrder + " fixtures/lint/loops.asl.json --format=json");
  const Json reports = Json::parse(two.out);
  ASSERT_TRUE(reports.is_array());
  EXPECT_EQ(reports.size(), 2U);
  EXPECT_EQ(reports.at(1).at("diagnostics").size(), 5U);
}

TEST(LintCommandTest, UnloadableDefinitionExitsTwoWithItsErrors) {
  CliRun run = RunCli("fixtures/invalid/assign-invalid-variable-name.asl.json " + kOrder);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, StartsWith("fixtures/invalid/assign-invalid-variable-name.asl.json:14:9: "
                                  "error[SCHEMA_VALIDATION_FAILED]: "));
  EXPECT_THAT(run.out, HasSubstr("warning[UNCAUGHT_ERROR]"));  // the other file is still linted
  run = RunCli("no/such/file.asl.json");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("no/such/file.asl.json: error[FILE_NOT_READABLE]"));
}

TEST(LintCommandTest, BadUsageExitsTwo) {
  EXPECT_EQ(RunCli("").exit_code, 2);
  CliRun run = RunCli(kOrder + " --format xml");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "stepsim lint: unknown format \"xml\" (expected text or json)\n");
  run = RunCli(kOrder + " --long-retry-seconds soon");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "stepsim lint: --long-retry-seconds needs a non-negative number, got \"soon\"\n");
  run = RunCli(kOrder + " --bogus");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, StartsWith("stepsim lint: unknown option \"--bogus\"\n"));
  run = RunCli("--help");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, StartsWith("usage: stepsim lint DEFINITION..."));
}

}  // namespace
