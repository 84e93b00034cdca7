#include <stepsim/analysis/paths.h>
#include <stepsim/error.h>

#include <algorithm>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/topological_sort.hpp>
#include <boost/graph/visitors.hpp>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "analysis/graph_errors.h"

namespace stepsim::analysis {

namespace {

using internal::ExitVariant;
using internal::NodeExits;

void CheckOptions(const Graph& graph, const PathOptions& options) {
  if (options.scope >= graph.scopes().size()) {
    throw UsageError("path scope " + std::to_string(options.scope) +
                     " does not exist (the graph has " + std::to_string(graph.scopes().size()) +
                     " scopes)");
  }
  if (options.max_loop < 0) {
    throw UsageError("max_loop must be 0 or more, got " + std::to_string(options.max_loop));
  }
}

struct NotRetry {
  const BoostGraph* graph = nullptr;
  bool operator()(EdgeDescriptor e) const { return (*graph)[e].kind != EdgeKind::kRetry; }
};

// Vertices from which a sink of `scope` can be reached, by breadth first
// search from the sinks over the reversed graph.
std::vector<bool> CanReachSink(const Graph& graph, std::size_t scope) {
  const BoostGraph& g = graph.boost();
  const auto reversed = boost::make_reverse_graph(g);
  std::vector<bool> reach(boost::num_vertices(g), false);
  for (const Vertex sink : {graph.scopes()[scope].succeed, graph.scopes()[scope].fail}) {
    std::vector<Vertex> found;
    boost::breadth_first_search(reversed, sink,
                                boost::visitor(boost::make_bfs_visitor(boost::write_property(
                                    boost::identity_property_map(), std::back_inserter(found),
                                    boost::on_discover_vertex()))));
    for (const Vertex v : found) reach[v] = true;
  }
  return reach;
}

std::vector<std::int64_t> InitialRetries(const NodeExits& exits, const ExitVariant& variant,
                                         const asl::State* state) {
  std::vector<std::int64_t> retries(exits.retry_high.size(), 0);
  if (variant.exhausted >= 0) {
    retries[static_cast<std::size_t>(variant.exhausted)] = std::max<std::int64_t>(
        state->retry[static_cast<std::size_t>(variant.exhausted)].max_attempts, 0);
  }
  return retries;
}

// Next retry vector in lexicographic order (the exhausted retrier fixed).
bool IncrementRetries(std::vector<std::int64_t>& retries, const NodeExits& exits, int exhausted) {
  for (std::size_t k = retries.size(); k-- > 0;) {
    if (static_cast<int>(k) == exhausted) continue;
    if (retries[k] < exits.retry_high[k]) {
      ++retries[k];
      for (std::size_t j = k + 1; j < retries.size(); ++j) {
        if (static_cast<int>(j) != exhausted) retries[j] = 0;
      }
      return true;
    }
  }
  return false;
}

// Path::error for a failing path whose last step is `variant` out of `v`.
std::optional<std::string> FailureError(const Graph& graph, Vertex v, const ExitVariant& variant) {
  const asl::State* state = graph.node(v).state;
  const bool any_error_will_do =
      variant.generic_error && state->retry.empty() && state->catch_.empty();
  if (any_error_will_do) return std::nullopt;
  return variant.error;
}

struct Frame {
  Vertex node = 0;
  std::size_t variant = 0;
  std::vector<std::int64_t> retries;
  bool started = false;
};

}  // namespace

PathCounts CountPaths(const Graph& graph, const PathOptions& options) {
  CheckOptions(graph, options);
  const BoostGraph& g = graph.boost();
  const std::size_t n = boost::num_vertices(g);

  // Strongly connected components, retry self-loops aside (retries are
  // counted as multiplicities of the edge that leaves the state).
  const boost::filtered_graph<BoostGraph, NotRetry> without_retries(g, NotRetry{&g});
  std::vector<std::size_t> component(n);
  const std::size_t components = boost::strong_components(
      without_retries,
      boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, g)));

  using Condensation = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Condensation condensation(components);
  std::vector<std::vector<Vertex>> members(components);
  for (Vertex v = 0; v < n; ++v) members[component[v]].push_back(v);
  for (const auto e : boost::make_iterator_range(boost::edges(without_retries))) {
    const std::size_t from = component[boost::source(e, g)];
    const std::size_t to = component[boost::target(e, g)];
    if (from != to) boost::add_edge(from, to, condensation);
  }
  std::vector<std::size_t> topological;
  topological.reserve(components);
  // topological_sort writes the reverse of a topological order.
  boost::topological_sort(condensation, std::back_inserter(topological));
  std::reverse(topological.begin(), topological.end());

  const ScopeInfo& scope = graph.scopes()[options.scope];
  std::vector<BigInt> arriving(n);
  arriving[scope.start] = 1;
  // (state node, failed, error) -> paths ending so.
  std::map<std::tuple<Vertex, bool, std::optional<std::string>>, BigInt> outcomes;
  for (const std::size_t c : topological) {
    BigInt entering = 0;
    for (const Vertex v : members[c]) entering += arriving[v];
    if (entering == 0) continue;
    // A component is traversed as a unit: one route per way in (`entering`)
    // and way out (each exit variant with its retry multiplicity).
    for (const Vertex v : members[c]) {
      const NodeExits exits = internal::AnalyzeExits(graph, v, options.expand_retries);
      for (const ExitVariant& variant : exits.variants) {
        const Vertex t = boost::target(variant.edge, g);
        if (component[t] == c) continue;
        const BigInt routes = entering * internal::Multiplicity(exits, variant);
        arriving[t] += routes;
        if (graph.node(t).kind == NodeKind::kSucceed) {
          outcomes[{v, false, std::nullopt}] += routes;
        } else if (graph.node(t).kind == NodeKind::kFail) {
          outcomes[{v, true, FailureError(graph, v, variant)}] += routes;
        }
      }
    }
  }
  PathCounts counts{arriving[scope.succeed], arriving[scope.fail]};
  for (const auto& [key, count] : outcomes) {
    const auto& [v, failed, error] = key;
    counts.outcomes.push_back(OutcomeCount{!failed, graph.NodeName(v), error, count});
  }
  return counts;
}

