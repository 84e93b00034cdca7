#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/intrinsics/intrinsics.h>
#include <stepsim/jsonpath/env.h>
#include <stepsim/sim/rng.h>

#include <cstddef>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace stepsim::intrinsics {
namespace {

using ::testing::HasSubstr;

using MapVariables = jsonpath::ObjectVariables;

Result<Json> Eval(std::string_view text, const Json& input = Json::object(),
                  sim::Rng* rng = nullptr) {
  jsonpath::Env env;
  env.input = &input;
  env.rng = rng;
  return Call::Parse(text).Evaluate(env, "FunctionResult.$");
}

// The value of a call that must succeed ("<error>: <cause>" otherwise).
Json Value(std::string_view text, const Json& input = Json::object()) {
  const Result<Json> result = Eval(text, input);
  if (!result.ok()) return result.error().error + ": " + result.error().cause;
  return result.value();
}

// The error of a call that must fail.
AslError Error(std::string_view text, const Json& input = Json::object()) {
  const Result<Json> result = Eval(text, input);
  if (result.ok()) return AslError{"<succeeded>", result.value().dump()};
  return result.error();
}

AslError Failure(std::string cause) {
  return AslError{"States.IntrinsicFailure", std::move(cause)};
}

struct Syntax {
  std::size_t offset;
  std::string message;
  friend bool operator==(const Syntax&, const Syntax&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Syntax& s) {
    return os << s.offset << ": " << s.message;
  }
};

std::optional<Syntax> ParseError(std::string_view text) {
  try {
    Call::Parse(text);
  } catch (const jsonpath::SyntaxError& e) {
    return Syntax{e.offset(), e.what()};
  }
  return std::nullopt;
}

bool IsV4Uuid(const std::string& text) {
  static const std::regex kUuid(
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  return std::regex_match(text, kUuid);
}

// ---------------------------------------------------------------- syntax

// ASL: INT-01
TEST(IntrinsicSyntaxTest, LooksLikeCallNeedsANameFollowedByParenthesis) {
  EXPECT_TRUE(LooksLikeCall("States.Array()"));
  EXPECT_TRUE(LooksLikeCall("States.Format('{}', $.a)"));
  EXPECT_TRUE(LooksLikeCall("My_Func.v2(1)"));
  EXPECT_FALSE(LooksLikeCall("$.a"));
  EXPECT_FALSE(LooksLikeCall("$$.Execution.Id"));
  EXPECT_FALSE(LooksLikeCall("States.Array"));
  EXPECT_FALSE(LooksLikeCall("States.Array ()"));
  EXPECT_FALSE(LooksLikeCall(""));
}

// ASL: INT-01
TEST(IntrinsicSyntaxTest, ParseKeepsNameAndText) {
  const Call call = Call::Parse("States.Array(1, 'a')");
  EXPECT_EQ(call.name(), "States.Array");
  EXPECT_EQ(call.text(), "States.Array(1, 'a')");
  EXPECT_EQ(call, Call::Parse("States.Array(1, 'a')"));
  EXPECT_FALSE(call == Call::Parse("States.Array(1,'a')"));
}

// ASL: INT-01
TEST(IntrinsicSyntaxTest, ArgumentsAreStringsNumbersNullBooleansPathsAndCalls) {
  EXPECT_EQ(Value("States.Array('a', 1, -2, 1.5, -0.25, 2e3, null, true, false, "
                  "$.x, States.Array())",
                  {{"x", {{"y", 1}}}}),
            Json::parse(R"(["a",1,-2,1.5,-0.25,2000.0,null,true,false,{"y":1},[]])"));
  EXPECT_EQ(Value("States.Array(  'a'  ,$.x  )", {{"x", 2}}), Json::parse(R"(["a",2])"));
}

// ASL: INT-01
TEST(IntrinsicSyntaxTest, PathArgumentEndsAtTopLevelCommaOrParenthesis) {
  const Json input = {{"a", {{"b", 1}}}, {"c", "x"}};
  EXPECT_EQ(Value("States.Array($.a.b,$.c)", input), Json::parse(R"([1,"x"])"));
  EXPECT_EQ(Value("States.Array(States.Array($.c), $.a.b)", input), Json::parse(R"([["x"],1])"));
}

// ASL: INT-01
TEST(IntrinsicSyntaxTest, UnknownFunctionIsASyntaxError) {
  EXPECT_EQ(ParseError("States.Nope(1)"), (Syntax{0, "unknown intrinsic function 'States.Nope'"}));
  EXPECT_EQ(ParseError("States.Array(States.Upper('a'))"),
            (Syntax{13, "unknown intrinsic function 'States.Upper'"}));
}

// ASL: INT-01
TEST(IntrinsicSyntaxTest, WrongArgumentCountIsASyntaxError) {
  EXPECT_EQ(ParseError("States.ArrayRange(1, 2)"),
            (Syntax{0, "States.ArrayRange takes 3 arguments, got 2"}));
  EXPECT_EQ(ParseError("States.ArrayLength()"),
            (Syntax{0, "States.ArrayLength takes 1 argument, got 0"}));
  EXPECT_EQ(ParseError("States.UUID(1)"), (Syntax{0, "States.UUID takes 0 arguments, got 1"}));
  EXPECT_EQ(ParseError("States.Format()"),
            (Syntax{0, "States.Format takes at least 1 argument, got 0"}));
  EXPECT_EQ(ParseError("States.MathRandom(1)"),
            (Syntax{0, "States.MathRandom takes 2 or 3 arguments, got 1"}));
}

// ASL: INT-01
TEST(IntrinsicSyntaxTest, MalformedCallsAreSyntaxErrors) {
  EXPECT_EQ(ParseError("States.Array(1"), (Syntax{14, "missing ')' to close States.Array"}));
  EXPECT_EQ(ParseError("States.Array(1 2)"),
            (Syntax{15, "expected ',' or ')' after an argument of States.Array"}));
  EXPECT_EQ(ParseError("States.Array(1) x"),
            (Syntax{16, "unexpected text after the closing ')' of States.Array"}));
  EXPECT_EQ(ParseError("States.Array(yes)"), (Syntax{13, "unexpected 'yes' as an argument"}));
  EXPECT_EQ(ParseError("States.Array(1,)"), (Syntax{15, "unexpected ')' as an argument"}));
  EXPECT_EQ(ParseError("States.Array('abc"), (Syntax{13, "unterminated string"}));
}

// ASL: INT-07
TEST(IntrinsicSyntaxTest, JsonToStringTakesAPath) {
  EXPECT_EQ(ParseError("States.JsonToString('x')"),
            (Syntax{0, "States.JsonToString takes a path argument"}));
}

// ASL: INT-02
TEST(IntrinsicSyntaxTest, EscapesInStrings) {
  // The JSON text "States.Format('it\\'s \\{\\} a \\\\ {}', 'x')".
  EXPECT_EQ(Value(R"(States.Format('it\'s \{\} a \\ {}', 'x'))"), R"(it's {} a \ x)");
  EXPECT_EQ(Value(R"(States.Array('\'', '\\'))"), Json::parse(R"(["'","\\"])"));
}

// ASL: INT-02 (AWS documents a lone backslash as a run-time error)
TEST(IntrinsicEvalTest, LoneBackslashFailsAtRunTime) {
  EXPECT_EQ(ParseError(R"(States.Array('a\nb'))"), std::nullopt);
  EXPECT_EQ(Error(R"(States.Array(1, States.Format('a\nb')))"),
            (AslError{"States.Runtime",
                      R"(The intrinsic function States.Format('a\nb') contains )"
                      R"(a backslash that escapes nothing (write \\ for a backslash))"}));
}

// ASL: INT-03, EXE-06
TEST(IntrinsicSyntaxTest, NestingUpToTenCalls) {
  std::string ten = "1";
  for (int i = 0; i < 10; ++i) ten = "States.Array(" + ten + ")";
  EXPECT_EQ(Value(ten), Json::parse("[[[[[[[[[[1]]]]]]]]]]"));
  const std::string eleven = "States.Array(" + ten + ")";
  EXPECT_EQ(ParseError(eleven), (Syntax{130, "intrinsic functions are nested more than 10 deep"}));
}

// ---------------------------------------------------------- evaluation

// ASL: PT-06, PT-07
TEST(IntrinsicEvalTest, PathArgumentMatchingNothingIsStatesRuntime) {
  EXPECT_EQ(Error("States.Array($.missing)", {{"a", 1}}),
            (AslError{"States.Runtime",
                      "The JSONPath '$.missing' specified for the field "
                      "'FunctionResult.$' could not be found in the input "
                      "'{\"a\":1}'"}));
}

// ASL: PT-06, INT-03
TEST(IntrinsicEvalTest, MissingPathInNestedCallNamesTheField) {
  EXPECT_EQ(Error("States.Format('{}', States.MathAdd($.a, $.b))", {{"a", 1}}),
            (AslError{"States.Runtime",
                      "The JSONPath '$.b' specified for the field "
                      "'FunctionResult.$' could not be found in the input "
                      "'{\"a\":1}'"}));
}

// ASL: INT-01, PATH-02
TEST(IntrinsicEvalTest, IndefinitePathArgumentsGiveArrays) {
  const Json input =
      Json::parse(R"({"items":[{"id":1,"tag":"a,b"},{"id":2,"tag":"c"},{"id":3,"tag":"a,b"}]})");
  EXPECT_EQ(Value("States.ArrayLength($.items[*].id)", input), 3);
  EXPECT_EQ(Value("States.Array($.items[?(@.tag == 'a,b')].id, 'x')", input),
            Json::parse(R"([[1,3],"x"])"));
}

// ASL: PT-07
TEST(IntrinsicEvalTest, ContextAndVariablePathArguments) {
  const Json input = {{"a", 1}};
  const Json context = {{"Execution", {{"Name", "run-1"}}}};
  const MapVariables variables(Json::object({{"order", {{"id", "o-7"}}}}));
  jsonpath::Env env;
  env.input = &input;
  env.context = &context;
  env.variables = &variables;
  const auto result =
      Call::Parse("States.Format('{}/{}/{}', $$.Execution.Name, $order.id, $.a)").Evaluate(env);
  ASSERT_TRUE(result.ok()) << result.error().cause;
  EXPECT_EQ(result.value(), "run-1/o-7/1");
}

// ASL: PT-07
TEST(IntrinsicEvalTest, NestedFailurePropagates) {
  EXPECT_EQ(Error("States.Array(States.ArrayLength('x'))"),
            Failure("Invalid arguments in States.ArrayLength: argument 1 must "
                    "be an array, got string \"x\""));
}

// ASL: INT-05
TEST(IntrinsicFormatTest, RendersScalarsWithoutQuotes) {
  EXPECT_EQ(Value("States.Format('{} {} {} {} {}', 'text', 42, true, null, -7)"),
            "text 42 true null -7");
  EXPECT_EQ(Value("States.Format('no placeholders')"), "no placeholders");
  EXPECT_EQ(Value("States.Format('{}|{}', 1.5, $.s)", {{"s", "x\"y"}}), "1.5|x\"y");
}

// ASL: INT-05 (AWS prints objects and arrays the way Java's toString does)
TEST(IntrinsicFormatTest, RendersObjectsAndArraysLikeJava) {
  const Json input = Json::parse(R"({"sm":{"Id":"arn:x","Name":"m"},"l":[1,"a",[true]]})");
  EXPECT_EQ(Value("States.Format('{} and {}', $.sm, $.l)", input),
            "{Id=arn:x, Name=m} and [1, a, [true]]");
}

// ASL: INT-05
TEST(IntrinsicFormatTest, TemplateFromPathUsesItsBracesAsTheyAre) {
  const Json input = {{"t", "It's {}! {"}, {"v", "Pikachu"}};
  EXPECT_EQ(Value("States.Format($.t, $.v)", input), "It's Pikachu! {");
}

// ASL: INT-05
TEST(IntrinsicFormatTest, PlaceholderCountMustMatchValues) {
  EXPECT_EQ(Error("States.Format('{} {}', 1)"),
            Failure("Invalid arguments in States.Format: the template has 2 "
                    "placeholders but 1 value was given"));
  EXPECT_EQ(Error("States.Format('{}', 1, 2)"),
            Failure("Invalid arguments in States.Format: the template has 1 "
                    "placeholder but 2 values were given"));
  EXPECT_EQ(Error("States.Format(1)"),
            Failure("Invalid arguments in States.Format: argument 1 must be a "
                    "string, got number 1"));
}

// ASL: INT-06
TEST(IntrinsicJsonTest, StringToJsonParses) {
  EXPECT_EQ(Value("States.StringToJson($.s)", {{"s", R"({"a":[1,"x"]})"}}),
            Json::parse(R"({"a":[1,"x"]})"));
  EXPECT_EQ(Value("States.StringToJson('-0')"), 0);
  EXPECT_EQ(Error("States.StringToJson('{')"),
            Failure("Invalid arguments in States.StringToJson: the string is "
                    "not valid JSON: \"{\""));
  EXPECT_EQ(Error("States.StringToJson($.n)", {{"n", 5}}),
            Failure("Invalid arguments in States.StringToJson: argument 1 must "
                    "be a string, got number 5"));
}

// ASL: INT-07
TEST(IntrinsicJsonTest, JsonToStringIsCompact) {
  EXPECT_EQ(Value("States.JsonToString($.o)", Json::parse(R"({"o":{"b":[1, 2],"a":"x"}})")),
            R"({"a":"x","b":[1,2]})");
  EXPECT_EQ(Value("States.JsonToString($.s)", {{"s", "x"}}), R"("x")");
}

// ASL: INT-17
TEST(IntrinsicJsonTest, JsonMergeIsShallow) {
  const Json input = Json::parse(R"({"a":{"x":1,"n":{"p":1}},"b":{"n":{"q":2},"y":2}})");
  EXPECT_EQ(Value("States.JsonMerge($.a, $.b, false)", input),
            Json::parse(R"({"x":1,"n":{"q":2},"y":2})"));
  EXPECT_EQ(Error("States.JsonMerge($.a, $.b, true)", input),
            Failure("Invalid arguments in States.JsonMerge: deep merge is not "
                    "supported, the third argument must be false"));
  EXPECT_EQ(Error("States.JsonMerge($.a, 1, false)", input),
            Failure("Invalid arguments in States.JsonMerge: argument 2 must be "
                    "an object, got number 1"));
}

// ASL: INT-08
TEST(IntrinsicArrayTest, ArrayKeepsOrder) {
  EXPECT_EQ(Value("States.Array()"), Json::array());
  EXPECT_EQ(Value("States.Array(3, 1, 2)"), Json::parse("[3,1,2]"));
}

// ASL: INT-09
TEST(IntrinsicArrayTest, ArrayPartitionLeavesShortLastChunk) {
  const Json input = {{"a", Json::parse("[1,2,3,4,5,6,7,8,9]")}};
  EXPECT_EQ(Value("States.ArrayPartition($.a, 4)", input),
            Json::parse("[[1,2,3,4],[5,6,7,8],[9]]"));
  EXPECT_EQ(Value("States.ArrayPartition($.a, 2.5)", input),
            Json::parse("[[1,2,3],[4,5,6],[7,8,9]]"));
  EXPECT_EQ(Error("States.ArrayPartition($.a, 0)", input),
            Failure("Invalid arguments in States.ArrayPartition: the chunk size "
                    "must be a positive integer, got 0"));
  EXPECT_EQ(Error("States.ArrayPartition('x', 1)"),
            Failure("Invalid arguments in States.ArrayPartition: argument 1 "
                    "must be an array, got string \"x\""));
}

// ASL: INT-10
TEST(IntrinsicArrayTest, ArrayContainsComparesValues) {
  const Json input = Json::parse(R"({"a":[1,"x",{"k":[1]},null]})");
  EXPECT_EQ(Value("States.ArrayContains($.a, 'x')", input), true);
  EXPECT_EQ(Value(R"(States.ArrayContains($.a, States.StringToJson('{"k":[1]}')))", input), true);
  EXPECT_EQ(Value("States.ArrayContains($.a, null)", input), true);
  EXPECT_EQ(Value("States.ArrayContains($.a, 2)", input), false);
}

// ASL: INT-11, EXE-06
TEST(IntrinsicArrayTest, ArrayRangeIncludesTheEnd) {
  EXPECT_EQ(Value("States.ArrayRange(1, 9, 2)"), Json::parse("[1,3,5,7,9]"));
  EXPECT_EQ(Value("States.ArrayRange(9, 1, -3)"), Json::parse("[9,6,3]"));
  EXPECT_EQ(Value("States.ArrayRange(5, 1, 1)"), Json::array());
  EXPECT_EQ(Value("States.ArrayRange(0.5, 2.5, 1)"), Json::parse("[1,2,3]"));
  EXPECT_EQ(Value("States.ArrayLength(States.ArrayRange(1, 1000, 1))"), 1000);
  EXPECT_EQ(Error("States.ArrayRange(0, 1000, 1)"),
            Failure("Invalid arguments in States.ArrayRange: the range has "
                    "1001 items, more than the limit of 1000"));
  EXPECT_EQ(Error("States.ArrayRange(1, 2, 0)"),
            Failure("Invalid arguments in States.ArrayRange: the step must not be 0"));
}

// ASL: INT-12
TEST(IntrinsicArrayTest, ArrayGetItemIsZeroBased) {
  const Json input = {{"a", Json::parse(R"(["x","y","z"])")}};
  EXPECT_EQ(Value("States.ArrayGetItem($.a, 0)", input), "x");
  EXPECT_EQ(Value("States.ArrayGetItem($.a, 2)", input), "z");
  EXPECT_EQ(Error("States.ArrayGetItem($.a, 3)", input),
            Failure("Invalid arguments in States.ArrayGetItem: index 3 is out "
                    "of bounds for an array of 3 items"));
  EXPECT_EQ(Error("States.ArrayGetItem($.a, -1)", input),
            Failure("Invalid arguments in States.ArrayGetItem: index -1 is out "
                    "of bounds for an array of 3 items"));
}

// ASL: INT-13
TEST(IntrinsicArrayTest, ArrayLengthCountsItems) {
  EXPECT_EQ(Value("States.ArrayLength(States.Array(1, 2, 3))"), 3);
  EXPECT_EQ(Error("States.ArrayLength(null)"),
            Failure("Invalid arguments in States.ArrayLength: argument 1 must "
                    "be an array, got null"));
}

// ASL: INT-14
TEST(IntrinsicArrayTest, ArrayUniqueKeepsFirstOccurrences) {
  const Json input = Json::parse(R"({"a":[3,1,"x",3,{"k":1},1,"x",{"k":1},2]})");
  EXPECT_EQ(Value("States.ArrayUnique($.a)", input), Json::parse(R"([3,1,"x",{"k":1},2])"));
}

// ASL: INT-15
TEST(IntrinsicEncodingTest, Base64RoundTrips) {
  EXPECT_EQ(Value("States.Base64Encode('Data to encode')"), "RGF0YSB0byBlbmNvZGU=");
  EXPECT_EQ(Value("States.Base64Encode('ab')"), "YWI=");
  EXPECT_EQ(Value("States.Base64Encode('a')"), "YQ==");
  EXPECT_EQ(Value("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')"), "Data to encode");
  EXPECT_EQ(Value("States.Base64Decode('YQ')"), "a");
  EXPECT_EQ(Value("States.Base64Decode(States.Base64Encode('h\u00e9 \u20ac'))"), "h\u00e9 \u20ac");
  EXPECT_EQ(Error("States.Base64Decode('a*b=')"),
            Failure("Invalid arguments in States.Base64Decode: the input is "
                    "not valid Base64: \"a*b=\""));
}

// ASL: INT-15
TEST(IntrinsicEncodingTest, Base64DecodeReplacesMalformedUtf8) {
  // "/w==" is the single byte 0xFF, which Java decodes as U+FFFD.
  EXPECT_EQ(Value("States.Base64Decode('/w==')"), "\uFFFD");
  EXPECT_EQ(Value("States.Base64Decode('YeKCrA==')"), "a\u20AC");
}

// ASL: INT-15, INT-16, EXE-06 (characters are counted as Java counts them)
TEST(IntrinsicEncodingTest, LimitCountsUtf16Units) {
  std::string emoji;
  for (int i = 0; i < 5000; ++i) emoji += "\U0001F600";
  const Json ok = {{"s", emoji}};
  EXPECT_EQ(Value("States.Hash($.s, 'MD5')", ok).get<std::string>().size(), 32U);
  const Json too_long = {{"s", emoji + "a"}};
  EXPECT_EQ(Error("States.Hash($.s, 'MD5')", too_long),
            Failure("Invalid arguments in States.Hash: the input has 10001 "
                    "characters, more than the limit of 10000"));
}

// ASL: INT-15, EXE-06
TEST(IntrinsicEncodingTest, Base64InputIsLimitedTo10000Characters) {
  const Json ok = {{"s", std::string(10000, 'a')}, {"e", std::string(10000, 'Q')}};
  const Json encoded = Value("States.Base64Encode($.s)", ok);
  ASSERT_TRUE(encoded.is_string());
  EXPECT_EQ(encoded.get<std::string>().size(), 13336U);
  const Json decoded = Value("States.Base64Decode($.e)", ok);
  ASSERT_TRUE(decoded.is_string());
  EXPECT_EQ(decoded.get<std::string>().size(), 7500U);
  EXPECT_EQ(Error("States.Base64Decode(States.Base64Encode($.s))", ok),
            Failure("Invalid arguments in States.Base64Decode: the input has "
                    "13336 characters, more than the limit of 10000"));
  const Json long_input = {{"s", std::string(10001, 'a')}};
  EXPECT_EQ(Error("States.Base64Encode($.s)", long_input),
            Failure("Invalid arguments in States.Base64Encode: the input has "
                    "10001 characters, more than the limit of 10000"));
}

// ASL: INT-16
TEST(IntrinsicHashTest, EveryAlgorithmGivesLowercaseHex) {
  const Json input = {{"d", "input data"}};
  EXPECT_EQ(Value("States.Hash($.d, 'MD5')", input), "812f45842bc6d66ee14572ce20db8e86");
  EXPECT_EQ(Value("States.Hash($.d, 'SHA-1')", input), "aaff4a450a104cd177d28d18d74485e8cae074b7");
  EXPECT_EQ(Value("States.Hash($.d, 'SHA-256')", input),
            "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3");
  EXPECT_EQ(Value("States.Hash($.d, 'SHA-384')", input),
            "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b"
            "87525bdc835ebb27e1fb9e9374a15562");
  EXPECT_EQ(Value("States.Hash($.d, 'SHA-512')", input),
            "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce"
            "2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4");
}

// ASL: INT-16
TEST(IntrinsicHashTest, NonStringDataIsHashedAsCompactJson) {
  EXPECT_EQ(Value("States.Hash($.o, 'MD5')", Json::parse(R"({"o":{"b":[true],"a":1}})")),
            "75e3dfe1b4ef353fab4cea1525266bcf");
}

// ASL: INT-16, EXE-06
TEST(IntrinsicHashTest, RejectsUnknownAlgorithmAndLongInput) {
  EXPECT_EQ(Error("States.Hash('x', 'SHA-2')"),
            Failure("Invalid arguments in States.Hash: the hash algorithm "
                    "\"SHA-2\" is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"));
  const Json long_input = {{"s", std::string(10001, 'a')}};
  EXPECT_EQ(Error("States.Hash($.s, 'MD5')", long_input),
            Failure("Invalid arguments in States.Hash: the input has 10001 "
                    "characters, more than the limit of 10000"));
}

// ASL: INT-18
TEST(IntrinsicMathTest, SeededMathRandomIsJavaRandom) {
  // start + new java.util.Random(seed).nextInt(end - start)
  EXPECT_EQ(Value("States.MathRandom(0, 999, 3)"), 239);
  EXPECT_EQ(Value("States.MathRandom(0, 10, 42)"), 0);
  EXPECT_EQ(Value("States.MathRandom(1, 100, 42)"), 63);
  EXPECT_EQ(Value("States.MathRandom(-50, 50, -7)"), 12);
  EXPECT_EQ(Value("States.MathRandom(0, 1024, 123456789)"), 679);
}

// ASL: INT-18
TEST(IntrinsicMathTest, UnseededMathRandomDrawsFromTheRunGenerator) {
  sim::Rng first(11);
  sim::Rng second(11);
  for (int i = 0; i < 50; ++i) {
    const auto a = Eval("States.MathRandom(3, 6)", Json::object(), &first);
    const auto b = Eval("States.MathRandom(3, 6)", Json::object(), &second);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a.value(), b.value());
    EXPECT_GE(a.value().get<int>(), 3);
    EXPECT_LT(a.value().get<int>(), 6);
  }
  EXPECT_EQ(Error("States.MathRandom(5, 5)"),
            Failure("Invalid arguments in States.MathRandom: the end 5 must be "
                    "greater than the start 5 by at most 2147483647"));
  EXPECT_THROW(Eval("States.MathRandom(1, 5)"), UsageError);
}

// ASL: INT-19
TEST(IntrinsicMathTest, MathAddRoundsLikeJava) {
  EXPECT_EQ(Value("States.MathAdd(2.5, 0)"), 3);
  EXPECT_EQ(Value("States.MathAdd(-2.5, 0)"), -2);
  EXPECT_EQ(Value("States.MathAdd(1.49, 1.5)"), 3);
  EXPECT_EQ(Value("States.MathAdd(-1.5, -1.51)"), -3);
  EXPECT_EQ(Value("States.MathAdd($.n, -1)", {{"n", 1}}), 0);
}

// ASL: INT-19
TEST(IntrinsicMathTest, MathAddIsLimitedTo32Bits) {
  EXPECT_EQ(Value("States.MathAdd(2147483647, -1)"), 2147483646);
  EXPECT_EQ(Error("States.MathAdd(2147483648, 0)"),
            Failure("Invalid arguments in States.MathAdd: argument 1 must be an "
                    "integer between -2147483648 and 2147483647, got 2147483648"));
  EXPECT_EQ(Error("States.MathAdd(2147483647, 1)"),
            Failure("Invalid arguments in States.MathAdd: the sum 2147483648 is "
                    "outside -2147483648..2147483647"));
  EXPECT_EQ(Error("States.MathAdd('1', 1)"),
            Failure("Invalid arguments in States.MathAdd: argument 1 must be an "
                    "integer, got string \"1\""));
}

// ASL: INT-20
TEST(IntrinsicStringTest, StringSplitSplitsOnEachDelimiterCharacter) {
  EXPECT_EQ(Value("States.StringSplit('a,b;c', ',;')"), Json::parse(R"(["a","b","c"])"));
  EXPECT_EQ(Value("States.StringSplit(',,a,,b,', ',')"), Json::parse(R"(["a","b"])"));
  EXPECT_EQ(Value("States.StringSplit(',,,', ',')"), Json::array());
  EXPECT_EQ(Value("States.StringSplit('abc', '')"), Json::parse(R"(["abc"])"));
  EXPECT_EQ(Value("States.StringSplit('x\u00e9y\u00e9z', '\u00e9')"),
            Json::parse(R"(["x","y","z"])"));
}

// ASL: INT-21
TEST(IntrinsicUuidTest, UuidIsV4AndReproducibleFromTheSeed) {
  sim::Rng first(99);
  sim::Rng second(99);
  const auto a = Eval("States.UUID()", Json::object(), &first);
  const auto b = Eval("States.UUID()", Json::object(), &second);
  const auto c = Eval("States.UUID()", Json::object(), &first);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_TRUE(IsV4Uuid(a.value().get<std::string>())) << a.value();
  EXPECT_EQ(a.value(), b.value());
  EXPECT_NE(a.value(), c.value());
  EXPECT_THROW(Eval("States.UUID()"), UsageError);
}

}  // namespace
}  // namespace stepsim::intrinsics
