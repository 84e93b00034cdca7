#pragma once

#include <stepsim/report/coverage.h>
#include <stepsim/report/xml.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::report::internal {

/// The states written on one line of a definition file and their outcomes:
/// the unit lcov and Cobertura report (a state is a "line", its other
/// obligations its "branches").
struct LineInfo {
  std::int64_t line = 1;
  /// 0 when any state on the line was never entered, else the sum of their
  /// entries.
  std::int64_t hits = 0;
  std::vector<const ObligationCoverage*> states;
  /// Normal outcomes (transitions, rules, Default, branches succeeded).
  std::vector<const ObligationCoverage*> normal;
  /// Error paths (retries, catches, uncaught, timeouts, no match, branches
  /// failed).
  std::vector<const ObligationCoverage*> errors;
};

/// The lines of `definition`, ascending; obligations without a `state:`
/// obligation for their state are left out.
std::vector<LineInfo> Lines(const DefinitionCoverage& definition);

/// True for the obligations lcov reports as exception branches.
bool IsErrorPath(analysis::ObligationKind kind);

/// Escapes &, <, >, " and ' for XML and HTML text and attributes, the way
/// the HTML and Cobertura writers always have (`&#39;`, control characters
/// kept).
inline std::string XmlEscape(std::string_view text) {
  return report::XmlEscape(text, XmlEscapeStyle::kHtml);
}

/// "1 test", "2 tests": `n` and the word for its number.
std::string Plural(std::int64_t n, const char* one, const char* many);

/// What every report's heading counts over `data`: definitions, executions
/// and distinct test names.
struct Totals {
  std::int64_t definitions = 0;
  std::int64_t executions = 0;
  std::int64_t tests = 0;
};
Totals CountTotals(const CoverageData& data);

/// covered/total as a decimal with at most 4 digits ("0.8571", "1"), rounded
/// down; "1" when total is 0.
std::string Rate(std::int64_t covered, std::int64_t total);

}  // namespace stepsim::report::internal
