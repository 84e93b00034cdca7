#include <stepsim/analysis/render.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace stepsim::analysis {

namespace {

constexpr const char* kRedLine = "#c0392b";
constexpr const char* kRedFill = "#f8d7da";
constexpr const char* kGreenLine = "#1e8449";

// Covered fills get darker with more hits: 1, 2..9, 10..99, 100+.
const char* GreenFill(std::int64_t hits) {
  if (hits >= 100) return "#58d68d";
  if (hits >= 10) return "#82e0aa";
  if (hits >= 2) return "#abebc6";
  return "#d5f5e3";
}

std::string DotQuote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  out += '"';
  return out;
}

std::string MermaidQuote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '#':
        out += "#35;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  out += '"';
  return out;
}

std::string Id(Vertex v) { return "s" + std::to_string(v); }

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : ",") + names[i];
  return out;
}

std::string EdgeLabel(const Edge& edge) {
  const std::string index = std::to_string(edge.index);
  switch (edge.kind) {
    case EdgeKind::kNext:
      return "Next";
    case EdgeKind::kChoiceRule:
      return "rule " + index;
    case EdgeKind::kDefault:
      return "Default";
    case EdgeKind::kNoChoiceMatched:
      return "NoChoiceMatched";
    case EdgeKind::kCatch:
      return "Catch " + index + " [" + JoinNames(edge.errors) + "]";
    case EdgeKind::kRetry:
      return "Retry " + index + " x" + std::to_string(edge.max_attempts) + " [" +
             JoinNames(edge.errors) + "]";
    case EdgeKind::kEnd:
      return "End";
    case EdgeKind::kFailState:
      return "Fail";
    case EdgeKind::kUncaught:
      return "Uncaught";
  }
  return "";
}

bool IsErrorEdge(EdgeKind kind) {
  return kind == EdgeKind::kCatch || kind == EdgeKind::kUncaught ||
         kind == EdgeKind::kNoChoiceMatched || kind == EdgeKind::kRetry;
}

std::string ScopeLabel(const Graph& graph, std::size_t s) {
  const ScopeInfo& scope = graph.scopes()[s];
  if (scope.parent_state->type == asl::StateType::kMap) {
    return scope.parent_state->name + " item processor";
  }
  return scope.parent_state->name + " branch " + std::to_string(scope.branch);
}

// The label of the dotted edge from a Parallel or Map state into one of its
// scopes.
std::string ScopeEntryLabel(const ScopeInfo& scope) {
  return scope.parent_state->type == asl::StateType::kMap
             ? "items"
             : "branch " + std::to_string(scope.branch);
}

// The nodes drawn inside a scope: its states, then its sinks. A sink nothing
// leads to (a branch that cannot fail) is left out.
std::vector<Vertex> ScopeNodes(const Graph& graph, const ScopeInfo& scope) {
  std::vector<Vertex> nodes(scope.states.begin(), scope.states.end());
  for (const Vertex sink : {scope.succeed, scope.fail}) {
    if (boost::in_degree(sink, graph.boost()) != 0) nodes.push_back(sink);
  }
  return nodes;
}

std::optional<std::int64_t> NodeHits(const RenderStyle& style, Vertex v) {
  return style.node_hits ? style.node_hits(v) : std::nullopt;
}

std::optional<std::int64_t> EdgeHits(const RenderStyle& style, EdgeDescriptor e) {
  return style.edge_hits ? style.edge_hits(e) : std::nullopt;
}

std::string Tooltip(const Graph& graph, Vertex v, std::optional<std::int64_t> hits) {
  const Node& node = graph.node(v);
  std::string text = graph.NodeName(v);
  if (node.kind == NodeKind::kState) {
    text += " (" + std::string(asl::ToString(node.state->type)) + ")";
  }
  if (hits) text += ", hits: " + std::to_string(*hits);
  return text;
}

class DotWriter {
 public:
  DotWriter(const Graph& graph, const RenderStyle& style) : graph_(graph), style_(style) {}

  std::string Render() {
    out_ += "digraph workflow {\n";
    if (!style_.title.empty()) {
      out_ += "  label=" + DotQuote(style_.title) + ";\n  labelloc=t;\n";
    }
    out_ += "  fontname=\"Helvetica\";\n";
    out_ += "  node [fontname=\"Helvetica\", fontsize=11];\n";
    out_ += "  edge [fontname=\"Helvetica\", fontsize=9];\n";
    Scope(0, "  ");
    for (const auto e : boost::make_iterator_range(boost::edges(graph_.boost()))) EdgeLine(e);
    for (std::size_t s = 1; s < graph_.scopes().size(); ++s) {
      const ScopeInfo& scope = graph_.scopes()[s];
      const std::string label = ScopeEntryLabel(scope);
      out_ += "  " + Id(graph_.NodeOf(*scope.parent_state)) + " -> " + Id(scope.start) +
              " [label=" + DotQuote(label) +
              ", style=dotted, arrowhead=empty, color=\"#7f8c8d\"];\n";
    }
    out_ += "}\n";
    return std::move(out_);
  }

