#include <stepsim/analysis/lint.h>
#include <stepsim/error.h>
#include <stepsim/sim/error_match.h>

#include <algorithm>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/pending/queue.hpp>
#include <cmath>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analysis/graph_errors.h"

namespace stepsim::analysis {

namespace {

using internal::ErrorCandidate;
using internal::ExitVariant;
using internal::NodeExits;

// Edges some run can take: error edges some error reaches, retry edges of a
// retrier that can fire and retry; every other edge.
struct Feasible {
  const BoostGraph* graph = nullptr;
  const std::set<const Edge*>* edges = nullptr;
  bool with_retries = true;
  bool operator()(EdgeDescriptor e) const {
    if (!with_retries && (*graph)[e].kind == EdgeKind::kRetry) return false;
    return edges->count(&(*graph)[e]) != 0;
  }
};

using FeasibleGraph = boost::filtered_graph<BoostGraph, Feasible>;

class Recorder : public boost::default_bfs_visitor {
 public:
  explicit Recorder(std::vector<bool>* seen) : seen_(seen) {}
  template <typename G>
  void discover_vertex(Vertex v, const G& /*graph*/) const {
    (*seen_)[v] = true;
  }

 private:
  std::vector<bool>* seen_;
};

template <typename G>
std::vector<bool> Discover(const G& graph, std::size_t n, const std::vector<Vertex>& sources) {
  std::vector<bool> seen(n, false);
  std::vector<boost::default_color_type> colors(n);
  boost::queue<Vertex> buffer;
  boost::breadth_first_search(
      graph, sources.begin(), sources.end(), buffer, Recorder(&seen),
      boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph)));
  return seen;
}

std::string Quote(const std::string& name) { return "\"" + name + "\""; }

std::string StateKind(const asl::State& state) {
  switch (state.type) {
    case asl::StateType::kParallel:
      return "parallel state";
    case asl::StateType::kMap:
      return "map state";
    default:
      return "task state";
  }
}

bool RuleReadsContext(const asl::ChoiceRule& rule) {
  if (rule.kind == asl::ChoiceRule::Kind::kCondition) return true;  // JSONata: not analysed
  if (rule.variable && rule.variable->root() == jsonpath::Path::Root::kContext) return true;
  if (rule.operand_path && rule.operand_path->root() == jsonpath::Path::Root::kContext) return true;
  return std::any_of(rule.children.begin(), rule.children.end(), RuleReadsContext);
}

// True when the state passes its input on unchanged and changes no variable,
// so that a Choice after it sees the same data every time round.
bool KeepsDataUnchanged(const asl::State& state) {
  if (state.query_language != asl::QueryLanguage::kJsonPath) return false;
  if (!state.input_path.absent() || !state.output_path.absent() || state.assign ||
      state.assign_jsonata) {
    return false;
  }
  switch (state.type) {
    case asl::StateType::kWait:
      return true;
    case asl::StateType::kPass:
      return !state.result && !state.parameters && state.result_path.absent();
    case asl::StateType::kChoice:
      return std::none_of(state.choices.begin(), state.choices.end(), [](const asl::ChoiceRule& r) {
        return r.assign || r.assign_jsonata || RuleReadsContext(r);
      });
    default:
      return false;
  }
}

std::string FormatSeconds(double seconds) {
  if (!std::isfinite(seconds) || seconds > 1e15) return "more than 10^15";
  return std::to_string(static_cast<long long>(std::llround(seconds)));
}

// Waiting summed over a retrier's attempts (RTY-03: interval * rate^k, capped
// by MaxDelaySeconds).
double RetryWaitTotal(const asl::Retrier& retrier) {
  const std::int64_t attempts = std::max<std::int64_t>(retrier.max_attempts, 0);
  auto delay = static_cast<double>(retrier.interval_seconds);
  double total = 0;
  std::int64_t k = 0;
  for (; k < attempts && k < 2000; ++k) {
    const double wait = retrier.max_delay_seconds
                            ? std::min(delay, static_cast<double>(*retrier.max_delay_seconds))
                            : delay;
    total += wait;
    delay *= retrier.backoff_rate;
  }
  if (k < attempts) {
    // Later waits are at least as long as the last (BackoffRate >= 1).
    const double last = retrier.max_delay_seconds
                            ? std::min(delay, static_cast<double>(*retrier.max_delay_seconds))
                            : delay;
    total += last * static_cast<double>(attempts - k);
  }
  return total;
}

