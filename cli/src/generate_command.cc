#include <stepsim/analysis/witness.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>

#include <cstdint>
#include <filesystem>
#include <iomanip>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli_util.h"
#include "commands.h"

namespace stepsim::cli {
namespace {

constexpr const char* kGenerateUsage =
    "usage: stepsim generate DEFINITION --out FILE [options]\n"
    "\n"
    "Synthesises execution inputs and task outcomes that drive DEFINITION down its\n"
    "paths, runs each candidate in the simulator and writes the ones that verify.\n"
    "\n"
    "options:\n"
    "  --out FILE                  where to write the suite (required)\n"
    "  --format scenarios|gtest    scenarios: a scenario file for `stepsim test` (default);\n"
    "                              gtest: a GoogleTest source using the stepsim::test harness\n"
    "  --all-paths                 one scenario per path of the top-level states (retries\n"
    "                              expanded, loops unrolled --max-loop times) instead of the\n"
    "                              smallest covering set\n"
    "  --max-loop K                with --all-paths: loop unrolling bound (default 1)\n"
    "  --max-paths N               with --all-paths: stop after N paths (default 1000)\n"
    "  --seed N                    seed of every run, written into the suite (default 0)\n"
    "  --test-suite NAME           gtest: the TEST suite name (default: from the file name)\n"
    "\n"
    "Prints the number of scenarios written, the obligations covered, and each obligation\n"
    "no verified scenario covers with the reason.\n"
    "\n"
    "Exit status: 0 when the suite was written, 1 when no scenario verified (nothing is\n"
    "written), 2 for bad usage, a definition that cannot be loaded or an output file that\n"
    "cannot be written.\n";

struct GenerateArgs {
  std::string definition;
  std::string out;
  bool gtest = false;
  bool all_paths = false;
  int max_loop = 1;
  std::uint64_t max_paths = 1000;
  std::uint64_t seed = 0;
  std::string test_suite;
};

// 0 parsed, 1 --help printed, 2 usage error printed.
int ParseArgs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              GenerateArgs* g) {
  std::vector<std::string> positional;
  std::optional<std::string> format;
  internal::ArgParser p("stepsim generate", kGenerateUsage, args, out, err);
  while (p.Next()) {
    if (p.Help()) return 1;
    if (p.flag() == "--all-paths") {
      if (!p.NoValue()) return 2;
      g->all_paths = true;
      continue;
    }
    std::string v;
    if (p.flag() == "--out") {
      if (!p.Value(&g->out)) return 2;
    } else if (p.flag() == "--format") {
      if (!p.FormatValue("scenarios", "gtest", &v)) return 2;
      format = v;
    } else if (p.flag() == "--test-suite") {
      if (!p.Value(&g->test_suite)) return 2;
    } else if (p.flag() == "--max-loop") {
      if (!p.Value(&v)) return 2;
      if (!internal::ParseNumber(v, &g->max_loop) || g->max_loop < 0) {
        err << "stepsim generate: --max-loop needs a non-negative integer, got \"" << v << "\"\n";
        return 2;
      }
    } else if (p.flag() == "--max-paths" || p.flag() == "--seed") {
      if (!p.Value(&v)) return 2;
      if (!internal::ParseNumber(v, p.flag() == "--seed" ? &g->seed : &g->max_paths)) {
        err << "stepsim generate: " << p.flag() << " needs a non-negative integer, got \"" << v
            << "\"\n";
        return 2;
      }
    } else if (p.IsLongOption()) {
      p.UnknownOption(p.flag());
      return 2;
    } else {
      positional.push_back(p.flag());
    }
  }
  if (!p.OneDefinition(positional, &g->definition)) return 2;
  if (g->out.empty()) {
    err << "stepsim generate: missing --out FILE\n" << kGenerateUsage;
    return 2;
  }
  g->gtest = format.value_or("scenarios") == "gtest";
  if (!g->test_suite.empty() && !g->gtest) {
    err << "stepsim generate: --test-suite applies to --format gtest only\n";
    return 2;
  }
  return 0;
}

// The definition as seen from the directory of the output file.
std::string RelativeTo(const std::string& definition, const std::string& out_file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path def = fs::weakly_canonical(fs::absolute(definition), ec);
  const fs::path dir = fs::weakly_canonical(fs::absolute(out_file), ec).parent_path();
  fs::path rel = def.lexically_relative(dir);
  if (rel.empty()) rel = def;
  return rel.generic_string();
}

std::string SuiteName(const std::string& out_file) {
  const std::string stem = std::filesystem::path(out_file).stem().string();
  std::string name;
  bool upper = true;
  for (char c : stem) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
      upper = true;
      continue;
    }
    if (name.empty() && std::isdigit(static_cast<unsigned char>(c)) != 0) name = "Suite";
    name.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return name.empty() ? "GeneratedWitnessTest" : name;
}