std::size_t EnumeratePaths(const Graph& graph, const PathOptions& options,
                           const std::function<bool(const Path&)>& sink) {
  CheckOptions(graph, options);
  const BoostGraph& g = graph.boost();
  const std::size_t n = boost::num_vertices(g);
  const ScopeInfo& scope = graph.scopes()[options.scope];
  const std::vector<bool> reaches_sink = CanReachSink(graph, options.scope);
  std::vector<std::optional<NodeExits>> exits_cache(n);
  const auto exits_of = [&](Vertex v) -> const NodeExits& {
    if (!exits_cache[v]) exits_cache[v] = internal::AnalyzeExits(graph, v, options.expand_retries);
    return *exits_cache[v];
  };
  std::vector<int> visits(n, 0);
  const int cap = options.max_loop + 1;
  const auto allowed = [&](Vertex t) { return reaches_sink[t] && visits[t] < cap; };

  std::size_t produced = 0;
  if (!reaches_sink[scope.start]) return 0;
  std::vector<Frame> stack;
  stack.push_back(Frame{scope.start, 0, {}, false});
  visits[scope.start] = 1;
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const Node& node = graph.node(frame.node);
    if (node.kind != NodeKind::kState) {
      Path path;
      path.steps.reserve(stack.size());
      for (std::size_t i = 0; i + 1 < stack.size(); ++i) {
        const Frame& f = stack[i];
        const NodeExits& exits = exits_of(f.node);
        const ExitVariant& variant = exits.variants[f.variant];
        PathStep step;
        step.node = f.node;
        step.edge = variant.edge;
        step.retries = f.retries;
        step.exhausted_retrier = variant.exhausted;
        step.error = variant.error;
        path.steps.push_back(std::move(step));
      }
      path.steps.push_back(PathStep{frame.node, std::nullopt, {}, -1, std::nullopt});
      path.succeeded = node.kind == NodeKind::kSucceed;
      if (!path.succeeded && stack.size() >= 2) {
        const Frame& last = stack[stack.size() - 2];
        const ExitVariant& variant = exits_of(last.node).variants[last.variant];
        path.error = FailureError(graph, last.node, variant);
      }
      ++produced;
      if (!sink(path)) return produced;
      if (options.max_paths != 0 && produced >= options.max_paths) return produced;
      --visits[frame.node];
      stack.pop_back();
      continue;
    }
    const NodeExits& exits = exits_of(frame.node);
    const std::size_t count = exits.variants.size();
    if (!frame.started) {
      frame.started = true;
      frame.variant = 0;
      if (count > 0) frame.retries = InitialRetries(exits, exits.variants[0], node.state);
    } else if (!IncrementRetries(frame.retries, exits, exits.variants[frame.variant].exhausted)) {
      ++frame.variant;
      if (frame.variant < count) {
        frame.retries = InitialRetries(exits, exits.variants[frame.variant], node.state);
      }
    }
    while (frame.variant < count &&
           !allowed(boost::target(exits.variants[frame.variant].edge, g))) {
      ++frame.variant;
      if (frame.variant < count) {
        frame.retries = InitialRetries(exits, exits.variants[frame.variant], node.state);
      }
    }
    if (frame.variant >= count) {
      --visits[frame.node];
      stack.pop_back();
      continue;
    }
    const Vertex next = boost::target(exits.variants[frame.variant].edge, g);
    ++visits[next];
    stack.push_back(Frame{next, 0, {}, false});  // invalidates `frame`
  }
  return produced;
}