class Linter {
 public:
  Linter(const Graph& graph, const LintOptions& options)
      : graph_(graph), g_(graph.boost()), options_(options), n_(boost::num_vertices(g_)) {}

  std::vector<asl::Diagnostic> Run() {
    Prepare();
    for (std::size_t s = 0; s < graph_.scopes().size(); ++s) {
      if (!live_[s]) continue;
      const ScopeInfo& scope = graph_.scopes()[s];
      for (const Vertex v : scope.states) CheckState(v);
    }
    CheckLoops();
    std::stable_sort(out_.begin(), out_.end(),
                     [](const asl::Diagnostic& a, const asl::Diagnostic& b) {
                       return std::pair(a.position.line, a.position.column) <
                              std::pair(b.position.line, b.position.column);
                     });
    return std::move(out_);
  }

 private:
  void Prepare() {
    exits_.reserve(n_);
    for (Vertex v = 0; v < n_; ++v) {
      exits_.push_back(internal::AnalyzeExits(graph_, v, true));
      for (const ExitVariant& variant : exits_.back().variants) feasible_.insert(&g_[variant.edge]);
      for (const auto e : boost::make_iterator_range(boost::out_edges(v, g_))) {
        const Edge& edge = g_[e];
        if (edge.kind != EdgeKind::kRetry || edge.max_attempts <= 0) continue;
        const auto& fireable = exits_.back().fireable;
        if (static_cast<std::size_t>(edge.index) < fireable.size() &&
            fireable[static_cast<std::size_t>(edge.index)]) {
          feasible_.insert(&edge);
        }
      }
    }
    const FeasibleGraph feasible(g_, Feasible{&g_, &feasible_, true});
    std::vector<Vertex> starts;
    std::vector<Vertex> ends;
    for (const ScopeInfo& scope : graph_.scopes()) {
      starts.push_back(scope.start);
      ends.push_back(scope.succeed);
      ends.push_back(scope.fail);
    }
    reachable_ = Discover(feasible, n_, starts);
    reaches_end_ = Discover(boost::make_reverse_graph(feasible), n_, ends);
    // A nested scope matters only when its Parallel/Map state can be entered.
    live_.assign(graph_.scopes().size(), false);
    for (std::size_t s = 0; s < graph_.scopes().size(); ++s) {
      const ScopeInfo& scope = graph_.scopes()[s];
      live_[s] = scope.parent_state == nullptr ||
                 (live_[scope.parent] && reachable_[graph_.NodeOf(*scope.parent_state)]);
    }
  }

  void Add(const asl::SourceRef& at, const char* code, asl::Severity severity,
           std::string message) {
    asl::Diagnostic d;
    d.pointer = at.pointer;
    d.code = code;
    d.severity = severity;
    d.message = std::move(message);
    d.file = graph_.definition().file();
    d.position = at.position;
    out_.push_back(std::move(d));
  }

  void CheckState(Vertex v) {
    const asl::State& state = *graph_.node(v).state;
    if (!reachable_[v]) {
      Add(state.source, lint_codes::kUnreachableState, asl::Severity::kWarning,
          "state " + Quote(state.name) +
              " is never entered: no transition that can be taken leads to it");
    } else {
      if (state.type == asl::StateType::kChoice && !state.default_next) {
        Add(state.source, lint_codes::kChoiceWithoutDefault, asl::Severity::kWarning,
            "choice state " + Quote(state.name) +
                " has no Default: input matching no rule fails with States.NoChoiceMatched");
      }
      CheckUncaught(v, state);
    }
    CheckShadowed(state);
    CheckLongRetries(state);
  }

  // Whether errors leaving the scope of `v` fail the execution: every
  // enclosing Parallel/Map state lets some error through too.
  bool FailsExecution(Vertex v) const {
    std::size_t s = graph_.node(v).scope;
    while (graph_.scopes()[s].parent_state != nullptr) {
      const Vertex parent = graph_.NodeOf(*graph_.scopes()[s].parent_state);
      if (!HasUncaughtExit(parent)) return false;
      s = graph_.scopes()[s].parent;
    }
    return true;
  }

  bool HasUncaughtExit(Vertex v) const {
    const auto& variants = exits_[v].variants;
    return std::any_of(variants.begin(), variants.end(), [&](const ExitVariant& variant) {
      return g_[variant.edge].kind == EdgeKind::kUncaught;
    });
  }

