// Stable public header: the API below is relied on by other areas; extend,
// do not change.
#pragma once

#include <stepsim/sim/clock.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::asl {
struct State;
}

namespace stepsim::sim {

/// Every history event type stepsim emits (HIST-02).
enum class EventType : std::uint8_t {
  kExecutionStarted,
  kExecutionSucceeded,
  kExecutionFailed,
  kExecutionTimedOut,
  kExecutionAborted,
  kTaskStateEntered,
  kTaskStateExited,
  kTaskStateAborted,
  kPassStateEntered,
  kPassStateExited,
  kChoiceStateEntered,
  kChoiceStateExited,
  kWaitStateEntered,
  kWaitStateExited,
  kWaitStateAborted,
  kSucceedStateEntered,
  kSucceedStateExited,
  kFailStateEntered,
  kParallelStateEntered,
  kParallelStateExited,
  kParallelStateStarted,
  kParallelStateSucceeded,
  kParallelStateFailed,
  kParallelStateAborted,
  kMapStateEntered,
  kMapStateExited,
  kMapStateStarted,
  kMapStateSucceeded,
  kMapStateFailed,
  kMapStateAborted,
  kMapIterationStarted,
  kMapIterationSucceeded,
  kMapIterationFailed,
  kMapIterationAborted,
  kMapRunStarted,
  kMapRunSucceeded,
  kMapRunFailed,
  kMapRunAborted,
  kTaskScheduled,
  kTaskStarted,
  kTaskSubmitted,
  kTaskSucceeded,
  kTaskFailed,
  kTaskTimedOut,
  kLambdaFunctionScheduled,
  kLambdaFunctionStarted,
  kLambdaFunctionSucceeded,
  kLambdaFunctionFailed,
  kLambdaFunctionTimedOut,
  kActivityScheduled,
  kActivityStarted,
  kActivitySucceeded,
  kActivityFailed,
  kActivityTimedOut,
  kEvaluationFailed,
};

/// "TaskStateEntered", ... exactly as AWS spells the `type` field.
std::string_view ToString(EventType type);

using Json = nlohmann::json;
using JsonPtr = std::shared_ptr<const Json>;

/// One history event, AWS GetExecutionHistory shaped (HIST-01..06). Cheap to
/// record: payloads are shared, immutable JSON values rendered to JSON text
/// only by ToAwsJson. String views (`name`, `resource_type`, `resource`)
/// borrow from the definition and the interpreter, which the Execution that
/// holds the event keeps alive (Execution::keep_alive); copy an event out
/// of its Execution only while that Execution or its Interpreter lives. Which detail fields are
/// meaningful depends on `type`; unused ones stay empty.
struct HistoryEvent {
  std::int64_t id = 0;                 ///< 1, 2, 3, ...
  std::int64_t previous_event_id = 0;  ///< 0 where AWS writes 0
  VirtualTime timestamp;
  EventType type = EventType::kExecutionStarted;

  /// The state this event belongs to (null for execution events). For
  /// MapIteration* events, the Map state.
  const asl::State* state = nullptr;
  /// State name (state events, map iteration `name`).
  std::string_view name;
  /// `input` (execution started, state entered, LambdaFunctionScheduled) or
  /// `parameters` (TaskScheduled).
  JsonPtr input;
  /// `output` (succeeded/exited events).
  JsonPtr output;
  /// `error` / `cause` of failed, timed-out and aborted events.
  std::optional<std::string> error;
  std::optional<std::string> cause;
  /// Task events (HIST-05).
  std::string_view resource_type;
  std::string_view resource;
  std::string region;
  std::optional<std::int64_t> timeout_in_seconds;
  std::optional<std::int64_t> heartbeat_in_seconds;
  /// Map: `index` of MapIteration* events, `length` of MapStateStarted.
  std::int64_t index = -1;
  /// ExecutionStarted `roleArn`; MapRunStarted `mapRunArn`;
  /// EvaluationFailed `location`.
  std::string text;
  /// StateExited `assignedVariables`: object name -> value (null: none).
  JsonPtr assigned_variables;
  /// TaskScheduled `taskCredentials` (the evaluated Credentials object).
  JsonPtr credentials;

  std::string_view type_name() const { return ToString(type); }

  /// Compares everything AWS would show (payloads by value).
  friend bool operator==(const HistoryEvent& a, const HistoryEvent& b);
};

/// The event as AWS GetExecutionHistory returns it: `id`, `previousEventId`,
/// `timestamp` (RFC 3339 with milliseconds from the virtual clock), `type`
/// and one `<type>EventDetails` object whose payloads (`input`, `output`,
/// `parameters`, assigned variable values) are JSON text made with
/// jsonpath::ToAwsJson (HIST-03, HIST-04).
nlohmann::json ToAwsJson(const HistoryEvent& event);
/// The array of ToAwsJson of every event, oldest first.
nlohmann::json ToAwsJson(const std::vector<HistoryEvent>& history);

void to_json(nlohmann::json& j, const HistoryEvent& event);
void PrintTo(const HistoryEvent& event, std::ostream* os);

}  // namespace stepsim::sim
