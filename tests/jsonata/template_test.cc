#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/jsonata/jsonata.h>

#include <string>
#include <vector>

namespace stepsim::jsonata {
namespace {

using ::testing::HasSubstr;

TEST(JsonataTemplateTest, IsExpressionNeedsBothDelimitersWithNothingOutside) {
  // ASL: JSONATA-01
  EXPECT_TRUE(IsExpression("{% $x %}"));
  EXPECT_TRUE(IsExpression("{%1%}"));
  EXPECT_FALSE(IsExpression(" {% $x %}"));
  EXPECT_FALSE(IsExpression("{% $x %} "));
  EXPECT_FALSE(IsExpression("{% $x"));
  EXPECT_FALSE(IsExpression("$x %}"));
  EXPECT_FALSE(IsExpression("{%}"));
}

TEST(JsonataTemplateTest, ReplacesExpressionsAnywhereInObjectsAndArrays) {
  // ASL: JSONATA-01
  const Json input = Json::parse(R"({"name": "x", "n": 2})");
  Bindings b;
  b.input = &input;
  const CompiledTemplate t = CompiledTemplate::Compile(Json::parse(R"({
    "literal": "plain {% not an expression",
    "value": "{% $states.input.name %}",
    "list": [1, "{% $states.input.n * 10 %}", {"deep": "{% $uppercase($states.input.name) %}"}],
    "constant": {"a": [true, null]}
  })"));
  EXPECT_FALSE(t.is_constant());
  Result<Json> r = t.Evaluate(b, "Arguments");
  ASSERT_TRUE(r.ok()) << r.error().cause;
  EXPECT_EQ(r.value(), Json::parse(R"({
    "literal": "plain {% not an expression",
    "value": "x",
    "list": [1, 20, {"deep": "X"}],
    "constant": {"a": [true, null]}
  })"));
}

TEST(JsonataTemplateTest, ConstantTemplatesAreCopiedAsTheyAre) {
  // ASL: JSONATA-01
  const CompiledTemplate t = CompiledTemplate::Compile(Json::parse(R"({"a": [1, "b"]})"));
  EXPECT_TRUE(t.is_constant());
  Result<Json> r = t.Evaluate(Bindings{}, "Output");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), Json::parse(R"({"a": [1, "b"]})"));
}

TEST(JsonataTemplateTest, WholeFieldExpression) {
  // ASL: JSONATA-01 (conformance: evaluate_jsonata)
  Result<Json> r = EvaluateTemplate(Json("{% {'foo': 'bar'} %}"), Bindings{}, "Output");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), Json::parse(R"({"foo": "bar"})"));
}

TEST(JsonataTemplateTest, UndefinedResultNamesTheExpressionAndField) {
  // ASL: JSONATA-05 (conformance: arguments, outputdecl, assign)
  Result<Json> nested = EvaluateTemplate(Json::parse(R"({"FunctionName": "{% $doesNotExist %}"})"),
                                         Bindings{}, "Arguments");
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.error(),
            (AslError{"States.QueryEvaluationError",
                      "The JSONata expression '$doesNotExist' specified for the field "
                      "'Arguments/FunctionName' returned nothing (undefined)."}));
  Result<Json> whole = EvaluateTemplate(Json("{% $doesNotExist %}"), Bindings{}, "Arguments");
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.error().cause,
            "The JSONata expression '$doesNotExist' specified for the field 'Arguments' returned "
            "nothing (undefined).");
}

TEST(JsonataTemplateTest, EvaluationErrorCarriesTheJsonataMessage) {
  // ASL: JSONATA-05 (conformance: TestMathOperationsJSONata_test_math_random_seeded)
  const Json input = Json::parse(R"({"FunctionInput": "fst"})");
  Bindings b;
  b.input = &input;
  Result<Json> r = EvaluateTemplate(
      Json::parse(R"({"FunctionResult": "{% $randomSeeded($states.input.FunctionInput.fst) %}"})"),
      b, "Output");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            (AslError{"States.QueryEvaluationError",
                      "The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' "
                      "specified for the field 'Output/FunctionResult' threw an error during "
                      "evaluation. T1006: Attempted to invoke a non-function"}));
}

TEST(JsonataTemplateTest, FunctionResultIsUnsupported) {
  // ASL: JSONATA-05 (conformance: Map Items given a function)
  Result<Json> r = EvaluateTemplate(Json("{% $fn := function($x){$x} %}"), Bindings{}, "Items");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().cause,
            "The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' "
            "returned an unsupported result type.");
}

TEST(JsonataTemplateTest, EvaluateValueReportsUndefinedAndFunctionsToTheCaller) {
  // ASL: CHO-13, JSONATA-05
  const CompiledTemplate undefined_t = CompiledTemplate::Compile(Json("{% $nothing %}"));
  Result<Value> u = undefined_t.EvaluateValue(Bindings{}, "Condition");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u.value().is_undefined());
  const CompiledTemplate fn_t = CompiledTemplate::Compile(Json("{% $sum %}"));
  Result<Value> f = fn_t.EvaluateValue(Bindings{}, "Items");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value().kind, Value::Kind::kFunction);
  const CompiledTemplate bool_t = CompiledTemplate::Compile(Json(true));
  Result<Value> v = bool_t.EvaluateValue(Bindings{}, "Condition");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value().json, true);
}

