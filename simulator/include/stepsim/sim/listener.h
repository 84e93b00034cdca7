// Stable public header: the API below is relied on by other areas; extend,
// do not change.
#pragma once

#include <stepsim/error.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/history.h>

#include <cstdint>
#include <ostream>
#include <string_view>

namespace stepsim::asl {
struct State;
struct Scope;
}  // namespace stepsim::asl

namespace stepsim::sim {

/// How control left a state.
enum class TransitionKind : std::uint8_t {
  kNext,        ///< `Next` of a Task/Pass/Wait/Parallel/Map
  kChoiceRule,  ///< Choice rule `index` matched
  kDefault,     ///< Choice `Default`
  kCatch,       ///< catcher `index` matched
  kRetry,       ///< retrier `index` re-runs the same state (`to` == `from`)
  kEnd,         ///< `End`, Succeed: the scope (execution, branch, iteration) ends
  kErrorOut,    ///< an unhandled error leaves the scope (Fail state included)
};

/// "Next", "ChoiceRule", "Default", "Catch", "Retry", "End", "ErrorOut".
std::string_view ToString(TransitionKind kind);

/// One move of control flow. Pointers borrow from the definition.
struct Transition {
  const asl::State* from = nullptr;
  /// The next state; null for kEnd and kErrorOut.
  const asl::State* to = nullptr;
  TransitionKind kind = TransitionKind::kNext;
  /// Choice rule, catcher or retrier index (0-based); -1 otherwise.
  int index = -1;
  /// The scope `from` belongs to (root, a Parallel branch, a Map processor).
  const asl::Scope* scope = nullptr;
  /// Parallel branch index or Map iteration index of the innermost
  /// enclosing branch/iteration; -1 at the top level.
  std::int64_t iteration = -1;
  /// The error for kCatch, kRetry and kErrorOut; null otherwise.
  const AslError* error = nullptr;
  /// The error (kRetry, kCatch, kErrorOut) is a `States.Timeout` raised
  /// because heartbeats stopped (TASK-06), not because TimeoutSeconds passed.
  bool heartbeat = false;
  /// kCatch and kErrorOut: the retrier whose ErrorEquals matched the error
  /// but whose MaxAttempts were used up (RTY-06), or -1 when no retrier
  /// matched.
  int exhausted_retrier = -1;
  VirtualTime time;
};

void PrintTo(const Transition& t, std::ostream* os);

/// Sees every history event and every transition of a run, in order. The
/// one hook behind history, coverage and tracing. Called synchronously on
/// the thread calling Run; the references are valid only during the call.
class ExecutionListener {
 public:
  virtual ~ExecutionListener() = default;
  virtual void OnEvent(const HistoryEvent& /*event*/) {}
  virtual void OnTransition(const Transition& /*transition*/) {}
  /// An event of a distributed Map's child execution (DMAP-05): AWS records
  /// it in the child's own history, not this one, so it has no id here.
  /// Transitions inside child executions arrive through OnTransition.
  virtual void OnChildExecutionEvent(const HistoryEvent& /*event*/) {}
};

}  // namespace stepsim::sim
