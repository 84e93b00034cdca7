// Public header of path counting and enumeration. Owned by the graph-analysis
// work; the witness synthesiser builds on Path and EnumeratePaths.
#pragma once

#include <stepsim/analysis/graph.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace stepsim::analysis {

using BigInt = boost::multiprecision::cpp_int;

struct PathOptions {
  /// Which scope to walk (index into Graph::scopes(); 0 = the root). Parallel
  /// and Map states are single nodes of their scope.
  std::size_t scope = 0;
  /// How often a path may go round one cycle (a loop back to a state it
  /// already visited; retries are not cycles, see max_retries).
  int max_loop = 1;
  /// Enumerate retry self-loops as 0..MaxAttempts retries plus exhaustion
  /// (true), or take a retrier's loop at most once (false).
  bool expand_retries = true;
  /// Stop enumerating after this many paths (0 = no limit).
  std::size_t max_paths = 0;
};

/// One step of a path: a node and the edge by which control leaves it.
struct PathStep {
  Vertex node = 0;
  /// The edge taken out of `node` (its kind, index and target); unset for the
  /// final sink.
  std::optional<EdgeDescriptor> edge;
  /// Retries taken at this node before leaving by `edge`, per retrier index
  /// (empty when none).
  std::vector<std::int64_t> retries;
  /// The retrier whose attempts were used up before `edge` (kCatch or
  /// kUncaught after exhaustion), or -1.
  int exhausted_retrier = -1;
  /// kCatch, kUncaught: an error name that takes this edge given the state's
  /// retriers and catchers (the exhausted retrier's name after exhaustion;
  /// "States.TaskFailed" stands for any error nobody names); kNoChoiceMatched:
  /// "States.NoChoiceMatched"; kFailState: the Fail state's literal Error.
  /// Unset otherwise. (Extension.)
  std::optional<std::string> error;
};

/// A path from the scope's start to one of its sinks.
struct Path {
  std::vector<PathStep> steps;  ///< the last step is the kSucceed or kFail sink
  bool succeeded = false;       ///< ends in the kSucceed sink
  /// For a failing path: the error it ends with when the path fixes it (a Fail
  /// state's Error, States.NoChoiceMatched, the retrier's names after
  /// exhaustion); nullopt when any uncaught error will do.
  std::optional<std::string> error;
};

/// {"status": "SUCCEEDED"|"FAILED", "error": ..., "states": [...],
///  "edges": [{"from", "to", "kind", "index", "retries"}...]}
nlohmann::json PathToJson(const Graph& graph, const Path& path);

/// Exact path counts of a scope, loops condensed (see paths.cc for the rule).
///
/// What a counted path is: a route from the scope's start to one of its sinks
/// in the graph whose strongly connected components (retry self-loops aside)
/// are each traversed as a unit. A route through a component is identified by
/// the node where control enters it and the exit variant by which it leaves,
/// so a component with e entries and x exit variants contributes e*x routes,
/// however often its cycles are taken. Each step out of a node counts once per
/// exit variant and retry vector, exactly as EnumeratePaths produces them:
///  - a success edge (Next/End) with every retry vector (each fireable retrier
///    0..MaxAttempts retries, or 0..1 without expand_retries);
///  - an error edge (Catch i, Uncaught) once per retrier it can follow
///    exhaustion of (that retrier fixed at MaxAttempts, the others free) plus
///    once for errors that no retrier matches, when some error can take it
///    (an error reaches the first retrier and first catcher that match it,
///    sim::MatchesErrorEquals);
///  - Choice, Pass, Wait, Succeed and Fail edges once each.
/// So for a scope without cycles CountPaths(...).total() equals the number of
/// paths EnumeratePaths produces with the same expand_retries (max_loop and
/// max_paths do not affect counting). Computed on the condensation in linear
/// time with arbitrary precision.
/// The paths that end one way (extension): in `state` (the last state before
/// the sink), succeeded, or failed with `error` as Path::error gives it.
struct OutcomeCount {
  bool succeeded = false;
  std::string state;
  std::optional<std::string> error;
  BigInt count;
};

struct PathCounts {
  BigInt succeeded;
  BigInt failed;
  /// Per terminal outcome, ordered by state (definition order), succeeded
  /// first, then by error; the counts add up to total() (extension).
  std::vector<OutcomeCount> outcomes = {};
  BigInt total() const { return succeeded + failed; }
};

/// One line for people (extension): the status, then each state with how it
/// is left in brackets when that is not plain Next/End:
/// "FAILED PaymentGatewayTimeout: CheckInventory -> IsInventoryAvailable
/// [rule 0] -> ProcessPayment [retry 0 x2 exhausted; uncaught
/// PaymentGatewayTimeout] -> (fail)".
std::string PathToText(const Graph& graph, const Path& path);

PathCounts CountPaths(const Graph& graph, const PathOptions& options = {});

/// {"succeeded": "4", "failed": "9", "total": "13"}: decimal strings, as the
/// counts may exceed any JSON number (extension).
void to_json(nlohmann::json& j, const PathCounts& counts);
/// "13 (4 succeeded, 9 failed)".
void PrintTo(const PathCounts& counts, std::ostream* os);
/// "SUCCEEDED: s0 -Next-> s1 -ChoiceRule 0-> s2 ..." by vertex (use
/// PathToText for names).
void PrintTo(const Path& path, std::ostream* os);
void PrintTo(const PathOptions& options, std::ostream* os);

/// Calls `sink` for each path, in a deterministic order (depth first, edges in
/// definition order); stops early when `sink` returns false or max_paths is
/// reached. Returns the number of paths produced.
///
/// Out edges of a node are tried in the graph's order (Next/End, Catch by
/// index, Uncaught; Choice rules by index, then Default/NoChoiceMatched); an
/// error edge first for errors no retrier matches, then after exhaustion of
/// retrier 0, 1, ...; retry vectors in lexicographic order. A path enters each
/// state at most max_loop + 1 times; nodes from which no sink of the scope can
/// be reached are never entered. Memory is proportional to the path length;
/// paths are streamed, never collected. Throws UsageError for a scope index
/// out of range or a negative max_loop.
std::size_t EnumeratePaths(const Graph& graph, const PathOptions& options,
                           const std::function<bool(const Path&)>& sink);

}  // namespace stepsim::analysis
