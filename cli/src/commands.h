#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace stepsim::cli {

/// Each command takes the arguments after its name, writes its result to
/// `out` and diagnostics to `err`, and returns the process exit code
/// (STYLE.md rule 18: 0 done, 1 what it checked fails, 2 bad usage or
/// unloadable input).
int ValidateCommand(const std::vector<std::string>& args, std::ostream& out,
                    std::ostream& err);
int RunCommand(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);

}  // namespace stepsim::cli
