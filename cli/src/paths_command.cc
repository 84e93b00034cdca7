#include <stepsim/analysis/graph.h>
#include <stepsim/analysis/paths.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>

#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"

namespace stepsim::cli {
namespace {

constexpr const char* kPathsUsage =
    "usage: stepsim paths DEFINITION [--max-loop K] [--max-paths N] [--count-only]\n"
    "                    [--no-expand-retries] [--format text|json]\n"
    "\n"
    "Counts the paths from the start to an end of the workflow, exactly however many\n"
    "there are, in total and per outcome (status, error and last state), then lists\n"
    "them one per line, depth first in definition order:\n"
    "  SUCCEEDED|FAILED [error]: State [how it is left] -> ... -> (succeed)|(fail)\n"
    "Retries are listed as 0..MaxAttempts retries and exhaustion ('retry 0 x2 exhausted').\n"
    "\n"
    "options:\n"
    "  --max-loop K           go round a loop at most K times (default 1); counting\n"
    "                         takes each loop once per way in and way out\n"
    "  --max-paths N          stop listing after N paths (default 1000, 0: no limit)\n"
    "  --count-only           print the counts only\n"
    "  --no-expand-retries    take each retrier 0 or 1 times (or exhaust it)\n"
    "  --format text|json     json: {file, counts: {succeeded, failed, total, outcomes:\n"
    "                         [{status, error, state, count}]} with counts as decimal\n"
    "                         strings, paths: [{status, error, states, edges}], listed,\n"
    "                         truncated}\n"
    "\n"
    "Exit status: 0 when done, 2 for bad usage or a definition that cannot be loaded.\n";

struct PathsArgs {
  std::string definition;
  analysis::PathOptions options;
  bool count_only = false;
  bool json = false;
};

bool ParseCount(const std::string& text, std::uint64_t* value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

// 0: parsed; 1: --help printed; 2: usage error printed.
int ParseArgs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              PathsArgs* paths) {
  std::vector<std::string> positional;
  paths->options.max_paths = 1000;
  internal::ArgParser p("stepsim paths", kPathsUsage, args, out, err);
  while (p.Next()) {
    if (p.Help()) return 1;
    if (p.flag() == "--format") {
      std::string format;
      if (!p.FormatValue("text", "json", &format)) return 2;
      paths->json = format == "json";
    } else if (p.flag() == "--max-loop" || p.flag() == "--max-paths") {
      std::string text;
      if (!p.Value(&text)) return 2;
      std::uint64_t n = 0;
      const bool loop = p.flag() == "--max-loop";
      if (!ParseCount(text, &n) || (loop && n > 1000)) {
        err << "stepsim paths: " << p.flag() << " needs a non-negative integer"
            << (loop ? " up to 1000" : "") << ", got \"" << text << "\"\n";
        return 2;
      }
      if (loop) {
        paths->options.max_loop = static_cast<int>(n);
      } else {
        paths->options.max_paths = static_cast<std::size_t>(n);
      }
    } else if (p.flag() == "--count-only") {
      if (!p.NoValue()) return 2;
      paths->count_only = true;
    } else if (p.flag() == "--no-expand-retries") {
      if (!p.NoValue()) return 2;
      paths->options.expand_retries = false;
    } else if (p.IsLongOption()) {
      p.UnknownOption(p.flag());
      return 2;
    } else {
      positional.push_back(p.flag());
    }
  }
  if (!p.OneDefinition(positional, &paths->definition)) return 2;
  return 0;
}

}  // namespace

int PathsCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  PathsArgs paths;
  if (const int parsed = ParseArgs(args, out, err, &paths); parsed != 0) {
    return parsed == 1 ? 0 : 2;
  }
  const auto definition = internal::LoadDefinitionOrReport(paths.definition, err,
                                                           internal::ShownDiagnostics::kErrorsOnly);
  if (definition == nullptr) return 2;
  const analysis::Graph graph = analysis::Graph::Build(*definition);
  const analysis::PathCounts counts = analysis::CountPaths(graph, paths.options);

  std::size_t listed = 0;
  bool truncated = false;
  if (paths.json) {
    out << "{\n  \"file\": " << nlohmann::json(paths.definition).dump() << ",\n";
    out << "  \"counts\": " << nlohmann::json(counts).dump();
  } else {
    out << counts.total().str() << (counts.total() == 1 ? " path: " : " paths: ")
        << counts.succeeded.str() << " succeeded, " << counts.failed.str() << " failed\n";
    for (const analysis::OutcomeCount& o : counts.outcomes) {
      out << "  " << o.count.str() << (o.succeeded ? " SUCCEEDED" : " FAILED")
          << (o.error ? " " + *o.error : std::string()) << " ending at " << o.state << '\n';
    }
  }
  if (!paths.count_only) {
    if (paths.json) out << ",\n  \"paths\": [";
    // One more than the limit tells whether the listing was cut short.
    analysis::PathOptions options = paths.options;
    const std::size_t limit = options.max_paths;
    options.max_paths = 0;
    analysis::EnumeratePaths(graph, options, [&](const analysis::Path& path) {
      if (limit != 0 && listed == limit) {
        truncated = true;
        return false;
      }
      ++listed;
      if (paths.json) {
        out << (listed == 1 ? "\n    " : ",\n    ") << analysis::PathToJson(graph, path).dump();
      } else {
        out << listed << ". " << analysis::PathToText(graph, path) << '\n';
      }
      return true;
    });
    if (paths.json) {
      out << (listed == 0 ? "],\n" : "\n  ],\n") << "  \"listed\": " << listed
          << ",\n  \"truncated\": " << (truncated ? "true" : "false");
    } else if (truncated) {
      out << "listing stopped after " << listed << " paths (--max-paths " << limit
          << "; 0 lists all)\n";
    }
  }
  if (paths.json) out << "\n}\n";
  return 0;
}

}  // namespace stepsim::cli
