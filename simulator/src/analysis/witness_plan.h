// Internal: plans (paths with per-state attempt scripts) for witness
// synthesis, and their symbolic execution into a concrete witness.
#pragma once

#include <stepsim/analysis/obligations.h>
#include <stepsim/analysis/witness.h>
#include <stepsim/asl/definition.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/solve.h"

namespace stepsim::analysis::internal {

/// How control leaves a state.
enum class ExitKind : std::uint8_t {
  kNext,
  kEnd,
  kRule,
  kDefault,
  kNoMatch,
  kCatch,
  kUncaught,
  kFailState
};

struct Exit {
  ExitKind kind = ExitKind::kNext;
  int index = -1;                     ///< rule or catcher index
  std::optional<std::size_t> target;  ///< next state's index in the scope; nullopt = a sink

  bool fails() const {
    return kind == ExitKind::kNoMatch || kind == ExitKind::kUncaught ||
           kind == ExitKind::kFailState;
  }
};

struct ScopePath;

/// One attempt of a Task, Parallel or Map state.
struct Attempt {
  /// kDataError: a Parallel/Map fails before running anything, because a
  /// path it reads matches nothing (States.Runtime) or it has no ItemReader
  /// data (States.ItemReaderFailed).
  enum class Kind : std::uint8_t { kReturn, kThrow, kTimeout, kHeartbeat, kDataError };
  Kind kind = Kind::kReturn;
  std::string error;  ///< kThrow: the error raised (Parallel/Map: by a branch)
  /// Parallel: one path per branch; Map: the processor's path (every item).
  std::vector<ScopePath> branches;
};

/// One state of a path: how it is left, and its attempts.
struct Step {
  std::size_t state = 0;  ///< index in the scope
  Exit exit;
  std::vector<Attempt> attempts;
};

/// A path through one scope from its StartAt to a sink.
struct ScopePath {
  const asl::Scope* scope = nullptr;
  std::vector<Step> steps;
  /// The error a failing path ends with, when known.
  std::optional<std::string> error;

  bool fails() const { return !steps.empty() && steps.back().exit.fails(); }
};

/// A way of passing one state: the exit and the attempts that produce it.
struct LocalPlan {
  Exit exit;
  std::vector<Attempt> attempts;
};

/// Builds candidate plans for obligations.
class Planner {
 public:
  explicit Planner(const asl::Definition& definition);

  /// Candidate root paths taking obligation `o`, shortest first, at most
  /// `limit`. Empty with `reason` set when there is none.
  std::vector<ScopePath> PlansFor(const Obligation& o, std::size_t limit, std::string* reason);

  /// Turns a root path given as (state, exit, retries per retrier, exhausted
  /// retrier) steps into a plan; nullopt when a step cannot be scripted.
  struct RootStep {
    std::size_t state = 0;
    Exit exit;
    std::vector<std::int64_t> retries;
    int exhausted = -1;
  };
  std::optional<ScopePath> PlanFromSteps(const std::vector<RootStep>& steps, std::string* reason);

  const asl::Scope* ScopeOf(const asl::State* s) const;
  std::size_t IndexOf(const asl::State* s) const;

  /// Steers the parts of a path around its target towards obligations not
  /// covered yet (`covered` parallel to `obligations`; both borrowed). Without
  /// it, paths are shortest first.
  void SetCoverage(const Obligations* obligations, const std::vector<bool>* covered) {
    obligations_ = obligations;
    covered_ = covered;
  }

 private:
  std::vector<ScopePath> PlansForImpl(const Obligation& o, std::size_t limit, std::string* reason);
  bool Uncovered(const asl::State& s, ObligationKind kind, int index = -1,
                 const asl::State* target = nullptr) const;
  /// Uncovered obligations taking `exit` out of `s` would hit.
  int Gain(const asl::Scope& scope, const asl::State& s, const Exit& exit) const;
  /// A simple path from `from` that takes, at each state, the exit hitting
  /// the most uncovered obligations while `to` (or, when nullopt, a sink)
  /// stays reachable.
  std::optional<std::vector<std::pair<std::size_t, Exit>>> Guided(
      const asl::Scope& scope, std::size_t from, std::optional<std::size_t> to) const;
  bool Reaches(const asl::Scope& scope, std::size_t from, std::optional<std::size_t> to,
               const std::vector<bool>& blocked) const;

  std::vector<Exit> ExitsOf(const asl::State& s) const;
  std::vector<std::vector<std::pair<std::size_t, Exit>>> Prefixes(const asl::Scope& scope,
                                                                  std::size_t target,
                                                                  std::size_t limit) const;
  std::vector<std::vector<std::pair<std::size_t, Exit>>> Suffixes(const asl::Scope& scope,
                                                                  std::optional<std::size_t> from,
                                                                  bool must_fail,
                                                                  std::size_t limit) const;
  std::vector<ScopePath> PathsThrough(const asl::Scope& scope, std::size_t target,
                                      const std::vector<LocalPlan>& plans, std::size_t limit);
  std::optional<ScopePath> Complete(const asl::Scope& scope,
                                    const std::vector<std::pair<std::size_t, Exit>>& steps,
                                    const std::optional<std::string>& terminal_error);
  /// The default attempts that leave `s` by `exit` (Task/Parallel/Map), or
  /// nullopt when none can; `terminal_error` forces the error of an error exit.
  std::optional<std::vector<Attempt>> DefaultAttempts(const asl::State& s, const Exit& exit,
                                                      const std::optional<std::string>& error);
  std::optional<ScopePath> SucceedingPath(const asl::Scope& scope);
  std::optional<ScopePath> FailingPath(const asl::Scope& scope, const std::string& error);
  /// A failing attempt of `s` raising `error` (Parallel/Map: a failing branch).
  std::optional<Attempt> FailAttempt(const asl::State& s, const std::string& error);
  std::optional<Attempt> SucceedAttempt(const asl::State& s);
  std::vector<std::string> ErrorCandidates(const asl::State& s) const;
  std::vector<LocalPlan> LocalPlans(const Obligation& o, std::string* reason);
  std::optional<LocalPlan> ErrorPlan(const asl::State& s, const std::string& error, bool heartbeat,
                                     Attempt::Kind first_kind, bool retry_then_succeed,
                                     int want_retrier);

  const asl::Definition& definition_;
  std::map<const asl::State*, std::pair<const asl::Scope*, std::size_t>> where_;
  std::map<const asl::Scope*, std::optional<ScopePath>> succeeding_;
  int depth_ = 0;
  /// Why the last path could not be completed ("catcher 1 of T never fires").
  std::string last_failure_;
  const Obligations* obligations_ = nullptr;
  const std::vector<bool>* covered_ = nullptr;
};

/// A plan turned into a witness (input and answers), before verification.
struct Synthesis {
  bool ok = false;
  std::string reason;  ///< when !ok
  Witness witness;
};

/// Symbolically executes `plan` (data flow of every state on it), solves the
/// Choice conditions along it and builds the input and task answers.
Synthesis Synthesize(const asl::Definition& definition, const ScopePath& plan);

}  // namespace stepsim::analysis::internal
