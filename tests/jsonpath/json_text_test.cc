#include <gtest/gtest.h>
#include <stepsim/jsonpath/json_text.h>

#include <string>

namespace stepsim::jsonpath {
namespace {

using Json = nlohmann::json;

std::string Double(double value) {
  std::string out;
  AppendJavaDouble(out, value);
  return out;
}

TEST(JsonTextTest, CompactWithoutWhitespace) {
  // ASL: INT-06 (recorded: json_to_string 007 gives {"Arg1":1,"Arg2":[]})
  EXPECT_EQ(ToAwsJson(Json::parse(R"({"Arg1": 1, "Arg2": []})")), R"({"Arg1":1,"Arg2":[]})");
  EXPECT_EQ(ToAwsJson(Json::parse(R"([true, false, null, {}, "x"])")),
            R"([true,false,null,{},"x"])");
}

TEST(JsonTextTest, IntegersAsWritten) {
  // ASL: INT-06 (recorded: json_to_string 002 gives "1")
  EXPECT_EQ(ToAwsJson(Json(1)), "1");
  EXPECT_EQ(ToAwsJson(Json(-42)), "-42");
  EXPECT_EQ(ToAwsJson(Json(0)), "0");
  EXPECT_EQ(ToAwsJson(Json::parse("18446744073709551615")), "18446744073709551615");
  EXPECT_EQ(ToAwsJson(Json::parse("-9223372036854775808")), "-9223372036854775808");
}

TEST(JsonTextTest, DoublesAsJavaDoubleToString) {
  // ASL: INT-06 (recorded: json_to_string 003 gives "1.1"; lambda 0.0 case)
  EXPECT_EQ(Double(1.1), "1.1");
  EXPECT_EQ(Double(0.0), "0.0");
  EXPECT_EQ(Double(-0.0), "-0.0");
  EXPECT_EQ(Double(1.0), "1.0");
  EXPECT_EQ(Double(-2.5), "-2.5");
  EXPECT_EQ(Double(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(Double(100.0), "100.0");
  EXPECT_EQ(Double(1234567.0), "1234567.0");
  EXPECT_EQ(Double(9999999.5), "9999999.5");
  EXPECT_EQ(Double(1e7), "1.0E7");
  EXPECT_EQ(Double(12345678.9), "1.23456789E7");
  EXPECT_EQ(Double(1e21), "1.0E21");
  EXPECT_EQ(Double(0.001), "0.001");
  EXPECT_EQ(Double(0.00123), "0.00123");
  EXPECT_EQ(Double(0.0001), "1.0E-4");
  EXPECT_EQ(Double(-1.5e-10), "-1.5E-10");
  EXPECT_EQ(Double(1.7976931348623157e308), "1.7976931348623157E308");
  EXPECT_EQ(ToAwsJson(Json::parse("[8.95, 1e2]")), "[8.95,100.0]");
}

TEST(JsonTextTest, StringEscapingFollowsJackson) {
  // ASL: HIST-03
  EXPECT_EQ(ToAwsJson(Json("a\"b\\c")), R"("a\"b\\c")");
  EXPECT_EQ(ToAwsJson(Json("l1\nl2\tx\r\b\f")), R"("l1\nl2\tx\r\b\f")");
  EXPECT_EQ(ToAwsJson(Json(std::string("\x01\x1f", 2))), R"("\u0001\u001F")");
  EXPECT_EQ(ToAwsJson(Json("a/b")), R"("a/b")");
  EXPECT_EQ(ToAwsJson(Json("caf\xC3\xA9 \xE2\x82\xAC")), "\"caf\xC3\xA9 \xE2\x82\xAC\"");
  EXPECT_EQ(ToAwsJson(Json("\x7f")), "\"\x7f\"");
}

TEST(JsonTextTest, ObjectKeysEscapedAndInValueOrder) {
  // ASL: HIST-03 (nlohmann::json sorts keys; ordered_json keeps them)
  EXPECT_EQ(ToAwsJson(Json::parse(R"({"b":1,"a\n":2})")), "{\"a\\n\":2,\"b\":1}");
  EXPECT_EQ(ToAwsJson(nlohmann::ordered_json::parse(R"({"b":1,"a":[2.0]})")),
            R"({"b":1,"a":[2.0]})");
}

TEST(JsonTextTest, AppendAddsToExistingText) {
  // ASL: HIST-03
  std::string out = "x=";
  AppendAwsJson(out, Json::parse(R"({"k":"v"})"));
  EXPECT_EQ(out, R"(x={"k":"v"})");
}

}  // namespace
}  // namespace stepsim::jsonpath
