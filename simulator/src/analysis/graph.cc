#include <stepsim/analysis/graph.h>
#include <stepsim/error.h>

#include <algorithm>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace stepsim::analysis {

std::string_view ToString(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kNext:
      return "Next";
    case EdgeKind::kChoiceRule:
      return "ChoiceRule";
    case EdgeKind::kDefault:
      return "Default";
    case EdgeKind::kNoChoiceMatched:
      return "NoChoiceMatched";
    case EdgeKind::kCatch:
      return "Catch";
    case EdgeKind::kRetry:
      return "Retry";
    case EdgeKind::kEnd:
      return "End";
    case EdgeKind::kFailState:
      return "FailState";
    case EdgeKind::kUncaught:
      return "Uncaught";
  }
  return "Unknown";
}

std::string_view ToString(NodeKind kind) {
  switch (kind) {
    case NodeKind::kState:
      return "State";
    case NodeKind::kSucceed:
      return "Succeed";
    case NodeKind::kFail:
      return "Fail";
  }
  return "Unknown";
}

void PrintTo(EdgeKind kind, std::ostream* os) { *os << ToString(kind); }
void PrintTo(NodeKind kind, std::ostream* os) { *os << ToString(kind); }

void PrintTo(const Edge& edge, std::ostream* os) {
  *os << ToString(edge.kind);
  if (edge.index >= 0) *os << ' ' << edge.index;
  if (edge.kind == EdgeKind::kRetry) *os << " x" << edge.max_attempts;
  if (!edge.errors.empty()) {
    *os << " [";
    for (std::size_t i = 0; i < edge.errors.size(); ++i)
      *os << (i == 0 ? "" : ",") << edge.errors[i];
    *os << ']';
  }
}

namespace {

bool HasCatchAll(const asl::State& state) {
  return std::any_of(state.catch_.begin(), state.catch_.end(), [](const asl::Catcher& c) {
    return std::find(c.error_equals.begin(), c.error_equals.end(), errors::kAll) !=
           c.error_equals.end();
  });
}

bool CanRaise(const asl::State& state) {
  return state.type == asl::StateType::kTask || state.type == asl::StateType::kParallel ||
         state.type == asl::StateType::kMap;
}

class Builder {
 public:
  Builder(const asl::Definition& definition, BoostGraph& graph, std::vector<ScopeInfo>& scopes,
          std::vector<std::pair<const asl::State*, Vertex>>& state_nodes)
      : definition_(definition), graph_(graph), scopes_(scopes), state_nodes_(state_nodes) {}

  // Adds the scope's vertices, then its children's (depth first), so that
  // scope indices follow definition order.
  std::size_t AddScope(const asl::Scope& scope, const asl::State* parent_state, std::size_t parent,
                       std::size_t branch) {
    const std::size_t index = scopes_.size();
    scopes_.push_back(ScopeInfo{});
    {
      ScopeInfo& info = scopes_[index];
      info.scope = &scope;
      info.parent_state = parent_state;
      info.parent = parent_state == nullptr ? index : parent;
      info.branch = branch;
    }
    std::vector<Vertex> states;
    states.reserve(scope.states.size());
    for (const asl::State& state : scope.states) {
      const Vertex v = boost::add_vertex(Node{NodeKind::kState, &state, index}, graph_);
      states.push_back(v);
      state_nodes_.emplace_back(&state, v);
    }
    const Vertex succeed = boost::add_vertex(Node{NodeKind::kSucceed, nullptr, index}, graph_);
    const Vertex fail = boost::add_vertex(Node{NodeKind::kFail, nullptr, index}, graph_);
    {
      ScopeInfo& info = scopes_[index];
      info.states = states;
      info.succeed = succeed;
      info.fail = fail;
      STEPSIM_CHECK(scope.start_index < states.size());
      info.start = states[scope.start_index];
    }
    for (std::size_t i = 0; i < scope.states.size(); ++i) {
      AddEdges(scope.states[i], states[i], states, succeed, fail);
    }
    std::vector<std::size_t> children;
    for (const asl::State& state : scope.states) {
      if (state.type == asl::StateType::kParallel) {
        for (std::size_t b = 0; b < state.branches.size(); ++b) {
          children.push_back(AddScope(*state.branches[b], &state, index, b));
        }
      } else if (state.type == asl::StateType::kMap && state.item_processor) {
        children.push_back(AddScope(*state.item_processor, &state, index, 0));
      }
    }
    scopes_[index].children = std::move(children);
    return index;
  }

 private:
  asl::SourceRef Ref(const asl::State& state, std::string_view field) const {
    asl::SourceRef ref;
    ref.pointer = asl::AppendPointer(state.source.pointer, field);
    ref.position = definition_.positions().ValuePosition(ref.pointer);
    return ref;
  }

