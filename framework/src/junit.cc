#include <stepsim/report/xml.h>
#include <stepsim/test/junit.h>

#include <cstdint>
#include <sstream>
#include <string>

namespace stepsim::test {
namespace {

std::string Seconds(std::int64_t millis) {
  std::ostringstream s;
  s << millis / 1000 << '.';
  const std::int64_t rest = millis % 1000;
  s << static_cast<char>('0' + rest / 100) << static_cast<char>('0' + rest / 10 % 10)
    << static_cast<char>('0' + rest % 10);
  return s.str();
}

struct Counts {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t skipped = 0;
  std::int64_t millis = 0;
};

Counts Count(const JUnitSuite& suite) {
  Counts c;
  for (const JUnitCase& t : suite.cases) {
    ++c.tests;
    if (t.failure_message) ++c.failures;
    if (t.skipped) ++c.skipped;
    c.millis += t.millis;
  }
  return c;
}

void Attributes(std::ostringstream& s, const Counts& c) {
  s << R"( tests=")" << c.tests << R"(" failures=")" << c.failures << R"(" errors="0" skipped=")"
    << c.skipped << R"(" time=")" << Seconds(c.millis) << '"';
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  return report::XmlEscape(text, report::XmlEscapeStyle::kXml10);
}

std::string JUnitXml(const std::vector<JUnitSuite>& suites, std::string_view name) {
  Counts total;
  for (const JUnitSuite& suite : suites) {
    const Counts c = Count(suite);
    total.tests += c.tests;
    total.failures += c.failures;
    total.skipped += c.skipped;
    total.millis += c.millis;
  }
  std::ostringstream s;
  s << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s << "<testsuites name=\"" << XmlEscape(name) << "\"";
  Attributes(s, total);
  s << ">\n";
  for (const JUnitSuite& suite : suites) {
    s << "  <testsuite name=\"" << XmlEscape(suite.name) << "\"";
    Attributes(s, Count(suite));
    s << ">\n";
    for (const JUnitCase& t : suite.cases) {
      s << "    <testcase name=\"" << XmlEscape(t.name) << "\" classname=\""
        << XmlEscape(t.classname) << "\" time=\"" << Seconds(t.millis) << "\"";
      if (!t.failure_message && !t.skipped) {
        s << "/>\n";
        continue;
      }
      s << ">\n";
      if (t.skipped) s << "      <skipped/>\n";
      if (t.failure_message) {
        s << "      <failure message=\"" << XmlEscape(*t.failure_message) << R"(" type="failure">)"
          << XmlEscape(t.failure_text) << "</failure>\n";
      }
      s << "    </testcase>\n";
    }
    s << "  </testsuite>\n";
  }
  s << "</testsuites>\n";
  return s.str();
}

void to_json(nlohmann::json& j, const JUnitCase& test_case) {
  j = nlohmann::json{{"name", test_case.name},
                     {"classname", test_case.classname},
                     {"millis", test_case.millis},
                     {"skipped", test_case.skipped}};
  if (test_case.failure_message) {
    j["failure"] = {{"message", *test_case.failure_message}, {"text", test_case.failure_text}};
  }
}

void to_json(nlohmann::json& j, const JUnitSuite& suite) {
  j = nlohmann::json{{"name", suite.name}, {"cases", suite.cases}};
}

void PrintTo(const JUnitCase& test_case, std::ostream* os) {
  *os << nlohmann::json(test_case).dump();
}
void PrintTo(const JUnitSuite& suite, std::ostream* os) { *os << nlohmann::json(suite).dump(); }

}  // namespace stepsim::test
