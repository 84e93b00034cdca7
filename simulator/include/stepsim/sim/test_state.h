#pragma once

// AWS Step Functions' TestState API, offline: one state (or one state of a
// whole definition) run once with a mocked result or error, answered with
// the response AWS gives or the API error AWS would return.

#include <stepsim/error.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

namespace stepsim::sim {

enum class InspectionLevel : std::uint8_t { kInfo, kDebug, kTrace };
enum class FieldValidationMode : std::uint8_t { kStrict, kPresent, kNone };
enum class TestStatus : std::uint8_t { kSucceeded, kFailed, kRetriable, kCaughtError };

/// "INFO", "DEBUG", "TRACE".
std::string_view ToString(InspectionLevel level);
/// "STRICT", "PRESENT", "NONE".
std::string_view ToString(FieldValidationMode mode);
/// "SUCCEEDED", "FAILED", "RETRIABLE", "CAUGHT_ERROR".
std::string_view ToString(TestStatus status);

/// The request's `mock`: a result (JSON text) or an error, never both.
struct TestStateMock {
  std::optional<std::string> result;
  std::optional<AslError> error_output;
  FieldValidationMode field_validation_mode = FieldValidationMode::kStrict;
};

/// The request's `stateConfiguration`.
struct TestStateConfiguration {
  std::optional<std::int64_t> retrier_retry_count;
  std::optional<std::string> error_caused_by_state;
  std::optional<std::int64_t> map_iteration_failure_count;
  std::optional<std::string> map_item_reader_data;  ///< JSON text
};

/// A TestState request body, as `aws stepfunctions test-state
/// --cli-input-json` takes it. Text members hold the JSON texts as sent.
struct TestStateRequest {
  std::string definition;
  std::optional<std::string> state_name;
  std::optional<std::string> input;  ///< absent means "{}"
  InspectionLevel inspection_level = InspectionLevel::kInfo;
  bool reveal_secrets = false;
  std::optional<std::string> variables;  ///< JSON text of an object
  std::optional<std::string> context;    ///< JSON text of a Context object
  std::optional<TestStateMock> mock;
  std::optional<TestStateConfiguration> state_configuration;
  std::optional<std::string> role_arn;
};

/// `inspectionData.errorDetails`.
struct TestStateErrorDetails {
  std::optional<int> catch_index;
  std::optional<int> retry_index;
  std::optional<std::int64_t> retry_backoff_interval_seconds;

  friend bool operator==(const TestStateErrorDetails&, const TestStateErrorDetails&) = default;
};

/// `inspectionData` (DEBUG and TRACE): the data after each processing step.
/// Values are JSON values here; the wire form holds them as JSON text.
struct TestStateInspectionData {
  std::optional<nlohmann::json> input;
  std::optional<nlohmann::json> after_input_path;
  std::optional<nlohmann::json> after_parameters;
  std::optional<nlohmann::json> after_arguments;
  std::optional<nlohmann::json> after_items_path;
  std::optional<nlohmann::json> after_item_selector;
  std::optional<nlohmann::json> result;
  std::optional<nlohmann::json> after_result_selector;
  std::optional<nlohmann::json> after_result_path;
  std::optional<nlohmann::json> variables;
  std::optional<TestStateErrorDetails> error_details;
  std::optional<std::int64_t> max_concurrency;
  std::optional<std::int64_t> tolerated_failure_count;
  std::optional<double> tolerated_failure_percentage;

  friend bool operator==(const TestStateInspectionData&, const TestStateInspectionData&) = default;
};

/// A TestState response.
struct TestStateResponse {
  TestStatus status = TestStatus::kSucceeded;
  std::optional<nlohmann::json> output;
  std::optional<std::string> error;
  std::optional<std::string> cause;
  std::optional<std::string> next_state;
  std::optional<TestStateInspectionData> inspection_data;

  friend bool operator==(const TestStateResponse&, const TestStateResponse&) = default;
};

/// An API error AWS returns instead of a response (`ValidationException`,
/// `InvalidDefinition`, ...), with AWS's code and message.
struct TestStateApiError {
  std::string code;
  std::string message;

  friend bool operator==(const TestStateApiError&, const TestStateApiError&) = default;
};

/// Either the response or the API error.
using TestStateOutcome = std::variant<TestStateResponse, TestStateApiError>;

/// Where the run takes the caller's identity and the service API models.
struct TestStateOptions {
  std::string account = "111111111111";
  std::string region = "us-east-1";
  std::string partition = "aws";
  /// Folders holding botocore's `<service>/<version>/service-2.json` models,
  /// searched in order; empty means the installed python3-botocore
  /// (`/usr/lib/python3/dist-packages/botocore/data` and the other
  /// dist-packages/site-packages folders).
  std::vector<std::string> botocore_data_dirs;
};

/// Reads a request body; an API error (ValidationException) for a member of
/// the wrong type, a missing `definition` or an unknown enum value.
std::variant<TestStateRequest, TestStateApiError> ParseTestStateRequest(const nlohmann::json& body);

/// Runs the request. Never throws on bad input: AWS's API error instead.
TestStateOutcome RunTestState(const TestStateRequest& request,
                              const TestStateOptions& options = {});

/// The plain function behind `stepsim test-state` and `serve`: a request
/// body in, AWS's response body or `{"error": {"code", "message"}}` out.
nlohmann::json RunTestState(const nlohmann::json& body, const TestStateOptions& options = {});

/// AWS's wire form: `output` and the data members of `inspectionData` as
/// JSON text, members AWS would not return left out.
void to_json(nlohmann::json& j, const TestStateResponse& response);
void to_json(nlohmann::json& j, const TestStateApiError& error);
void PrintTo(const TestStateResponse& response, std::ostream* os);
void PrintTo(const TestStateApiError& error, std::ostream* os);

/// Checks a mocked result (JSON text) against the API's response shape of the service
/// integration `resource` (`arn:aws:states:::aws-sdk:s3:getObject`,
/// `arn:aws:states:::lambda:invoke`, ...), read from botocore's model.
/// nullopt when it conforms, when the mode is NONE or when the resource has
/// no model (activities, Lambda ARNs, HTTP tasks, apigateway:invoke);
/// otherwise the ValidationException message AWS gives.
std::optional<std::string> CheckMockedResultShape(const std::string& resource,
                                                  const std::string& result_text,
                                                  FieldValidationMode mode,
                                                  const std::vector<std::string>& data_dirs);

}  // namespace stepsim::sim
