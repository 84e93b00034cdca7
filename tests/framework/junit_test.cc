#include <gtest/gtest.h>
#include <stepsim/test/junit.h>

#include <string>

namespace stepsim::test {
namespace {

TEST(JUnitTest, WritesSuitesCasesFailuresAndVirtualTimes) {
  JUnitSuite suite;
  suite.name = "order <scenarios>.json";
  suite.cases.push_back({"HappyPath", "order", 0, std::nullopt, "", false});
  suite.cases.push_back({"Retried \"twice\"", "order", 7500,
                         std::string("order.json:3:4: /Scenarios/1/Expect/Status: expected A & B"),
                         "line 1\nline <2>\n", false});
  suite.cases.push_back({"Filtered", "order", 0, std::nullopt, "", true});
  JUnitSuite empty;
  empty.name = "empty";
  EXPECT_EQ(JUnitXml({suite, empty}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"stepsim\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" "
            "time=\"7.500\">\n"
            "  <testsuite name=\"order &lt;scenarios&gt;.json\" tests=\"3\" failures=\"1\" "
            "errors=\"0\" skipped=\"1\" time=\"7.500\">\n"
            "    <testcase name=\"HappyPath\" classname=\"order\" time=\"0.000\"/>\n"
            "    <testcase name=\"Retried &quot;twice&quot;\" classname=\"order\" time=\"7.500\">\n"
            "      <failure message=\"order.json:3:4: /Scenarios/1/Expect/Status: expected A &amp; "
            "B\" type=\"failure\">line 1\nline &lt;2&gt;\n</failure>\n"
            "    </testcase>\n"
            "    <testcase name=\"Filtered\" classname=\"order\" time=\"0.000\">\n"
            "      <skipped/>\n"
            "    </testcase>\n"
            "  </testsuite>\n"
            "  <testsuite name=\"empty\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" "
            "time=\"0.000\">\n"
            "  </testsuite>\n"
            "</testsuites>\n");
}

TEST(JUnitTest, EscapesWhatXmlCannotHold) {
  EXPECT_EQ(XmlEscape("a'b\"c<d>e&f"), "a&apos;b&quot;c&lt;d&gt;e&amp;f");
  // Control characters other than tab, newline and CR are not allowed in XML 1.0.
  EXPECT_EQ(XmlEscape(std::string("x\x01y\tz\n", 6)), "x\xEF\xBF\xBDy\tz\n");
  // UTF-8 passes through.
  EXPECT_EQ(XmlEscape("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(JUnitTest, TimesAreMillisecondsWrittenAsSeconds) {
  JUnitSuite suite;
  suite.name = "s";
  suite.cases.push_back({"a", "s", 61005, std::nullopt, "", false});
  EXPECT_NE(JUnitXml({suite}).find("time=\"61.005\""), std::string::npos);
}

}  // namespace
}  // namespace stepsim::test
