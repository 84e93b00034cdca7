// Public header of path counting and enumeration. Owned by the graph-analysis
// work; the witness synthesiser builds on Path and EnumeratePaths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>
#include <nlohmann/json.hpp>

#include <stepsim/analysis/graph.h>

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
struct PathCounts {
  BigInt succeeded;
  BigInt failed;
  BigInt total() const { return succeeded + failed; }
};

PathCounts CountPaths(const Graph& graph, const PathOptions& options = {});

/// Calls `sink` for each path, in a deterministic order (depth first, edges in
/// definition order); stops early when `sink` returns false or max_paths is
/// reached. Returns the number of paths produced.
std::size_t EnumeratePaths(const Graph& graph, const PathOptions& options,
                           const std::function<bool(const Path&)>& sink);

}  // namespace stepsim::analysis
