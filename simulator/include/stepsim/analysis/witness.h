// Witness synthesis: execution inputs and task outcomes that drive the
// simulator down chosen paths, verified by running them.
#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/sim/execution.h>
#include <stepsim/sim/task_handler.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stepsim::analysis {

/// How one Task invocation answers: a `Return` value or a `Throw`, after
/// `latency_seconds` of virtual time (a latency past TimeoutSeconds or
/// HeartbeatSeconds makes the attempt time out).
struct TaskAnswer {
  bool is_throw = false;
  nlohmann::json value;  ///< the `Return` value
  std::string error;     ///< the `Throw` Error
  std::string cause;     ///< the `Throw` Cause
  double latency_seconds = 0;

  friend bool operator==(const TaskAnswer&, const TaskAnswer&) = default;
};

/// The scenario-file answer: `{"Return": v}` or `{"Throw": {"Error", "Cause"}}`,
/// with `"LatencySeconds"` when not 0.
void to_json(nlohmann::json& j, const TaskAnswer& answer);
void PrintTo(const TaskAnswer& answer, std::ostream* os);

/// One synthesised scenario and what its verified run did.
struct Witness {
  /// "W01_CheckInventory_catch0": a number and the obligation it was built for.
  std::string name;
  nlohmann::json input = nlohmann::json::object();
  /// Task state name -> answer per invocation (answer i serves invocation i),
  /// states in definition order.
  std::vector<std::pair<std::string, std::vector<TaskAnswer>>> outcomes;

  // The verified run (the simulator with these answers and the suite's seed).
  sim::ExecutionStatus status = sim::ExecutionStatus::kSucceeded;
  std::optional<std::string> error;
  std::optional<std::string> cause;
  std::vector<std::string> visited_states;
  std::int64_t elapsed_millis = 0;

  /// The obligation ids the witness was built for (one in covering mode; the
  /// path's own in --all-paths mode: empty).
  std::vector<std::string> targets;
  /// Every obligation id its run hits, in obligation order.
  std::vector<std::string> covers;
  /// --all-paths: the path as "A -> B -> (succeed)"; empty otherwise.
  std::string path;

  friend bool operator==(const Witness&, const Witness&) = default;
};

void to_json(nlohmann::json& j, const Witness& witness);
void PrintTo(const Witness& witness, std::ostream* os);

/// An obligation no verified witness covers, and why.
struct Unwitnessed {
  std::string obligation;   ///< the obligation id
  std::string description;  ///< the obligation's one-line description
  /// "infeasible: ...", "unsupported: ...", or "not verified: ..." (every
  /// synthesised candidate ran down another path).
  std::string reason;
  /// Where the obligation is written (its rule, retrier, catcher or state).
  asl::SourceRef source;

  friend bool operator==(const Unwitnessed&, const Unwitnessed&) = default;
};

void to_json(nlohmann::json& j, const Unwitnessed& u);
void PrintTo(const Unwitnessed& u, std::ostream* os);

struct WitnessOptions {
  /// Seed of every verifying run (and of the scenarios written).
  std::uint64_t seed = 0;
  /// One witness per enumerated path of the root scope instead of a covering
  /// set (paths whose witness does not verify are reported, not written).
  bool all_paths = false;
  /// --all-paths: loops unrolled at most this many times.
  int max_loop = 1;
  /// --all-paths: stop after this many paths (0 = no limit).
  std::size_t max_paths = 1000;
  /// Candidate paths tried per obligation before giving up.
  std::size_t attempts_per_obligation = 16;
};

/// The result of synthesis.
struct WitnessSuite {
  std::vector<Witness> witnesses;
  /// Obligations no kept witness covers, in obligation order.
  std::vector<Unwitnessed> unwitnessed;
  std::size_t obligations = 0;  ///< size of Obligations::For(definition)
  std::size_t covered = 0;      ///< obligations hit by at least one witness
  /// --all-paths: paths enumerated and paths whose witness did not verify
  /// (with the reason, "A -> B: not verified: ...").
  std::size_t paths = 0;
  std::vector<std::string> unwitnessed_paths;
};

void to_json(nlohmann::json& j, const WitnessSuite& suite);
void PrintTo(const WitnessSuite& suite, std::ostream* os);
void PrintTo(const WitnessOptions& options, std::ostream* os);

/// Synthesises witnesses for `definition` (see WitnessOptions). Every kept
/// witness was run in the simulator and took the path it was built for;
/// deterministic for the same definition and options.
WitnessSuite SynthesizeWitnesses(const std::shared_ptr<const asl::Definition>& definition,
                                 const WitnessOptions& options = {});

/// Answers Task invocations from a witness's outcomes, as a MockConfig test
/// case would: answer i for invocation i; an invocation past the last answer
/// (or of an unlisted Task) gets nullopt.
class WitnessTaskHandler : public sim::TaskHandler {
 public:
  /// `witness` must outlive the handler.
  explicit WitnessTaskHandler(const Witness& witness);
  std::optional<sim::TaskOutcome> Invoke(const sim::TaskInvocation& call) override;

 private:
  std::map<std::string, const std::vector<TaskAnswer>*, std::less<>> by_state_;
};

/// A scenario file (framework/SCENARIOS.md) for the suite: `Definition` is
/// `definition_ref` (a path relative to the scenario file), `Options.Seed` is
/// `seed`, one scenario per witness with Input, Outcomes and Expect (Status,
/// Error when failed, VisitedStates).
nlohmann::ordered_json ScenarioFile(const WitnessSuite& suite, std::string_view definition_ref,
                                    std::uint64_t seed);

/// A GoogleTest source file with one TEST per witness, using the framework's
/// Harness, MockState scripts and matchers (`<stepsim/test/harness.h>`,
/// `<stepsim/test/matchers.h>`). The test loads the definition from
/// `definition_ref`, a path relative to the generated file's own directory
/// (resolved through `__FILE__`); `test_suite` names the TEST suite.
std::string GTestFile(const WitnessSuite& suite, std::string_view definition_ref,
                      std::string_view test_suite, std::uint64_t seed);

}  // namespace stepsim::analysis
