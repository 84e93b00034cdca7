#include <stepsim/analysis/graph.h>
#include <stepsim/analysis/lint.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"

namespace stepsim::cli {
namespace {

constexpr const char* kLintUsage =
    "usage: stepsim lint DEFINITION... [--format text|json] [--long-retry-seconds N]\n"
    "\n"
    "Analyses each definition's graph and prints one line per finding\n"
    "(FILE:LINE:COL: severity[CODE]: /pointer: message):\n"
    "  UNREACHABLE_STATE        no transition that can be taken enters the state\n"
    "  NO_TERMINAL_REACHABLE    no end of the workflow or branch can be reached\n"
    "  LOOP_WITHOUT_EXIT        a loop only an uncaught error (or nothing) can leave\n"
    "  LOOP_EXIT_NEVER_CHANGES  a loop whose Choice exits test data the loop never changes\n"
    "  CHOICE_WITHOUT_DEFAULT   a Choice that fails with States.NoChoiceMatched\n"
    "  UNCAUGHT_ERROR           errors of a Task/Parallel/Map state fail the execution\n"
    "  SHADOWED_RETRIER         a retrier earlier retriers always pre-empt\n"
    "  SHADOWED_CATCHER         a catcher earlier catchers always pre-empt\n"
    "  LONG_RETRY_TOTAL         (info) a States.ALL retrier waiting more than N seconds\n"
    "                           in total (--long-retry-seconds, default 3600)\n"
    "\n"
    "--format json prints {file, result, diagnostics} per file (an array for several).\n"
    "\n"
    "Exit status: 0 when no finding is a warning, 1 when some is, 2 for bad usage or a\n"
    "definition that cannot be loaded (its diagnostics are printed).\n";

struct LintArgs {
  std::vector<std::string> files;
  bool json = false;
  analysis::LintOptions options;
};

// 0: parsed; 1: --help printed; 2: usage error printed.
int ParseArgs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              LintArgs* lint) {
  internal::ArgParser p("stepsim lint", kLintUsage, args, out, err);
  while (p.Next()) {
    if (p.Help()) return 1;
    if (p.flag() == "--format") {
      std::string format;
      if (!p.FormatValue("text", "json", &format)) return 2;
      lint->json = format == "json";
    } else if (p.flag() == "--long-retry-seconds") {
      std::string text;
      if (!p.Value(&text)) return 2;
      double seconds = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
          !std::isfinite(seconds) || seconds < 0) {
        err << "stepsim lint: --long-retry-seconds needs a non-negative number, got \"" << text
            << "\"\n";
        return 2;
      }
      lint->options.long_retry_seconds = seconds;
    } else if (p.IsLongOption()) {
      p.UnknownOption(p.flag());
      return 2;
    } else {
      lint->files.push_back(p.flag());
    }
  }
  if (lint->files.empty()) {
    err << "stepsim lint: missing DEFINITION\n" << kLintUsage;
    return 2;
  }
  return 0;
}

}  // namespace

int LintCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  LintArgs lint;
  if (const int parsed = ParseArgs(args, out, err, &lint); parsed != 0) return parsed == 1 ? 0 : 2;

  bool unloadable = false;
  bool findings = false;
  nlohmann::json reports = nlohmann::json::array();
  for (const std::string& file : lint.files) {
    std::vector<asl::Diagnostic> diagnostics;
    std::string result;
    try {
      const auto definition = asl::LoadFile(file);
      const analysis::Graph graph = analysis::Graph::Build(*definition);
      diagnostics = analysis::Lint(graph, lint.options);
      const bool warned = std::any_of(diagnostics.begin(), diagnostics.end(), [](const auto& d) {
        return d.severity != asl::Severity::kInfo;
      });
      findings = findings || warned;
      result = warned ? "FINDINGS" : "OK";
    } catch (const asl::DefinitionError& e) {
      unloadable = true;
      result = "UNLOADABLE";
      for (const asl::Diagnostic& d : e.diagnostics()) {
        if (d.severity == asl::Severity::kError) diagnostics.push_back(d);
      }
    }
    if (lint.json) {
      nlohmann::json report;
      report["file"] = file;
      report["result"] = result;
      report["diagnostics"] = diagnostics;
      reports.push_back(std::move(report));
      continue;
    }
    std::ostream& stream = result == "UNLOADABLE" ? err : out;
    for (const asl::Diagnostic& d : diagnostics) stream << asl::FormatDiagnostic(d) << '\n';
    if (result == "OK" && diagnostics.empty()) err << file << ": no findings\n";
  }
  if (lint.json) out << (reports.size() == 1 ? reports[0] : reports).dump(2) << '\n';
  if (unloadable) return 2;
  return findings ? 1 : 0;
}

}  // namespace stepsim::cli