 private:
  void Scope(std::size_t s, const std::string& indent) {
    const ScopeInfo& scope = graph_.scopes()[s];
    std::string inner = indent;
    if (s != 0) {
      out_ += indent + "subgraph cluster_" + std::to_string(s) + " {\n";
      inner += "  ";
      out_ += inner + "label=" + DotQuote(ScopeLabel(graph_, s)) + ";\n";
      out_ += inner + "style=\"rounded,dashed\";\n" + inner + "color=\"#7f8c8d\";\n";
    }
    for (const Vertex v : ScopeNodes(graph_, scope)) NodeLine(v, inner);
    for (const std::size_t child : scope.children) Scope(child, inner);
    if (s != 0) out_ += indent + "}\n";
  }

  void NodeLine(Vertex v, const std::string& indent) {
    const Node& node = graph_.node(v);
    const auto hits = NodeHits(style_, v);
    std::vector<std::string> attrs;
    std::vector<std::string> styles;
    if (node.kind == NodeKind::kState) {
      attrs.push_back("label=" + DotQuote(node.state->name));
      switch (node.state->type) {
        case asl::StateType::kTask:
          attrs.emplace_back("shape=box");
          styles.emplace_back("rounded");
          break;
        case asl::StateType::kChoice:
          attrs.emplace_back("shape=diamond");
          break;
        case asl::StateType::kWait:
          attrs.emplace_back("shape=hexagon");
          break;
        case asl::StateType::kParallel:
        case asl::StateType::kMap:
          attrs.emplace_back("shape=box3d");
          break;
        case asl::StateType::kSucceed:
        case asl::StateType::kFail:
          attrs.emplace_back("shape=box");
          styles.emplace_back("bold");
          break;
        case asl::StateType::kPass:
          attrs.emplace_back("shape=box");
          break;
      }
    } else {
      attrs.emplace_back("label=\"\"");
      attrs.emplace_back(node.kind == NodeKind::kSucceed ? "shape=doublecircle" : "shape=circle");
      attrs.emplace_back("width=0.2");
      attrs.emplace_back("height=0.2");
      attrs.emplace_back("fixedsize=true");
      attrs.push_back(std::string("xlabel=") +
                      (node.kind == NodeKind::kSucceed ? "\"end\"" : "\"fail\""));
      if (node.kind == NodeKind::kFail && !hits) {
        styles.emplace_back("filled");
        attrs.emplace_back("fillcolor=\"#555555\"");
      }
    }
    if (hits) {
      styles.emplace_back("filled");
      attrs.push_back(std::string("fillcolor=\"") + (*hits == 0 ? kRedFill : GreenFill(*hits)) +
                      "\"");
      attrs.push_back(std::string("color=\"") + (*hits == 0 ? kRedLine : kGreenLine) + "\"");
    }
    if (!styles.empty()) {
      std::string joined;
      for (std::size_t i = 0; i < styles.size(); ++i) joined += (i == 0 ? "" : ",") + styles[i];
      attrs.push_back("style=" + DotQuote(joined));
    }
    attrs.push_back("tooltip=" + DotQuote(Tooltip(graph_, v, hits)));
    out_ += indent + Id(v) + " [";
    for (std::size_t i = 0; i < attrs.size(); ++i) out_ += (i == 0 ? "" : ", ") + attrs[i];
    out_ += "];\n";
  }

  void EdgeLine(EdgeDescriptor e) {
    const BoostGraph& g = graph_.boost();
    const Edge& edge = graph_.edge(e);
    const auto hits = EdgeHits(style_, e);
    const std::string label = EdgeLabel(edge);
    std::vector<std::string> attrs;
    attrs.push_back("label=" + DotQuote(label));
    if (IsErrorEdge(edge.kind)) attrs.emplace_back("style=dashed");
    std::string tooltip = graph_.NodeName(boost::source(e, g)) + " -> " +
                          graph_.NodeName(boost::target(e, g)) + ": " + label;
    if (hits) {
      tooltip += ", hits: " + std::to_string(*hits);
      attrs.push_back(std::string("color=\"") + (*hits == 0 ? kRedLine : kGreenLine) + "\"");
      attrs.push_back(std::string("fontcolor=\"") + (*hits == 0 ? kRedLine : kGreenLine) + "\"");
      attrs.emplace_back(*hits == 0 ? "penwidth=1" : "penwidth=2");
    }
    attrs.push_back("tooltip=" + DotQuote(tooltip));
    out_ += "  " + Id(boost::source(e, g)) + " -> " + Id(boost::target(e, g)) + " [";
    for (std::size_t i = 0; i < attrs.size(); ++i) out_ += (i == 0 ? "" : ", ") + attrs[i];
    out_ += "];\n";
  }

