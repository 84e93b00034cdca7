// Internal: which errors can take which error edge of a state, shared by path
// enumeration, path counting and lint.
#pragma once

#include <stepsim/analysis/graph.h>
#include <stepsim/analysis/paths.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stepsim::analysis::internal {

/// A representative error: every error a state can raise behaves, towards its
/// retriers and catchers, like one of these.
struct ErrorCandidate {
  std::string name;
  bool heartbeat = false;  ///< a States.Timeout raised by a heartbeat lapse
  bool generic = false;    ///< stands for any error no ErrorEquals names
};

/// The representatives for a Task/Parallel/Map state, in a fixed order: names
/// written in its retriers then catchers (States.ALL and States.Runtime
/// excluded), States.TaskFailed standing for every unnamed error, then
/// States.Timeout (a mock can raise it whatever the state's TimeoutSeconds)
/// and, with HeartbeatSeconds, its heartbeat form. States.Runtime is left out:
/// nothing can retry or catch it.
std::vector<ErrorCandidate> ErrorCandidates(const asl::State& state);

/// ErrorCandidates plus the heartbeat form of States.Timeout, whatever the
/// state's HeartbeatSeconds: every class of error name that ErrorEquals lists can tell apart
/// (for telling whether a retrier or catcher can ever be reached).
std::vector<ErrorCandidate> ErrorUniverse(const asl::State& state);

/// Index of the first retrier/catcher matching `error` (sim::MatchesErrorEquals),
/// or -1.
int FirstRetrier(const asl::State& state, const ErrorCandidate& error);
int FirstCatcher(const asl::State& state, const ErrorCandidate& error);

/// One way of leaving a node: an out edge (never a retry edge), the retrier
/// exhausted before it (or -1) and the error driving it.
struct ExitVariant {
  EdgeDescriptor edge;
  int exhausted = -1;
  std::optional<std::string> error;
  bool generic_error = false;  ///< `error` stands for any unnamed error
};

/// How a node can be left.
struct NodeExits {
  /// Per retrier: how many retries a step may take without exhausting it
  /// (0 when the retrier can never fire).
  std::vector<std::int64_t> retry_high;
  /// Per retrier: some error reaches it first.
  std::vector<bool> fireable;
  /// In out-edge order; for an error edge, not exhausted first, then by
  /// exhausted retrier.
  std::vector<ExitVariant> variants;
};

/// Exits of `v`. `expand_retries` false caps retry_high at 1.
NodeExits AnalyzeExits(const Graph& graph, Vertex v, bool expand_retries);

/// How many (retries vector) combinations one variant stands for.
BigInt Multiplicity(const NodeExits& exits, const ExitVariant& variant);

}  // namespace stepsim::analysis::internal
