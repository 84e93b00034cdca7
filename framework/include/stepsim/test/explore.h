#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/sim/execution.h>
#include <stepsim/sim/listener.h>
#include <stepsim/sim/options.h>
#include <stepsim/test/generators.h>
#include <stepsim/test/script.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

/// Property exploration without GoogleTest (`stepsim explore`): generate
/// outcome scripts (and inputs) from a seed, run each, report the runs that
/// end badly, each shrunk to its shortest script.
namespace stepsim::test {

/// A user invariant every execution must satisfy. The language, one
/// invariant per string:
///
/// | invariant | holds when |
/// |---|---|
/// | `status==SUCCEEDED\|FAILED` | the status is one of the listed ones |
/// | `status!=TIMED_OUT` | the status is none of the listed ones |
/// | `error==A\|B` | the execution has no error, or one of the listed ones |
/// | `error!=A\|B` | the execution has no error, or none of the listed ones |
/// | `never:State` | the state is never entered |
/// | `output:$.path==JSON` | the execution did not succeed, or its output at the JSONPath is equal
/// to the JSON value (a bare word is a string) | | `output:$.path!=JSON` | the execution did not
/// succeed, or the output at the path is absent or differs | | `elapsed<=SECONDS` | virtual time
/// from start to end is at most SECONDS | | `states<=N` | at most N states are entered |
class Invariant {  // NOLINT(bugprone-exception-escape): json members

 public:
  /// Throws UsageError with a lower-case message saying what is wrong.
  static Invariant Parse(std::string_view text);

  [[nodiscard]] const std::string& text() const { return text_; }
  /// Nullopt when `execution` satisfies the invariant, else what broke it
  /// (lower case, e.g. "status is FAILED").
  [[nodiscard]] std::optional<std::string> Check(const sim::Execution& execution) const;

 private:
  enum class Kind { kStatus, kError, kNever, kOutput, kElapsed, kStates };
  std::string text_;
  Kind kind_ = Kind::kStatus;
  bool negated_ = false;
  std::vector<std::string> values_;
  std::string path_;
  nlohmann::json expected_;
  std::int64_t limit_ = 0;
};

/// The invariant's text, as a JSON string.
void to_json(nlohmann::json& j, const Invariant& invariant);
void PrintTo(const Invariant& invariant, std::ostream* os);

/// Why a run is a finding.
enum class FindingKind {
  kUnhandledError,  ///< FAILED with an error that is not allowed
  kRuntimeError,    ///< FAILED with States.Runtime (unless allowed)
  kLimit,           ///< TIMED_OUT, States.DataLimitExceeded, or a history/loop limit
  kInvariant,       ///< a user invariant broke
};

/// "unhandled-error", "runtime-error", "limit", "invariant".
std::string_view ToString(FindingKind kind);

/// One distinct problem found. Runs are the same finding when they end in an
/// unhandled error (any name) or States.Runtime from the same origin state,
/// reach the same limit from the same state, or break the same invariant.
struct Finding {
  FindingKind kind = FindingKind::kUnhandledError;
  /// One line: "unhandled error States.TaskFailed from ProcessPayment".
  std::string title;
  /// What makes two runs the same finding.
  std::string key;
  /// The state where the unhandled error started (empty when none).
  std::string origin_state;
  /// The run (0-based) that first hit it.
  std::int64_t run = 0;
  /// Shrinking steps taken, and runs tried while shrinking.
  std::int64_t shrinks = 0;
  std::int64_t shrink_tries = 0;
  /// The shrunk input and script, and the execution they give.
  nlohmann::json input;
  OutcomeScript script;
  sim::Execution execution;
};

void to_json(nlohmann::json& j, const Finding& finding);
void PrintTo(const Finding& finding, std::ostream* os);

/// What Explore does.
struct ExploreOptions {
  std::uint64_t seed = 0;
  std::int64_t runs = 100;
  /// The input of every run (default `{}`) ...
  nlohmann::json input = nlohmann::json::object();
  /// ... or a shape (gen::JsonFromShape) inputs are generated from.
  std::optional<nlohmann::json> input_shape;
  /// Error names an execution may end FAILED with. Executions ending in a
  /// Fail state are deliberate and never findings.
  std::vector<std::string> allowed_errors;
  std::vector<Invariant> invariants;
  /// What scripts may contain (success results, extra error names, latency).
  ScriptSpaceOptions space;
  sim::StateMachineType type = sim::StateMachineType::kStandard;
  /// Limits of each run; the loop guard is lower than the simulator's
  /// default so that a looping workflow is found quickly.
  sim::Limits limits = [] {
    sim::Limits l;
    l.max_state_transitions = 10000;
    return l;
  }();
  /// Runs tried per finding while shrinking, at most.
  std::int64_t max_shrink_tries = 2000;
  /// Listeners of the generated runs (not of shrinking runs), e.g. coverage.
  std::vector<sim::ExecutionListener*> listeners;
  /// Called after each run with (runs done, runs in total, findings so far).
  std::function<void(std::int64_t, std::int64_t, std::size_t)> progress;
};

/// The result of Explore.
struct ExploreReport {
  std::uint64_t seed = 0;
  std::int64_t runs = 0;
  ScriptSpace space;
  /// In the order they were first hit.
  std::vector<Finding> findings;
};

/// {"seed", "runs", "findings"}.
void to_json(nlohmann::json& j, const ExploreReport& report);
void PrintTo(const ExploreReport& report, std::ostream* os);

/// Generates `options.runs` cases deterministically from `options.seed`
/// (RapidCheck random state keyed by seed and run index; the size grows
/// from 0 to 100 over the runs), runs each on the simulator with seed
/// `options.seed`, and shrinks the first run of each finding. Same
/// definition and options, same report. Throws UsageError for a bad
/// input shape.
ExploreReport Explore(const std::shared_ptr<const asl::Definition>& definition,
                      const ExploreOptions& options);

/// The classification Explore applies to one execution: the finding's kind,
/// key and title, or nullopt when the run is fine.
struct Verdict {
  FindingKind kind;
  std::string key;
  std::string title;
  std::string origin_state;
};
/// {"kind", "key", "title", "originState"}.
void to_json(nlohmann::json& j, const Verdict& verdict);
void PrintTo(const Verdict& verdict, std::ostream* os);
std::optional<Verdict> Classify(const asl::Definition& definition, const sim::Execution& execution,
                                const std::string& origin_state, const ExploreOptions& options);

/// A scenario file (framework/SCENARIOS.md) replaying `finding`: its input,
/// script and the defaults of `report.space` as DefaultOutcomes, the seed,
/// and expectations pinning what the shrunk run did (status, error, path).
/// `definition_ref` is the file's Definition member (a path relative to
/// where the file will be written, or the definition object).
nlohmann::json ReplayScenarioFile(const ExploreReport& report, const Finding& finding,
                                  std::size_t index, const nlohmann::json& definition_ref);

}  // namespace stepsim::test
