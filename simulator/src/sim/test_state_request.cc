// TestState requests in and responses out: the wire forms of the API.

#include <stepsim/jsonpath/json_text.h>
#include <stepsim/sim/test_state.h>

#include <string>

namespace stepsim::sim {
namespace {

using Json = nlohmann::json;

TestStateApiError Invalid(const std::string& message) {
  return TestStateApiError{"ValidationException", message};
}

/// AWS's wording for a member that breaks its shape.
TestStateApiError Constraint(const Json& value, const std::string& member,
                             const std::string& constraint) {
  return Invalid("1 validation error detected: Value " +
                 (value.is_string() ? "'" + value.get<std::string>() + "'" : value.dump()) +
                 " at '" + member + "' failed to satisfy constraint: " + constraint);
}

bool Text(const Json& body, const char* member, std::optional<std::string>* out,
          std::optional<TestStateApiError>* error) {
  if (!body.contains(member) || body.at(member).is_null()) return true;
  const Json& v = body.at(member);
  if (!v.is_string()) {
    *error = Invalid("the request member '" + std::string(member) + "' must be a string, got " +
                     std::string(v.type_name()));
    return false;
  }
  *out = v.get<std::string>();
  return true;
}

bool Count(const Json& body, const char* member, const std::string& path,
           std::optional<std::int64_t>* out, std::optional<TestStateApiError>* error) {
  if (!body.contains(member) || body.at(member).is_null()) return true;
  const Json& v = body.at(member);
  if (!v.is_number_integer()) {
    *error = Invalid("the request member '" + path + "' must be an integer, got " +
                     std::string(v.type_name()));
    return false;
  }
  if (v.get<std::int64_t>() < 0) {
    *error = Constraint(v, path, "Member must have value greater than or equal to 0");
    return false;
  }
  *out = v.get<std::int64_t>();
  return true;
}

std::optional<TestStateApiError> ParseMock(const Json& m, TestStateMock* mock) {
  if (!m.is_object()) return Invalid("the request member 'mock' must be an object");
  std::optional<TestStateApiError> error;
  if (!Text(m, "result", &mock->result, &error)) return error;
  if (m.contains("errorOutput") && !m.at("errorOutput").is_null()) {
    const Json& e = m.at("errorOutput");
    if (!e.is_object()) return Invalid("the request member 'mock.errorOutput' must be an object");
    std::optional<std::string> name;
    std::optional<std::string> cause;
    if (!Text(e, "error", &name, &error) || !Text(e, "cause", &cause, &error)) return error;
    mock->error_output = AslError{name.value_or(""), cause.value_or("")};
  }
  if (m.contains("fieldValidationMode") && !m.at("fieldValidationMode").is_null()) {
    const Json& v = m.at("fieldValidationMode");
    if (v == "STRICT") {
      mock->field_validation_mode = FieldValidationMode::kStrict;
    } else if (v == "PRESENT") {
      mock->field_validation_mode = FieldValidationMode::kPresent;
    } else if (v == "NONE") {
      mock->field_validation_mode = FieldValidationMode::kNone;
    } else {
      return Constraint(v, "mock.fieldValidationMode",
                        "Member must satisfy enum value set: [STRICT, PRESENT, NONE]");
    }
  }
  return std::nullopt;
}

std::optional<TestStateApiError> ParseConfiguration(const Json& c, TestStateConfiguration* out) {
  if (!c.is_object()) return Invalid("the request member 'stateConfiguration' must be an object");
  std::optional<TestStateApiError> error;
  if (!Count(c, "retrierRetryCount", "stateConfiguration.retrierRetryCount",
             &out->retrier_retry_count, &error) ||
      !Count(c, "mapIterationFailureCount", "stateConfiguration.mapIterationFailureCount",
             &out->map_iteration_failure_count, &error) ||
      !Text(c, "errorCausedByState", &out->error_caused_by_state, &error) ||
      !Text(c, "mapItemReaderData", &out->map_item_reader_data, &error)) {
    return error;
  }
  return std::nullopt;
}

void PutText(Json& j, const char* key, const std::optional<Json>& value) {
  if (value) j[key] = jsonpath::ToAwsJson(*value);
}

}  // namespace

std::string_view ToString(InspectionLevel level) {
  switch (level) {
    case InspectionLevel::kInfo:
      return "INFO";
    case InspectionLevel::kDebug:
      return "DEBUG";
    case InspectionLevel::kTrace:
      return "TRACE";
  }
  return "INFO";
}

std::string_view ToString(FieldValidationMode mode) {
  switch (mode) {
    case FieldValidationMode::kStrict:
      return "STRICT";
    case FieldValidationMode::kPresent:
      return "PRESENT";
    case FieldValidationMode::kNone:
      return "NONE";
  }
  return "STRICT";
}

std::string_view ToString(TestStatus status) {
  switch (status) {
    case TestStatus::kSucceeded:
      return "SUCCEEDED";
    case TestStatus::kFailed:
      return "FAILED";
    case TestStatus::kRetriable:
      return "RETRIABLE";
    case TestStatus::kCaughtError:
      return "CAUGHT_ERROR";
  }
  return "FAILED";
}

std::variant<TestStateRequest, TestStateApiError> ParseTestStateRequest(const Json& body) {
  if (!body.is_object()) return Invalid("the request body must be a JSON object");
  TestStateRequest request;
  std::optional<TestStateApiError> error;
  std::optional<std::string> definition;
  if (!Text(body, "definition", &definition, &error)) return *error;
  if (!definition) {
    return Constraint(nullptr, "definition", "Member must not be null");
  }
  request.definition = *definition;
  if (!Text(body, "stateName", &request.state_name, &error) ||
      !Text(body, "input", &request.input, &error) ||
      !Text(body, "variables", &request.variables, &error) ||
      !Text(body, "context", &request.context, &error) ||
      !Text(body, "roleArn", &request.role_arn, &error)) {
    return *error;
  }
  if (body.contains("inspectionLevel") && !body.at("inspectionLevel").is_null()) {
    const Json& v = body.at("inspectionLevel");
    if (v == "INFO") {
      request.inspection_level = InspectionLevel::kInfo;
    } else if (v == "DEBUG") {
      request.inspection_level = InspectionLevel::kDebug;
    } else if (v == "TRACE") {
      request.inspection_level = InspectionLevel::kTrace;
    } else {
      return Constraint(v, "inspectionLevel",
                        "Member must satisfy enum value set: [INFO, DEBUG, TRACE]");
    }
  }
  if (body.contains("revealSecrets") && !body.at("revealSecrets").is_null()) {
    if (!body.at("revealSecrets").is_boolean()) {
      return Invalid("the request member 'revealSecrets' must be a boolean");
    }
    request.reveal_secrets = body.at("revealSecrets").get<bool>();
  }
  if (body.contains("mock") && !body.at("mock").is_null()) {
    TestStateMock mock;
    if (auto e = ParseMock(body.at("mock"), &mock)) return *e;
    request.mock = std::move(mock);
  }
  if (body.contains("stateConfiguration") && !body.at("stateConfiguration").is_null()) {
    TestStateConfiguration configuration;
    if (auto e = ParseConfiguration(body.at("stateConfiguration"), &configuration)) return *e;
    request.state_configuration = std::move(configuration);
  }
  return request;
}

void to_json(Json& j, const TestStateResponse& response) {
  j = Json::object();
  j["status"] = ToString(response.status);
  PutText(j, "output", response.output);
  if (response.error) j["error"] = *response.error;
  if (response.cause) j["cause"] = *response.cause;
  if (response.next_state) j["nextState"] = *response.next_state;
  if (!response.inspection_data) return;
  const TestStateInspectionData& d = *response.inspection_data;
  Json data = Json::object();
  PutText(data, "input", d.input);
  PutText(data, "afterInputPath", d.after_input_path);
  PutText(data, "afterParameters", d.after_parameters);
  PutText(data, "afterArguments", d.after_arguments);
  PutText(data, "afterItemsPath", d.after_items_path);
  PutText(data, "afterItemSelector", d.after_item_selector);
  PutText(data, "result", d.result);
  PutText(data, "afterResultSelector", d.after_result_selector);
  PutText(data, "afterResultPath", d.after_result_path);
  PutText(data, "variables", d.variables);
  if (d.error_details) {
    Json details = Json::object();
    if (d.error_details->catch_index) details["catchIndex"] = *d.error_details->catch_index;
    if (d.error_details->retry_index) details["retryIndex"] = *d.error_details->retry_index;
    if (d.error_details->retry_backoff_interval_seconds) {
      details["retryBackoffIntervalSeconds"] = *d.error_details->retry_backoff_interval_seconds;
    }
    data["errorDetails"] = std::move(details);
  }
  if (d.max_concurrency) data["maxConcurrency"] = *d.max_concurrency;
  if (d.tolerated_failure_count) data["toleratedFailureCount"] = *d.tolerated_failure_count;
  if (d.tolerated_failure_percentage) {
    data["toleratedFailurePercentage"] = *d.tolerated_failure_percentage;
  }
  j["inspectionData"] = std::move(data);
}

void to_json(Json& j, const TestStateApiError& error) {
  j = {{"error", {{"code", error.code}, {"message", error.message}}}};
}

void PrintTo(const TestStateResponse& response, std::ostream* os) { *os << Json(response).dump(); }

void PrintTo(const TestStateApiError& error, std::ostream* os) { *os << Json(error).dump(); }

}  // namespace stepsim::sim
