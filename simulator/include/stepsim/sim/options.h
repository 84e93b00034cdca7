// Stable public header: the API below is relied on by other areas; extend,
// do not change.
#pragma once

#include <stepsim/error.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/data_flow.h>
#include <stepsim/sim/listener.h>
#include <stepsim/sim/task_handler.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace stepsim::sim {

enum class StateMachineType : std::uint8_t { kStandard, kExpress };

/// "STANDARD" / "EXPRESS".
std::string_view ToString(StateMachineType type);

/// 2025-01-01T00:00:00.000Z, the conformance corpus' start time.
inline constexpr VirtualTime kDefaultStartTime{Millis{1735689600000}};

/// AWS service limits the run enforces, with AWS's errors (EXE-04/05).
struct Limits {
  /// Standard history limit; reaching it fails the execution.
  std::size_t max_history_events = 25000;
  /// Largest state input/output/result, in bytes of JSON text (IO-11).
  std::size_t max_payload_bytes = 262144;
  /// Guard against endless loops: the run fails with States.Runtime and a
  /// cause naming the limit when more states than this are entered.
  std::int64_t max_state_transitions = 1000000;
  /// Maximum execution duration (EXE-02); nullopt = the type's AWS limit
  /// (1 year Standard, 5 minutes Express).
  std::optional<Millis> max_duration;
};

/// Supplies a distributed Map's ItemReader data (DMAP-04): given the Map
/// state and its evaluated ItemReader `Parameters`, the items (an array, or
/// any value ItemsPath then selects from), or an error such as
/// States.ItemReaderFailed.
using ItemReaderFunction = std::function<Result<Json>(const asl::State&, const Json& parameters)>;

/// Decides a task attempt's outcome; nullopt = nothing configured.
using TaskFunction = std::function<std::optional<TaskOutcome>(const TaskInvocation&)>;

/// Everything a run needs besides the definition and the input.
struct Options {
  /// Decides jitter, random intrinsics and the interleaving of concurrent
  /// branches and iterations. Same inputs and seed, same history.
  std::uint64_t seed = 0;

  // Execution identity: the Context object (`$$`, CTX-01).
  std::string execution_id =
      "arn:aws:states:us-east-1:111111111111:execution:StateMachine:"
      "execution";
  std::string execution_name = "execution";
  std::string role_arn = "arn:aws:iam::111111111111:role/StepFunctionsRole";
  /// Where the virtual clock starts (`$$.Execution.StartTime`).
  VirtualTime start_time = kDefaultStartTime;
  std::string state_machine_id = "arn:aws:states:us-east-1:111111111111:stateMachine:StateMachine";
  std::string state_machine_name = "StateMachine";
  StateMachineType type = StateMachineType::kStandard;
  std::string region = "us-east-1";
  std::string account = "111111111111";

  /// Asked in order for each task attempt; the first non-nullopt answer
  /// wins. Borrowed: they must outlive Run.
  std::vector<TaskHandler*> task_handlers;
  /// Asked after `task_handlers` when none answered.
  TaskFunction task_function;

  /// ItemReader data for distributed Maps.
  ItemReaderFunction item_reader;

  /// See every event and transition. Borrowed.
  std::vector<ExecutionListener*> listeners;
  /// See each state's intermediate values (TestState's inspection data).
  /// Borrowed; null (the default) costs nothing.
  DataFlowObserver* data_flow = nullptr;

  Limits limits;

  /// Always give task handlers the Context object (TaskInvocation::context);
  /// by default only states that reference `$$` get it.
  bool task_context = false;

  /// Keep the history in the Execution (listeners see events either way).
  bool record_history = true;
  /// Express at-least-once delivery as an opt-in fault: every task attempt
  /// is invoked twice on the handlers (the second outcome is the one used).
  bool duplicate_task_delivery = false;
};

}  // namespace stepsim::sim
