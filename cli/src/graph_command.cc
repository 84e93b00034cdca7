#include <stepsim/analysis/graph.h>
#include <stepsim/analysis/render.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>
#include <stepsim/report/coverage.h>
#include <stepsim/report/writers.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"

namespace stepsim::cli {
namespace {

constexpr const char* kGraphUsage =
    "usage: stepsim graph DEFINITION [--format dot|mermaid] [-o FILE] [--title TEXT]\n"
    "                     [--coverage FILE]\n"
    "\n"
    "Draws the workflow: states as nodes (shape by type), the ends of each scope as\n"
    "small circles, edges labelled by kind (Next, rule i, Default, Catch i [errors],\n"
    "Retry i xN [errors], Uncaught, ...), Parallel branches and Map item processors as\n"
    "nested clusters (Graphviz DOT, the default, or a Mermaid flowchart).\n"
    "\n"
    "options:\n"
    "  --format dot|mermaid  output language (default dot)\n"
    "  -o, --output FILE     write to FILE instead of standard output\n"
    "  --title TEXT          graph title\n"
    "  --coverage FILE       colour states and edges by the hits recorded in a\n"
    "                        coverage file (stepsim run/test/explore --coverage-out):\n"
    "                        green covered, red never taken\n"
    "\n"
    "Exit status: 0 when done, 2 for bad usage, a definition that cannot be loaded or\n"
    "an output file that cannot be written.\n";

enum class Format { kDot, kMermaid };

struct GraphArgs {
  std::string definition;
  Format format = Format::kDot;
  std::optional<std::string> output;
  std::optional<std::string> title;
  std::optional<std::string> coverage;
};

// 0: parsed; 1: --help printed; 2: usage error printed.
int ParseArgs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              GraphArgs* graph) {
  std::vector<std::string> positional;
  internal::ArgParser p("stepsim graph", kGraphUsage, args, out, err);
  while (p.Next()) {
    if (p.Help()) return 1;
    if (p.flag() == "--format") {
      std::string format;
      if (!p.FormatValue("dot", "mermaid", &format)) return 2;
      graph->format = format == "dot" ? Format::kDot : Format::kMermaid;
    } else if (p.flag() == "-o" || p.flag() == "--output") {
      if (!p.Value(&graph->output)) return 2;
    } else if (p.flag() == "--coverage") {
      if (!p.Value(&graph->coverage)) return 2;
    } else if (p.flag() == "--title") {
      if (!p.Value(&graph->title)) return 2;
    } else if (p.IsOption()) {
      p.UnknownOption(p.flag());
      return 2;
    } else {
      positional.push_back(p.flag());
    }
  }
  if (!p.OneDefinition(positional, &graph->definition)) return 2;
  return 0;
}

// Renders `graph` with `style` and writes it where `args` says; the one place
// output happens, so that a caller can plug any RenderStyle in (coverage
// colours, say).
int WriteGraph(const GraphArgs& args, const analysis::Graph& graph,
               const analysis::RenderStyle& style, std::ostream& out, std::ostream& err) {
  const std::string text = args.format == Format::kDot ? analysis::RenderDot(graph, style)
                                                       : analysis::RenderMermaid(graph, style);
  return internal::WriteOutput(args.output, text, out, err) ? 0 : 2;
}

// The style every rendering starts from: the title. Coverage colours are
// added on top of it by the caller.
analysis::RenderStyle BaseStyle(const GraphArgs& args) {
  analysis::RenderStyle style;
  if (args.title) style.title = *args.title;
  return style;
}

}  // namespace

int GraphCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  GraphArgs graph_args;
  if (const int parsed = ParseArgs(args, out, err, &graph_args); parsed != 0) {
    return parsed == 1 ? 0 : 2;
  }
  const auto definition = internal::LoadDefinitionOrReport(graph_args.definition, err,
                                                           internal::ShownDiagnostics::kErrorsOnly);
  if (definition == nullptr) return 2;
  const analysis::Graph graph = analysis::Graph::Build(*definition);
  analysis::RenderStyle style = BaseStyle(graph_args);
  if (graph_args.coverage) {
    report::CoverageData data;
    try {
      data = report::ReadCoverageFile(*graph_args.coverage);
    } catch (const UsageError& e) {
      err << e.what() << '\n';
      return 2;
    }
    std::string text;
    internal::ReadFile(graph_args.definition, &text);
    const std::string digest = report::Sha256Digest(text);
    // The same path and version first; else the same version recorded under
    // another path (a relative path from another directory, say).
    const report::DefinitionCoverage* found =
        report::FindDefinition(data, graph_args.definition, digest);
    for (const auto& d : data.definitions) {
      if (found == nullptr && d.digest == digest) found = &d;
    }
    if (found == nullptr) {
      err << *graph_args.coverage << ": error[COVERAGE_NOT_FOUND]: /definitions: no coverage of "
          << graph_args.definition << " (" << digest << ") in this file\n";
      return 2;
    }
    analysis::RenderStyle colours = report::StyleFromCoverage(*found, graph);
    colours.title = style.title;
    style = std::move(colours);
  }
  return WriteGraph(graph_args, graph, style, out, err);
}

}  // namespace stepsim::cli
