#include <stepsim/jsonpath/json_text.h>
#include <stepsim/sim/history.h>

namespace stepsim::sim {
namespace {

struct TypeInfo {
  const char* name;
  const char* details;  // "<type>EventDetails" key, or null when none
};

// Indexed by EventType; the order must follow the enum.
constexpr TypeInfo kTypes[] = {
    {"ExecutionStarted", "executionStartedEventDetails"},
    {"ExecutionSucceeded", "executionSucceededEventDetails"},
    {"ExecutionFailed", "executionFailedEventDetails"},
    {"ExecutionTimedOut", "executionTimedOutEventDetails"},
    {"ExecutionAborted", "executionAbortedEventDetails"},
    {"TaskStateEntered", "stateEnteredEventDetails"},
    {"TaskStateExited", "stateExitedEventDetails"},
    {"TaskStateAborted", nullptr},
    {"PassStateEntered", "stateEnteredEventDetails"},
    {"PassStateExited", "stateExitedEventDetails"},
    {"ChoiceStateEntered", "stateEnteredEventDetails"},
    {"ChoiceStateExited", "stateExitedEventDetails"},
    {"WaitStateEntered", "stateEnteredEventDetails"},
    {"WaitStateExited", "stateExitedEventDetails"},
    {"WaitStateAborted", nullptr},
    {"SucceedStateEntered", "stateEnteredEventDetails"},
    {"SucceedStateExited", "stateExitedEventDetails"},
    {"FailStateEntered", "stateEnteredEventDetails"},
    {"ParallelStateEntered", "stateEnteredEventDetails"},
    {"ParallelStateExited", "stateExitedEventDetails"},
    {"ParallelStateStarted", nullptr},
    {"ParallelStateSucceeded", nullptr},
    {"ParallelStateFailed", nullptr},
    {"ParallelStateAborted", nullptr},
    {"MapStateEntered", "stateEnteredEventDetails"},
    {"MapStateExited", "stateExitedEventDetails"},
    {"MapStateStarted", "mapStateStartedEventDetails"},
    {"MapStateSucceeded", nullptr},
    {"MapStateFailed", nullptr},
    {"MapStateAborted", nullptr},
    {"MapIterationStarted", "mapIterationStartedEventDetails"},
    {"MapIterationSucceeded", "mapIterationSucceededEventDetails"},
    {"MapIterationFailed", "mapIterationFailedEventDetails"},
    {"MapIterationAborted", "mapIterationAbortedEventDetails"},
    {"MapRunStarted", "mapRunStartedEventDetails"},
    {"MapRunSucceeded", nullptr},
    {"MapRunFailed", "mapRunFailedEventDetails"},
    {"MapRunAborted", nullptr},
    {"TaskScheduled", "taskScheduledEventDetails"},
    {"TaskStarted", "taskStartedEventDetails"},
    {"TaskSubmitted", "taskSubmittedEventDetails"},
    {"TaskSucceeded", "taskSucceededEventDetails"},
    {"TaskFailed", "taskFailedEventDetails"},
    {"TaskTimedOut", "taskTimedOutEventDetails"},
    {"LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails"},
    {"LambdaFunctionStarted", nullptr},
    {"LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails"},
    {"LambdaFunctionFailed", "lambdaFunctionFailedEventDetails"},
    {"LambdaFunctionTimedOut", "lambdaFunctionTimedOutEventDetails"},
    {"ActivityScheduled", "activityScheduledEventDetails"},
    {"ActivityStarted", "activityStartedEventDetails"},
    {"ActivitySucceeded", "activitySucceededEventDetails"},
    {"ActivityFailed", "activityFailedEventDetails"},
    {"ActivityTimedOut", "activityTimedOutEventDetails"},
    {"EvaluationFailed", "evaluationFailedEventDetails"},
};
static_assert(sizeof(kTypes) / sizeof(kTypes[0]) ==
              static_cast<std::size_t>(EventType::kEvaluationFailed) + 1);

bool SamePayload(const JsonPtr& a, const JsonPtr& b) {
  if (a == b) return true;
  if (!a || !b) return false;
  return *a == *b;
}

nlohmann::json Text(const JsonPtr& value) {
  return value ? nlohmann::json(jsonpath::ToAwsJson(*value)) : nlohmann::json("null");
}

nlohmann::json NotTruncated() { return {{"truncated", false}}; }

void AddErrorCause(nlohmann::json& d, const HistoryEvent& e) {
  if (e.error) d["error"] = *e.error;
  if (e.cause) d["cause"] = *e.cause;
}

}  // namespace

std::string_view ToString(EventType type) { return kTypes[static_cast<std::size_t>(type)].name; }

bool operator==(const HistoryEvent& a, const HistoryEvent& b) {
  return a.id == b.id && a.previous_event_id == b.previous_event_id && a.timestamp == b.timestamp &&
         a.type == b.type && a.name == b.name && SamePayload(a.input, b.input) &&
         SamePayload(a.output, b.output) && a.error == b.error && a.cause == b.cause &&
         a.resource_type == b.resource_type && a.resource == b.resource && a.region == b.region &&
         a.timeout_in_seconds == b.timeout_in_seconds &&
         a.heartbeat_in_seconds == b.heartbeat_in_seconds && a.index == b.index &&
         a.text == b.text && SamePayload(a.assigned_variables, b.assigned_variables) &&
         SamePayload(a.credentials, b.credentials);
}

nlohmann::json ToAwsJson(const HistoryEvent& e) {
  nlohmann::json j = nlohmann::json::object();
  j["id"] = e.id;
  j["previousEventId"] = e.previous_event_id;
  j["timestamp"] = FormatTimestamp(e.timestamp);
  j["type"] = ToString(e.type);
  const TypeInfo& info = kTypes[static_cast<std::size_t>(e.type)];
  if (info.details == nullptr) return j;
  nlohmann::json d = nlohmann::json::object();
  switch (e.type) {
    case EventType::kExecutionStarted:
      d["input"] = Text(e.input);
      d["inputDetails"] = NotTruncated();
      d["roleArn"] = e.text;
      break;
    case EventType::kExecutionSucceeded:
    case EventType::kMapRunSucceeded:
      d["output"] = Text(e.output);
      d["outputDetails"] = NotTruncated();
      break;
    case EventType::kExecutionFailed:
    case EventType::kExecutionTimedOut:
    case EventType::kExecutionAborted:
    case EventType::kMapRunFailed:
    case EventType::kLambdaFunctionFailed:
    case EventType::kLambdaFunctionTimedOut:
    case EventType::kActivityFailed:
    case EventType::kActivityTimedOut:
      AddErrorCause(d, e);
      break;
    case EventType::kMapStateStarted:
      d["length"] = e.index;
      break;
    case EventType::kMapIterationStarted:
    case EventType::kMapIterationSucceeded:
    case EventType::kMapIterationFailed:
    case EventType::kMapIterationAborted:
      d["name"] = e.name;
      d["index"] = e.index;
      break;
    case EventType::kMapRunStarted:
      d["mapRunArn"] = e.text;
      break;
    case EventType::kTaskScheduled:
      d["resourceType"] = e.resource_type;
      d["resource"] = e.resource;
      d["region"] = e.region;
      d["parameters"] = Text(e.input);
      if (e.timeout_in_seconds) d["timeoutInSeconds"] = *e.timeout_in_seconds;
      if (e.heartbeat_in_seconds) {
        d["heartbeatInSeconds"] = *e.heartbeat_in_seconds;
      }
      if (e.credentials) d["taskCredentials"] = *e.credentials;
      break;
    case EventType::kTaskStarted:
      d["resourceType"] = e.resource_type;
      d["resource"] = e.resource;
      break;
    case EventType::kTaskSubmitted:
    case EventType::kTaskSucceeded:
      d["resourceType"] = e.resource_type;
      d["resource"] = e.resource;
      d["output"] = Text(e.output);
      d["outputDetails"] = NotTruncated();
      break;
    case EventType::kTaskFailed:
    case EventType::kTaskTimedOut:
      d["resourceType"] = e.resource_type;
      d["resource"] = e.resource;
      AddErrorCause(d, e);
      break;
    case EventType::kLambdaFunctionScheduled:
    case EventType::kActivityScheduled:
      d["resource"] = e.resource;
      d["input"] = Text(e.input);
      d["inputDetails"] = NotTruncated();
      if (e.timeout_in_seconds) d["timeoutInSeconds"] = *e.timeout_in_seconds;
      if (e.heartbeat_in_seconds) {
        d["heartbeatInSeconds"] = *e.heartbeat_in_seconds;
      }
      if (e.credentials) d["taskCredentials"] = *e.credentials;
      break;
    case EventType::kActivityStarted:
      d["workerName"] = e.text;
      break;
    case EventType::kLambdaFunctionSucceeded:
    case EventType::kActivitySucceeded:
      d["output"] = Text(e.output);
      d["outputDetails"] = NotTruncated();
      break;
    case EventType::kEvaluationFailed:
      AddErrorCause(d, e);
      d["location"] = e.text;
      d["state"] = e.name;
      break;
    default:
      if (info.details[6] == 'n') {  // stateEnteredEventDetails
        d["name"] = e.name;
        d["input"] = Text(e.input);
        d["inputDetails"] = NotTruncated();
      } else {  // stateExitedEventDetails
        d["name"] = e.name;
        d["output"] = Text(e.output);
        d["outputDetails"] = NotTruncated();
        if (e.assigned_variables) {
          nlohmann::json vars = nlohmann::json::object();
          for (const auto& [k, v] : e.assigned_variables->items()) {
            vars[k] = jsonpath::ToAwsJson(v);
          }
          d["assignedVariables"] = std::move(vars);
          d["assignedVariablesDetails"] = NotTruncated();
        }
      }
      break;
  }
  j[info.details] = std::move(d);
  return j;
}

nlohmann::json ToAwsJson(const std::vector<HistoryEvent>& history) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : history) out.push_back(ToAwsJson(e));
  return out;
}

void to_json(nlohmann::json& j, const HistoryEvent& event) { j = ToAwsJson(event); }

void PrintTo(const HistoryEvent& event, std::ostream* os) { *os << ToAwsJson(event).dump(); }

}  // namespace stepsim::sim
