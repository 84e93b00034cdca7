// Placeholder until the owning helper lands the real command.
#include "commands.h"

namespace stepsim::cli {

int PathsCommand(const std::vector<std::string>& /*args*/, std::ostream& /*out*/,
                std::ostream& err) {
  err << "stepsim paths: not built yet\n";
  return 2;
}

}  // namespace stepsim::cli
