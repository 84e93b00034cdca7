#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/json_source.h>
#include <stepsim/error.h>
#include <stepsim/report/coverage.h>
#include <stepsim/test/junit.h>
#include <stepsim/test/scenario.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli_util.h"
#include "commands.h"

namespace stepsim::cli {
namespace {

using Json = nlohmann::json;

constexpr const char* kTestUsage =
    "usage: stepsim test SUITE... [options]\n"
    "\n"
    "Runs scenario files (framework/SCENARIOS.md) and prints a gtest-like summary. A Step\n"
    "Functions Local MockConfigFile runs as a suite too (with --definition): each test case\n"
    "is a scenario that passes when its execution ends.\n"
    "\n"
    "options:\n"
    "  --junit FILE          also write a JUnit XML report (GitLab, Jenkins, GitHub Actions)\n"
    "  --filter GLOB         run only the scenarios whose name matches; * and ? wildcards,\n"
    "                        several patterns separated by ':', a leading '-' excludes\n"
    "  --definition FILE     the definition MockConfigFile suites run\n"
    "  --input FILE          the input of every MockConfigFile test case (default: {})\n"
    "  --state-machine NAME  the MockConfigFile state machine (default: its only one)\n"
    "  --coverage-out FILE   also write the coverage of every scenario run\n"
    "                        (reports/COVERAGE.md; hits are attributed to SUITE:NAME)\n"
    "\n"
    "Exit status: 0 when every scenario passed, 1 when one failed, 2 for bad usage or a\n"
    "file that cannot be loaded.\n";

struct TestArgs {
  std::vector<std::string> suites;
  std::optional<std::string> junit;
  std::optional<std::string> filter;
  std::optional<std::string> definition;
  std::optional<std::string> input;
  std::optional<std::string> state_machine;
  std::optional<std::string> coverage_out;
};

// Glob match with * and ?.
bool Glob(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool Selected(const std::optional<std::string>& filter, const std::string& name) {
  if (!filter) return true;
  bool any_positive = false;
  bool positive_match = false;
  std::size_t start = 0;
  const std::string& f = *filter;
  for (;;) {
    const std::size_t end = f.find(':', start);
    const std::string pattern = f.substr(start, end == std::string::npos ? end : end - start);
    if (!pattern.empty() && pattern[0] == '-') {
      if (Glob(std::string_view(pattern).substr(1), name)) return false;
    } else if (!pattern.empty()) {
      any_positive = true;
      positive_match = positive_match || Glob(pattern, name);
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return !any_positive || positive_match;
}

int ParseArgs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              TestArgs* test) {
  internal::ArgParser p("stepsim test", kTestUsage, args, out, err);
  while (p.Next()) {
    if (p.Help()) return 1;
    bool ok = true;
    if (p.flag() == "--junit") {
      ok = p.Value(&test->junit);
    } else if (p.flag() == "--filter") {
      ok = p.Value(&test->filter);
    } else if (p.flag() == "--definition") {
      ok = p.Value(&test->definition);
    } else if (p.flag() == "--input") {
      ok = p.Value(&test->input);
    } else if (p.flag() == "--state-machine") {
      ok = p.Value(&test->state_machine);
    } else if (p.flag() == "--coverage-out") {
      ok = p.Value(&test->coverage_out);
    } else if (p.IsLongOption()) {
      p.UnknownOption(p.flag());
      return 2;
    } else {
      test->suites.push_back(p.flag());
    }
    if (!ok) return 2;
  }
  if (test->suites.empty()) {
    err << "stepsim test: missing SUITE\n" << kTestUsage;
    return 2;
  }
  return 0;
}

// A MockConfigFile has StateMachines and no Scenarios.
bool LooksLikeMockConfig(const std::string& text) {
  try {
    const asl::ParsedJson parsed = asl::ParseJsonWithPositions(text);
    return parsed.value.is_object() && parsed.value.contains("StateMachines") &&
           !parsed.value.contains("Scenarios");
  } catch (const asl::JsonSyntaxError&) {
    return false;
  }
}

std::string Plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

int TestCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  TestArgs opts;
  if (const int parsed = ParseArgs(args, out, err, &opts); parsed != 0) {
    return parsed == 1 ? 0 : parsed;
  }

  std::optional<Json> mock_input;
  if (opts.input) {
    std::string text;
    if (!internal::ReadFile(*opts.input, &text)) {
      err << *opts.input << ": error[FILE_NOT_READABLE]: cannot read the file\n";
      return 2;
    }
    try {
      mock_input = Json(asl::ParseJsonWithPositions(text).value);
    } catch (const asl::JsonSyntaxError& e) {
      err << *opts.input << ":" << e.position().line << ":" << e.position().column
          << ": error[INVALID_JSON]: not valid JSON: " << e.what() << '\n';
      return 2;
    }
  }

  // Load every suite first: a broken file stops the run before anything runs.
  std::vector<test::ScenarioSuite> suites;
  std::vector<bool> mock_suites;
  bool load_failed = false;
  for (const std::string& path : opts.suites) {
    std::string text;
    const bool readable = internal::ReadFile(path, &text);
    try {
      if (readable && LooksLikeMockConfig(text)) {
        if (!opts.definition) {
          err << "stepsim test: " << path
              << " is a MockConfigFile; give the definition it runs with --definition FILE\n";
          return 2;
        }
        test::MockSuiteOptions options;
        options.input = mock_input;
        options.state_machine = opts.state_machine;
        suites.push_back(test::SuiteFromMockConfig(path, *opts.definition, options));
        mock_suites.push_back(true);
      } else {
        suites.push_back(test::LoadScenarioFile(path));
        mock_suites.push_back(false);
      }
      internal::PrintDiagnostics(suites.back().warnings, err);
    } catch (const asl::DefinitionError& e) {
      internal::PrintDiagnostics(e.diagnostics(), err);
      load_failed = true;
    } catch (const UsageError& e) {
      err << "stepsim test: " << e.what() << '\n';
      return 2;
    }
  }
  if (load_failed) return 2;

  // One coverage collector per definition file (inline definitions: one per
  // suite). The digest is of the file's text, as every stepsim collector
  // makes it, so these files merge with those of run and of test binaries.
  std::map<std::string, std::unique_ptr<report::CoverageCollector>> collectors;
  std::vector<report::CoverageCollector*> suite_collector(suites.size(), nullptr);
  if (opts.coverage_out) {
    for (std::size_t s = 0; s < suites.size(); ++s) {
      const test::ScenarioSuite& suite = suites[s];
      const std::string key =
          suite.definition_file.empty() ? suite.file + "#/Definition" : suite.definition_file;
      auto& collector = collectors[key];
      if (!collector) {
        std::string text;
        if (!suite.definition_file.empty() && !internal::ReadFile(suite.definition_file, &text)) {
          err << suite.definition_file << ": error[FILE_NOT_READABLE]: cannot read the file\n";
          return 2;
        }
        collector = std::make_unique<report::CoverageCollector>(suite.definition, key, text);
      }
      suite_collector[s] = collector.get();
    }
  }

  std::size_t total = 0;
  for (const test::ScenarioSuite& suite : suites) {
    for (const test::Scenario& scenario : suite.scenarios) {
      if (Selected(opts.filter, scenario.name)) ++total;
    }
  }
  out << "[==========] Running " << Plural(total, "scenario") << " from "
      << Plural(suites.size(), "suite") << ".\n";

  std::vector<test::JUnitSuite> junit;
  std::vector<std::string> failed;
  std::int64_t all_millis = 0;
  for (std::size_t s = 0; s < suites.size(); ++s) {
    const test::ScenarioSuite& suite = suites[s];
    std::size_t count = 0;
    for (const test::Scenario& scenario : suite.scenarios) {
      if (Selected(opts.filter, scenario.name)) ++count;
    }
    test::JUnitSuite report;
    report.name = suite.file;
    out << "[----------] " << Plural(count, "scenario") << " from " << suite.file << '\n';
    std::int64_t suite_millis = 0;
    for (const test::Scenario& scenario : suite.scenarios) {
      if (!Selected(opts.filter, scenario.name)) continue;
      out << "[ RUN      ] " << scenario.name << '\n';
      test::ScenarioResult result;
      std::vector<sim::ExecutionListener*> listeners;
      if (suite_collector[s] != nullptr) {
        suite_collector[s]->BeginTest(suite.file + ":" + scenario.name);
        listeners.push_back(suite_collector[s]);
      }
      try {
        result = test::RunScenario(suite, scenario, listeners);
      } catch (const std::exception& e) {
        err << "stepsim test: " << suite.file << ": " << scenario.name << ": " << e.what() << '\n';
        return 2;
      }
      const std::int64_t millis = result.execution.elapsed().count();
      suite_millis += millis;
      if (mock_suites[s]) {
        out << "             status " << sim::ToString(result.execution.status);
        if (result.execution.error) out << ", error " << *result.execution.error;
        out << '\n';
      }
      test::JUnitCase junit_case;
      junit_case.name = scenario.name;
      junit_case.classname = suite.file;
      junit_case.millis = millis;
      if (result.passed) {
        out << "[       OK ] " << scenario.name << " (" << millis << " virtual ms)\n";
      } else {
        const std::string description = result.Describe();
        out << description;
        out << "[  FAILED  ] " << scenario.name << " (" << millis << " virtual ms)\n";
        junit_case.failure_message = result.failures.front();
        junit_case.failure_text = description;
        failed.push_back(scenario.name);
      }
      report.cases.push_back(std::move(junit_case));
    }
    out << "[----------] " << Plural(count, "scenario") << " from " << suite.file << " ("
        << suite_millis << " virtual ms total)\n\n";
    all_millis += suite_millis;
    junit.push_back(std::move(report));
  }
  out << "[==========] " << Plural(total, "scenario") << " from " << Plural(suites.size(), "suite")
      << " ran. (" << all_millis << " virtual ms total)\n";
  out << "[  PASSED  ] " << Plural(total - failed.size(), "scenario") << ".\n";
  if (!failed.empty()) {
    out << "[  FAILED  ] " << Plural(failed.size(), "scenario") << ", listed below:\n";
    for (const std::string& name : failed) out << "[  FAILED  ] " << name << '\n';
    out << '\n' << failed.size() << " FAILED SCENARIO" << (failed.size() == 1 ? "" : "S") << '\n';
  }
  if (total == 0 && opts.filter) {
    err << "stepsim test: no scenario matches --filter \"" << *opts.filter << "\"\n";
  }

  if (opts.coverage_out) {
    report::CoverageData data;
    for (const auto& [key, collector] : collectors) report::MergeInto(data, collector->Data());
    if (!internal::WriteCoverageOrReport(*opts.coverage_out, data, "stepsim test", err)) return 2;
  }

  if (opts.junit) {
    if (!internal::WriteFile(*opts.junit, test::JUnitXml(junit))) {
      err << "stepsim test: cannot write the JUnit report to \"" << *opts.junit << "\"\n";
      return 2;
    }
  }
  out.flush();
  return failed.empty() ? 0 : 1;
}

}  // namespace stepsim::cli
