#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"

namespace {

constexpr std::string_view kUsage =
    "usage: stepsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  validate FILE...        check definitions and print every diagnostic\n"
    "  run DEFINITION          execute a definition on the virtual clock\n"
    "  test SUITE...           run scenario files (or a MockConfigFile) and report\n"
    "  explore DEFINITION      hunt for executions that break an invariant\n"
    "  lint DEFINITION...      report unreachable states, uncaught errors, dead retriers\n"
    "  paths DEFINITION        count and list the paths through a definition\n"
    "  generate DEFINITION     synthesise inputs and task outcomes that cover every path\n"
    "  graph DEFINITION        draw the workflow as Graphviz DOT or Mermaid\n"
    "  coverage report|merge   turn coverage files into lcov, Cobertura, HTML, gates\n"
    "  serve                   serve the Step Functions API on localhost (Step Functions Local)\n"
    "  test-state              answer a Step Functions TestState request offline\n"
    "  eval --jsonata EXPR     evaluate a JSONata, JSONPath, intrinsic or template as a state "
    "would\n"
    "\n"
    "Run 'stepsim <command> --help' for a command's options.\n";

using Command = int (*)(const std::vector<std::string>&, std::ostream&, std::ostream&);

struct Entry {
  std::string_view name;
  Command run;
};

constexpr Entry kCommands[] = {
    {"validate", stepsim::cli::ValidateCommand},
    {"run", stepsim::cli::RunCommand},
    {"test", stepsim::cli::TestCommand},
    {"explore", stepsim::cli::ExploreCommand},
    {"lint", stepsim::cli::LintCommand},
    {"paths", stepsim::cli::PathsCommand},
    {"generate", stepsim::cli::GenerateCommand},
    {"graph", stepsim::cli::GraphCommand},
    {"coverage", stepsim::cli::CoverageCommand},
    {"serve", stepsim::cli::ServeCommand},
    {"test-state", stepsim::cli::TestStateCommand},
    {"eval", stepsim::cli::EvalCommand},
};

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  for (const Entry& entry : kCommands) {
    if (command == entry.name) return entry.run(args, std::cout, std::cerr);
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "--version") {
    std::cout << "stepsim 0.1.0\n";
    return 0;
  }
  std::cerr << "stepsim: unknown command \"" << command << "\"\n" << kUsage;
  return 2;
}
