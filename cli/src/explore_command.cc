#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/json_source.h>
#include <stepsim/asl/loader.h>
#include <stepsim/error.h>
#include <stepsim/report/coverage.h>
#include <stepsim/sim/mock_config.h>
#include <stepsim/test/explore.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"

namespace stepsim::cli {
namespace {

using Json = nlohmann::json;

constexpr const char* kExploreUsage =
    "usage: stepsim explore DEFINITION [options]\n"
    "\n"
    "Generates task outcome scripts (and inputs) from a seed, runs each on the virtual\n"
    "clock, and reports executions that end in an error nobody allowed, States.Runtime,\n"
    "a limit, or a broken invariant, each shrunk to its shortest script and saved as a\n"
    "scenario file that `stepsim test` replays. Same options and seed, same output.\n"
    "\n"
    "options:\n"
    "  --runs N              executions to generate (default 100)\n"
    "  --seed S              seed of the generation and of every run (default 0)\n"
    "  --input FILE          input of every run (default: {})\n"
    "  --input-shape FILE    generate inputs from a JSON shape, e.g. {\"orderId\": \"string\",\n"
    "                        \"total\": {\"number\": [0, 100]}, \"tier\": {\"enum\": [\"a\", "
    "\"b\"]}}\n"
    "  --mock-config FILE    draw success results from this MockConfigFile's Return values\n"
    "                        (default: every Task returns {})\n"
    "  --allow-error NAME    an error an execution may end FAILED with (repeatable);\n"
    "                        executions ending in a Fail state are always allowed\n"
    "  --error NAME          also inject this error name into every Task (repeatable)\n"
    "  --invariant EXPR      must hold for every execution (repeatable):\n"
    "                          status==SUCCEEDED|FAILED   status!=TIMED_OUT\n"
    "                          error==A|B   error!=A      never:STATE\n"
    "                          output:$.path==JSON        output:$.path!=JSON\n"
    "                          elapsed<=SECONDS           states<=N\n"
    "  --max-latency SECONDS longest generated task latency (default 0; a Task with a\n"
    "                        TimeoutSeconds T always draws up to 1.5 T)\n"
    "  --out-dir DIR         where replay scenario files go (default: stepsim-findings)\n"
    "  --coverage-out FILE   also write the coverage of the generated runs\n"
    "                        (reports/COVERAGE.md; not of the shrinking runs)\n"
    "\n"
    "Exit status: 0 when nothing was found, 1 when a finding exists, 2 for bad usage or an\n"
    "input that cannot be loaded.\n";

struct ExploreArgs {
  std::string definition;
  std::int64_t runs = 100;
  std::uint64_t seed = 0;
  std::optional<std::string> input;
  std::optional<std::string> input_shape;
  std::optional<std::string> mock_config;
  std::vector<std::string> allowed;
  std::vector<std::string> errors;
  std::vector<std::string> invariants;
  double max_latency = 0;
  std::string out_dir = "stepsim-findings";
  std::optional<std::string> coverage_out;
};

bool LoadJson(const std::string& path, std::ostream& err, Json* out) {
  std::string text;
  if (!internal::ReadFile(path, &text)) {
    err << path << ": error[FILE_NOT_READABLE]: cannot read the file\n";
    return false;
  }
  try {
    *out = Json(asl::ParseJsonWithPositions(text).value);
    return true;
  } catch (const asl::JsonSyntaxError& e) {
    err << path << ":" << e.position().line << ":" << e.position().column
        << ": error[INVALID_JSON]: not valid JSON: " << e.what() << '\n';
    return false;
  }
}

int ParseArgs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              ExploreArgs* run) {
  std::vector<std::string> positional;
  internal::ArgParser p("stepsim explore", kExploreUsage, args, out, err);
  while (p.Next()) {
    const std::string& flag = p.flag();
    if (p.Help()) return 1;
    if (!p.IsLongOption()) {
      positional.push_back(flag);
      continue;
    }
    if (flag != "--runs" && flag != "--seed" && flag != "--input" && flag != "--input-shape" &&
        flag != "--mock-config" && flag != "--allow-error" && flag != "--error" &&
        flag != "--invariant" && flag != "--max-latency" && flag != "--out-dir" &&
        flag != "--coverage-out") {
      p.UnknownOption(flag);
      return 2;
    }
    std::string v;
    if (!p.Value(&v)) return 2;
    if (flag == "--runs") {
      if (!internal::ParseNumber(v, &run->runs) || run->runs < 1 || run->runs > 100000000) {
        err << "stepsim explore: --runs needs an integer from 1 to 100000000, got \"" << v
            << "\"\n";
        return 2;
      }
    } else if (flag == "--seed") {
      if (!internal::ParseNumber(v, &run->seed)) {
        err << "stepsim explore: --seed needs a non-negative integer, got \"" << v << "\"\n";
        return 2;
      }
    } else if (flag == "--input") {
      run->input = v;
    } else if (flag == "--input-shape") {
      run->input_shape = v;
    } else if (flag == "--mock-config") {
      run->mock_config = v;
    } else if (flag == "--allow-error") {
      run->allowed.push_back(v);
    } else if (flag == "--error") {
      run->errors.push_back(v);
    } else if (flag == "--invariant") {
      run->invariants.push_back(v);
    } else if (flag == "--max-latency") {
      const Json number = Json::parse(v, nullptr, false);
      if (number.is_discarded() || !number.is_number() || number.get<double>() < 0 ||
          number.get<double>() > 86400) {
        err << "stepsim explore: --max-latency needs a number of seconds from 0 to 86400, got \""
            << v << "\"\n";
        return 2;
      }
      run->max_latency = number.get<double>();
    } else if (flag == "--coverage-out") {
      run->coverage_out = v;
    } else {
      run->out_dir = v;
    }
  }
  if (!p.OneDefinition(positional, &run->definition)) return 2;
  if (run->input && run->input_shape) {
    err << "stepsim explore: give either --input or --input-shape, not both\n";
    return 2;
  }
  return 0;
}

std::string Compact(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A progress bar redrawn in place on a terminal.
void DrawBar(std::ostream& err, std::int64_t done, std::int64_t total, std::size_t findings) {
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(done * kWidth / total);
  err << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
      << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << done << '/' << total
      << " runs, " << findings << " finding" << (findings == 1 ? "" : "s") << std::flush;
}

}  // namespace

int ExploreCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ExploreArgs run;
  if (const int parsed = ParseArgs(args, out, err, &run); parsed != 0) {
    return parsed == 1 ? 0 : parsed;
  }

