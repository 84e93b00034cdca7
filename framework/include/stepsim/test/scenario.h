#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/sim/execution.h>
#include <stepsim/sim/listener.h>
#include <stepsim/sim/mock_config.h>
#include <stepsim/sim/options.h>
#include <stepsim/test/script.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

/// Scenario files (framework/SCENARIOS.md): suites of executions with their
/// task answers and expectations, for teams that do not write C++.
namespace stepsim::test {

/// Stable diagnostic codes of scenario-file loading.
namespace scenario_codes {
/// The file cannot be read.
inline constexpr const char* kFileNotReadable = "SCENARIO_FILE_NOT_READABLE";
/// The text is not JSON.
inline constexpr const char* kInvalidJson = "SCENARIO_INVALID_JSON";
/// A member has the wrong type or value, a required member is missing or an
/// unknown member is present.
inline constexpr const char* kSchemaInvalid = "SCENARIO_SCHEMA_INVALID";
/// A member name appears twice in one object.
inline constexpr const char* kDuplicateKey = "SCENARIO_DUPLICATE_KEY";
/// Two scenarios have the same Name.
inline constexpr const char* kDuplicateName = "SCENARIO_DUPLICATE_NAME";
/// Outcomes name a state the definition does not have, or one that is not a
/// Task.
inline constexpr const char* kUnknownState = "SCENARIO_UNKNOWN_STATE";
/// A MockTestCase that MockConfig's StateMachine lacks, or a MockTestCase
/// without MockConfig.
inline constexpr const char* kUnknownTestCase = "SCENARIO_UNKNOWN_TEST_CASE";
/// An InputFile that cannot be read or is not JSON.
inline constexpr const char* kInputInvalid = "SCENARIO_INPUT_INVALID";
}  // namespace scenario_codes

/// What must hold when a scenario's execution ends; each member given is
/// checked.
struct Expectation {
  std::optional<sim::ExecutionStatus> status;
  std::optional<std::string> error;
  std::optional<std::string> cause;
  std::optional<nlohmann::json> output;
  /// A subset: every member/element given is present and equal, recursively.
  std::optional<nlohmann::json> output_contains;
  std::optional<std::vector<std::string>> visited_states;
  std::optional<sim::Millis> elapsed;

  /// Where each expectation is written, for messages ("" when built in C++).
  std::string pointer;

  [[nodiscard]] bool empty() const {
    return !status && !error && !cause && !output && !output_contains && !visited_states &&
           !elapsed;
  }
};

/// One run of the suite's definition.
struct Scenario {
  std::string name;
  nlohmann::json input = nlohmann::json::object();
  /// A test case of the suite's MockConfig answering the states it lists.
  std::optional<std::string> mock_test_case;
  /// Answers that win over the MockTestCase for the states they list.
  OutcomeScript outcomes;
  /// stepsim extension: one answer per state used for every invocation that
  /// neither Outcomes nor the MockTestCase answers (`DefaultOutcomes`).
  std::map<std::string, sim::TaskOutcome, std::less<>> default_outcomes;
  /// The run's seed (the suite's Options.Seed unless the scenario has Seed).
  std::uint64_t seed = 0;
  Expectation expect;
  /// "/Scenarios/<i>" and its position in the file.
  asl::SourceRef source;
};

/// A loaded scenario file (or a MockConfigFile run as a suite).
struct ScenarioSuite {
  /// The file as given ("" for text without a file).
  std::string file;
  std::string comment;
  /// The definition file as resolved ("" when inline).
  std::string definition_file;
  std::shared_ptr<const asl::Definition> definition;
  std::shared_ptr<const sim::MockConfig> mock_config;
  std::string state_machine;
  sim::StateMachineType type = sim::StateMachineType::kStandard;
  std::vector<Scenario> scenarios;
  /// Warnings found while loading (e.g. a MockTestCase mapping no state of
  /// the definition).
  std::vector<asl::Diagnostic> warnings;
  /// Position of a pointer in `file` (for messages); {0, 0} when unknown.
  std::shared_ptr<const asl::SourceMap> positions;
};

/// Reads and checks a scenario file. Every mistake (in the file, the
/// definition it names, its MockConfig or InputFiles) is reported at once:
/// throws asl::DefinitionError holding a Diagnostic per mistake, with file,
/// line:column and JSON Pointer. Relative paths are resolved against the
/// file's directory.
ScenarioSuite LoadScenarioFile(const std::string& path);
/// Same, for text; `file` names it in diagnostics and its directory resolves
/// relative paths.
ScenarioSuite ParseScenarioSuite(std::string_view text, const std::string& file);

/// Options of SuiteFromMockConfig.
struct MockSuiteOptions {
  std::optional<nlohmann::json> input;
  /// The state machine whose test cases become scenarios; default: the
  /// file's only one (UsageError when it has several).
  std::optional<std::string> state_machine;
};

/// A MockConfigFile as a suite: one scenario per test case of the state
/// machine, named after it, with no expectation (it passes when the
/// execution ends). Throws asl::DefinitionError for a broken file or
/// definition, UsageError for an ambiguous or unknown state machine.
ScenarioSuite SuiteFromMockConfig(const std::string& mock_config_path,
                                  const std::string& definition_path,
                                  const MockSuiteOptions& options = {});

/// The outcome of one scenario.
struct ScenarioResult {
  std::string name;
  bool passed = false;
  /// One message per expectation that did not hold, e.g.
  /// "scenarios.json:14:19: /Scenarios/2/Expect/Status: expected FAILED, got
  /// SUCCEEDED".
  std::vector<std::string> failures;
  sim::Execution execution;

