#include <stepsim/report/coverage.h>
#include <stepsim/report/writers.h>

#include <optional>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"

namespace stepsim::cli {
namespace {

constexpr const char* kCoverageUsage =
    "usage: stepsim coverage report FILE... [options]\n"
    "       stepsim coverage merge FILE... -o OUT\n"
    "\n"
    "FILE is a stepsim coverage file (\"stepsim-coverage/1\", reports/COVERAGE.md) written by\n"
    "--coverage-out of run, test and explore or by a GoogleTest binary. Several files are\n"
    "merged first: hits add up, tests unite, different versions of a definition stay apart.\n"
    "\n"
    "report prints, per definition, covered/total per criterion (states, transitions,\n"
    "choices, retries, catches, errors) and every uncovered obligation as file:line:col,\n"
    "with the input and task outcomes that would cover it (stepsim generate's synthesis).\n"
    "  --lcov FILE           also write an lcov tracefile (genhtml --branch-coverage)\n"
    "  --cobertura FILE      also write Cobertura XML (coverage-04.dtd)\n"
    "  --html DIR            also write DIR/index.html, the graph coloured by hits\n"
    "  --json FILE           also write the merged coverage file\n"
    "  --fail-under SPEC     e.g. states=100,transitions=100,choices=90,retries=100,\n"
    "                        catches=100,errors=80: exit 1, listing what is missing, when a\n"
    "                        definition is below any of them\n"
    "  --test-name NAME      the lcov TN: name (default: stepsim)\n"
    "  --title TEXT          the HTML page title (default: stepsim coverage)\n"
    "\n"
    "merge writes the merged coverage file:\n"
    "  -o, --output FILE     where to write it (required)\n"
    "\n"
    "Exit status: 0 done, 1 below a --fail-under threshold, 2 bad usage or a file that\n"
    "cannot be read or written.\n";

struct CoverageArgs {
  std::string action;
  std::vector<std::string> files;
  std::optional<std::string> lcov;
  std::optional<std::string> cobertura;
  std::optional<std::string> html;
  std::optional<std::string> json;
  std::optional<std::string> output;
  std::optional<std::string> fail_under;
  std::string test_name = "stepsim";
  std::string title = "stepsim coverage";
};

// Returns 0 when parsed, 2 after printing a usage error, 1 for --help.
int ParseArgs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              CoverageArgs* parsed) {
  std::vector<std::string> positional;
  internal::ArgParser p("stepsim coverage", kCoverageUsage, args, out, err);
  while (p.Next()) {
    const std::string& flag = p.flag();
    if (p.Help()) return 1;
    bool ok = true;
    if (flag == "--lcov") {
      ok = p.Value(&parsed->lcov);
    } else if (flag == "--cobertura") {
      ok = p.Value(&parsed->cobertura);
    } else if (flag == "--html") {
      ok = p.Value(&parsed->html);
    } else if (flag == "--json") {
      ok = p.Value(&parsed->json);
    } else if (flag == "-o" || flag == "--output") {
      ok = p.Value(&parsed->output);
    } else if (flag == "--fail-under") {
      ok = p.Value(&parsed->fail_under);
    } else if (flag == "--test-name") {
      ok = p.Value(&parsed->test_name);
    } else if (flag == "--title") {
      ok = p.Value(&parsed->title);
    } else if (p.IsOption()) {
      p.UnknownOption(flag);
      return 2;
    } else {
      positional.push_back(flag);
    }
    if (!ok) return 2;
  }
  if (positional.empty()) {
    err << "stepsim coverage: missing action (report or merge)\n" << kCoverageUsage;
    return 2;
  }
  parsed->action = positional[0];
  parsed->files.assign(positional.begin() + 1, positional.end());
  if (parsed->action != "report" && parsed->action != "merge") {
    err << "stepsim coverage: unknown action \"" << parsed->action
        << "\" (expected report or merge)\n"
        << kCoverageUsage;
    return 2;
  }
  if (parsed->files.empty()) {
    err << "stepsim coverage " << parsed->action << ": missing FILE\n" << kCoverageUsage;
    return 2;
  }
  const bool report = parsed->action == "report";
  if (!report && !parsed->output) {
    err << "stepsim coverage merge: missing -o OUT\n";
    return 2;
  }
  if (report && parsed->output) {
    err << "stepsim coverage report: -o is for merge; use --json FILE\n";
    return 2;
  }
  if (!report &&
      (parsed->lcov || parsed->cobertura || parsed->html || parsed->json || parsed->fail_under)) {
    err << "stepsim coverage merge: takes only FILE... and -o OUT\n";
    return 2;
  }
  return 0;
}

bool WriteText(const std::string& path, const std::string& text, std::ostream& err) {
  if (!internal::WriteFile(path, text)) {
    err << "stepsim coverage: cannot write \"" << path << "\"\n";
    return false;
  }
  return true;
}

}  // namespace

int CoverageCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CoverageArgs parsed;
  if (const int code = ParseArgs(args, out, err, &parsed); code != 0) return code == 1 ? 0 : code;

  std::optional<report::Thresholds> thresholds;
  if (parsed.fail_under) {
    try {
      thresholds = report::ParseThresholds(*parsed.fail_under);
    } catch (const UsageError& e) {
      err << "stepsim coverage: " << e.what() << '\n';
      return 2;
    }
  }

  report::CoverageData data;
  bool read_all = true;
  for (const std::string& file : parsed.files) {
    try {
      report::MergeInto(data, report::ReadCoverageFile(file));
    } catch (const UsageError& e) {
      err << e.what() << '\n';
      read_all = false;
    }
  }
  if (!read_all) return 2;

  if (parsed.action == "merge") {
    if (!internal::WriteCoverageOrReport(*parsed.output, data, "stepsim coverage merge", err)) {
      return 2;
    }
    out << "merged " << parsed.files.size() << (parsed.files.size() == 1 ? " file" : " files")
        << " (" << data.definitions.size()
        << (data.definitions.size() == 1 ? " definition" : " definitions") << ") into "
        << *parsed.output << '\n';
    return 0;
  }

  // Every uncovered obligation comes with the input and task outcomes that
  // would cover it, found by witness synthesis.
  const report::WitnessFn witness = report::WitnessHints();
  report::TextOptions text_options;
  text_options.witness = witness;
  out << report::FormatText(data, text_options);
  bool written = true;
  if (parsed.json) {
    written = WriteText(*parsed.json, report::ToCanonicalText(data), err) && written;
  }
  if (parsed.lcov) {
    report::LcovOptions options;
    options.test_name = parsed.test_name;
    written = WriteText(*parsed.lcov, report::FormatLcov(data, options), err) && written;
  }
  if (parsed.cobertura) {
    written = WriteText(*parsed.cobertura, report::FormatCobertura(data), err) && written;
  }
  if (parsed.html) {
    try {
      report::HtmlOptions options;
      options.title = parsed.title;
      options.witness = witness;
      report::WriteHtmlReport(*parsed.html, data, options);
    } catch (const UsageError& e) {
      err << "stepsim coverage: " << e.what() << '\n';
      written = false;
    }
  }
  if (!written) return 2;

  if (thresholds) {
    const auto failures = report::CheckThresholds(data, *thresholds);
    if (!failures.empty()) {
      out << '\n' << report::FormatThresholdFailures(failures);
      out.flush();
      return 1;
    }
  }
  out.flush();
  return 0;
}

}  // namespace stepsim::cli
