#include <stepsim/analysis/graph.h>
#include <stepsim/analysis/render.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>
#include <stepsim/report/coverage.h>
#include <stepsim/report/writers.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

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
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (flag.rfind("--", 0) == 0) {
      const auto eq = flag.find('=');
      if (eq != std::string::npos) {
        inline_value = flag.substr(eq + 1);
        flag.resize(eq);
      }
    }
    const auto value = [&](std::string* target) {
      if (inline_value) {
        *target = *inline_value;
        return true;
      }
      if (i + 1 == args.size()) {
        err << "stepsim graph: " << flag << " needs a value\n";
        return false;
      }
      *target = args[++i];
      return true;
    };
    if (flag == "--help" || flag == "-h") {
      out << kGraphUsage;
      return 1;
    }
    if (flag == "--format") {
      std::string format;
      if (!value(&format)) return 2;
      if (format != "dot" && format != "mermaid") {
        err << "stepsim graph: unknown format \"" << format << "\" (expected dot or mermaid)\n";
        return 2;
      }
      graph->format = format == "dot" ? Format::kDot : Format::kMermaid;
    } else if (flag == "-o" || flag == "--output") {
      std::string file;
      if (!value(&file)) return 2;
      graph->output = file;
    } else if (flag == "--coverage") {
      std::string file;
      if (!value(&file)) return 2;
      graph->coverage = file;
    } else if (flag == "--title") {
      std::string title;
      if (!value(&title)) return 2;
      graph->title = title;
    } else if (flag.rfind('-', 0) == 0 && flag != "-") {
      err << "stepsim graph: unknown option \"" << flag << "\"\n" << kGraphUsage;
      return 2;
    } else {
      positional.push_back(flag);
    }
  }
  if (positional.size() != 1) {
    err << (positional.empty() ? std::string("stepsim graph: missing DEFINITION\n")
                               : "stepsim graph: expected one DEFINITION, got " +
                                     std::to_string(positional.size()) + "\n")
        << kGraphUsage;
    return 2;
  }
  graph->definition = positional[0];
  return 0;
}

// Renders `graph` with `style` and writes it where `args` says; the one place
// output happens, so that a caller can plug any RenderStyle in (coverage
// colours, say).
int WriteGraph(const GraphArgs& args, const analysis::Graph& graph,
               const analysis::RenderStyle& style, std::ostream& out, std::ostream& err) {
  const std::string text = args.format == Format::kDot ? analysis::RenderDot(graph, style)
                                                       : analysis::RenderMermaid(graph, style);
  if (!args.output) {
    out << text;
    return 0;
  }
  std::ofstream file(*args.output, std::ios::binary);
  file << text;
  file.close();
  if (!file) {
    asl::Diagnostic d;
    d.file = *args.output;
    d.code = "FILE_NOT_WRITABLE";
    d.message = "cannot write the file";
    err << asl::FormatDiagnostic(d) << '\n';
    return 2;
  }
  return 0;
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
  std::shared_ptr<const asl::Definition> definition;
  try {
    definition = asl::LoadFile(graph_args.definition);
  } catch (const asl::DefinitionError& e) {
    for (const asl::Diagnostic& d : e.diagnostics()) {
      if (d.severity == asl::Severity::kError) err << asl::FormatDiagnostic(d) << '\n';
    }
    return 2;
  }
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
    std::ifstream in(graph_args.definition, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
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
