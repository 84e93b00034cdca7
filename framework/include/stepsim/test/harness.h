#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/error.h>
#include <stepsim/sim/execution.h>
#include <stepsim/sim/history.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/listener.h>
#include <stepsim/sim/mock_config.h>
#include <stepsim/sim/options.h>
#include <stepsim/sim/task_handler.h>
#include <stepsim/test/faults.h>
#include <stepsim/test/script.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::test {

class MockTasks;

/// One move of control flow of a run, kept after the run (sim::Transition
/// borrows; this owns its error). State and scope pointers point into the
/// definition, which the RunResult holding the record keeps alive.
struct RecordedTransition {
  const asl::State* from = nullptr;
  /// Null for kEnd and kErrorOut.
  const asl::State* to = nullptr;
  sim::TransitionKind kind = sim::TransitionKind::kNext;
  /// Choice rule, catcher or retrier index; -1 otherwise.
  int index = -1;
  const asl::Scope* scope = nullptr;
  /// Branch or iteration index of the innermost enclosing Parallel/Map; -1
  /// at the top level.
  std::int64_t iteration = -1;
  /// The error of kRetry, kCatch and kErrorOut.
  std::optional<AslError> error;
  bool heartbeat = false;
  int exhausted_retrier = -1;
  sim::VirtualTime time;

  [[nodiscard]] std::string_view from_name() const;
  /// "" for kEnd and kErrorOut.
  [[nodiscard]] std::string_view to_name() const;
  /// The Parallel/Map state owning the scope; null at the top level.
  [[nodiscard]] const asl::State* owner() const;

  friend bool operator==(const RecordedTransition&, const RecordedTransition&) = default;
};

/// {"from", "to" (null at an end), "kind", "index", "iteration", "scope"
/// (owning Parallel/Map or null), "error", "cause", "heartbeat",
/// "exhaustedRetrier", "time"}; optional members only when set.
void to_json(Json& j, const RecordedTransition& t);
void PrintTo(const RecordedTransition& t, std::ostream* os);

/// The result of Harness::Run: the execution, the definition it ran and the
/// transitions it took. Copyable; keeps the definition alive.
class RunResult {
 public:
  [[nodiscard]] sim::ExecutionStatus status() const { return execution_.status; }
  [[nodiscard]] bool succeeded() const { return execution_.succeeded(); }
  /// The execution output when SUCCEEDED.
  [[nodiscard]] const std::optional<Json>& output() const { return execution_.output; }
  [[nodiscard]] const std::optional<std::string>& error() const { return execution_.error; }
  [[nodiscard]] const std::optional<std::string>& cause() const { return execution_.cause; }
  /// Every history event, oldest first (empty when the harness' options turn
  /// record_history off).
  [[nodiscard]] const std::vector<sim::HistoryEvent>& history() const { return execution_.history; }
  /// Names of the states entered, in order, repeats included (retries are
  /// not entries: RTY-08).
  [[nodiscard]] const std::vector<std::string>& visited_states() const { return visited_; }
  /// Every transition, in the order the run took them.
  [[nodiscard]] const std::vector<RecordedTransition>& transitions() const { return transitions_; }
  /// Virtual time from start to end.
  [[nodiscard]] sim::Millis elapsed() const { return execution_.elapsed(); }
  [[nodiscard]] const sim::Execution& execution() const { return execution_; }
  [[nodiscard]] const asl::Definition& definition() const { return *definition_; }
  /// The seed the run used.
  [[nodiscard]] std::uint64_t seed() const { return seed_; }

 private:
  friend class Harness;
  sim::Execution execution_;
  std::shared_ptr<const asl::Definition> definition_;
  std::vector<RecordedTransition> transitions_;
  std::vector<std::string> visited_;
  std::uint64_t seed_ = 0;
};

/// {"status", "error", "cause", "output", "visitedStates", "transitions",
/// "elapsedMillis", "seed"}; error/cause/output only when present.
void to_json(Json& j, const RunResult& run);
/// Compact JSON with status, error, cause, output, elapsedMillis and seed.
void PrintTo(const RunResult& run, std::ostream* os);

/// The answers of one Task state, one per invocation (the per-run
/// invocation counter of MOCK-06: retries, loop re-entries and Map iterations
/// all count): the first call gets the first answer, and so on. Past the end
/// the state is not answered by the script (the next source is asked)
/// unless the last answer was marked to repeat with `Always...`.
class StateScript {
 public:
  explicit StateScript(const asl::State* state) : state_(state) {}

  /// The next invocation succeeds with `result` after `latency`.
  StateScript& Returns(Json result, sim::Millis latency = sim::Millis{0});
  /// The next invocation fails with `error`/`cause` after `latency`.
  StateScript& Throws(std::string error, std::string cause = "",
                      sim::Millis latency = sim::Millis{0});
  /// The next invocation times out (see TimeoutOutcome).
  StateScript& TimesOut();
  /// The next invocation sends heartbeats at `beats` (offsets from its
  /// start) and succeeds with `result` after `latency`.
  StateScript& ReturnsWithHeartbeats(Json result, sim::Millis latency,
                                     std::vector<sim::Millis> beats);
  /// The last answer given so far repeats for every later invocation.
  /// Throws UsageError when there is none.
  StateScript& Always();
  StateScript& AlwaysReturns(Json result, sim::Millis latency = sim::Millis{0});
  StateScript& AlwaysThrows(std::string error, std::string cause = "",
                            sim::Millis latency = sim::Millis{0});
  StateScript& AlwaysTimesOut();

