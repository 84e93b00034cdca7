#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/json_source.h>
#include <stepsim/error.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/task_handler.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::sim {

/// Stable diagnostic codes of MockConfig loading (checklist MOCK-01..04).
namespace mock_codes {
/// The file cannot be read.
inline constexpr const char* kFileNotReadable = "MOCK_FILE_NOT_READABLE";
/// The text is not JSON.
inline constexpr const char* kInvalidJson = "MOCK_INVALID_JSON";
/// A value has the wrong type or shape, a required member is missing, an
/// unknown member is present, or an entry has both or neither of
/// Return/Throw.
inline constexpr const char* kSchemaInvalid = "MOCK_SCHEMA_INVALID";
/// An invocation key is neither "N" nor "N-M" with N <= M.
inline constexpr const char* kInvalidInvocationKey = "MOCK_INVALID_INVOCATION_KEY";
/// Two invocation keys of one response cover a common number.
inline constexpr const char* kOverlappingRange = "MOCK_OVERLAPPING_RANGE";
/// The invocation keys of one response skip a number (or do not start at 0).
inline constexpr const char* kRangeGap = "MOCK_RANGE_GAP";
/// A member name appears twice in one object.
inline constexpr const char* kDuplicateKey = "MOCK_DUPLICATE_KEY";
/// A test case maps a state to a response name absent from MockedResponses.
inline constexpr const char* kUnknownResponse = "MOCK_UNKNOWN_RESPONSE";
/// The requested state machine is not under StateMachines.
inline constexpr const char* kUnknownStateMachine = "MOCK_UNKNOWN_STATE_MACHINE";
/// The requested test case is not under the state machine's TestCases.
inline constexpr const char* kUnknownTestCase = "MOCK_UNKNOWN_TEST_CASE";
/// Warning: a test case maps a name that is no state of the definition.
inline constexpr const char* kUnknownState = "MOCK_UNKNOWN_STATE";
/// Warning: a test case maps a state that is not a Task (never invoked).
inline constexpr const char* kNotATask = "MOCK_NOT_A_TASK";
}  // namespace mock_codes

/// The cause AWS Step Functions Local reports when a test case lists an
/// activity Task (MOCK-11).
inline constexpr const char* kActivityCannotBeMockedCause =
    "Activity state cannot be mocked. Please remove mocks mapped for all "
    "activity state in the mock config file.";

/// One answer of a mocked response: the raw result (`Return`) or an error
/// (`Throw`), for the invocation numbers `first`..`last` (inclusive).
///
/// stepsim extension, optional: `"LatencySeconds": <non-negative number>`
/// next to `Return`/`Throw` makes the attempt take that much virtual time
/// (rounded to milliseconds); absent means 0. Every Step Functions Local file
/// loads unchanged; a file using the extension is stepsim-only. Any other
/// unknown member is a MOCK_SCHEMA_INVALID error (it is usually a typo). A
/// `Throw` of `States.Timeout` is an ordinary failure of the attempt (Retry
/// and Catch apply), as the conformance corpus records timeouts.
struct MockAnswer {
  enum class Kind { kReturn, kThrow };
  std::int64_t first = 0;
  std::int64_t last = 0;
  Kind kind = Kind::kReturn;
  nlohmann::json result;  ///< the `Return` value
  AslError error;         ///< the `Throw` Error and Cause
  Millis latency{0};      ///< `LatencySeconds` (stepsim extension)
  std::string pointer;    ///< "/MockedResponses/<name>/<key>"

  friend bool operator==(const MockAnswer&, const MockAnswer&) = default;
};

/// A `MockedResponses.<name>` entry: answers sorted by invocation number,
/// consecutive from 0 (MOCK-03, MOCK-04). Empty when written as `{}`.
struct MockedResponse {
  std::string name;
  std::vector<MockAnswer> answers;

  /// The answer for invocation number `invocation`, or nullptr past the last
  /// key (MOCK-08).
  [[nodiscard]] const MockAnswer* Find(std::int64_t invocation) const;
  /// One past the last invocation number covered (0 when empty).
  [[nodiscard]] std::int64_t covered() const {
    return answers.empty() ? 0 : answers.back().last + 1;
  }

  friend bool operator==(const MockedResponse&, const MockedResponse&) = default;
};

/// A `StateMachines.<machine>.TestCases.<name>` object: state name ->
/// response name, in author order (MOCK-02).
struct MockTestCase {
  std::string state_machine;
  std::string name;
  std::vector<std::pair<std::string, std::string>> states;
  std::string pointer;  ///< "/StateMachines/<machine>/TestCases/<name>"

  friend bool operator==(const MockTestCase&, const MockTestCase&) = default;
};

