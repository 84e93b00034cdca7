// Placeholder until the owning helper lands the real command.
#include "commands.h"

namespace stepsim::cli {

int TestCommand(const std::vector<std::string>& /*args*/, std::ostream& /*out*/,
                std::ostream& err) {
  err << "stepsim test: not built yet\n";
  return 2;
}

}  // namespace stepsim::cli
