// Loads a definition through the public API and prints its states.
#include <stepsim/asl/loader.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  try {
    const auto definition = stepsim::asl::LoadFile(argv[1]);
    for (const auto* state : definition->AllStates()) std::cout << state->name << '\n';
  } catch (const stepsim::asl::DefinitionError& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
  return 0;
}