  /// The answer for invocation `invocation` (0-based); nullopt past the end.
  [[nodiscard]] std::optional<sim::TaskOutcome> Answer(std::int64_t invocation) const;

  [[nodiscard]] const asl::State& state() const { return *state_; }
  [[nodiscard]] const std::vector<TaskAnswer>& answers() const { return answers_; }
  [[nodiscard]] bool repeats_last() const { return repeat_; }

 private:
  StateScript& Add(TaskAnswer answer);
  const asl::State* state_;
  std::vector<TaskAnswer> answers_;
  bool repeat_ = false;
};

/// {"state", "answers": [TaskAnswer...], "repeatsLast"}.
void to_json(Json& j, const StateScript& script);
void PrintTo(const StateScript& script, std::ostream* os);

/// Loads a definition once and runs it as often as a test needs, with
/// options, task answers and listeners. Copying a Harness is cheap (the
/// definition and interpreter are shared); answers are copied, borrowed
/// objects (MockTasks, listeners) stay borrowed.
///
/// For each Task attempt the answer sources are asked in this order, the
/// first answer winning: the fault injector (Faults()), the gmock tasks
/// (UseMockTasks), the MockState scripts, the handlers (AddHandler, in the
/// order added), the MockConfig test case (UseMockConfig), then
/// options().task_handlers and options().task_function. A Task nothing
/// answers fails the run with States.Runtime and the simulator's cause
/// naming the state and what to configure.
///
/// Run is const and builds nothing per run but a small dispatcher and a
/// transition recorder; concurrent Runs are safe when every answer source
/// is stateless (scripts, faults, MockConfig test cases) and the borrowed
/// listeners and MockTasks are not shared between them.
class Harness {
 public:
  /// Loads `path`; throws asl::DefinitionError (every diagnostic, with file,
  /// line:column and JSON Pointer) when it cannot be loaded.
  static Harness FromFile(const std::string& path);
  /// Loads JSON text; throws asl::DefinitionError when it is no valid
  /// definition.
  static Harness FromString(std::string_view json_text);
  /// Throws UsageError when `definition` is null.
  explicit Harness(std::shared_ptr<const asl::Definition> definition);

  [[nodiscard]] const asl::Definition& definition() const { return *definition_; }
  [[nodiscard]] const std::shared_ptr<const asl::Definition>& shared_definition() const {
    return definition_;
  }

  /// The run options (seed, type, limits, identity...), mutable.
  sim::Options& options() { return options_; }
  [[nodiscard]] const sim::Options& options() const { return options_; }
  /// Sets options().seed; returns *this.
  Harness& WithSeed(std::uint64_t seed);

  /// The script of Task `state` (created empty on first use). Throws
  /// UsageError naming the Task states when `state` is no Task state.
  StateScript& MockState(std::string_view state);
  /// Asks `tasks` (borrowed: it must outlive every Run) after the faults.
  Harness& UseMockTasks(MockTasks& tasks);
  /// Adds any TaskHandler (shared by copies of this harness), asked after
  /// the scripts, in the order added.
  Harness& AddHandler(std::shared_ptr<sim::TaskHandler> handler);
  /// Plays `script` (OutcomeScript, script.h): shorthand for
  /// AddHandler(std::make_shared<ScriptTaskHandler>(script)).
  Harness& WithScript(const OutcomeScript& script);
  /// Answers from a MockConfigFile test case (MOCK-05..09); replaces an
  /// earlier one. Throws asl::DefinitionError when the file cannot be loaded
  /// or the test case does not exist.
  Harness& UseMockConfig(const std::string& path, std::string_view state_machine,
                         std::string_view test_case);
  Harness& UseMockConfig(std::shared_ptr<const sim::MockConfig> config,
                         std::string_view state_machine, std::string_view test_case);
  /// Adds a listener (borrowed: it must outlive every Run) that sees every
  /// event and transition of every run.
  Harness& AddListener(sim::ExecutionListener* listener);
  /// The fault injector.
  FaultInjector& Faults() { return faults_; }
  [[nodiscard]] const FaultInjector& Faults() const { return faults_; }

  /// Runs one execution with `input` (default `{}`). Workflow failures are
  /// results; throws UsageError only for unusable options.
  /// Not [[nodiscard]]: a run made only for its listeners (coverage) is fine.
  RunResult Run(const Json& input = Json::object()) const;  // NOLINT(modernize-use-nodiscard)

  friend void to_json(Json& j, const Harness& harness);

 private:
  std::shared_ptr<const asl::Definition> definition_;
  std::shared_ptr<const sim::Interpreter> interpreter_;
  sim::Options options_;
  FaultInjector faults_;
  MockTasks* mock_tasks_ = nullptr;
  std::map<std::string, StateScript, std::less<>> scripts_;
  std::vector<std::shared_ptr<sim::TaskHandler>> handlers_;
  std::shared_ptr<sim::TaskHandler> mock_config_;
  std::vector<sim::ExecutionListener*> listeners_;
};

/// {"definition" (its file, "" for a string), "seed", "type", "scripts"
/// (StateScript each, by state name), "faults", "mockTasks" (bool),
/// "handlers" (count), "mockConfig" (bool), "listeners" (count)}.
void to_json(Json& j, const Harness& harness);
void PrintTo(const Harness& harness, std::ostream* os);

}  // namespace stepsim::test
