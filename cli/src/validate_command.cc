#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "commands.h"

namespace stepsim::cli {
namespace {

constexpr const char* kValidateUsage =
    "usage: stepsim validate FILE... [--format text|json]\n"
    "\n"
    "Prints one line per diagnostic (FILE:LINE:COL: severity[CODE]: /pointer: message).\n"
    "Exits 0 when no file has an error (warnings alone exit 0), 2 otherwise.\n";

bool ReadFile(const std::string& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  text->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int ValidateCommand(const std::vector<std::string>& args, std::ostream& out,
                    std::ostream& err) {
  std::vector<std::string> files;
  bool json = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      out << kValidateUsage;
      return 0;
    }
    if (a == "--format" || a.rfind("--format=", 0) == 0) {
      std::string value;
      if (a == "--format") {
        if (i + 1 == args.size()) {
          err << "stepsim validate: --format needs a value (text or json)\n";
          return 2;
        }
        value = args[++i];
      } else {
        value = a.substr(9);
      }
      if (value != "json" && value != "text") {
        err << "stepsim validate: unknown format \"" << value << "\" (expected text or json)\n";
        return 2;
      }
      json = value == "json";
      continue;
    }
    if (a.rfind("--", 0) == 0) {
      err << "stepsim validate: unknown option \"" << a << "\"\n" << kValidateUsage;
      return 2;
    }
    files.push_back(a);
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
    if (!ReadFile(file, &text)) {
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
