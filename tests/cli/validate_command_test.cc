// Runs the built `stepsim validate` as a user does and checks what it
// prints and how it exits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_test_util.h"

namespace {

using Output = stepsim::cli::testutil::CliRun;
using stepsim::cli::testutil::WriteTempFile;

Output RunCli(const std::string& args) {
  return stepsim::cli::testutil::RunStepsim(args, ::testing::TempDir());
}

const std::string kOrder =
    std::string(STEPSIM_FIXTURES_DIR) + "/order-processing/definition.asl.json";

TEST(ValidateCommandTest, AcceptsTheOrderWorkflow) {
  const Output o = RunCli("validate " + kOrder);
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_EQ(o.out, "");
}

// ASL: ST-05
TEST(ValidateCommandTest, DanglingNextIsOneLineWithFileLineColumnAndPointer) {
  const std::string path = WriteTempFile("dangling.asl.json", R"({
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Next": "Shipp",
      "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Ship" }]
    },
    "Ship": { "Type": "Succeed" }
  }
})");
  const Output o = RunCli("validate " + path);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.out,
            path +
                R"(:6:15: error[MISSING_TRANSITION_TARGET]: /States/A/Next: no state named "Shipp")"
                "\n");
}

// ASL: VAL-02
TEST(ValidateCommandTest, MalformedJsonReportsLineAndColumn) {
  const std::string path =
      WriteTempFile("malformed.asl.json", "{\n  \"StartAt\": \"A\",\n  \"States\": {]\n}\n");
  const Output o = RunCli("validate " + path);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_THAT(o.out, ::testing::StartsWith(path + ":3:14: error[INVALID_JSON_DESCRIPTION]: "));
}

// ASL: VAL-01, ST-05, ST-06
TEST(ValidateCommandTest, JsonFormatUsesAwsResponseShapeWithLineAndColumn) {
  const std::string path = WriteTempFile("dangling2.asl.json", R"({
  "StartAt": "A",
  "States": {
    "A": { "Type": "Pass", "Next": "B" },
    "C": { "Type": "Succeed" }
  }
})");
  const Output o = RunCli("validate --format json " + path);
  EXPECT_EQ(o.exit_code, 2);
  const auto report = nlohmann::json::parse(o.out);
  EXPECT_EQ(report["result"], "FAIL");
  // The dangling Next, then the state nothing reaches (ST-06).
  ASSERT_EQ(report["diagnostics"].size(), 2u);
  EXPECT_EQ(report["diagnostics"][1]["location"], "/States/C");
  EXPECT_EQ(report["diagnostics"][1]["code"], "MISSING_TRANSITION_TARGET");
  const auto& d = report["diagnostics"][0];
  EXPECT_EQ(d["severity"], "ERROR");
  EXPECT_EQ(d["code"], "MISSING_TRANSITION_TARGET");
  EXPECT_EQ(d["location"], "/States/A/Next");
  EXPECT_EQ(d["line"], 4);
  EXPECT_EQ(d["column"], 36);
}

TEST(ValidateCommandTest, JsonFormatOfAValidFileIsOk) {
  const Output o = RunCli("validate --format=json " + kOrder);
  EXPECT_EQ(o.exit_code, 0);
  const auto report = nlohmann::json::parse(o.out);
  EXPECT_EQ(report["result"], "OK");
  EXPECT_EQ(report["diagnostics"], nlohmann::json::array());
}

TEST(ValidateCommandTest, UnreadableFileExitsTwoAndNamesTheFile) {
  const Output o = RunCli("validate /nonexistent/wf.asl.json");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_THAT(o.out, ::testing::HasSubstr("/nonexistent/wf.asl.json"));
  EXPECT_THAT(o.out, ::testing::HasSubstr("FILE_NOT_READABLE"));
}

TEST(ValidateCommandTest, NoFileIsAUsageError) {
  const Output o = RunCli("validate");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_THAT(o.err, ::testing::HasSubstr("usage: stepsim validate"));
}

TEST(ValidateCommandTest, UnknownOptionIsAUsageError) {
  const Output o = RunCli("validate --frobnicate " + kOrder);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_THAT(o.err, ::testing::HasSubstr("unknown option \"--frobnicate\""));
}

}  // namespace
