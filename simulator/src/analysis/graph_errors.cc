#include "analysis/graph_errors.h"

#include <stepsim/error.h>
#include <stepsim/sim/error_match.h>

#include <algorithm>
#include <string>
#include <vector>

namespace stepsim::analysis::internal {

namespace {

void AddCandidate(std::vector<ErrorCandidate>& out, ErrorCandidate candidate) {
  const bool seen = std::any_of(out.begin(), out.end(), [&](const ErrorCandidate& c) {
    return c.name == candidate.name && c.heartbeat == candidate.heartbeat;
  });
  if (!seen) out.push_back(std::move(candidate));
}

void AddNames(std::vector<ErrorCandidate>& out, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (name == errors::kAll || name == errors::kRuntime) continue;
    AddCandidate(out, ErrorCandidate{name, false, false});
  }
}

bool CanRaise(const asl::State& state) {
  return state.type == asl::StateType::kTask || state.type == asl::StateType::kParallel ||
         state.type == asl::StateType::kMap;
}

}  // namespace

std::vector<ErrorCandidate> ErrorCandidates(const asl::State& state) {
  std::vector<ErrorCandidate> out;
  for (const asl::Retrier& r : state.retry) AddNames(out, r.error_equals);
  for (const asl::Catcher& c : state.catch_) AddNames(out, c.error_equals);
  // Any name nobody lists behaves exactly like States.TaskFailed, which only
  // the States.TaskFailed and States.ALL wildcards match.
  const auto listed = std::find_if(out.begin(), out.end(), [](const ErrorCandidate& c) {
    return c.name == errors::kTaskFailed && !c.heartbeat;
  });
  if (listed != out.end()) {
    listed->generic = true;
  } else {
    out.push_back(ErrorCandidate{errors::kTaskFailed, false, true});
  }
  // A timeout escapes States.TaskFailed. Mocks (and branch tasks) can raise
  // one even without TimeoutSeconds; a heartbeat lapse needs HeartbeatSeconds.
  AddCandidate(out, ErrorCandidate{errors::kTimeout, false, false});
  if (state.type == asl::StateType::kTask && state.heartbeat_seconds.present()) {
    AddCandidate(out, ErrorCandidate{errors::kTimeout, true, false});
  }
  return out;
}

std::vector<ErrorCandidate> ErrorUniverse(const asl::State& state) {
  std::vector<ErrorCandidate> out = ErrorCandidates(state);
  AddCandidate(out, ErrorCandidate{errors::kTimeout, true, false});
  return out;
}

int FirstRetrier(const asl::State& state, const ErrorCandidate& error) {
  for (std::size_t i = 0; i < state.retry.size(); ++i) {
    if (sim::MatchesErrorEquals(state.retry[i].error_equals, error.name, error.heartbeat)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int FirstCatcher(const asl::State& state, const ErrorCandidate& error) {
  for (std::size_t i = 0; i < state.catch_.size(); ++i) {
    if (sim::MatchesErrorEquals(state.catch_[i].error_equals, error.name, error.heartbeat)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

NodeExits AnalyzeExits(const Graph& graph, Vertex v, bool expand_retries) {
  NodeExits exits;
  const Node& node = graph.node(v);
  if (node.kind != NodeKind::kState) return exits;
  const asl::State& state = *node.state;
  const bool raising = CanRaise(state);
  std::vector<ErrorCandidate> candidates;
  if (raising) {
    candidates = ErrorCandidates(state);
    exits.fireable.assign(state.retry.size(), false);
    for (const ErrorCandidate& c : candidates) {
      const int r = FirstRetrier(state, c);
      if (r >= 0) exits.fireable[static_cast<std::size_t>(r)] = true;
    }
    exits.retry_high.assign(state.retry.size(), 0);
    for (std::size_t i = 0; i < state.retry.size(); ++i) {
      if (!exits.fireable[i]) continue;
      const std::int64_t max = std::max<std::int64_t>(state.retry[i].max_attempts, 0);
      exits.retry_high[i] = expand_retries ? max : std::min<std::int64_t>(max, 1);
    }
  }
  for (const auto e : boost::make_iterator_range(boost::out_edges(v, graph.boost()))) {
    const Edge& edge = graph.edge(e);
    switch (edge.kind) {
      case EdgeKind::kRetry:
        break;
      case EdgeKind::kCatch:
      case EdgeKind::kUncaught: {
        const int catcher = edge.kind == EdgeKind::kCatch ? edge.index : -1;
        for (int x = -1; x < static_cast<int>(state.retry.size()); ++x) {
          for (const ErrorCandidate& c : candidates) {
            if (FirstRetrier(state, c) == x && FirstCatcher(state, c) == catcher) {
              exits.variants.push_back(ExitVariant{e, x, c.name, c.generic});
              break;
            }
          }
        }
        break;
      }
      case EdgeKind::kNoChoiceMatched:
        exits.variants.push_back(ExitVariant{e, -1, errors::kNoChoiceMatched, false});
        break;
      case EdgeKind::kFailState:
        exits.variants.push_back(ExitVariant{e, -1, state.error, false});
        break;
      default:
        exits.variants.push_back(ExitVariant{e, -1, std::nullopt, false});
        break;
    }
  }
  return exits;
}

BigInt Multiplicity(const NodeExits& exits, const ExitVariant& variant) {
  BigInt n = 1;
  for (std::size_t i = 0; i < exits.retry_high.size(); ++i) {
    if (static_cast<int>(i) == variant.exhausted) continue;
    n *= BigInt(exits.retry_high[i] + 1);
  }
  return n;
}

}  // namespace stepsim::analysis::internal