std::string ReasonCode(const std::string& reason) {
  if (reason.rfind("infeasible", 0) == 0) return "WITNESS_INFEASIBLE";
  if (reason.rfind("unsupported", 0) == 0) return "WITNESS_UNSUPPORTED";
  return "WITNESS_NOT_VERIFIED";
}

std::string Percent(std::size_t covered, std::size_t total) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1)
    << (total == 0 ? 100.0 : 100.0 * static_cast<double>(covered) / static_cast<double>(total));
  return s.str();
}

void PrintSummary(const GenerateArgs& g, const analysis::WitnessSuite& suite, std::ostream& out) {
  if (g.all_paths) {
    out << "paths witnessed: " << suite.witnesses.size() << "/" << suite.paths << "\n";
    for (const std::string& p : suite.unwitnessed_paths) out << "  path " << p << "\n";
  }
  out << "obligations covered: " << suite.covered << "/" << suite.obligations << " ("
      << Percent(suite.covered, suite.obligations) << "%)\n";
  for (const analysis::Unwitnessed& u : suite.unwitnessed) {
    asl::Diagnostic d;
    d.file = g.definition;
    d.severity = asl::Severity::kWarning;
    d.code = ReasonCode(u.reason);
    d.pointer = u.source.pointer;
    d.position = u.source.position;
    d.message = u.obligation + ": " + u.reason;
    out << asl::FormatDiagnostic(d) << '\n';
  }
}

}  // namespace

int GenerateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  GenerateArgs g;
  const int parsed = ParseArgs(args, out, err, &g);
  if (parsed == 1) return 0;
  if (parsed != 0) return parsed;

  const auto definition = internal::LoadDefinitionOrReport(g.definition, err);
  if (definition == nullptr) return 2;

  analysis::WitnessOptions options;
  options.seed = g.seed;
  options.all_paths = g.all_paths;
  options.max_loop = g.max_loop;
  options.max_paths = static_cast<std::size_t>(g.max_paths);
  const analysis::WitnessSuite suite = analysis::SynthesizeWitnesses(definition, options);

  if (suite.witnesses.empty()) {
    // A suite without scenarios is not a suite `stepsim test` accepts.
    out << "no scenario verified: nothing written to " << g.out << "\n";
    PrintSummary(g, suite, out);
    return 1;
  }
  const std::string definition_ref = RelativeTo(g.definition, g.out);
  std::string text;
  if (g.gtest) {
    text = analysis::GTestFile(suite, definition_ref,
                               g.test_suite.empty() ? SuiteName(g.out) : g.test_suite, g.seed);
  } else {
    text = analysis::ScenarioFile(suite, definition_ref, g.seed).dump(2) + "\n";
  }
  if (!internal::WriteFileOrReport(g.out, text, err)) return 2;

  out << "wrote " << suite.witnesses.size()
      << (suite.witnesses.size() == 1 ? " scenario" : " scenarios") << " to " << g.out << "\n";
  PrintSummary(g, suite, out);
  return 0;
}

}  // namespace stepsim::cli
