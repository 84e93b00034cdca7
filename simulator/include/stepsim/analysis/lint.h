// Public header of graph lint: findings about a loaded, valid definition that
// the validator does not reject but that make executions fail or hang.
#pragma once

#include <stepsim/analysis/graph.h>
#include <stepsim/asl/diagnostic.h>

#include <ostream>
#include <vector>

namespace stepsim::analysis {

/// Stable lint codes. Each finding is a Diagnostic with the state's, rule's,
/// retrier's or catcher's JSON Pointer and line:column, and the definition's
/// file. Severity is kWarning unless stated.
namespace lint_codes {
/// A state no feasible transition enters (every way in is a catcher or
/// retrier that can never fire).
inline constexpr const char* kUnreachableState = "UNREACHABLE_STATE";
/// A reachable state from which no end of its scope can be reached (and that
/// is not itself in a loop reported as LOOP_WITHOUT_EXIT).
inline constexpr const char* kNoTerminalReachable = "NO_TERMINAL_REACHABLE";
/// A loop (strongly connected states) that can be left only by an uncaught
/// error, or not at all.
inline constexpr const char* kLoopWithoutExit = "LOOP_WITHOUT_EXIT";
/// A loop whose every exit is a Choice rule or Default testing data that no
/// state in the loop changes: once it goes round, it goes round forever.
/// Reported only when certain: the loop holds only JSONPath Choice, Wait and
/// Pass states without InputPath, OutputPath, Parameters, Result, ResultPath
/// or Assign, and no rule reads the Context object (`$$`).
inline constexpr const char* kLoopExitNeverChanges = "LOOP_EXIT_NEVER_CHANGES";
/// A Choice without Default (fails with States.NoChoiceMatched).
inline constexpr const char* kChoiceWithoutDefault = "CHOICE_WITHOUT_DEFAULT";
/// A Task, Parallel or Map state some error leaves uncaught, failing the
/// execution (in a nested scope: when no enclosing Parallel/Map state has a
/// States.ALL catcher either).
inline constexpr const char* kUncaughtError = "UNCAUGHT_ERROR";
/// A retrier/catcher that never fires: earlier ones match every error it
/// names (sim::MatchesErrorEquals semantics).
inline constexpr const char* kShadowedRetrier = "SHADOWED_RETRIER";
inline constexpr const char* kShadowedCatcher = "SHADOWED_CATCHER";
/// A States.ALL retrier whose waits add up to more than
/// LintOptions::long_retry_seconds of virtual time (kInfo).
inline constexpr const char* kLongRetryTotal = "LONG_RETRY_TOTAL";
}  // namespace lint_codes

struct LintOptions {
  /// LONG_RETRY_TOTAL threshold, in seconds of waiting summed over attempts.
  double long_retry_seconds = 3600;
};

void PrintTo(const LintOptions& options, std::ostream* os);

/// Every finding for the graph's definition, in document order (by line and
/// column, then code). Deterministic; never throws for a loaded definition.
std::vector<asl::Diagnostic> Lint(const Graph& graph, const LintOptions& options = {});

}  // namespace stepsim::analysis