  test::ExploreOptions options;
  options.seed = run.seed;
  options.runs = run.runs;
  options.allowed_errors = run.allowed;
  options.space.extra_error_names = run.errors;
  options.space.max_latency =
      sim::Millis{static_cast<std::int64_t>(std::llround(run.max_latency * 1000))};
  for (const std::string& text : run.invariants) {
    try {
      options.invariants.push_back(test::Invariant::Parse(text));
    } catch (const UsageError& e) {
      err << "stepsim explore: " << e.what() << '\n';
      return 2;
    }
  }
  if (run.input && !LoadJson(*run.input, err, &options.input)) return 2;
  if (run.input_shape) {
    Json shape;
    if (!LoadJson(*run.input_shape, err, &shape)) return 2;
    std::vector<test::ScriptProblem> problems;
    if (!test::CheckShape(shape, "", &problems)) {
      for (const test::ScriptProblem& p : problems) {
        err << *run.input_shape << ": error[SHAPE_INVALID]: " << p.pointer << ": " << p.message
            << '\n';
      }
      return 2;
    }
    options.input_shape = shape;
  }

  std::shared_ptr<const asl::Definition> definition;
  try {
    definition = asl::LoadFile(run.definition);
    if (run.mock_config) {
      const sim::MockConfig mocks = sim::MockConfig::LoadFile(*run.mock_config);
      options.space.success_results = test::SuccessResultsFrom(mocks);
    }
  } catch (const asl::DefinitionError& e) {
    internal::PrintDiagnostics(e.diagnostics(), err);
    return 2;
  }

