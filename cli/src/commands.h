#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace stepsim::cli {

/// Each command takes the arguments after its name, writes its result to
/// `out` and diagnostics to `err`, and returns the process exit code
/// (STYLE.md rule 18: 0 done, 1 what it checked fails, 2 bad usage or
/// unloadable input).
int ValidateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// `stepsim test SUITE... [--junit FILE]`: scenario files (framework).
int TestCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// `stepsim explore DEFINITION --runs N --seed S ...`: property exploration.
int ExploreCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// `stepsim lint DEFINITION...`: graph findings.
int LintCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// `stepsim paths DEFINITION [--max-loop K] [--format json]`.
int PathsCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// `stepsim generate DEFINITION --out FILE [--format scenarios|gtest]`.
int GenerateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// `stepsim graph DEFINITION --format dot|mermaid [--coverage FILE]`.
int GraphCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// `stepsim coverage report|merge ...`.
int CoverageCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// `stepsim serve [--host H] [--port P] [--mock-config FILE] ...`: the Step
/// Functions API over HTTP until SIGTERM/SIGINT.
int ServeCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// `stepsim test-state --request REQUEST.json`: AWS's TestState API, offline
/// (exit 3 where AWS would return an API error).
int TestStateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// `stepsim eval --jsonata EXPR | --jsonpath PATH | --intrinsic EXPR | --template JSON`.
int EvalCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace stepsim::cli
