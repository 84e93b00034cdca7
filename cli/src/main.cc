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
    "  validate FILE...   check definitions and print every diagnostic\n"
    "  run DEFINITION     execute a definition on the virtual clock\n"
    "\n"
    "Run 'stepsim <command> --help' for a command's options.\n";

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "validate") {
    return stepsim::cli::ValidateCommand(args, std::cout, std::cerr);
  }
  if (command == "run") return stepsim::cli::RunCommand(args, std::cout, std::cerr);
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