TEST(JsonataTemplateTest, UnexpectedTypeCauseMatchesAws) {
  // ASL: JSONATA-05 (conformance: Map Items given a non-array)
  const CompiledTemplate t = CompiledTemplate::Compile(Json("{% 'string' %}"));
  EXPECT_TRUE(t.is_expression());
  EXPECT_EQ(t.expression_text(), "'string'");
  EXPECT_EQ(
      t.UnexpectedTypeCause("Items", "array", Json("string")),
      "The JSONata expression ''string'' specified for the field 'Items' returned an unexpected "
      "result type. Expected 'array', but was 'string' for value: \"string\"");
  const CompiledTemplate v = CompiledTemplate::Compile(Json("{% $ItemsVar %}"));
  EXPECT_EQ(
      v.UnexpectedTypeCause("Items", "array", Json::parse(R"({"foo":"bar"})")),
      "The JSONata expression '$ItemsVar' specified for the field 'Items' returned an unexpected "
      "result type. Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}");
  EXPECT_FALSE(CompiledTemplate::Compile(Json::parse(R"({"a": "{% 1 %}"})")).is_expression());
}

TEST(JsonataTemplateTest, CompileRejectsSyntaxErrorsWithThePointer) {
  // ASL: JSONATA-01
  try {
    CompiledTemplate::Compile(Json::parse(R"({"a": [0, "{% (1 + %}"]})"));
    FAIL() << "compiled";
  } catch (const SyntaxError& e) {
    EXPECT_EQ(std::string(e.what()), "/a/1: S0207: Unexpected end of expression");
  }
}

TEST(JsonataTemplateTest, CompileRejectsTheImplicitInput) {
  // ASL: JSONATA-03
  for (const char* bad : {"{% $ %}", "{% foo %}", "{% $$.x %}", "{% $states.input[$$] %}"}) {
    try {
      CompiledTemplate::Compile(Json(bad));
      ADD_FAILURE() << bad << " compiled";
    } catch (const SyntaxError& e) {
      EXPECT_THAT(std::string(e.what()), HasSubstr("uses the input document")) << bad;
    }
  }
  EXPECT_NO_THROW(CompiledTemplate::Compile(Json("{% $states.input.items[$.price > 2] %}")));
}

TEST(JsonataTemplateTest, OrderedJsonTemplatesCompile) {
  // ASL: JSONATA-01
  const CompiledTemplate t =
      CompiledTemplate::Compile(nlohmann::ordered_json::parse(R"({"z": "{% 1 + 1 %}", "a": 1})"));
  Result<Json> r = t.Evaluate(Bindings{}, "Output");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), Json::parse(R"({"z": 2, "a": 1})"));
}

// Every JSONata expression recorded in the conformance cases parses.
TEST(JsonataTemplateTest, ConformanceExpressionsParse) {
  // ASL: JSONATA-01, JSONATA-02
  const std::vector<std::string> expressions = {
      "$ItemsVar",
      "$contains('hello$world', /^hello\\$/)",
      "$contains(\"hello$world\", /^hello\\ /)",
      "$contains(\"hello$world\", /^hello\\$/)",
      "$doesNotExist",
      "$errorVar",
      "$fn := function($x){$x}",
      "$maxItems := 2",
      "$merge([$states.input.part1, $states.input.part2])",
      "$not($states.input.result.done)",
      "$parse($states.input.FunctionInput)",
      "$partition($states.input.FunctionInput.fst, $states.input.FunctionInput.snd)",
      "$randomSeeded($states.input.FunctionInput.fst)",
      "$range($states.input.FunctionInput.fst, $states.input.FunctionInput.snd, "
      "$states.input.FunctionInput.trd)",
      "$resultVar",
      "$states.context",
      "$states.context.State.EnteredTime",
      "$states.errorOutput",
      "$states.input",
      "$states.input = '\"'",
      "$states.input.Bucket",
      "$states.input.result.done",
      "$states.result",
      "$sum($states.input.input_values) + $var_constant_1",
      "$theAnswer",
      "$variable := 1",
      "'string'",
      "[]",
      "true",
      "{'foo': 'bar'}"};
  for (const std::string& e : expressions) {
    EXPECT_NO_THROW({
      const Expression x = Expression::Parse(e);
      EXPECT_FALSE(x.UsesImplicitInput()) << e;
    }) << e;
  }
}

TEST(JsonataTemplateTest, ConformanceValues) {
  // ASL: JSONATA-02, CHO-13 (conformance: evaluate_jsonata, choice_operators)
  const Json input =
      Json::parse(R"({"part1": {"a": 1}, "part2": {"b": 2}, "result": {"done": false}})");
  Bindings b;
  b.input = &input;
  auto eval = [&](const char* text) {
    Result<Json> r = EvaluateTemplate(Json(text), b, "Output");
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().cause);
    return r.ok() ? r.value() : Json();
  };
  EXPECT_EQ(eval("{% $merge([$states.input.part1, $states.input.part2]) %}"),
            Json::parse(R"({"a":1,"b":2})"));
  EXPECT_EQ(eval("{% $not($states.input.result.done) %}"), true);
  EXPECT_EQ(eval("{% $states.input = '\"' %}"), false);
  EXPECT_EQ(eval("{% $contains('hello$world', /^hello\\$/) %}"), true);
  EXPECT_EQ(eval("{% $contains(\"hello$world\", /^hello\\ /) %}"), false);
  EXPECT_EQ(eval("{% [] %}"), Json::array());
  EXPECT_EQ(eval("{% $maxItems := 2 %}"), 2);
}

}  // namespace
}  // namespace stepsim::jsonata
