#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>

#include "cli_util.h"
#include "commands.h"

namespace stepsim::cli {
namespace {

constexpr const char* kValidateUsage =
    "usage: stepsim validate FILE... [--format text|json]\n"
    "\n"
    "Prints one line per diagnostic (FILE:LINE:COL: severity[CODE]: /pointer: message).\n"
    "Exits 0 when no file has an error (warnings alone exit 0), 2 otherwise.\n";

}  // namespace

int ValidateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> files;
  bool json = false;
  internal::ArgParser p("stepsim validate", kValidateUsage, args, out, err);
  while (p.Next()) {
    if (p.arg() == "--help" || p.arg() == "-h") {
      out << kValidateUsage;
      return 0;
    }
    if (p.flag() == "--format") {
      std::string format;
      if (!p.Value(&format, " (text or json)")) return 2;
      if (format != "json" && format != "text") {
        err << "stepsim validate: unknown format \"" << format << "\" (expected text or json)\n";
        return 2;
      }
      json = format == "json";
      continue;
    }
    if (p.IsLongOption()) {
      p.UnknownOption(p.arg());
      return 2;
    }
    files.push_back(p.arg());
  }
  if (files.empty()) {
    err << kValidateUsage;
    return 2;
  }

  bool any_error = false;
  nlohmann::json reports = nlohmann::json::array();
  for (const std::string& file : files) {
    std::vector<asl::Diagnostic> diagnostics;
    std::string text;
    if (!internal::ReadFile(file, &text)) {
      asl::Diagnostic d;
      d.code = "FILE_NOT_READABLE";
      d.message = "cannot read the file";
      d.file = file;
      diagnostics.push_back(d);
    } else {
      asl::LoadOptions options;
      options.file = file;
      diagnostics = asl::Validate(text, options);
    }
    const bool failed = asl::HasErrors(diagnostics);
    any_error = any_error || failed;
    if (json) {
      nlohmann::json report;
      report["file"] = file;
      report["result"] = failed ? "FAIL" : "OK";
      report["diagnostics"] = diagnostics;
      reports.push_back(std::move(report));
    } else {
      for (const asl::Diagnostic& d : diagnostics) out << asl::FormatDiagnostic(d) << '\n';
    }
  }
  if (json) {
    // One file: AWS's ValidateStateMachineDefinition shape; several: an array of them.
    out << (reports.size() == 1 ? reports[0] : reports).dump(2) << '\n';
  } else if (!any_error) {
    for (const std::string& file : files) err << file << ": OK\n";
  }
  return any_error ? 2 : 0;
}

}  // namespace stepsim::cli
