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

// Runs `stepsim paths <args>` from the source tree's root, so that fixture
// paths print as "fixtures/...".
CliRun RunCli(const std::string& args) { return RunStepsim("paths " + args, STEPSIM_SOURCE_DIR); }

using ::testing::StartsWith;
using Json = nlohmann::json;

const std::string kOrder = "fixtures/order-processing/definition.asl.json";

std::string Write(const std::string& name, const std::string& text) {
  return WriteTempFile("stepsim_paths_cli_" + name, text);
}

TEST(PathsCommandTest, OrderWorkflowCountsThenListsEveryPath) {
  // ASL: RTY-06 (ProcessPayment retried 0, 1, 2 times and exhausted)
  const CliRun run = RunCli(kOrder);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string head = "CheckInventory -> IsInventoryAvailable [rule 0] -> ProcessPayment";
  EXPECT_EQ(
      run.out,
      "13 paths: 4 succeeded, 9 failed\n"
      "  1 FAILED PaymentGatewayTimeout ending at ProcessPayment\n"
      "  3 FAILED States.TaskFailed ending at ProcessPayment\n"
      "  3 SUCCEEDED ending at CreateShippingLabel\n"
      "  3 FAILED ending at CreateShippingLabel\n"
      "  1 FAILED ending at InventoryUnavailableState\n"
      "  1 SUCCEEDED ending at NotifyUserOfFailure\n"
      "  1 FAILED ending at NotifyUserOfFailure\n"
      "1. SUCCEEDED: " +
          head +
          " -> CreateShippingLabel -> (succeed)\n"
          "2. FAILED: " +
          head +
          " -> CreateShippingLabel [uncaught States.TaskFailed] -> (fail)\n"
          "3. SUCCEEDED: " +
          head +
          " [retry 0 x1] -> CreateShippingLabel -> (succeed)\n"
          "4. FAILED: " +
          head +
          " [retry 0 x1] -> CreateShippingLabel [uncaught States.TaskFailed] -> (fail)\n"
          "5. SUCCEEDED: " +
          head +
          " [retry 0 x2] -> CreateShippingLabel -> (succeed)\n"
          "6. FAILED: " +
          head +
          " [retry 0 x2] -> CreateShippingLabel [uncaught States.TaskFailed] -> (fail)\n"
          "7. FAILED States.TaskFailed: " +
          head +
          " [uncaught States.TaskFailed] -> (fail)\n"
          "8. FAILED States.TaskFailed: " +
          head +
          " [retry 0 x1; uncaught States.TaskFailed] -> (fail)\n"
          "9. FAILED States.TaskFailed: " +
          head +
          " [retry 0 x2; uncaught States.TaskFailed] -> (fail)\n"
          "10. FAILED PaymentGatewayTimeout: " +
          head +
          " [retry 0 x2 exhausted; uncaught PaymentGatewayTimeout] -> (fail)\n"
          "11. FAILED: CheckInventory -> IsInventoryAvailable [Default] -> "
          "InventoryUnavailableState -> (fail)\n"
          "12. SUCCEEDED: CheckInventory [Catch 0 States.TaskFailed] -> InventoryErrorState -> "
          "NotifyUserOfFailure -> (succeed)\n"
          "13. FAILED: CheckInventory [Catch 0 States.TaskFailed] -> InventoryErrorState -> "
          "NotifyUserOfFailure [uncaught States.TaskFailed] -> (fail)\n");
  EXPECT_EQ(run.err, "");
}

TEST(PathsCommandTest, CountOnlyAndMaxPaths) {
  CliRun run = RunCli(kOrder + " --count-only");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out,
            "13 paths: 4 succeeded, 9 failed\n"
            "  1 FAILED PaymentGatewayTimeout ending at ProcessPayment\n"
            "  3 FAILED States.TaskFailed ending at ProcessPayment\n"
            "  3 SUCCEEDED ending at CreateShippingLabel\n"
            "  3 FAILED ending at CreateShippingLabel\n"
            "  1 FAILED ending at InventoryUnavailableState\n"
            "  1 SUCCEEDED ending at NotifyUserOfFailure\n"
            "  1 FAILED ending at NotifyUserOfFailure\n");
  run = RunCli(kOrder + " --max-paths 1");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out,
            "13 paths: 4 succeeded, 9 failed\n"
            "  1 FAILED PaymentGatewayTimeout ending at ProcessPayment\n"
            "  3 FAILED States.TaskFailed ending at ProcessPayment\n"
            "  3 SUCCEEDED ending at CreateShippingLabel\n"
            "  3 FAILED ending at CreateShippingLabel\n"
            "  1 FAILED ending at InventoryUnavailableState\n"
            "  1 SUCCEEDED ending at NotifyUserOfFailure\n"
            "  1 FAILED ending at NotifyUserOfFailure\n"
            "1. SUCCEEDED: CheckInventory -> IsInventoryAvailable [rule 0] -> ProcessPayment -> "
            "CreateShippingLabel -> (succeed)\n"
            "listing stopped after 1 paths (--max-paths 1; 0 lists all)\n");
  run = RunCli(kOrder + " --no-expand-retries --count-only");
  EXPECT_THAT(run.out, StartsWith("10 paths: 3 succeeded, 7 failed\n"));
}