/// A Step Functions Local MockConfigFile, read as is (checklist section 23).
/// Immutable after loading. Every load problem is an asl::Diagnostic with the
/// file, line:column, JSON Pointer and one of `mock_codes`; loading throws
/// asl::DefinitionError holding all of them.
class MockConfig {
 public:
  /// Parses and checks `text` (MOCK-01..04). `file` is reported in
  /// diagnostics. Throws asl::DefinitionError on any error.
  static MockConfig Parse(std::string_view text, const std::string& file = "");
  /// Reads `path` and parses it; an unreadable file is a DefinitionError with
  /// code MOCK_FILE_NOT_READABLE.
  static MockConfig LoadFile(const std::string& path);

  [[nodiscard]] const std::string& file() const { return file_; }
  /// State machine names in author order.
  [[nodiscard]] std::vector<std::string> StateMachineNames() const;
  /// Test case names of `state_machine` in author order (empty when the
  /// machine is unknown).
  [[nodiscard]] std::vector<std::string> TestCaseNames(std::string_view state_machine) const;

  /// The test case, or nullptr.
  [[nodiscard]] const MockTestCase* FindTestCase(std::string_view state_machine,
                                                 std::string_view test_case) const;
  /// The test case; throws asl::DefinitionError (MOCK_UNKNOWN_STATE_MACHINE
  /// or MOCK_UNKNOWN_TEST_CASE, naming the ones that exist) when absent.
  [[nodiscard]] const MockTestCase& GetTestCase(std::string_view state_machine,
                                                std::string_view test_case) const;
  /// The response named `name`, or nullptr.
  [[nodiscard]] const MockedResponse* FindResponse(std::string_view name) const;

  /// Warnings (severity kWarning, never thrown) for the states `test_case`
  /// maps that `definition` lacks (MOCK_UNKNOWN_STATE) or that are not Tasks
  /// (MOCK_NOT_A_TASK): such mocks are never used, usually a typo.
  [[nodiscard]] std::vector<asl::Diagnostic> CheckAgainst(const asl::Definition& definition,
                                                          const MockTestCase& test_case) const;

  /// Position of `pointer` in the file (for diagnostics).
  [[nodiscard]] asl::TextPosition Position(std::string_view pointer) const;

 private:
  std::string file_;
  std::vector<MockTestCase> test_cases_;  // machine order, then case order
  std::map<std::string, MockedResponse, std::less<>> responses_;
  std::shared_ptr<const asl::SourceMap> positions_;
};

/// `StartExecution`'s `<stateMachineArn>#<testCaseName>` form (MOCK-05).
struct TestCaseSelector {
  std::string state_machine;  ///< the name (the last ':' field of an ARN)
  std::string test_case;
};

/// Splits "arn:aws:states:us-east-1:1:stateMachine:Order#HappyPath" (or
/// "Order#HappyPath") into {"Order", "HappyPath"}; nullopt when there is no
/// '#' or either part is empty.
std::optional<TestCaseSelector> ParseTestCaseSelector(std::string_view text);

/// True for an activity resource ARN ("arn:<partition>:states:...:activity:...").
bool IsActivityResource(std::string_view resource);

/// Answers the Tasks of one (state machine, test case) from a MockConfig.
/// Stateless across calls: the invocation number comes from the interpreter
/// (TaskInvocation::invocation, MOCK-06), so one handler can serve any number
/// of executions, also concurrently.
///
/// - a listed state: its response's answer for the invocation number, as
///   TaskOutcome::Succeed(Return) or TaskOutcome::Fail(Error, Cause) with the
///   answer's latency (MOCK-07);
/// - a listed state whose invocation number has no answer: Fail with
///   `States.Runtime` and a cause naming the state, the invocation number, the
///   response and the test case (MOCK-08);
/// - a listed activity Task: Fail with `States.Runtime` and
///   kActivityCannotBeMockedCause (MOCK-11);
/// - an unlisted state: nullopt, so the next handler is asked (MOCK-09).
class MockTaskHandler : public TaskHandler {
 public:
  /// Throws asl::DefinitionError when the test case does not exist.
  MockTaskHandler(std::shared_ptr<const MockConfig> config, std::string_view state_machine,
                  std::string_view test_case);

  std::optional<TaskOutcome> Invoke(const TaskInvocation& call) override;

  [[nodiscard]] const MockTestCase& test_case() const { return *test_case_; }
  /// True when `state_name` is listed in the test case.
  [[nodiscard]] bool Mocks(std::string_view state_name) const;

 private:
  std::shared_ptr<const MockConfig> config_;
  const MockTestCase* test_case_ = nullptr;
  std::map<std::string, const MockedResponse*, std::less<>> by_state_;
};

}  // namespace stepsim::sim