  const Graph& graph_;
  const RenderStyle& style_;
  std::string out_;
};

class MermaidWriter {
 public:
  MermaidWriter(const Graph& graph, const RenderStyle& style) : graph_(graph), style_(style) {}

  std::string Render() {
    if (!style_.title.empty()) out_ += "---\ntitle: " + MermaidQuote(style_.title) + "\n---\n";
    out_ += "flowchart TD\n";
    Scope(0, "  ");
    std::size_t link = 0;
    std::vector<std::string> link_styles;
    const BoostGraph& g = graph_.boost();
    for (const auto e : boost::make_iterator_range(boost::edges(g))) {
      const Edge& edge = graph_.edge(e);
      const std::string arrow = IsErrorEdge(edge.kind) ? " -.->|" : " -->|";
      out_ += "  " + Id(boost::source(e, g)) + arrow + MermaidQuote(EdgeLabel(edge)) + "| " +
              Id(boost::target(e, g)) + "\n";
      if (const auto hits = EdgeHits(style_, e)) {
        link_styles.push_back("  linkStyle " + std::to_string(link) +
                              " stroke:" + (*hits == 0 ? kRedLine : kGreenLine) +
                              (*hits == 0 ? ",stroke-width:1px" : ",stroke-width:2px") + "\n");
      }
      ++link;
    }
    for (std::size_t s = 1; s < graph_.scopes().size(); ++s) {
      const ScopeInfo& scope = graph_.scopes()[s];
      const std::string label = ScopeEntryLabel(scope);
      out_ += "  " + Id(graph_.NodeOf(*scope.parent_state)) + " -.->|" + MermaidQuote(label) +
              "| " + Id(scope.start) + "\n";
      ++link;
    }
    for (const std::string& line : link_styles) out_ += line;
    if (!covered_.empty() || !uncovered_.empty()) {
      out_ +=
          std::string("  classDef covered fill:") + GreenFill(1) + ",stroke:" + kGreenLine + "\n";
      out_ += std::string("  classDef uncovered fill:") + kRedFill + ",stroke:" + kRedLine + "\n";
      if (!covered_.empty()) out_ += "  class " + covered_ + " covered\n";
      if (!uncovered_.empty()) out_ += "  class " + uncovered_ + " uncovered\n";
    }
    return std::move(out_);
  }

 private:
  void Scope(std::size_t s, const std::string& indent) {
    const ScopeInfo& scope = graph_.scopes()[s];
    std::string inner = indent;
    if (s != 0) {
      out_ += indent + "subgraph c" + std::to_string(s) + " [" +
              MermaidQuote(ScopeLabel(graph_, s)) + "]\n";
      inner += "  ";
    }
    for (const Vertex v : ScopeNodes(graph_, scope)) NodeLine(v, inner);
    for (const std::size_t child : scope.children) Scope(child, inner);
    if (s != 0) out_ += indent + "end\n";
  }

  void NodeLine(Vertex v, const std::string& indent) {
    const Node& node = graph_.node(v);
    std::string shape;
    if (node.kind != NodeKind::kState) {
      shape = "((" + MermaidQuote(node.kind == NodeKind::kSucceed ? "end" : "fail") + "))";
    } else {
      const std::string label = MermaidQuote(node.state->name);
      switch (node.state->type) {
        case asl::StateType::kTask:
          shape = "(" + label + ")";
          break;
        case asl::StateType::kChoice:
          shape = "{" + label + "}";
          break;
        case asl::StateType::kWait:
          shape = "{{" + label + "}}";
          break;
        case asl::StateType::kParallel:
        case asl::StateType::kMap:
          shape = "[[" + label + "]]";
          break;
        case asl::StateType::kSucceed:
        case asl::StateType::kFail:
          shape = "([" + label + "])";
          break;
        case asl::StateType::kPass:
          shape = "[" + label + "]";
          break;
      }
    }
    out_ += indent + Id(v) + shape + "\n";
    if (const auto hits = NodeHits(style_, v)) {
      std::string& list = *hits == 0 ? uncovered_ : covered_;
      list += (list.empty() ? "" : ",") + Id(v);
    }
  }

  const Graph& graph_;
  const RenderStyle& style_;
  std::string out_;
  std::string covered_;
  std::string uncovered_;
};

}  // namespace

void PrintTo(const RenderStyle& style, std::ostream* os) {
  *os << "{title " << DotQuote(style.title) << (style.node_hits ? ", node_hits" : "")
      << (style.edge_hits ? ", edge_hits" : "") << "}";
}

std::string RenderDot(const Graph& graph, const RenderStyle& style) {
  return DotWriter(graph, style).Render();
}

std::string RenderMermaid(const Graph& graph, const RenderStyle& style) {
  return MermaidWriter(graph, style).Render();
}

}  // namespace stepsim::analysis