  std::optional<report::CoverageCollector> coverage;
  if (run.coverage_out) {
    std::string text;
    if (!internal::ReadFile(run.definition, &text)) {
      err << run.definition << ": error[FILE_NOT_READABLE]: cannot read the file\n";
      return 2;
    }
    coverage.emplace(definition, run.definition, text);
    coverage->BeginTest("explore --seed " + std::to_string(run.seed));
    options.listeners.push_back(&*coverage);
  }

  // A bar redrawn in place on a terminal; otherwise a plain line at every
  // tenth of the runs.
  const bool terminal = &err == &std::cerr && isatty(STDERR_FILENO) == 1;
  const std::int64_t step = std::max<std::int64_t>(1, run.runs / 10);
  std::size_t drawn_findings = 0;
  options.progress = [&](std::int64_t done, std::int64_t total, std::size_t findings) {
    if (terminal) {
      // Redraw about a hundred times, and whenever a finding appears.
      if (done == total || done % std::max<std::int64_t>(1, total / 100) == 0 ||
          findings != drawn_findings) {
        DrawBar(err, done, total, findings);
        drawn_findings = findings;
      }
      if (done == total) err << '\n';
    } else if (done % step == 0 || done == total) {
      err << "explored " << done << '/' << total << " runs, " << findings << " finding"
          << (findings == 1 ? "" : "s") << '\n';
    }
  };

  test::ExploreReport report;
  try {
    report = test::Explore(definition, options);
  } catch (const UsageError& e) {
    err << "stepsim explore: " << e.what() << '\n';
    return 2;
  }

  if (coverage) {
    if (!internal::WriteCoverageOrReport(*run.coverage_out, coverage->Data(), "stepsim explore",
                                         err))
      return 2;
  }

  out << "stepsim explore: " << report.runs << " runs of " << run.definition << ", seed "
      << report.seed << '\n';
  namespace fs = std::filesystem;
  if (!report.findings.empty()) {
    std::error_code ec;
    fs::create_directories(run.out_dir, ec);
    if (ec) {
      err << "stepsim explore: cannot create \"" << run.out_dir << "\": " << ec.message() << '\n';
      return 2;
    }
  }
  const std::string definition_ref =
      fs::absolute(run.definition)
          .lexically_normal()
          .lexically_relative(fs::absolute(run.out_dir).lexically_normal())
          .generic_string();
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    const test::Finding& finding = report.findings[i];
    const std::size_t number = i + 1;
    const std::string file =
        (fs::path(run.out_dir) / ("finding-" + std::to_string(number) + ".scenarios.json"))
            .generic_string();
    if (!internal::WriteFile(
            file,
            test::ReplayScenarioFile(report, finding, number, definition_ref).dump(2) + '\n')) {
      err << "stepsim explore: cannot write \"" << file << "\"\n";
      return 2;
    }
    std::string path;
    for (const std::string_view state : finding.execution.visited_states) {
      path += (path.empty() ? "" : " -> ") + std::string(state);
    }
    out << "\nfinding " << number << ": " << finding.title << '\n';
    out << "  first hit in run " << finding.run + 1 << ", shrunk in " << finding.shrinks
        << (finding.shrinks == 1 ? " step" : " steps") << " to " << finding.script.size()
        << " scripted answer" << (finding.script.size() == 1 ? "" : "s") << '\n';
    if (run.input_shape) out << "  input:  " << Compact(finding.input) << '\n';
    out << "  script: " << Compact(Json(finding.script)) << '\n';
    out << "  path:   " << (path.empty() ? "(no state entered)" : path) << '\n';
    out << "  status: " << sim::ToString(finding.execution.status);
    if (finding.execution.error) out << ", error " << *finding.execution.error;
    if (finding.execution.cause) out << " (" << *finding.execution.cause << ")";
    out << '\n';
    out << "  replay: stepsim test " << file << '\n';
  }
  out << '\n'
      << (report.findings.empty() ? std::string("no findings")
                                  : std::to_string(report.findings.size()) +
                                        (report.findings.size() == 1 ? " finding" : " findings"))
      << " in " << report.runs << " runs (seed " << report.seed << ")\n";
  out.flush();
  return report.findings.empty() ? 0 : 1;
}

}  // namespace stepsim::cli
