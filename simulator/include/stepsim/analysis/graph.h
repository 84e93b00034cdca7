// Stable public header: the API below is relied on by other areas; extend,
// do not change.
#pragma once

#include <stepsim/asl/definition.h>

#include <boost/graph/adjacency_list.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::analysis {

/// What a node of the workflow graph stands for.
enum class NodeKind : std::uint8_t {
  kState,    ///< one state of a scope
  kSucceed,  ///< the scope ended normally (End: true, a Succeed state)
  kFail,     ///< the scope ended with an error (Fail state or uncaught error)
};

/// How control can move along an edge.
enum class EdgeKind : std::uint8_t {
  kNext,             ///< `Next` of Task/Pass/Wait/Parallel/Map
  kChoiceRule,       ///< Choice rule `index`
  kDefault,          ///< Choice `Default`
  kNoChoiceMatched,  ///< Choice without Default: States.NoChoiceMatched -> kFail
  kCatch,            ///< catcher `index`
  kRetry,            ///< retrier `index`: a self-loop, at most MaxAttempts times
  kEnd,              ///< `End: true` or a Succeed state -> kSucceed
  kFailState,        ///< a Fail state -> kFail
  kUncaught,         ///< an error no catcher handles -> kFail (Task, Parallel, Map)
};

/// "Next", "ChoiceRule", "Default", "NoChoiceMatched", "Catch", "Retry",
/// "End", "FailState", "Uncaught".
std::string_view ToString(EdgeKind kind);
std::string_view ToString(NodeKind kind);

struct Node {
  NodeKind kind = NodeKind::kState;
  /// The state (kState); null for the kSucceed/kFail sinks.
  const asl::State* state = nullptr;
  /// Index into Graph::scopes() of the scope the node belongs to.
  std::size_t scope = 0;
};

struct Edge {
  EdgeKind kind = EdgeKind::kNext;
  /// Choice rule, catcher or retrier index (0-based); -1 otherwise.
  int index = -1;
  /// kCatch, kRetry: the ErrorEquals names. kUncaught: empty (every error not
  /// caught). kNoChoiceMatched: {"States.NoChoiceMatched"}.
  std::vector<std::string> errors;
  /// kRetry: MaxAttempts of the retrier (the loop bound); 0 otherwise.
  std::int64_t max_attempts = 0;
  /// Where the edge is written (the `Next`, rule, retrier, catcher or state).
  asl::SourceRef source;
};

/// The Boost.Graph type behind Graph. Vertex and edge descriptors are
/// indices (vecS), stable for the graph's lifetime.
using BoostGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Node, Edge>;
using Vertex = BoostGraph::vertex_descriptor;
using EdgeDescriptor = BoostGraph::edge_descriptor;

/// One `{StartAt, States}` object of the definition as a region of the graph.
/// Scopes have no edges between them: a Parallel/Map state is one node of its
/// scope, and its branches/processor are child scopes linked by
/// `parent_state`/`children`.
struct ScopeInfo {
  const asl::Scope* scope = nullptr;
  /// The Parallel/Map state owning the scope (null for the root).
  const asl::State* parent_state = nullptr;
  /// Index of the parent scope (root: itself, 0).
  std::size_t parent = 0;
  /// Branch index for Parallel branches; 0 for a Map processor and the root.
  std::size_t branch = 0;
  /// Child scopes, in the order of their owning states, then branch order.
  std::vector<std::size_t> children;
  Vertex start = 0;    ///< the StartAt state's node
  Vertex succeed = 0;  ///< the scope's kSucceed sink
  Vertex fail = 0;     ///< the scope's kFail sink
  /// Nodes of the scope's states, in definition order.
  std::vector<Vertex> states;
};

/// A definition as a graph: nodes are states plus two sinks per scope, edges
/// carry their EdgeKind. Built once, immutable. Scope 0 is the root; scopes
/// are numbered depth first in definition order.
class Graph {
 public:
  /// Builds the graph of a validated definition. The definition must outlive
  /// the graph (nodes and edges point into it).
  static Graph Build(const asl::Definition& definition);

  const asl::Definition& definition() const { return *definition_; }
  const BoostGraph& boost() const { return graph_; }
  const std::vector<ScopeInfo>& scopes() const { return scopes_; }
  const Node& node(Vertex v) const { return graph_[v]; }
  const Edge& edge(EdgeDescriptor e) const { return graph_[e]; }

  /// The node of `state` (which must belong to the definition).
  Vertex NodeOf(const asl::State& state) const;
  /// The node of the state named `name`, or nullopt.
  std::optional<Vertex> FindNode(std::string_view name) const;
  /// Index into scopes() of the scope `state` belongs to.
  std::size_t ScopeOf(const asl::State& state) const;
  /// "CheckInventory", "(succeed)", "(fail)"; inside child scopes the sinks are
  /// "(succeed Map1/0)".
  std::string NodeName(Vertex v) const;

 private:
  const asl::Definition* definition_ = nullptr;
  BoostGraph graph_;
  std::vector<ScopeInfo> scopes_;
  std::vector<std::pair<const asl::State*, Vertex>> state_nodes_;  // sorted by pointer
};

void PrintTo(EdgeKind kind, std::ostream* os);
void PrintTo(NodeKind kind, std::ostream* os);
/// "Catch 0 [States.ALL]", "Retry 0 x2 [PaymentGatewayTimeout]", "Next" (extension).
void PrintTo(const Edge& edge, std::ostream* os);

}  // namespace stepsim::analysis