TEST(PathsCommandTest, JsonFormatStreamsPathsWithCountsAsStrings) {
  const CliRun run = RunCli(kOrder + " --format json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json result = Json::parse(run.out);
  EXPECT_EQ(result.at("file"), kOrder);
  EXPECT_EQ(result.at("counts").at("total"), "13");
  EXPECT_EQ(result.at("counts").at("succeeded"), "4");
  EXPECT_EQ(result.at("counts").at("failed"), "9");
  ASSERT_EQ(result.at("counts").at("outcomes").size(), 7U);
  EXPECT_EQ(result.at("counts").at("outcomes").at(0),
            Json::parse(R"({"status": "FAILED", "error": "PaymentGatewayTimeout",
                            "state": "ProcessPayment", "count": "1"})"));
  ASSERT_EQ(result.at("paths").size(), 13U);
  EXPECT_EQ(result.at("listed"), 13);
  EXPECT_EQ(result.at("truncated"), false);
  const Json& exhausted = result.at("paths").at(9);
  EXPECT_EQ(exhausted.at("status"), "FAILED");
  EXPECT_EQ(exhausted.at("error"), "PaymentGatewayTimeout");
  EXPECT_EQ(exhausted.at("edges").back().at("retries"), Json::array({2}));
  EXPECT_EQ(exhausted.at("edges").back().at("exhausted"), 0);

  const Json counted = Json::parse(RunCli(kOrder + " --format=json --count-only").out);
  EXPECT_FALSE(counted.contains("paths"));
  EXPECT_EQ(counted.at("counts").at("total"), "13");
  const Json cut = Json::parse(RunCli(kOrder + " --format json --max-paths 0").out);
  EXPECT_EQ(cut.at("listed"), 13);
  const Json none = Json::parse(RunCli(kOrder + " --format json --max-paths 2").out);
  EXPECT_EQ(none.at("listed"), 2);
  EXPECT_EQ(none.at("truncated"), true);
}

TEST(PathsCommandTest, MaxLoopBoundsHowOftenALoopIsTaken) {
  const std::string file = Write("poll.asl.json", R"({
  "StartAt": "Pause",
  "States": {
    "Pause": {"Type": "Wait", "Seconds": 5, "Next": "IsDone"},
    "IsDone": {"Type": "Choice",
               "Choices": [{"Variable": "$.done", "BooleanEquals": true, "Next": "Done"}],
               "Default": "Pause"},
    "Done": {"Type": "Succeed"}
  }
})");
  CliRun run = RunCli(Quoted(file) + " --max-loop 2");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(
      run.out,
      "1 path: 1 succeeded, 0 failed\n"
      "  1 SUCCEEDED ending at Done\n"
      "1. SUCCEEDED: Pause -> IsDone [rule 0] -> Done -> (succeed)\n"
      "2. SUCCEEDED: Pause -> IsDone [Default] -> Pause -> IsDone [rule 0] -> Done -> (succeed)\n"
      "3. SUCCEEDED: Pause -> IsDone [Default] -> Pause -> IsDone [Default] -> Pause -> IsDone "
      "[rule 0] -> Done -> (succeed)\n");
  run = RunCli(Quoted(file) + " --max-loop -1");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "stepsim paths: --max-loop needs a non-negative integer up to 1000, got \"-1\"\n");
}

TEST(PathsCommandTest, CountsAreExactWhenAstronomical) {
  nlohmann::ordered_json states = nlohmann::ordered_json::object();
  for (int i = 0; i < 100; ++i) {
    const std::string next = i + 1 < 100 ? "C" + std::to_string(i + 1) : "Done";
    states["C" + std::to_string(i)] = {
        {"Type", "Choice"},
        {"Choices",
         {{{"Variable", "$.x"}, {"NumericEquals", i}, {"Next", "P" + std::to_string(i)}}}},
        {"Default", next}};
    states["P" + std::to_string(i)] = {{"Type", "Pass"}, {"Next", next}};
  }
  states["Done"] = {{"Type", "Succeed"}};
  const std::string file =
      Write("chain.asl.json", nlohmann::ordered_json{{"StartAt", "C0"}, {"States", states}}.dump());
  const CliRun run = RunCli(Quoted(file) + " --count-only");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  // 2^100
  EXPECT_EQ(run.out,
            "1267650600228229401496703205376 paths: 1267650600228229401496703205376 "
            "succeeded, 0 failed\n"
            "  1267650600228229401496703205376 SUCCEEDED ending at Done\n");
}

TEST(PathsCommandTest, BadUsageAndUnloadableInputExitTwo) {
  CliRun run = RunCli("");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, StartsWith("stepsim paths: missing DEFINITION\n"));
  run = RunCli(kOrder + " " + kOrder);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, StartsWith("stepsim paths: expected one DEFINITION, got 2\n"));
  run = RunCli(kOrder + " --max-paths lots");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "stepsim paths: --max-paths needs a non-negative integer, got \"lots\"\n");
  run = RunCli(kOrder + " --count-only=yes");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "stepsim paths: --count-only takes no value\n");
  run = RunCli("fixtures/invalid/assign-invalid-variable-name.asl.json");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, StartsWith("fixtures/invalid/assign-invalid-variable-name.asl.json:14:9: "
                                  "error[SCHEMA_VALIDATION_FAILED]: "));
  EXPECT_EQ(run.out, "");
}

}  // namespace
