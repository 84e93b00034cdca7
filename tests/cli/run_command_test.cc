#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli_test_util.h"

namespace {

using namespace stepsim::cli::testutil;  // NOLINT(google-build-using-namespace)

std::filesystem::path ScratchDir() { return stepsim::cli::testutil::ScratchDir("stepsim_run_"); }

// Runs `stepsim run <args>` in `cwd` with `env` prepended (e.g.
// "SFN_MOCK_CONFIG=x"); SFN_MOCK_CONFIG is unset unless `env` sets it.
CliRun RunCli(const std::string& args, const std::filesystem::path& cwd,
              const std::string& env = "") {
  return RunStepsim("run " + args, cwd, env);
}

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

const std::string kFixtures = STEPSIM_FIXTURES_DIR "/order-processing";

std::string OrderArgs(const std::string& test_case, const std::string& extra = "--format json") {
  return Quoted(kFixtures + "/definition.asl.json") + " --input " +
         Quoted(kFixtures + "/input.json") + " --mock-config " + Quoted(kFixtures + "/mocks.json") +
         " --test-case " + test_case + " " + extra;
}

// Types of the history events, in order.
std::vector<std::string> EventTypes(const Json& result) {
  std::vector<std::string> types;
  for (const Json& event : result.at("history")) types.push_back(event.at("type"));
  return types;
}

TEST(RunCommandTest, HappyPathPrintsOneJsonObjectWithTheOutput) {
  // ASL: MOCK-02, MOCK-07
  const auto dir = ScratchDir();
  const CliRun run = RunCli(OrderArgs("HappyPath"), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json result = Json::parse(run.out);
  EXPECT_EQ(result.at("status"), "SUCCEEDED");
  EXPECT_EQ(result.at("output"), Json::parse(R"({"orderId": "order-1001",
      "trackingNumber": "1Z999AA10123456784", "carrier": "UPS"})"));
  EXPECT_TRUE(result.at("error").is_null());
  EXPECT_TRUE(result.at("cause").is_null());
  const Json& first = result.at("history").at(0);
  EXPECT_EQ(first.at("type"), "ExecutionStarted");
  EXPECT_EQ(Json::parse(first.at("executionStartedEventDetails").at("input").get<std::string>()),
            Json::parse(ReadFile(kFixtures + "/input.json")));
  EXPECT_EQ(first.at("timestamp"), "2025-01-01T00:00:00.000Z");
  EXPECT_EQ(result.at("history").back().at("type"), "ExecutionSucceeded");
}

TEST(RunCommandTest, EveryOrderTestCaseEndsOnItsPath) {
  // ASL: MOCK-02, MOCK-07, ERR-04
  struct Expected {
    const char* test_case;
    const char* status;
    const char* error;  // nullptr: JSON null
  };
  const std::array<Expected, 9> cases{{
      {"HappyPath", "SUCCEEDED", nullptr},
      {"InventoryUnavailable", "FAILED", nullptr},
      {"InventoryCheckError", "SUCCEEDED", nullptr},
      {"NotificationFails", "FAILED", "NotificationFailed"},
      {"PaymentRetriedThenSucceeds", "SUCCEEDED", nullptr},
      {"PaymentRetriesExhausted", "FAILED", "PaymentGatewayTimeout"},
      {"PaymentDeclined", "FAILED", "PaymentDeclined"},
      {"ShippingFails", "FAILED", "ShippingLabelError"},
      {"MissingInventoryStatus", "FAILED", "States.Runtime"},
  }};
  const auto dir = ScratchDir();
  for (const Expected& expected : cases) {
    SCOPED_TRACE(expected.test_case);
    const CliRun run = RunCli(OrderArgs(expected.test_case), dir);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const Json result = Json::parse(run.out);
    EXPECT_EQ(result.at("status"), expected.status);
    EXPECT_EQ(result.at("error"), expected.error ? Json(expected.error) : Json());
  }
}

TEST(RunCommandTest, FailedWorkflowIsAResultWithExitZero) {
  // ASL: MOCK-07
  const auto dir = ScratchDir();
  const CliRun run = RunCli(OrderArgs("PaymentDeclined"), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json result = Json::parse(run.out);
  EXPECT_EQ(result.at("status"), "FAILED");
  EXPECT_TRUE(result.at("output").is_null());
  EXPECT_EQ(result.at("error"), "PaymentDeclined");
  EXPECT_EQ(result.at("cause"), "card ending 4242 was declined: insufficient funds");
}

TEST(RunCommandTest, RetriedPaymentUsesOneInvocationNumberPerAttempt) {
  // ASL: MOCK-06, MOCK-13
  const auto dir = ScratchDir();
  const CliRun run = RunCli(OrderArgs("PaymentRetriedThenSucceeds"), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json result = Json::parse(run.out);
  EXPECT_EQ(result.at("status"), "SUCCEEDED");
  const auto types = EventTypes(result);
  EXPECT_EQ(std::count(types.begin(), types.end(), "LambdaFunctionFailed") +
                std::count(types.begin(), types.end(), "TaskFailed"),
            2);
  // Retry waits 3 s then 4.5 s (IntervalSeconds 3, BackoffRate 1.5).
  EXPECT_EQ(result.at("history").back().at("timestamp"), "2025-01-01T00:00:07.500Z");
}

TEST(RunCommandTest, ExhaustedRetriesFailWithTheLastMockedError) {
  // ASL: MOCK-06, MOCK-07
  const auto dir = ScratchDir();
  const CliRun run = RunCli(OrderArgs("PaymentRetriesExhausted"), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json result = Json::parse(run.out);
  EXPECT_EQ(result.at("status"), "FAILED");
  EXPECT_EQ(result.at("error"), "PaymentGatewayTimeout");
  EXPECT_EQ(result.at("cause"), "payment gateway did not answer within 10 s");
}

TEST(RunCommandTest, CaughtInventoryErrorNotifiesTheUser) {
  // ASL: MOCK-07
  const auto dir = ScratchDir();
  const CliRun run = RunCli(OrderArgs("InventoryCheckError"), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json result = Json::parse(run.out);
  EXPECT_EQ(result.at("status"), "SUCCEEDED");
  EXPECT_EQ(result.at("output"), Json::parse(R"({"notified": true, "channel": "email"})"));
}

TEST(RunCommandTest, TextFormatIsAShortSummary) {
  // ASL: MOCK-13
  const auto dir = ScratchDir();
  const CliRun run = RunCli(OrderArgs("PaymentRetriedThenSucceeds", ""), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, StartsWith("status:  SUCCEEDED\noutput:  {\"carrier\":\"UPS\""));
  EXPECT_THAT(run.out, HasSubstr("elapsed: 7.500s (virtual)"));
}

TEST(RunCommandTest, TraceShowsRetriesOnStderr) {
  // ASL: MOCK-06
  const auto dir = ScratchDir();
  const CliRun run = RunCli(OrderArgs("PaymentRetriedThenSucceeds", "--format json --trace"), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Json::accept(run.out));
  EXPECT_THAT(run.err, HasSubstr("enter ProcessPayment (Task)"));
  EXPECT_THAT(run.err, HasSubstr("retry ProcessPayment (Retry[0]) after PaymentGatewayTimeout"));
  EXPECT_THAT(run.err, HasSubstr("[    7.500s] execution SUCCEEDED, output {\"carrier\""));
  EXPECT_THAT(run.err, HasSubstr("[    7.500s]   LambdaFunctionSucceeded, result {\"amount\":28,"));
}

TEST(RunCommandTest, HistoryFileHoldsTheSameHistory) {
  // ASL: HIST-01
  const auto dir = ScratchDir();
  const std::string history = (dir / "history.json").string();
  const CliRun run =
      RunCli(OrderArgs("HappyPath", "--format json --history " + Quoted(history)), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Json::parse(ReadFile(history)), Json::parse(run.out).at("history"));
}

TEST(RunCommandTest, InputDefaultsToEmptyObject) {
  // ASL: IO-01
  const auto dir = ScratchDir();
  const std::string definition = WriteFile(
      dir / "pass.asl.json", R"({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})");
  const CliRun run = RunCli(Quoted(definition) + " --format=json", dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json result = Json::parse(run.out);
  EXPECT_EQ(result.at("status"), "SUCCEEDED");
  EXPECT_EQ(result.at("output"), Json::object());
}

TEST(RunCommandTest, InlineInputAndContextSeedTheContextObject) {
  // ASL: CTX-01, CTX-02, CTX-03 (the unknown "SomethingElse" key is ignored)
  const auto dir = ScratchDir();
  const std::string definition = WriteFile(dir / "ctx.asl.json", R"({"StartAt": "P", "States": {
      "P": {"Type": "Pass", "Parameters": {"execution.$": "$$.Execution",
            "machine.$": "$$.StateMachine"}, "End": true}}})");
  const std::string context = WriteFile(dir / "context.json", R"({
      "Execution": {"Id": "arn:aws:states:eu-west-1:222222222222:execution:shop:run-7",
                    "Name": "run-7", "StartTime": "2024-02-03T04:05:06.789Z",
                    "RoleArn": "arn:aws:iam::222222222222:role/r"},
      "StateMachine": {"Id": "arn:aws:states:eu-west-1:222222222222:stateMachine:shop",
                       "Name": "shop"},
      "StateMachineType": "STANDARD", "Account": "222222222222", "Region": "eu-west-1",
      "SomethingElse": true})");
  const CliRun run = RunCli(Quoted(definition) + " --input-json '{\"a\": 1}' --context " +
                                Quoted(context) + " --format json",
                            dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json result = Json::parse(run.out);
  EXPECT_EQ(result.at("output"), Json::parse(R"({
      "execution": {"Id": "arn:aws:states:eu-west-1:222222222222:execution:shop:run-7",
                    "Name": "run-7", "StartTime": "2024-02-03T04:05:06.789Z",
                    "RoleArn": "arn:aws:iam::222222222222:role/r", "Input": {"a": 1},
                    "RedriveCount": 0},
      "machine": {"Id": "arn:aws:states:eu-west-1:222222222222:stateMachine:shop",
                  "Name": "shop"}})"));
  EXPECT_EQ(result.at("history").at(0).at("timestamp"), "2024-02-03T04:05:06.789Z");
}

TEST(RunCommandTest, MockConfigComesFromTheEnvironmentWhenTheFlagIsAbsent) {
  // ASL: MOCK-12
  const auto dir = ScratchDir();
  const CliRun run = RunCli(Quoted(kFixtures + "/definition.asl.json") + " --input " +
                                Quoted(kFixtures + "/input.json") +
                                " --test-case order-processing#ShippingFails --format json",
                            dir, "SFN_MOCK_CONFIG=" + Quoted(kFixtures + "/mocks.json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json result = Json::parse(run.out);
  EXPECT_EQ(result.at("status"), "FAILED");
  EXPECT_EQ(result.at("error"), "ShippingLabelError");
}

TEST(RunCommandTest, MockConfigFileJsonInTheWorkingDirectoryIsTheLastResort) {
  // ASL: MOCK-12
  const auto dir = ScratchDir();
  std::filesystem::copy_file(kFixtures + "/mocks.json", dir / "MockConfigFile.json");
  const CliRun run = RunCli(Quoted(kFixtures + "/definition.asl.json") + " --input " +
                                Quoted(kFixtures + "/input.json") +
                                " --test-case InventoryUnavailable --format json",
                            dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json result = Json::parse(run.out);
  EXPECT_EQ(result.at("status"), "FAILED");
  EXPECT_EQ(result.at("cause"), "Inventory not available for the requested items.");
}

TEST(RunCommandTest, UsageErrorsExitTwo) {
  const auto dir = ScratchDir();
  const CliRun none = RunCli("", dir);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, StartsWith("stepsim run: missing DEFINITION\nusage: stepsim run"));
  EXPECT_TRUE(none.out.empty());

  const CliRun unknown = RunCli("x.asl.json --bogus", dir);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, StartsWith("stepsim run: unknown option \"--bogus\"\n"));

  const CliRun seed = RunCli("x.asl.json --seed -4", dir);
  EXPECT_EQ(seed.exit_code, 2);
  EXPECT_THAT(seed.err, StartsWith("stepsim run: --seed needs a non-negative integer, got \"-4\""));

  const CliRun format = RunCli("x.asl.json --format yaml", dir);
  EXPECT_EQ(format.exit_code, 2);

  const CliRun no_case = RunCli(Quoted(kFixtures + "/definition.asl.json") + " --mock-config " +
                                    Quoted(kFixtures + "/mocks.json"),
                                dir);
  EXPECT_EQ(no_case.exit_code, 2);
  EXPECT_EQ(no_case.err, "stepsim run: --mock-config needs --test-case NAME\n");

  const CliRun help = RunCli("--help", dir);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, StartsWith("usage: stepsim run DEFINITION [options]"));
}

TEST(RunCommandTest, UnloadableDefinitionExitsTwoWithDiagnostics) {
  // ASL: VAL-01
  const auto dir = ScratchDir();
  const std::string definition =
      WriteFile(dir / "bad.asl.json",
                "{\"StartAt\": \"A\",\n \"States\": {\"A\": {\"Type\": \"Pass\", "
                "\"Next\": \"B\"}}}");
  const CliRun run = RunCli(Quoted(definition) + " --format json", dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.out.empty());
  EXPECT_THAT(run.err, HasSubstr(definition + ":2:43: error[MISSING_TRANSITION_TARGET]: "
                                              "/States/A/Next: no state named \"B\"\n"));

  const CliRun missing = RunCli("does-not-exist.asl.json", dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("does-not-exist.asl.json"));
  EXPECT_THAT(missing.err, HasSubstr("FILE_NOT_READABLE"));
}

TEST(RunCommandTest, BadMockFileExitsTwoWithLocatedDiagnostic) {
  // ASL: MOCK-04
  const auto dir = ScratchDir();
  const std::string mocks = WriteFile(dir / "mocks.json", R"({
  "StateMachines": {"order-processing": {"TestCases": {"T": {"CheckInventory": "R"}}}},
  "MockedResponses": {"R": {"1": {"Return": {}}}}
})");
  const CliRun run = RunCli(Quoted(kFixtures + "/definition.asl.json") + " --mock-config " +
                                Quoted(mocks) + " --test-case T --format json",
                            dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.out.empty());
  EXPECT_EQ(run.err, mocks +
                         ":3:29: error[MOCK_RANGE_GAP]: /MockedResponses/R/1: invocation 0 "
                         "is not covered before \"1\": keys must cover consecutive "
                         "numbers from 0\n");
}

TEST(RunCommandTest, MockOfAnUnknownStateIsAWarningOnly) {
  // ASL: MOCK-09
  const auto dir = ScratchDir();
  const std::string mocks = WriteFile(dir / "mocks.json", R"({
  "StateMachines": {"order-processing": {"TestCases": {"T": {
    "CheckInventory": "Out", "CheckInventroy": "Out"}}}},
  "MockedResponses": {"Out": {"0": {"Return": {"inventory": {"status": "none"}}}}}
})");
  const CliRun run = RunCli(Quoted(kFixtures + "/definition.asl.json") + " --mock-config " +
                                Quoted(mocks) + " --test-case T --format json",
                            dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Json::parse(run.out).at("status"), "FAILED");
  EXPECT_EQ(run.err, mocks +
                         ":3:30: warning[MOCK_UNKNOWN_STATE]: "
                         "/StateMachines/order-processing/TestCases/T/CheckInventroy: no "
                         "state named \"CheckInventroy\" in the definition\n");
}

TEST(RunCommandTest, UnknownTestCaseExitsTwo) {
  // ASL: MOCK-02
  const auto dir = ScratchDir();
  const CliRun run = RunCli(OrderArgs("Nope"), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.out.empty());
  EXPECT_THAT(run.err, HasSubstr("error[MOCK_UNKNOWN_TEST_CASE]: "
                                 "/StateMachines/order-processing/TestCases: no test case "
                                 "named \"Nope\" for state machine \"order-processing\""));
}

TEST(RunCommandTest, BadInputJsonExitsTwo) {
  // ASL: IO-01
  const auto dir = ScratchDir();
  const std::string input = WriteFile(dir / "input.json", "{\"a\": }");
  const CliRun run =
      RunCli(Quoted(kFixtures + "/definition.asl.json") + " --input " + Quoted(input), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, StartsWith(input + ":1:7: error[INVALID_JSON]: "));
}

}  // namespace
