#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/error.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/options.h>
#include <stepsim/sim/task_handler.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::test {

using Json = nlohmann::json;

/// What one answer source says about one task attempt: an outcome, or
/// nothing (the next source is asked). `until_timeout` marks a timeout whose
/// duration is the state's TimeoutSeconds, filled in by Resolve once the
/// state is known.
struct TaskAnswer {
  TaskAnswer() = default;
  /// The attempt succeeds with `result` (lets `testing::Return(json)` work
  /// as a gmock action).
  TaskAnswer(Json result)  // NOLINT(google-explicit-constructor): by design
      : outcome(sim::TaskOutcome::Succeed(std::move(result))) {}
  TaskAnswer(sim::TaskOutcome o)  // NOLINT(google-explicit-constructor)
      : outcome(std::move(o)) {}

  std::optional<sim::TaskOutcome> outcome;
  bool until_timeout = false;

  /// The outcome for an attempt of `state`: a `until_timeout` answer becomes
  /// TimeoutOutcome(state); nullopt when there is no answer.
  [[nodiscard]] std::optional<sim::TaskOutcome> Resolve(const asl::State& state) const;

  friend bool operator==(const TaskAnswer& a, const TaskAnswer& b);
};

/// An attempt that never answers: kind kTimedOut (States.Timeout, TASK-04)
/// lasting the state's literal TimeoutSeconds (0 when it is given by a path
/// or absent), with a heartbeat every literal HeartbeatSeconds so that the
/// run reports a timeout, not a heartbeat lapse.
sim::TaskOutcome TimeoutOutcome(const asl::State& state);

/// A TaskAnswer that times out (see TimeoutOutcome).
TaskAnswer TimeoutAnswer();

/// {"kind": "Succeeded"|"Failed"|"TimedOut", "result"|"error"+"cause",
/// "latencyMillis", "heartbeatsMillis"}; null for no answer.
void to_json(Json& j, const TaskAnswer& answer);
void PrintTo(const TaskAnswer& answer, std::ostream* os);

/// Which attempts of a state a fault targets. An attempt is counted either
/// per state entry (`Attempt(k)`: the k-th try of one entry, 1-based, i.e.
/// `$$.State.RetryCount == k - 1`, so it targets that try of every entry and
/// every Map iteration) or per run (`Invocation(n)`: the MockConfig
/// invocation number, 0-based, counting every attempt of the state in the
/// run, MOCK-06).
struct AttemptFilter {
  enum class Counter : std::uint8_t { kAttempt, kInvocation };
  Counter counter = Counter::kAttempt;
  std::int64_t first = 1;
  std::int64_t last = std::numeric_limits<std::int64_t>::max();

  [[nodiscard]] bool Matches(const sim::TaskInvocation& call) const;
  friend bool operator==(const AttemptFilter&, const AttemptFilter&) = default;
};

/// Attempt k of each entry (1-based).
AttemptFilter Attempt(std::int64_t k);
/// Attempts first..last (inclusive, 1-based) of each entry.
AttemptFilter Attempts(std::int64_t first, std::int64_t last);
/// Attempt k and every later attempt of each entry.
AttemptFilter AttemptsFrom(std::int64_t k);
/// Every attempt (the default).
AttemptFilter EveryAttempt();
/// Invocation n of the state in the run (0-based, MockConfig numbering).
AttemptFilter Invocation(std::int64_t n);

void to_json(Json& j, const AttemptFilter& filter);
void PrintTo(const AttemptFilter& filter, std::ostream* os);

/// One registered fault (see FaultInjector for what each kind does).
struct Fault {
  enum class Kind : std::uint8_t {
    kError,
    kLatency,
    kHeartbeatLoss,
    kTaskTimeout,
    kMapIteration,
    kBranch
  };
  Kind kind = Kind::kError;
  /// The Task state (kError, kLatency, kHeartbeatLoss, kTaskTimeout), the
  /// Map state (kMapIteration) or the Parallel state (kBranch).
  std::string state;
  AslError error;                     ///< kError, kMapIteration, kBranch
  sim::Millis latency{0};             ///< kLatency
  AttemptFilter when;                 ///< kError, kLatency, kHeartbeatLoss, kTaskTimeout
  std::set<std::int64_t> iterations;  ///< kMapIteration: item indices
  std::int64_t branch = -1;           ///< kBranch
};

/// "Error", "Latency", "HeartbeatLoss", "TaskTimeout", "MapIterationFailure",
/// "BranchFailure".
std::string_view ToString(Fault::Kind kind);
void to_json(Json& j, const Fault& fault);
void PrintTo(const Fault& fault, std::ostream* os);