  /// The failures followed by what a person needs to act on them: the
  /// status, error and cause, and the path taken. Empty when passed.
  [[nodiscard]] std::string Describe() const;
};

void PrintTo(const ScenarioResult& result, std::ostream* os);
void to_json(nlohmann::json& j, const ScenarioResult& result);
void to_json(nlohmann::json& j, const Expectation& expectation);
void PrintTo(const Expectation& expectation, std::ostream* os);
void to_json(nlohmann::json& j, const Scenario& scenario);
void PrintTo(const Scenario& scenario, std::ostream* os);

/// Runs `scenario` of `suite` (its outcomes, then its MockTestCase, then its
/// DefaultOutcomes answer the Tasks) with `listeners` added to the run, and
/// checks its expectations.
ScenarioResult RunScenario(const ScenarioSuite& suite, const Scenario& scenario,
                           const std::vector<sim::ExecutionListener*>& listeners = {});

/// One expectation that did not hold: the JSON Pointer of the expectation
/// member ("/Scenarios/2/Expect/Status", from Expectation::pointer) and a
/// lower-case message saying what was expected and what happened.
struct ExpectationFailure {
  std::string pointer;
  std::string message;
};

/// {"pointer", "message"}.
void to_json(nlohmann::json& j, const ExpectationFailure& failure);
/// "<pointer>: <message>".
void PrintTo(const ExpectationFailure& failure, std::ostream* os);
/// {"file", "definitionFile", "stateMachine", "type", "scenarios"}.
void to_json(nlohmann::json& j, const ScenarioSuite& suite);
void PrintTo(const ScenarioSuite& suite, std::ostream* os);

/// Every expectation of `expect` that `execution` breaks, in member order
/// (Status, Error, Cause, Output, OutputContains, VisitedStates,
/// ElapsedSeconds).
std::vector<ExpectationFailure> CheckExpectation(const Expectation& expect,
                                                 const sim::Execution& execution);

/// True when `actual` contains `expected`: equal scalars, every member of an
/// expected object present and containing, every element of an expected
/// array contained by the element at the same index (same length).
bool JsonContains(const nlohmann::json& actual, const nlohmann::json& expected);

/// A scenario file's JSON for scenarios built in code (what `stepsim explore`
/// writes): `definition` is the Definition member (a relative path or the
/// definition object).
nlohmann::json ScenarioFileJson(const nlohmann::json& definition,
                                const std::vector<nlohmann::json>& scenarios, std::uint64_t seed,
                                const std::string& comment = "");

}  // namespace stepsim::test
