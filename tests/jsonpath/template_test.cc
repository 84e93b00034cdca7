#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/jsonpath/template.h>

#include <map>
#include <string>

namespace stepsim::jsonpath {
namespace {

using ::testing::HasSubstr;
using OJson = nlohmann::ordered_json;

using MapVariables = ObjectVariables;

Json EvaluateOk(const char* template_text, const Json& input, const Json* context = nullptr,
                const VariableView* variables = nullptr) {
  const auto compiled = Template::Compile(OJson::parse(template_text));
  Env env;
  env.input = &input;
  env.context = context;
  env.variables = variables;
  auto result = compiled.Evaluate(env);
  if (!result.ok()) {
    ADD_FAILURE() << result.error().error << ": " << result.error().cause;
    return Json();
  }
  return result.value();
}

AslError EvaluateError(const char* template_text, const Json& input) {
  const auto compiled = Template::Compile(OJson::parse(template_text));
  Env env;
  env.input = &input;
  auto result = compiled.Evaluate(env);
  if (result.ok()) {
    ADD_FAILURE() << "unexpected success: " << result.value().dump();
    return AslError{};
  }
  return result.error();
}

std::pair<std::string, std::string> CompileError(const char* template_text) {
  try {
    Template::Compile(OJson::parse(template_text));
  } catch (const TemplateError& e) {
    return {e.pointer(), e.what()};
  }
  ADD_FAILURE() << "no error for " << template_text;
  return {};
}

TEST(TemplateTest, NestedObjectsAndArraysAreProcessed) {
  // ASL: PT-01, PT-02
  const Json input = Json::parse(R"({"a":1,"b":{"c":"x"},"l":[1,2,3]})");
  EXPECT_EQ(EvaluateOk(R"({
      "top.$": "$.a",
      "nested": {"deep.$": "$.b.c", "lit": 2},
      "list": [{"v.$": "$.l[1]"}, "plain", [{"w.$": "$.b"}]]
    })",
                       input),
            Json::parse(R"({
      "top": 1,
      "nested": {"deep": "x", "lit": 2},
      "list": [{"v": 2}, "plain", [{"w": {"c":"x"}}]]
    })"));
}

TEST(TemplateTest, WholeInputAndIndefinitePaths) {
  // ASL: PT-02, PATH-01
  const Json input = Json::parse(R"({"items":[{"id":1},{"id":2}]})");
  EXPECT_EQ(EvaluateOk(R"({"all.$": "$", "ids.$": "$.items[*].id",
                           "none.$": "$.items[?(@.id > 5)]"})",
                       input),
            Json::parse(R"({"all": {"items":[{"id":1},{"id":2}]},
                            "ids": [1,2], "none": []})"));
}

TEST(TemplateTest, KeysWithoutSuffixAreLiterals) {
  // ASL: PT-03
  const Json input = Json::parse(R"({"a":1})");
  EXPECT_EQ(EvaluateOk(R"j({"x": "$.a", "y": "States.Format('{}', 1)",
                           "z": {"$$": "$$.Execution"}})j",
                       input),
            Json::parse(R"j({"x": "$.a", "y": "States.Format('{}', 1)",
                            "z": {"$$": "$$.Execution"}})j"));
}

TEST(TemplateTest, StaticValuesAreCopiedExactly) {
  // ASL: PT-01, PT-03
  const Json input = Json::object();
  EXPECT_EQ(EvaluateOk(R"({"n": 1.5, "i": 7, "b": false, "z": null, "s": "",
                     "e": {}, "a": []})",
                       input),
            Json::parse(R"({"n": 1.5, "i": 7, "b": false, "z": null, "s": "", "e": {}, "a": []})"));
  // A non-object template is a literal too.
  EXPECT_EQ(EvaluateOk("[1, {\"k.$\": \"$\"}]", Json(3)), Json::parse(R"([1, {"k": 3}])"));
}

TEST(TemplateTest, ContextPathsReadTheContextObject) {
  // ASL: PT-02, PATH-03, PT-05
  const Json input = Json::parse(R"({"x":1})");
  const Json context =
      Json::parse(R"({"Execution":{"Id":"arn:e"},"Map":{"Item":{"Index":2,"Value":"v"}}})");
  EXPECT_EQ(EvaluateOk(R"({"id.$": "$$.Execution.Id",
                           "index.$": "$$.Map.Item.Index",
                           "item.$": "$$.Map.Item.Value", "x.$": "$.x"})",
                       input, &context),
            Json::parse(R"({"id":"arn:e","index":2,"item":"v","x":1})"));
}

TEST(TemplateTest, DollarNameReadsVariables) {
  // ASL: PT-02, PATH-04, VAR-05
  const Json input = Json::object();
  const MapVariables variables(
      Json::object({{"customer", Json::parse(R"({"name":"Ann","orders":[10,20]})")}}));
  EXPECT_EQ(EvaluateOk(R"({"name.$": "$customer.name",
                           "last.$": "$customer.orders[-1]",
                           "whole.$": "$customer"})",
                       input, nullptr, &variables),
            Json::parse(R"({"name":"Ann","last":20,
                            "whole":{"name":"Ann","orders":[10,20]}})"));
}

