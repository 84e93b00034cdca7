#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

/// JUnit XML, the test report format GitLab, Jenkins and GitHub Actions read.
namespace stepsim::test {

/// One `<testcase>`.
struct JUnitCase {
  std::string name;
  /// The `classname` attribute (stepsim uses the suite file's name).
  std::string classname;
  /// Virtual duration in milliseconds (the `time` attribute, in seconds).
  std::int64_t millis = 0;
  /// Set when the case failed: the `<failure message="...">` attribute (one
  /// line) ...
  std::optional<std::string> failure_message;
  /// ... and the failure's text content (any number of lines).
  std::string failure_text;
  /// Set when the case was skipped (`<skipped/>`), e.g. by a filter.
  bool skipped = false;
};

/// One `<testsuite>`.
struct JUnitSuite {
  std::string name;
  std::vector<JUnitCase> cases;
};

/// The whole document: `<?xml ...?><testsuites ...>` with `tests`,
/// `failures`, `errors`, `skipped` and `time` counts on every suite and on
/// the root. Text is escaped (& < > " ' and control characters other than
/// tab, newline and carriage return, which XML 1.0 cannot hold, become
/// U+FFFD). Times come from the cases (virtual time), so equal inputs give
/// equal bytes.
std::string JUnitXml(const std::vector<JUnitSuite>& suites, std::string_view name = "stepsim");

/// `text` escaped for an XML attribute value or text node:
/// `report::XmlEscape(text, report::XmlEscapeStyle::kXml10)`.
std::string XmlEscape(std::string_view text);

void to_json(nlohmann::json& j, const JUnitCase& test_case);
void to_json(nlohmann::json& j, const JUnitSuite& suite);
void PrintTo(const JUnitCase& test_case, std::ostream* os);
void PrintTo(const JUnitSuite& suite, std::ostream* os);

}  // namespace stepsim::test
