// Runs the built `stepsim test-state` as a user does and checks what it
// prints and how it exits.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_test_util.h"

namespace {

using Output = stepsim::cli::testutil::CliRun;
using stepsim::cli::testutil::WriteTempFile;

Output RunCli(const std::string& args) {
  return stepsim::cli::testutil::RunStepsim(args, ::testing::TempDir());
}

TEST(TestStateCommandTest, PrintsTheResponseWithJsonTextMembersAndExitsZero) {
  const std::string request = WriteTempFile("pass.request.json", R"({
    "definition": "{\"Type\": \"Pass\", \"Result\": {\"x\": 1}, \"ResultPath\": \"$.r\", \"Next\": \"B\"}",
    "input": "{\"a\": true}"
  })");
  const Output o = RunCli("test-state --request " + request);
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(
      nlohmann::json::parse(o.out),
      nlohmann::json::parse(
          R"({"status": "SUCCEEDED", "nextState": "B", "output": "{\"a\":true,\"r\":{\"x\":1}}"})"));
}

TEST(TestStateCommandTest, AnApiErrorIsPrintedAsAwsShapesItAndExitsThree) {
  const std::string request = WriteTempFile("mocked-pass.request.json", R"({
    "definition": "{\"Type\": \"Pass\", \"End\": true}",
    "mock": {"result": "{}"}
  })");
  const Output o = RunCli("test-state --request " + request);
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_EQ(nlohmann::json::parse(o.out),
            nlohmann::json::parse(R"({"error": {"code": "ValidationException",
              "message": "State type 'Pass' is not supported when a mock is specified"}})"));
}

TEST(TestStateCommandTest, ARequestThatIsNotJsonIsAUsageErrorNamingTheFile) {
  const std::string request = WriteTempFile("broken.request.json", "{not json");
  const Output o = RunCli("test-state --request " + request);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("broken.request.json: error[INVALID_JSON]"), std::string::npos) << o.err;
}

TEST(TestStateCommandTest, MissingRequestIsAUsageError) {
  const Output o = RunCli("test-state");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("missing --request"), std::string::npos) << o.err;
}

}  // namespace
