// Stable public header: the API below is relied on by other areas; extend,
// do not change.
#pragma once

#include <stepsim/analysis/graph.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace stepsim::analysis {

/// Optional hit counts to colour a rendering by coverage. A function that is
/// unset, or returns nullopt, leaves that node or edge uncoloured; 0 hits is
/// drawn as uncovered (red), more as covered (green, darker with more hits).
struct RenderStyle {
  std::function<std::optional<std::int64_t>(Vertex)> node_hits;
  std::function<std::optional<std::int64_t>(EdgeDescriptor)> edge_hits;
  /// Graph title (the definition file name, say); empty for none.
  std::string title;
};

/// "{title \"t\", node_hits, edge_hits}" naming the hooks that are set
/// (extension).
void PrintTo(const RenderStyle& style, std::ostream* os);

/// Graphviz DOT: states as nodes (shape by type), sinks as small circles,
/// edges labelled by kind ("rule 0", "Default", "Catch 0 [States.ALL]",
/// "Retry 0 x2"), Parallel branches and Map processors as nested clusters.
/// Node ids are stable (`s<vertex>`), each node carries a `tooltip` with its
/// name, type and hit count. Deterministic: the same graph and style give the
/// same bytes.
std::string RenderDot(const Graph& graph, const RenderStyle& style = {});

/// Mermaid `flowchart TD` text with the same nodes, labels, clusters
/// (subgraphs) and colours (classDef covered/uncovered).
std::string RenderMermaid(const Graph& graph, const RenderStyle& style = {});

}  // namespace stepsim::analysis