TEST(TemplateTest, UnsetVariableIsARuntimeError) {
  // ASL: VAR-07
  const MapVariables variables(Json::object());
  const Json input = Json::parse(R"({"a":1})");
  const auto compiled = Template::Compile(OJson::parse(R"({"v.$": "$nothing"})"));
  Env env;
  env.input = &input;
  env.variables = &variables;
  const auto result = compiled.Evaluate(env);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().error, "States.Runtime");
  EXPECT_EQ(result.error().cause,
            "The JSONPath '$nothing' specified for the field 'v.$' could not "
            "be found in the input '{\"a\":1}'");
}

TEST(TemplateTest, IntrinsicCallsAreEvaluated) {
  // ASL: PT-02
  const Json input = Json::parse(R"({"name":"World","n":1.1,"o":{"b":1,"a":[]}})");
  EXPECT_EQ(EvaluateOk(R"j({"greeting.$": "States.Format('Hello {}', $.name)",
                           "text.$": "States.JsonToString($.o)",
                           "num.$": "States.JsonToString($.n)"})j",
                       input),
            Json::parse(R"j({"greeting":"Hello World",
                            "text":"{\"a\":[],\"b\":1}", "num":"1.1"})j"));
}

TEST(TemplateTest, MissingPathIsRuntimeErrorWithAwsCause) {
  // ASL: PT-06
  const Json input = Json::parse(R"({"flagged":false})");
  const AslError error = EvaluateError(
      R"({"name.$": "$.application.name", "address.$": "$.application.address"})", input);
  EXPECT_EQ(error.error, "States.Runtime");
  // Fields evaluate in author order, so "name.$" fails first.
  EXPECT_EQ(error.cause,
            "The JSONPath '$.application.name' specified for the field "
            "'name.$' could not be found in the input '{\"flagged\":false}'");
}

TEST(TemplateTest, MissingPathInNestedFieldNamesOnlyTheKey) {
  // ASL: PT-06
  const Json input = Json::parse(R"({"a":1})");
  const AslError error = EvaluateError(R"({"outer": {"inner.$": "$.b"}})", input);
  EXPECT_EQ(error.cause,
            "The JSONPath '$.b' specified for the field 'inner.$' could not "
            "be found in the input '{\"a\":1}'");
}

TEST(TemplateTest, FailingIntrinsicPropagatesItsError) {
  // ASL: PT-07
  const Json input = Json::parse(R"({"a":1})");
  const AslError error = EvaluateError(R"j({"v.$": "States.StringToJson($.a)"})j", input);
  EXPECT_FALSE(error.error.empty());
  EXPECT_NE(error.error, "States.Runtime");
}

TEST(TemplateTest, DuplicateKeysAfterStrippingAreRejected) {
  // ASL: PT-04
  const auto [pointer, message] = CompileError(R"({"a": {"x": 1, "x.$": "$.y"}})");
  EXPECT_EQ(pointer, "/a/x.$");
  EXPECT_EQ(message, "field \"x.$\" duplicates field \"x\" once '.$' is removed");
}

TEST(TemplateTest, NonStringDollarValueIsRejected) {
  // ASL: PT-02
  const auto [pointer, message] = CompileError(R"({"l": [{"x.$": 3}]})");
  EXPECT_EQ(pointer, "/l/0/x.$");
  EXPECT_EQ(message,
            "the value of field \"x.$\" must be a string holding a path or an "
            "intrinsic function call, got a number");
}

TEST(TemplateTest, BadPathIsRejectedWithPointer) {
  // ASL: PT-02, PATH-01
  const auto [pointer, message] = CompileError(R"({"a/b~c.$": "$.x["})");
  EXPECT_EQ(pointer, "/a~1b~0c.$");
  EXPECT_EQ(message, "invalid JSONPath \"$.x[\": unterminated brackets at offset 3");
}

TEST(TemplateTest, BadIntrinsicIsRejectedWithPointer) {
  // ASL: PT-02
  const auto [pointer, message] = CompileError(R"j({"x.$": "States.Nope(1)"})j");
  EXPECT_EQ(pointer, "/x.$");
  EXPECT_THAT(message, HasSubstr("invalid intrinsic function call "
                                 "\"States.Nope(1)\": "));
}

TEST(TemplateTest, SourceKeepsAuthorOrderAndEquality) {
  // ASL: PT-01
  const auto a = Template::Compile(OJson::parse(R"({"b.$": "$", "a": 1})"));
  const auto b = Template::Compile(OJson::parse(R"({"b.$": "$", "a": 1})"));
  EXPECT_EQ(a.source().dump(), R"({"b.$":"$","a":1})");
  EXPECT_EQ(a, b);
}

TEST(TemplateTest, EvaluationDoesNotChangeTheTemplate) {
  // ASL: PT-01
  const auto compiled = Template::Compile(OJson::parse(R"({"s": {"k": 1}, "d.$": "$.v"})"));
  for (int v : {1, 2}) {
    const Json input = {{"v", v}};
    Env env;
    env.input = &input;
    const auto result = compiled.Evaluate(env);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.value(), Json::parse(R"({"s":{"k":1},"d":)" + std::to_string(v) + "}"));
  }
}

}  // namespace
}  // namespace stepsim::jsonpath