/// Injects faults into the Task attempts of a run. It is the first answer
/// source a Harness asks: a fault answers only the attempts it targets and
/// defers every other one to the other sources (gmock tasks, MockState
/// scripts, handlers, the MockConfig test case). Latency and heartbeat-loss
/// faults wrap whatever answer the other sources give. Registering a fault
/// checks the definition and throws UsageError naming the problem (an unknown
/// state, a state of the wrong type). Several faults may target one attempt:
/// the first registered error-like fault (error, timeout, Map iteration,
/// branch) decides the outcome, then every matching latency fault adds its
/// latency, then a heartbeat loss applies.
class FaultInjector {
 public:
  explicit FaultInjector(std::shared_ptr<const asl::Definition> definition);

  /// Task `state` fails with `error`/`cause` on the attempts `when` selects
  /// (Retry and Catch apply, RTY/CAT).
  FaultInjector& ErrorAt(std::string_view state, std::string error, std::string cause = "",
                         AttemptFilter when = EveryAttempt());
  /// The attempts `when` selects of Task `state` take `latency` more virtual
  /// time (TimeoutSeconds still applies, TASK-04).
  FaultInjector& LatencyAt(std::string_view state, sim::Millis latency,
                           AttemptFilter when = EveryAttempt());
  /// The worker of Task `state` stops sending heartbeats: the attempt lasts
  /// past HeartbeatSeconds and fails with States.Timeout, a heartbeat lapse
  /// that a `States.HeartbeatTimeout` retrier or catcher matches (TASK-04).
  /// Throws UsageError when the state has no HeartbeatSeconds.
  FaultInjector& HeartbeatLoss(std::string_view state, AttemptFilter when = EveryAttempt());
  /// The attempt never answers and ends with States.Timeout after the
  /// state's TimeoutSeconds (see TimeoutOutcome, TASK-04).
  FaultInjector& TaskTimeout(std::string_view state, AttemptFilter when = EveryAttempt());
  /// Express at-least-once delivery (EXE-01): every task attempt is
  /// delivered twice to the answer sources; the second answer is used.
  FaultInjector& DuplicateDelivery();
  /// Every Task attempt in the iterations `indices` (0-based item indices)
  /// of Map `map_state` fails with `error`/`cause`; the processor's own
  /// Retry/Catch apply, then the Map's tolerated failure thresholds
  /// (MAP-06, DMAP-07). Targets the Task states whose innermost enclosing
  /// Map or Parallel is this Map; throws UsageError when there is none.
  FaultInjector& MapIterationFailure(std::string_view map_state,
                                     std::initializer_list<std::int64_t> indices, std::string error,
                                     std::string cause = "");
  FaultInjector& MapIterationFailure(std::string_view map_state,
                                     const std::vector<std::int64_t>& indices, std::string error,
                                     std::string cause = "");
  /// Every Task attempt in branch `branch` (0-based, nested states
  /// included) of Parallel `parallel_state` fails with `error`/`cause`, so
  /// the branch fails (unless its own Catch handles it) and the Parallel
  /// fails with that error unchanged (PAR-04, PAR-05). Throws UsageError when
  /// the branch has no Task state.
  FaultInjector& BranchFailure(std::string_view parallel_state, std::int64_t branch,
                               std::string error, std::string cause = "");
  /// Removes every fault.
  FaultInjector& Clear();

  [[nodiscard]] const std::vector<Fault>& faults() const { return faults_; }
  [[nodiscard]] bool duplicate_delivery() const { return duplicate_delivery_; }
  [[nodiscard]] bool empty() const { return faults_.empty() && !duplicate_delivery_; }

  /// Sets what `options` needs for these faults (duplicate delivery).
  void Configure(sim::Options* options) const;

  /// The answer for `call`: the first error-like fault targeting it, else
  /// `rest()` (the other sources); then every targeting latency fault adds
  /// its latency and a heartbeat loss silences the worker. nullopt when
  /// neither a fault nor `rest()` answers.
  [[nodiscard]] std::optional<sim::TaskOutcome> Answer(
      const sim::TaskInvocation& call,
      const std::function<std::optional<sim::TaskOutcome>()>& rest) const;

 private:
  [[nodiscard]] const asl::State& Require(std::string_view name, asl::StateType type,
                                          std::string_view fault) const;
  [[nodiscard]] bool Targets(const Fault& fault, std::size_t i,
                             const sim::TaskInvocation& call) const;
  /// Records `fault` and the Task states it reaches.
  FaultInjector& Add(Fault fault, std::vector<const asl::State*> reach);

  std::shared_ptr<const asl::Definition> definition_;
  std::vector<Fault> faults_;
  /// Per fault: the Task states a Map/branch fault reaches (sorted).
  std::vector<std::vector<const asl::State*>> reach_;
  bool duplicate_delivery_ = false;
};

void to_json(Json& j, const FaultInjector& faults);
void PrintTo(const FaultInjector& faults, std::ostream* os);

}  // namespace stepsim::test
