#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/asl/json_source.h>

#include <cstdint>
#include <string>

namespace stepsim::asl {
namespace {

using ::testing::ElementsAre;

// Parses `text` expecting a syntax error; returns "line:col: message".
std::string SyntaxErrorOf(std::string_view text) {
  try {
    ParseJsonWithPositions(text);
  } catch (const JsonSyntaxError& e) {
    return std::to_string(e.position().line) + ":" + std::to_string(e.position().column) + ": " +
           e.what();
  }
  return "no error";
}

TEST(JsonSourceTest, ParsesEveryValueKindKeepingMemberOrder) {
  // ASL: TOP-01
  const ParsedJson parsed =
      ParseJsonWithPositions(R"({"z": 1, "a": [true, false, null], "m": {"s": "x\ny"}, "d": 1.5})");
  ASSERT_TRUE(parsed.value.is_object());
  std::vector<std::string> keys;
  for (const auto& [key, value] : parsed.value.items()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("z", "a", "m", "d"));
  EXPECT_EQ(parsed.value["z"], 1);
  EXPECT_EQ(parsed.value["a"], nlohmann::ordered_json::parse("[true,false,null]"));
  EXPECT_EQ(parsed.value["m"]["s"], "x\ny");
  EXPECT_EQ(parsed.value["d"], 1.5);
  EXPECT_TRUE(parsed.duplicate_keys.empty());
}

TEST(JsonSourceTest, NumbersFollowNlohmannTyping) {
  // ASL: TOP-01
  const ParsedJson parsed = ParseJsonWithPositions(
      R"([0, -0, 42, -7, 18446744073709551615, -9223372036854775808,
          18446744073709551616, 1e2, 2.50, -1.25E-2, 1e-400])");
  const auto& a = parsed.value;
  EXPECT_TRUE(a[0].is_number_unsigned());
  EXPECT_TRUE(a[1].is_number_integer());
  EXPECT_EQ(a[1], 0);
  EXPECT_TRUE(a[2].is_number_unsigned());
  EXPECT_EQ(a[2].get<std::uint64_t>(), 42u);
  EXPECT_FALSE(a[3].is_number_unsigned());
  EXPECT_EQ(a[3].get<std::int64_t>(), -7);
  EXPECT_EQ(a[4].get<std::uint64_t>(), 18446744073709551615ull);
  EXPECT_EQ(a[5].get<std::int64_t>(), INT64_MIN);
  EXPECT_TRUE(a[6].is_number_float());
  EXPECT_DOUBLE_EQ(a[6].get<double>(), 18446744073709551616.0);
  EXPECT_TRUE(a[7].is_number_float());
  EXPECT_EQ(a[7].get<double>(), 100.0);
  EXPECT_EQ(a[8].get<double>(), 2.5);
  EXPECT_EQ(a[9].get<double>(), -0.0125);
  EXPECT_EQ(a[10].get<double>(), 0.0);
}

TEST(JsonSourceTest, DecodesEscapesAndSurrogatePairs) {
  const ParsedJson parsed =
      ParseJsonWithPositions(R"(["\"\\\/\b\f\n\r\t", "\u00e9\u20AC", "\ud83d\ude00", "é€😀"])");
  EXPECT_EQ(parsed.value[0], "\"\\/\b\f\n\r\t");
  EXPECT_EQ(parsed.value[1], "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(parsed.value[2], "\xF0\x9F\x98\x80");
  EXPECT_EQ(parsed.value[3], "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(JsonSourceTest, RecordsPositionsOfNestedValuesAndKeys) {
  // ASL: VAL-01
  const ParsedJson parsed = ParseJsonWithPositions(
      "{\n"
      "  \"StartAt\": \"A\",\n"
      "  \"States\": {\n"
      "    \"A\": {\"Type\": \"Task\",\n"
      "      \"Retry\": [ {\"ErrorEquals\": [\"X\", \"Y\"]} ]}\n"
      "  }\n"
      "}\n");
  const SourceMap& map = parsed.positions;
  EXPECT_EQ(map.ValuePosition(""), (TextPosition{1, 1}));
  EXPECT_EQ(map.ValuePosition("/StartAt"), (TextPosition{2, 14}));
  EXPECT_EQ(map.KeyPosition("/StartAt"), (TextPosition{2, 3}));
  EXPECT_EQ(map.ValuePosition("/States"), (TextPosition{3, 13}));
  EXPECT_EQ(map.KeyPosition("/States/A"), (TextPosition{4, 5}));
  EXPECT_EQ(map.ValuePosition("/States/A"), (TextPosition{4, 10}));
  EXPECT_EQ(map.ValuePosition("/States/A/Type"), (TextPosition{4, 19}));
  EXPECT_EQ(map.ValuePosition("/States/A/Retry"), (TextPosition{5, 16}));
  EXPECT_EQ(map.ValuePosition("/States/A/Retry/0"), (TextPosition{5, 18}));
  EXPECT_EQ(map.ValuePosition("/States/A/Retry/0/ErrorEquals/1"), (TextPosition{5, 40}));
}

TEST(JsonSourceTest, PositionLookupFallsBackToNearestAncestor) {
  const ParsedJson parsed = ParseJsonWithPositions("{\n  \"a\": {\"b\": 1}\n}");
  EXPECT_EQ(parsed.positions.ValuePosition("/a/missing/deeper"), (TextPosition{2, 8}));
  // No key at the root: KeyPosition falls back to the value.
  EXPECT_EQ(parsed.positions.KeyPosition("/a/b/c"), (TextPosition{2, 14}));
  EXPECT_EQ(parsed.positions.KeyPosition("/a/b"), (TextPosition{2, 9}));
  EXPECT_EQ(SourceMap().ValuePosition("/x"), (TextPosition{0, 0}));
}

TEST(JsonSourceTest, ColumnsCountCodePointsNotBytes) {
  // "é" is two bytes and "😀" four, but each is one column.
  const ParsedJson parsed = ParseJsonWithPositions("{\"é😀\": \"ü\", \"k\": 1}");
  EXPECT_EQ(parsed.positions.ValuePosition("/é😀"), (TextPosition{1, 8}));
  EXPECT_EQ(parsed.positions.KeyPosition("/k"), (TextPosition{1, 13}));
  EXPECT_EQ(parsed.positions.ValuePosition("/k"), (TextPosition{1, 18}));
  EXPECT_EQ(SyntaxErrorOf("[\"ü\" 1]"), "1:6: expected ',' or ']' after array element, got '1'");
}

TEST(JsonSourceTest, EscapesPointerTokensOfKeys) {
  const ParsedJson parsed = ParseJsonWithPositions(R"({"a/b": {"c~d": 1}, "": 2})");
  EXPECT_EQ(parsed.positions.ValuePosition("/a~1b/c~0d"), (TextPosition{1, 17}));
  EXPECT_EQ(parsed.positions.ValuePosition("/"), (TextPosition{1, 25}));
}

TEST(JsonSourceTest, CountsLinesForLfCrLfAndCr) {
  const ParsedJson parsed = ParseJsonWithPositions("[1,\r\n 2,\r  3,\n4]");
  EXPECT_EQ(parsed.positions.ValuePosition("/1"), (TextPosition{2, 2}));
  EXPECT_EQ(parsed.positions.ValuePosition("/2"), (TextPosition{3, 3}));
  EXPECT_EQ(parsed.positions.ValuePosition("/3"), (TextPosition{4, 1}));
}

TEST(JsonSourceTest, RecordsDuplicateKeysAndKeepsTheLastValue) {
  // ASL: VAL-02
  const ParsedJson parsed = ParseJsonWithPositions(R"({"a": 1, "b": {"x": 1, "x": 2}, "a": 3})");
  EXPECT_THAT(parsed.duplicate_keys, ElementsAre("/b/x", "/a"));
  EXPECT_EQ(parsed.value["a"], 3);
  EXPECT_EQ(parsed.value["b"]["x"], 2);
  EXPECT_EQ(parsed.value.size(), 2u);
  EXPECT_EQ(parsed.positions.ValuePosition("/a"), (TextPosition{1, 38}));
  EXPECT_EQ(parsed.positions.KeyPosition("/a"), (TextPosition{1, 33}));
}

TEST(JsonSourceTest, FindsDuplicatesInLargeObjects) {
  std::string text = "{";
  for (int i = 0; i < 100; ++i) {
    text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",";
  }
  text += R"("k7": 700, "k99": 990})";
  const ParsedJson parsed = ParseJsonWithPositions(text);
  EXPECT_THAT(parsed.duplicate_keys, ElementsAre("/k7", "/k99"));
  EXPECT_EQ(parsed.value.size(), 100u);
  EXPECT_EQ(parsed.value["k7"], 700);
  EXPECT_EQ(parsed.value["k99"], 990);
  EXPECT_EQ(parsed.value["k50"], 50);
}

TEST(JsonSourceTest, LaterDuplicateReplacesTheEarlierSubtreeInThePositionMap) {
  // ASL: VAL-02
  const ParsedJson parsed = ParseJsonWithPositions(R"({"a": {"x": 1}, "a": {"y": 2}})");
  EXPECT_EQ(parsed.positions.ValuePosition("/a"), (TextPosition{1, 22}));
  EXPECT_EQ(parsed.positions.ValuePosition("/a/y"), (TextPosition{1, 28}));
  // The earlier member's children are gone with it: "/a/x" falls back.
  EXPECT_EQ(parsed.positions.ValuePosition("/a/x"), (TextPosition{1, 22}));
}

TEST(JsonSourceTest, FindsEveryPositionInALargeDocument) {
  // ASL: VAL-01 (positions stay exact however many values there are)
  std::string text = "{\"States\": {\n";
  for (int i = 0; i < 3000; ++i) {
    text += "\"S" + std::to_string(i) + "\": [" + std::to_string(i) +
            ", {\"k\": " + std::to_string(i) + "}],\n";
  }
  text += "\"Last\": 0}}";
  const ParsedJson parsed = ParseJsonWithPositions(text);
  for (int i = 0; i < 3000; i += 7) {
    const std::string state = "/States/S" + std::to_string(i);
    const int line = i + 2;
    const int digits = static_cast<int>(std::to_string(i).size());
    const int column = 6 + digits;
    EXPECT_EQ(parsed.positions.KeyPosition(state), (TextPosition{line, 1}));
    EXPECT_EQ(parsed.positions.ValuePosition(state), (TextPosition{line, column}));
    EXPECT_EQ(parsed.positions.ValuePosition(state + "/1/k"),
              (TextPosition{line, column + digits + 9}));
  }
  EXPECT_EQ(parsed.positions.ValuePosition("/States/S3000"), (TextPosition{1, 12}));
}

TEST(JsonSourceTest, SourceMapBuiltByHandFallsBackToAncestorsWithAPosition) {
  SourceMap map;
  map.AddValue("/a/b", TextPosition{2, 3});
  map.AddKey("/a/b", TextPosition{2, 1});
  // Neither the root nor "/a" has a position of its own.
  EXPECT_EQ(map.ValuePosition("/a"), (TextPosition{0, 0}));
  EXPECT_EQ(map.ValuePosition("/a/b/c/d"), (TextPosition{2, 3}));
  EXPECT_EQ(map.KeyPosition("/a/b"), (TextPosition{2, 1}));
  EXPECT_EQ(map.KeyPosition("/a/b/c"), (TextPosition{2, 3}));
  map.AddValue("", TextPosition{1, 1});
  map.AddValue("/a/b", TextPosition{5, 5});
  EXPECT_EQ(map.ValuePosition("/a"), (TextPosition{1, 1}));
  EXPECT_EQ(map.ValuePosition("/a/b"), (TextPosition{5, 5}));
  EXPECT_EQ(map.ValuePosition("not-a-pointer"), (TextPosition{1, 1}));
}

TEST(JsonSourceTest, SourceMapNodesGiveTheirEscapedPointer) {
  SourceMap map;
  map.SetRootPosition(TextPosition{1, 1});
  std::uint32_t previous = 99;
  const std::uint32_t a =
      map.AddMember(SourceMap::kRoot, "a/b~c", TextPosition{1, 2}, TextPosition{1, 9}, &previous);
  EXPECT_EQ(previous, 99u);
  const std::uint32_t element = map.AddElement(a, 12, TextPosition{1, 10});
  EXPECT_EQ(map.PointerOf(element), "/a~1b~0c/12");
  EXPECT_EQ(map.ValuePosition("/a~1b~0c/12"), (TextPosition{1, 10}));
  const std::uint32_t again =
      map.AddMember(SourceMap::kRoot, "a/b~c", TextPosition{2, 2}, TextPosition{2, 9}, &previous);
  EXPECT_EQ(previous, a);
  EXPECT_EQ(map.PointerOf(again), "/a~1b~0c");
  EXPECT_EQ(map.KeyPosition("/a~1b~0c"), (TextPosition{2, 2}));
  EXPECT_EQ(map.ValuePosition("/a~1b~0c/12"), (TextPosition{2, 9}));
}

TEST(JsonSourceTest, ToleratesByteOrderMark) {
  const ParsedJson parsed = ParseJsonWithPositions("\xEF\xBB\xBF{\"a\": 1}");
  EXPECT_EQ(parsed.value["a"], 1);
  EXPECT_EQ(parsed.positions.ValuePosition("/a"), (TextPosition{1, 7}));
}

TEST(JsonSourceTest, ReportsStructuralErrorsWithPosition) {
  // ASL: VAL-02
  EXPECT_EQ(SyntaxErrorOf(""), "1:1: expected a json value, got end of input");
  EXPECT_EQ(SyntaxErrorOf("  \n  "), "2:3: expected a json value, got end of input");
  EXPECT_EQ(SyntaxErrorOf("{\"a\": 1]"), "1:8: expected ',' or '}' after object member, got ']'");
  EXPECT_EQ(SyntaxErrorOf("[1}"), "1:3: expected ',' or ']' after array element, got '}'");
  EXPECT_EQ(SyntaxErrorOf("{\"a\" 1}"), "1:6: expected ':' after object key, got '1'");
  EXPECT_EQ(SyntaxErrorOf("{a: 1}"), "1:2: expected a string key, got 'a'");
  EXPECT_EQ(SyntaxErrorOf("{\"a\": }"), "1:7: expected a json value, got '}'");
  EXPECT_EQ(SyntaxErrorOf("{\"a\": 1,\n}"), "2:1: trailing comma before '}'");
  EXPECT_EQ(SyntaxErrorOf("[1, 2, ]"), "1:8: trailing comma before ']'");
  EXPECT_EQ(SyntaxErrorOf("[1, 2"),
            "1:6: expected ',' or ']' after array element, got end of input");
  EXPECT_EQ(SyntaxErrorOf("{\"a\": 1"),
            "1:8: expected ',' or '}' after object member, got end of input");
  EXPECT_EQ(SyntaxErrorOf("{} x"), "1:4: expected end of input after the json value, got 'x'");
  EXPECT_EQ(SyntaxErrorOf("{}{}"), "1:3: expected end of input after the json value, got '{'");
  EXPECT_EQ(SyntaxErrorOf("[\x01]"), "1:2: expected a json value, got U+0001");
}

TEST(JsonSourceTest, RejectsCommentsAndNonJsonLiterals) {
  EXPECT_EQ(SyntaxErrorOf("{\n  // note\n  \"a\": 1}"), "2:3: comments are not allowed in json");
  EXPECT_EQ(SyntaxErrorOf("[1 /* x */]"), "1:4: comments are not allowed in json");
  EXPECT_EQ(SyntaxErrorOf("[NaN]"),
            "1:2: invalid literal 'NaN', expected true, false, null, a "
            "number, a string, an object or an array");
  EXPECT_EQ(SyntaxErrorOf("[-Infinity]"), "1:2: invalid literal '-Infinity'");
  EXPECT_EQ(SyntaxErrorOf("[True]"),
            "1:2: invalid literal 'True', expected true, false, null, a "
            "number, a string, an object or an array");
  EXPECT_EQ(SyntaxErrorOf("['a']"), "1:2: expected a json value, got '''");
}

TEST(JsonSourceTest, RejectsMalformedNumbers) {
  EXPECT_EQ(SyntaxErrorOf("[01]"), "1:2: leading zeros are not allowed in numbers");
  EXPECT_EQ(SyntaxErrorOf("[-01]"), "1:2: leading zeros are not allowed in numbers");
  EXPECT_EQ(SyntaxErrorOf("[1.]"), "1:4: expected a digit after the decimal point, got ']'");
  EXPECT_EQ(SyntaxErrorOf("[.5]"), "1:2: expected a json value, got '.'");
  EXPECT_EQ(SyntaxErrorOf("[1e]"), "1:4: expected a digit in the exponent, got ']'");
  EXPECT_EQ(SyntaxErrorOf("[1e+]"), "1:5: expected a digit in the exponent, got ']'");
  EXPECT_EQ(SyntaxErrorOf("[-]"), "1:3: expected a digit after '-', got ']'");
  EXPECT_EQ(SyntaxErrorOf("[+1]"), "1:2: expected a json value, got '+'");
  EXPECT_EQ(SyntaxErrorOf("[1e999]"), "1:2: number 1e999 is out of the range of a double");
}

TEST(JsonSourceTest, RejectsMalformedStrings) {
  EXPECT_EQ(SyntaxErrorOf("[\"abc"), "1:2: unterminated string");
  EXPECT_EQ(SyntaxErrorOf("[\"a\nb\"]"), "1:4: unescaped control character U+000A in string");
  EXPECT_EQ(SyntaxErrorOf("[\"a\tb\"]"), "1:4: unescaped control character U+0009 in string");
  EXPECT_EQ(SyntaxErrorOf(R"(["a\x"])"), "1:4: invalid escape '\\x' in string");
  EXPECT_EQ(SyntaxErrorOf(R"(["\u12G4"])"),
            "1:3: invalid \\u escape in string, expected 4 hex digits");
  EXPECT_EQ(SyntaxErrorOf(R"(["\u12"])"),
            "1:3: invalid \\u escape in string, expected 4 hex digits");
  EXPECT_EQ(SyntaxErrorOf(R"(["x\ud800"])"), "1:4: unpaired high surrogate \\ud800 in string");
  EXPECT_EQ(SyntaxErrorOf(R"(["\uD800\u0041"])"), "1:3: unpaired high surrogate \\uD800 in string");
  EXPECT_EQ(SyntaxErrorOf(R"(["\udc00"])"), "1:3: unpaired low surrogate \\udc00 in string");
  EXPECT_EQ(SyntaxErrorOf("[\"\xff\"]"), "1:3: invalid utf-8 byte 0xff in string");
  EXPECT_EQ(SyntaxErrorOf("[\"\xC3(\"]"), "1:3: invalid utf-8 sequence in string");
  EXPECT_EQ(SyntaxErrorOf("[\"\xED\xA0\x80\"]"), "1:3: invalid utf-8 sequence in string");
  EXPECT_EQ(SyntaxErrorOf("[\"\xC0\xAF\"]"), "1:3: invalid utf-8 byte 0xc0 in string");
}

TEST(JsonSourceTest, EnforcesNestingLimitOf512) {
  const std::string ok = std::string(512, '[') + std::string(512, ']');
  EXPECT_NO_THROW(ParseJsonWithPositions(ok));
  const std::string deep = std::string(513, '[') + std::string(513, ']');
  EXPECT_EQ(SyntaxErrorOf(deep), "1:513: json nesting is deeper than 512 levels");
  // Far deeper input must not exhaust the stack either.
  std::string very_deep;
  for (int i = 0; i < 100000; ++i) very_deep += "{\"a\":";
  EXPECT_EQ(SyntaxErrorOf(very_deep), "1:2561: json nesting is deeper than 512 levels");
}

TEST(JsonSourceTest, AppendPointerEscapesTokens) {
  EXPECT_EQ(AppendPointer("", "States"), "/States");
  EXPECT_EQ(AppendPointer("/States", "a/b~c"), "/States/a~1b~0c");
  EXPECT_EQ(AppendPointer("/States/A/Retry", std::size_t{3}), "/States/A/Retry/3");
  EXPECT_EQ(AppendPointer("/x", ""), "/x/");
}

}  // namespace
}  // namespace stepsim::asl
