#include <stepsim/analysis/witness.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

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

template <typename T>
bool ParseNumber(const std::string& text, T* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// 0 parsed, 1 --help printed, 2 usage error printed.
int ParseArgs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              GenerateArgs* g) {
  std::vector<std::string> positional;
  std::optional<std::string> format;
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
    auto value = [&](std::string* target) {
      if (inline_value) {
        *target = *inline_value;
        return true;
      }
      if (i + 1 == args.size()) {
        err << "stepsim generate: " << flag << " needs a value\n";
        return false;
      }
      *target = args[++i];
      return true;
    };
    if (flag == "--help" || flag == "-h") {
      out << kGenerateUsage;
      return 1;
    }
    if (flag == "--all-paths") {
      if (inline_value) {
        err << "stepsim generate: --all-paths takes no value\n";
        return 2;
      }
      g->all_paths = true;
      continue;
    }
    std::string v;
    if (flag == "--out") {
      if (!value(&g->out)) return 2;
    } else if (flag == "--format") {
      if (!value(&v)) return 2;
      if (v != "scenarios" && v != "gtest") {
        err << "stepsim generate: unknown format \"" << v << "\" (expected scenarios or gtest)\n";
        return 2;
      }
      format = v;
    } else if (flag == "--test-suite") {
      if (!value(&g->test_suite)) return 2;
    } else if (flag == "--max-loop") {
      if (!value(&v)) return 2;
      if (!ParseNumber(v, &g->max_loop) || g->max_loop < 0) {
        err << "stepsim generate: --max-loop needs a non-negative integer, got \"" << v << "\"\n";
        return 2;
      }
    } else if (flag == "--max-paths") {
      if (!value(&v)) return 2;
      if (!ParseNumber(v, &g->max_paths)) {
        err << "stepsim generate: --max-paths needs a non-negative integer, got \"" << v << "\"\n";
        return 2;
      }
    } else if (flag == "--seed") {
      if (!value(&v)) return 2;
      if (!ParseNumber(v, &g->seed)) {
        err << "stepsim generate: --seed needs a non-negative integer, got \"" << v << "\"\n";
        return 2;
      }
    } else if (flag.rfind("--", 0) == 0) {
      err << "stepsim generate: unknown option \"" << flag << "\"\n" << kGenerateUsage;
      return 2;
    } else {
      positional.push_back(flag);
    }
  }
  if (positional.size() != 1) {
    err << (positional.empty() ? std::string("stepsim generate: missing DEFINITION\n")
                               : "stepsim generate: expected one DEFINITION, got " +
                                     std::to_string(positional.size()) + "\n")
        << kGenerateUsage;
    return 2;
  }
  if (g->out.empty()) {
    err << "stepsim generate: missing --out FILE\n" << kGenerateUsage;
    return 2;
  }
  g->definition = positional[0];
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

  std::shared_ptr<const asl::Definition> definition;
  try {
    definition = asl::LoadFile(g.definition);
  } catch (const asl::DefinitionError& e) {
    for (const asl::Diagnostic& d : e.diagnostics()) err << asl::FormatDiagnostic(d) << '\n';
    return 2;
  }

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
  {
    std::ofstream file(g.out, std::ios::binary | std::ios::trunc);
    if (file) file << text;
    if (!file) {
      asl::Diagnostic d;
      d.file = g.out;
      d.code = "FILE_NOT_WRITABLE";
      d.message = "cannot write the file";
      err << asl::FormatDiagnostic(d) << '\n';
      return 2;
    }
  }

  out << "wrote " << suite.witnesses.size()
      << (suite.witnesses.size() == 1 ? " scenario" : " scenarios") << " to " << g.out << "\n";
  PrintSummary(g, suite, out);
  return 0;
}

}  // namespace stepsim::cli