nlohmann::json PathToJson(const Graph& graph, const Path& path) {
  nlohmann::json j = nlohmann::json::object();
  j["status"] = path.succeeded ? "SUCCEEDED" : "FAILED";
  if (path.error) j["error"] = *path.error;
  nlohmann::json states = nlohmann::json::array();
  nlohmann::json edges = nlohmann::json::array();
  for (const PathStep& step : path.steps) {
    if (graph.node(step.node).kind == NodeKind::kState) states.push_back(graph.NodeName(step.node));
    if (!step.edge) continue;
    const Edge& edge = graph.edge(*step.edge);
    nlohmann::json e = nlohmann::json::object();
    e["from"] = graph.NodeName(step.node);
    e["to"] = graph.NodeName(boost::target(*step.edge, graph.boost()));
    e["kind"] = std::string(ToString(edge.kind));
    if (edge.index >= 0) e["index"] = edge.index;
    if (!step.retries.empty()) e["retries"] = step.retries;
    if (step.exhausted_retrier >= 0) e["exhausted"] = step.exhausted_retrier;
    if (step.error) e["error"] = *step.error;
    edges.push_back(std::move(e));
  }
  j["states"] = std::move(states);
  j["edges"] = std::move(edges);
  return j;
}

void to_json(nlohmann::json& j, const PathCounts& counts) {
  j = nlohmann::json{{"succeeded", counts.succeeded.str()},
                     {"failed", counts.failed.str()},
                     {"total", counts.total().str()}};
  if (counts.outcomes.empty()) return;
  nlohmann::json outcomes = nlohmann::json::array();
  for (const OutcomeCount& o : counts.outcomes) {
    nlohmann::json entry{{"status", o.succeeded ? "SUCCEEDED" : "FAILED"},
                         {"state", o.state},
                         {"count", o.count.str()}};
    if (o.error) entry["error"] = *o.error;
    outcomes.push_back(std::move(entry));
  }
  j["outcomes"] = std::move(outcomes);
}

void PrintTo(const PathCounts& counts, std::ostream* os) {
  *os << counts.total().str() << " (" << counts.succeeded.str() << " succeeded, "
      << counts.failed.str() << " failed)";
}

void PrintTo(const Path& path, std::ostream* os) {
  *os << (path.succeeded ? "SUCCEEDED" : "FAILED");
  if (path.error) *os << ' ' << *path.error;
  *os << ':';
  for (const PathStep& step : path.steps) {
    *os << " s" << step.node;
    for (std::size_t r = 0; r < step.retries.size(); ++r) {
      if (step.retries[r] != 0) *os << " retry " << r << " x" << step.retries[r];
    }
    if (step.exhausted_retrier >= 0) *os << " exhausted " << step.exhausted_retrier;
    if (step.edge) *os << " ->";
  }
}

void PrintTo(const PathOptions& options, std::ostream* os) {
  *os << "{scope " << options.scope << ", max_loop " << options.max_loop
      << (options.expand_retries ? ", expand_retries" : "") << ", max_paths " << options.max_paths
      << "}";
}

std::string PathToText(const Graph& graph, const Path& path) {
  std::string out = path.succeeded ? "SUCCEEDED" : "FAILED";
  if (path.error) out += " " + *path.error;
  out += ":";
  for (std::size_t i = 0; i < path.steps.size(); ++i) {
    const PathStep& step = path.steps[i];
    out += i == 0 ? " " : " -> ";
    out += graph.NodeName(step.node);
    std::vector<std::string> notes;
    for (std::size_t r = 0; r < step.retries.size(); ++r) {
      if (step.retries[r] == 0 && static_cast<int>(r) != step.exhausted_retrier) continue;
      std::string note = "retry " + std::to_string(r) + " x" + std::to_string(step.retries[r]);
      if (static_cast<int>(r) == step.exhausted_retrier) note += " exhausted";
      notes.push_back(std::move(note));
    }
    if (step.edge) {
      const Edge& edge = graph.edge(*step.edge);
      const std::string error = step.error ? " " + *step.error : std::string();
      switch (edge.kind) {
        case EdgeKind::kChoiceRule:
          notes.push_back("rule " + std::to_string(edge.index));
          break;
        case EdgeKind::kDefault:
          notes.emplace_back("Default");
          break;
        case EdgeKind::kNoChoiceMatched:
          notes.emplace_back("no choice matched");
          break;
        case EdgeKind::kCatch:
          notes.push_back("Catch " + std::to_string(edge.index) + error);
          break;
        case EdgeKind::kUncaught:
          notes.push_back("uncaught" + error);
          break;
        default:
          break;
      }
    }
    if (notes.empty()) continue;
    out += " [";
    for (std::size_t k = 0; k < notes.size(); ++k) out += (k == 0 ? "" : "; ") + notes[k];
    out += "]";
  }
  return out;
}

}  // namespace stepsim::analysis