  void Add(Vertex from, Vertex to, const Edge& edge) { boost::add_edge(from, to, edge, graph_); }

  Vertex Target(const std::vector<Vertex>& states, std::size_t index) const {
    STEPSIM_CHECK(index < states.size());
    return states[index];
  }

  void AddEdges(const asl::State& state, Vertex self, const std::vector<Vertex>& states,
                Vertex succeed, Vertex fail) {
    switch (state.type) {
      case asl::StateType::kSucceed:
        Add(self, succeed, Edge{EdgeKind::kEnd, -1, {}, 0, state.source});
        return;
      case asl::StateType::kFail:
        Add(self, fail, Edge{EdgeKind::kFailState, -1, {}, 0, state.source});
        return;
      case asl::StateType::kChoice:
        for (std::size_t i = 0; i < state.choices.size(); ++i) {
          const asl::ChoiceRule& rule = state.choices[i];
          Add(self, Target(states, rule.next_index),
              Edge{EdgeKind::kChoiceRule, static_cast<int>(i), {}, 0, rule.source});
        }
        if (state.default_next) {
          Add(self, Target(states, state.default_index),
              Edge{EdgeKind::kDefault, -1, {}, 0, Ref(state, "Default")});
        } else {
          Add(self, fail,
              Edge{EdgeKind::kNoChoiceMatched, -1, {errors::kNoChoiceMatched}, 0, state.source});
        }
        return;
      default:
        break;
    }
    if (state.end) {
      Add(self, succeed, Edge{EdgeKind::kEnd, -1, {}, 0, Ref(state, "End")});
    } else if (state.next) {
      Add(self, Target(states, state.next_index),
          Edge{EdgeKind::kNext, -1, {}, 0, Ref(state, "Next")});
    }
    if (!CanRaise(state)) return;
    for (std::size_t i = 0; i < state.retry.size(); ++i) {
      const asl::Retrier& retrier = state.retry[i];
      Add(self, self,
          Edge{EdgeKind::kRetry, static_cast<int>(i), retrier.error_equals, retrier.max_attempts,
               retrier.source});
    }
    for (std::size_t i = 0; i < state.catch_.size(); ++i) {
      const asl::Catcher& catcher = state.catch_[i];
      Add(self, Target(states, catcher.next_index),
          Edge{EdgeKind::kCatch, static_cast<int>(i), catcher.error_equals, 0, catcher.source});
    }
    if (!HasCatchAll(state)) {
      Add(self, fail, Edge{EdgeKind::kUncaught, -1, {}, 0, state.source});
    }
  }

  const asl::Definition& definition_;
  BoostGraph& graph_;
  std::vector<ScopeInfo>& scopes_;
  std::vector<std::pair<const asl::State*, Vertex>>& state_nodes_;
};

}  // namespace

Graph Graph::Build(const asl::Definition& definition) {
  Graph graph;
  graph.definition_ = &definition;
  Builder builder(definition, graph.graph_, graph.scopes_, graph.state_nodes_);
  builder.AddScope(definition.root(), nullptr, 0, 0);
  std::sort(graph.state_nodes_.begin(), graph.state_nodes_.end(),
            [](const auto& a, const auto& b) { return std::less<>()(a.first, b.first); });
  return graph;
}

Vertex Graph::NodeOf(const asl::State& state) const {
  const auto it = std::lower_bound(
      state_nodes_.begin(), state_nodes_.end(), &state,
      [](const auto& entry, const asl::State* key) { return std::less<>()(entry.first, key); });
  if (it == state_nodes_.end() || it->first != &state) {
    throw UsageError("state \"" + state.name + "\" does not belong to the graph's definition");
  }
  return it->second;
}

std::optional<Vertex> Graph::FindNode(std::string_view name) const {
  const asl::State* state = definition_->FindState(name);
  if (state == nullptr) return std::nullopt;
  return NodeOf(*state);
}

std::size_t Graph::ScopeOf(const asl::State& state) const { return graph_[NodeOf(state)].scope; }

std::string Graph::NodeName(Vertex v) const {
  const Node& n = graph_[v];
  if (n.kind == NodeKind::kState) return n.state->name;
  std::string name = n.kind == NodeKind::kSucceed ? "(succeed" : "(fail";
  const ScopeInfo& scope = scopes_[n.scope];
  if (scope.parent_state != nullptr) {
    name += ' ';
    name += scope.parent_state->name;
    name += '/';
    name += std::to_string(scope.branch);
  }
  name += ')';
  return name;
}

}  // namespace stepsim::analysis
