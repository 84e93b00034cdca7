// Stable public header: the API below is relied on by other areas; extend,
// do not change.
#pragma once

#include <stepsim/sim/clock.h>
#include <stepsim/sim/history.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::asl {
class Definition;
}

namespace stepsim::sim {

enum class ExecutionStatus : std::uint8_t { kSucceeded, kFailed, kTimedOut, kAborted };

/// "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED".
std::string_view ToString(ExecutionStatus status);

/// The result of one run.
struct Execution {
  ExecutionStatus status = ExecutionStatus::kSucceeded;
  /// The execution output when SUCCEEDED.
  std::optional<Json> output;
  /// Error and cause when not SUCCEEDED (nullopt where AWS reports none).
  std::optional<std::string> error;
  std::optional<std::string> cause;
  /// Every event, oldest first (empty when Options::record_history is off).
  std::vector<HistoryEvent> history;
  /// Virtual times.
  VirtualTime start_time;
  VirtualTime end_time;
  Millis elapsed() const { return end_time - start_time; }
  /// Names of the states entered, in order (repeats included).
  std::vector<std::string_view> visited_states;
  /// Number of states entered.
  std::int64_t state_transitions = 0;
  /// Keeps what the string views above borrow from alive.
  std::shared_ptr<const void> keep_alive;

  bool succeeded() const { return status == ExecutionStatus::kSucceeded; }

  /// Status, output, error, cause, history and virtual times.
  friend bool operator==(const Execution& a, const Execution& b);
};

/// The CLI result object: {"status", "output", "error", "cause", "history"
/// (ToAwsJson of every event), "startTime", "endTime", "elapsedMillis"}.
void to_json(nlohmann::json& j, const Execution& execution);
void PrintTo(const Execution& execution, std::ostream* os);

}  // namespace stepsim::sim
