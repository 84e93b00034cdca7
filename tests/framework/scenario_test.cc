#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/error.h>
#include <stepsim/test/scenario.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace stepsim::test {
namespace {

using Json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kFixtures = STEPSIM_FIXTURES_DIR;
const std::string kExample = STEPSIM_SOURCE_DIR "/examples/order-processing/scenarios.json";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Paths under fixtures/ print relative to it, so goldens do not depend on
// where the tree is checked out.
std::string Relative(std::string text) {
  const std::string prefix = kFixtures + "/";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
    text.erase(at, prefix.size());
  }
  return text;
}

void ExpectGolden(const std::string& golden_path, const std::string& actual) {
  const char* update = std::getenv("STEPSIM_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(golden_path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(golden_path))
      << golden_path << " is missing; run with STEPSIM_UPDATE_GOLDENS=1 to write it";
  EXPECT_EQ(actual, ReadFile(golden_path)) << "golden: " << golden_path;
}

TEST(ScenarioFileTest, TheOrderExampleRunsGreen) {
  const ScenarioSuite suite = LoadScenarioFile(kExample);
  ASSERT_EQ(suite.scenarios.size(), 9U);
  EXPECT_EQ(suite.state_machine, "order-processing");
  EXPECT_TRUE(suite.warnings.empty());
  for (const Scenario& scenario : suite.scenarios) {
    const ScenarioResult result = RunScenario(suite, scenario);
    EXPECT_TRUE(result.passed) << result.Describe();
  }
}

TEST(ScenarioFileTest, OutcomesWinOverTheMockTestCaseAndDefaultsFillTheRest) {
  // ASL: MOCK-06 (answer i serves invocation i), MOCK-09 (unlisted states go on)
  const std::string text = R"({
    "Definition": "order-processing/definition.asl.json",
    "MockConfig": "order-processing/mocks.json",
    "Options": { "Seed": 3 },
    "Scenarios": [
      {
        "Name": "DeclinedAfterAStall",
        "MockTestCase": "HappyPath",
        "Outcomes": { "ProcessPayment": [
          { "Throw": { "Error": "PaymentGatewayTimeout", "Cause": "stall" }, "LatencySeconds": 1.5 },
          { "Throw": { "Error": "PaymentDeclined", "Cause": "no funds" } } ] },
        "Expect": { "Status": "FAILED", "Error": "PaymentDeclined", "Cause": "no funds",
                    "ElapsedSeconds": 4.5,
                    "VisitedStates": ["CheckInventory", "IsInventoryAvailable", "ProcessPayment"] }
      },
      {
        "Name": "DefaultsAnswerUnmockedStates",
        "Seed": 9,
        "Outcomes": { "CheckInventory": [ { "Throw": { "Error": "Inventory.Down" } } ] },
        "DefaultOutcomes": { "NotifyUserOfFailure": { "Return": { "notified": "sms" } } },
        "Expect": { "Status": "SUCCEEDED", "Output": { "notified": "sms" } }
      }
    ]
  })";
  const ScenarioSuite suite = ParseScenarioSuite(text, kFixtures + "/inline.scenarios.json");
  ASSERT_EQ(suite.scenarios.size(), 2U);
  EXPECT_EQ(suite.scenarios[0].seed, 3U);
  EXPECT_EQ(suite.scenarios[1].seed, 9U);
  for (const Scenario& scenario : suite.scenarios) {
    const ScenarioResult result = RunScenario(suite, scenario);
    EXPECT_TRUE(result.passed) << result.Describe();
  }
}

TEST(ScenarioFileTest, ABrokenExpectationSaysWhereWhatAndThePathTaken) {
  const ScenarioSuite suite =
      LoadScenarioFile(kFixtures + "/scenarios/failing-expectations.scenarios.json");
  std::string all;
  for (const Scenario& scenario : suite.scenarios) {
    const ScenarioResult result = RunScenario(suite, scenario);
    all += "== " + result.name + (result.passed ? " passed\n" : " failed\n") + result.Describe();
  }
  ExpectGolden(kFixtures + "/scenarios/failing-expectations.describe.golden", Relative(all));
  // The first scenario, spelled out: what a person reads to fix it.
  const ScenarioResult declined = RunScenario(suite, suite.scenarios[0]);
  EXPECT_FALSE(declined.passed);
  EXPECT_THAT(declined.failures,
              ElementsAre(HasSubstr("failing-expectations.scenarios.json:10:29: "
                                    "/Scenarios/0/Expect/Status: expected SUCCEEDED, got FAILED"),
                          HasSubstr("/Scenarios/0/Expect/Error: expected error "
                                    "\"PaymentGatewayTimeout\", got \"PaymentDeclined\"")));
  EXPECT_THAT(declined.Describe(),
              HasSubstr("  path:    CheckInventory -> IsInventoryAvailable -> ProcessPayment\n"));
}

class InvalidScenarioFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidScenarioFileTest, ReportsEveryMistakeWithPositionAndPointer) {
  const std::string path = kFixtures + "/scenarios/invalid/" + GetParam() + ".scenarios.json";
  std::string text;
  try {
    (void)LoadScenarioFile(path);
    FAIL() << path << " loaded";
  } catch (const asl::DefinitionError& e) {
    for (const asl::Diagnostic& d : e.diagnostics()) text += asl::FormatDiagnostic(d) + "\n";
  }
  ExpectGolden(kFixtures + "/scenarios/invalid/" + GetParam() + ".diagnostics.golden",
               Relative(text));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, InvalidScenarioFileTest,
                         ::testing::Values("bad-expect", "bad-outcomes", "inline-definition",
                                           "missing-files", "names-and-mocks", "not-json",
                                           "unknown-members"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(ScenarioFileTest, AnUnreadableFileIsADiagnostic) {
  try {
    (void)LoadScenarioFile(kFixtures + "/scenarios/none.json");
    FAIL();
  } catch (const asl::DefinitionError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1U);
    EXPECT_EQ(Relative(asl::FormatDiagnostic(e.diagnostics()[0])),
              "scenarios/none.json: error[SCENARIO_FILE_NOT_READABLE]: /: cannot read the "
              "scenario file");
  }
}

TEST(MockConfigSuiteTest, EveryTestCaseIsAScenarioThatPassesWhenItEnds) {
  MockSuiteOptions options;
  options.input = Json{{"orderId", "o-1"}};
  const ScenarioSuite suite =
      SuiteFromMockConfig(kFixtures + "/order-processing/mocks.json",
                          kFixtures + "/order-processing/definition.asl.json", options);
  std::vector<std::string> names;
  for (const Scenario& scenario : suite.scenarios) {
    names.push_back(scenario.name);
    EXPECT_EQ(scenario.input, Json({{"orderId", "o-1"}}));
    EXPECT_TRUE(scenario.expect.empty());
    EXPECT_TRUE(RunScenario(suite, scenario).passed);
  }
  EXPECT_THAT(names, ElementsAre("HappyPath", "InventoryUnavailable", "InventoryCheckError",
                                 "NotificationFails", "PaymentRetriedThenSucceeds",
                                 "PaymentRetriesExhausted", "PaymentDeclined", "ShippingFails",
                                 "MissingInventoryStatus"));
  MockSuiteOptions unknown;
  unknown.state_machine = "billing";
  EXPECT_THROW(
      (void)SuiteFromMockConfig(kFixtures + "/order-processing/mocks.json",
                                kFixtures + "/order-processing/definition.asl.json", unknown),
      UsageError);
}

TEST(ExpectationTest, ContainsIsARecursiveSubset) {
  const Json actual = Json::parse(R"({"a": {"b": 1, "c": [1, {"d": 2}]}, "e": "x"})");
  EXPECT_TRUE(JsonContains(actual, Json::parse(R"({"a": {"c": [1, {}]}})")));
  EXPECT_TRUE(JsonContains(actual, Json::object()));
  EXPECT_FALSE(JsonContains(actual, Json::parse(R"({"a": {"c": [1]}})")));
  EXPECT_FALSE(JsonContains(actual, Json::parse(R"({"a": {"b": "1"}})")));
  EXPECT_FALSE(JsonContains(actual, Json::parse(R"({"f": null})")));
}

TEST(ExpectationTest, ReportsEachBrokenMemberWithItsPointer) {
  sim::Execution run;
  run.status = sim::ExecutionStatus::kSucceeded;
  run.output = Json{{"shipped", false}};
  Expectation expect;
  expect.pointer = "/Scenarios/0/Expect";
  expect.status = sim::ExecutionStatus::kFailed;
  expect.error = "Payment.Declined";
  expect.output_contains = Json{{"shipped", true}};
  expect.elapsed = sim::Millis{2500};
  std::vector<std::string> lines;
  for (const ExpectationFailure& f : CheckExpectation(expect, run)) {
    lines.push_back(f.pointer + ": " + f.message);
  }
  EXPECT_THAT(
      lines, ElementsAre("/Scenarios/0/Expect/Status: expected FAILED, got SUCCEEDED",
                         "/Scenarios/0/Expect/Error: expected error \"Payment.Declined\", got none",
                         "/Scenarios/0/Expect/OutputContains: expected an output containing "
                         "{\"shipped\":true}, but at /shipped expected true, got false",
                         "/Scenarios/0/Expect/ElapsedSeconds: expected 2.500 s of virtual time, "
                         "got 0.000 s"));
}

TEST(ScenarioFileTest, ScenarioFileJsonLoadsBack) {
  const Json file =
      ScenarioFileJson("order-processing/definition.asl.json",
                       {Json{{"Name", "A"},
                             {"Outcomes", {{"CheckInventory", {{{"Throw", {{"Error", "X"}}}}}}}},
                             {"Expect", {{"Status", "FAILED"}, {"Error", "States.Runtime"}}}}},
                       5, "made in a test");
  const ScenarioSuite suite = ParseScenarioSuite(file.dump(), kFixtures + "/generated.json");
  ASSERT_EQ(suite.scenarios.size(), 1U);
  EXPECT_EQ(suite.scenarios[0].seed, 5U);
  EXPECT_EQ(suite.comment, "made in a test");
  const ScenarioResult result = RunScenario(suite, suite.scenarios[0]);
  // CheckInventory's error is caught, then nothing answers NotifyUserOfFailure.
  EXPECT_TRUE(result.passed) << result.Describe();
  EXPECT_THAT(result.execution.cause.value_or(""),
              HasSubstr("No outcome configured for Task state 'NotifyUserOfFailure'"));
}

}  // namespace
}  // namespace stepsim::test