  void CheckUncaught(Vertex v, const asl::State& state) {
    std::vector<std::string> parts;
    for (const ExitVariant& variant : exits_[v].variants) {
      if (g_[variant.edge].kind != EdgeKind::kUncaught) continue;
      if (variant.exhausted >= 0) {
        const asl::Retrier& r = state.retry[static_cast<std::size_t>(variant.exhausted)];
        parts.push_back(variant.error.value_or("an error") + " once retrier " +
                        std::to_string(variant.exhausted) + " is exhausted (" +
                        std::to_string(r.max_attempts) +
                        (r.max_attempts == 1 ? " retry)" : " retries)"));
      } else if (variant.generic_error) {
        parts.emplace_back("any other error");
      } else {
        parts.push_back(variant.error.value_or("an error"));
      }
    }
    if (parts.empty() || !FailsExecution(v)) return;
    const bool nested = graph_.node(v).scope != 0;
    const std::string outcome = nested ? "fail its branch and the execution" : "fail the execution";
    std::string message;
    if (state.retry.empty() && state.catch_.empty()) {
      message = "any error raised by " + StateKind(state) + " " + Quote(state.name) +
                " is uncaught and will " + outcome + " (no Catch)";
    } else {
      message = "errors leave " + StateKind(state) + " " + Quote(state.name) + " uncaught and " +
                outcome + ": ";
      for (std::size_t i = 0; i < parts.size(); ++i) message += (i == 0 ? "" : "; ") + parts[i];
    }
    Add(state.source, lint_codes::kUncaughtError, asl::Severity::kWarning, std::move(message));
  }

  template <typename Handler>
  void CheckShadowedList(const std::vector<ErrorCandidate>& universe,
                         const std::vector<Handler>& handlers, const char* what, const char* code) {
    for (std::size_t i = 1; i < handlers.size(); ++i) {
      std::vector<const ErrorCandidate*> mine;
      for (const ErrorCandidate& c : universe) {
        if (sim::MatchesErrorEquals(handlers[i].error_equals, c.name, c.heartbeat))
          mine.push_back(&c);
      }
      if (mine.empty()) continue;
      const auto earlier_match = [&](const ErrorCandidate* c, std::size_t j) {
        return sim::MatchesErrorEquals(handlers[j].error_equals, c->name, c->heartbeat);
      };
      const bool shadowed = std::all_of(mine.begin(), mine.end(), [&](const ErrorCandidate* c) {
        for (std::size_t j = 0; j < i; ++j) {
          if (earlier_match(c, j)) return true;
        }
        return false;
      });
      if (!shadowed) continue;
      std::string by = std::string("earlier ") + what + "s match";
      for (std::size_t j = 0; j < i; ++j) {
        if (std::all_of(mine.begin(), mine.end(),
                        [&](const ErrorCandidate* c) { return earlier_match(c, j); })) {
          by = std::string(what) + " " + std::to_string(j) + " matches";
          break;
        }
      }
      Add(handlers[i].source, code, asl::Severity::kWarning,
          std::string(what) + " " + std::to_string(i) + " never fires: " + by +
              " every error it names");
    }
  }

  void CheckShadowed(const asl::State& state) {
    if (state.retry.size() < 2 && state.catch_.size() < 2) return;
    const std::vector<ErrorCandidate> universe = internal::ErrorUniverse(state);
    CheckShadowedList(universe, state.retry, "retrier", lint_codes::kShadowedRetrier);
    CheckShadowedList(universe, state.catch_, "catcher", lint_codes::kShadowedCatcher);
  }

  void CheckLongRetries(const asl::State& state) {
    for (std::size_t i = 0; i < state.retry.size(); ++i) {
      const asl::Retrier& r = state.retry[i];
      if (std::find(r.error_equals.begin(), r.error_equals.end(), errors::kAll) ==
          r.error_equals.end()) {
        continue;
      }
      const double total = RetryWaitTotal(r);
      if (total <= options_.long_retry_seconds) continue;
      Add(r.source, lint_codes::kLongRetryTotal, asl::Severity::kInfo,
          "retrier " + std::to_string(i) + " retries every error (States.ALL) up to " +
              std::to_string(r.max_attempts) + " times and can wait " + FormatSeconds(total) +
              " seconds in total");
    }
  }

  void CheckLoops() {
    const FeasibleGraph loops(g_, Feasible{&g_, &feasible_, false});
    std::vector<std::size_t> component(n_);
    const std::size_t count = boost::strong_components(
        loops,
        boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, g_)));
    std::vector<std::vector<Vertex>> members(count);
    for (Vertex v = 0; v < n_; ++v) members[component[v]].push_back(v);
    std::vector<bool> in_closed_loop(n_, false);
    // Report loops in definition order of their first state.
    std::vector<std::size_t> order(count);
    for (std::size_t c = 0; c < count; ++c) order[c] = c;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return members[a].front() < members[b].front();
    });
    for (const std::size_t c : order) {
      const std::vector<Vertex>& loop = members[c];
      const Vertex first = loop.front();
      if (graph_.node(first).kind != NodeKind::kState || !reachable_[first] ||
          !live_[graph_.node(first).scope]) {
        continue;
      }
      bool cyclic = loop.size() > 1;
      bool only_uncaught = true;
      bool choice_exits_only = true;
      for (const Vertex v : loop) {
        for (const auto e : boost::make_iterator_range(boost::out_edges(v, loops))) {
          const Vertex t = boost::target(e, g_);
          if (t == v) cyclic = true;
          if (component[t] == c) continue;
          const EdgeKind kind = g_[e].kind;
          if (kind != EdgeKind::kUncaught) only_uncaught = false;
          if (kind != EdgeKind::kChoiceRule && kind != EdgeKind::kDefault &&
              kind != EdgeKind::kNoChoiceMatched) {
            choice_exits_only = false;
          }
        }
      }
      if (!cyclic) continue;
      std::string names;
      for (std::size_t i = 0; i < loop.size(); ++i) {
        names += (i == 0 ? "" : ", ") + Quote(graph_.NodeName(loop[i]));
      }
      const std::string subject = loop.size() == 1 ? "state " + names + " loops to itself"
                                                   : "states " + names + " form a loop";
      const asl::SourceRef& at = graph_.node(first).state->source;
      if (only_uncaught) {
        for (const Vertex v : loop) in_closed_loop[v] = true;
        Add(at, lint_codes::kLoopWithoutExit, asl::Severity::kWarning,
            subject + (HasAnyExit(loop, component, c, loops)
                           ? " that only an uncaught error can leave"
                           : " that nothing can leave"));
        continue;
      }
      const bool unchanged = std::all_of(loop.begin(), loop.end(), [&](Vertex v) {
        return KeepsDataUnchanged(*graph_.node(v).state);
      });
      if (choice_exits_only && unchanged) {
        Add(at, lint_codes::kLoopExitNeverChanges, asl::Severity::kWarning,
            subject +
                " that never ends once it goes round: its Choice exits test data no state "
                "in the loop changes");
      }
    }
    for (std::size_t s = 0; s < graph_.scopes().size(); ++s) {
      if (!live_[s]) continue;
      for (const Vertex v : graph_.scopes()[s].states) {
        if (!reachable_[v] || reaches_end_[v] || in_closed_loop[v]) continue;
        const asl::State& state = *graph_.node(v).state;
        Add(state.source, lint_codes::kNoTerminalReachable, asl::Severity::kWarning,
            "no end of the " + std::string(s == 0 ? "workflow" : "branch") +
                " can be reached from state " + Quote(state.name));
      }
    }
  }

  bool HasAnyExit(const std::vector<Vertex>& loop, const std::vector<std::size_t>& component,
                  std::size_t c, const FeasibleGraph& loops) const {
    for (const Vertex v : loop) {
      for (const auto e : boost::make_iterator_range(boost::out_edges(v, loops))) {
        if (component[boost::target(e, g_)] != c) return true;
      }
    }
    return false;
  }

  const Graph& graph_;
  const BoostGraph& g_;
  const LintOptions& options_;
  const std::size_t n_;
  std::vector<NodeExits> exits_;
  std::set<const Edge*> feasible_;
  std::vector<bool> reachable_;
  std::vector<bool> reaches_end_;
  std::vector<bool> live_;
  std::vector<asl::Diagnostic> out_;
};

}  // namespace

void PrintTo(const LintOptions& options, std::ostream* os) {
  *os << "{long_retry_seconds " << options.long_retry_seconds << "}";
}

std::vector<asl::Diagnostic> Lint(const Graph& graph, const LintOptions& options) {
  return Linter(graph, options).Run();
}

}  // namespace stepsim::analysis
