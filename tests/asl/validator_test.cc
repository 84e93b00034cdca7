// Unit tests for the static rules of internal::ValidateDocument, through
// the public asl::Validate. Each test pins the exact code, pointer and
// message a user sees.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>

#include <string>
#include <string_view>
#include <vector>

#include "asl/validate_text.h"

namespace stepsim::asl {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// "error[CODE] /pointer: message" for every diagnostic, in report order.
std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> out;
  for (const Diagnostic& d : Validate(text)) {
    out.push_back(std::string(d.severity == Severity::kError ? "error" : "warning") + "[" + d.code +
                  "] " + d.pointer + ": " + d.message);
  }
  return out;
}

// A machine whose StartAt is "A" with the given members of "States".
std::string Machine(std::string_view states) {
  return R"({"StartAt": "A", "States": {)" + std::string(states) + "}}";
}

// A machine with one state "A" of the given members.
std::string OneState(std::string_view members) {
  return Machine(R"("A": {)" + std::string(members) + "}");
}

std::string JsonataState(std::string_view members) {
  return R"({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {)" +
         std::string(members) + "}}}";
}

std::string TaskWith(std::string_view members) {
  return OneState(R"("Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, )" +
                  std::string(members));
}

std::string RetryWith(std::string_view retrier) {
  return TaskWith(R"("Retry": [{"ErrorEquals": ["E"], )" + std::string(retrier) + "}]");
}

std::string ChoiceWith(std::string_view rule) {
  return Machine(R"("A": {"Type": "Choice", "Choices": [)" + std::string(rule) +
                 R"(], "Default": "B"}, "B": {"Type": "Succeed"})");
}

// --- Root (TOP) -----------------------------------------------------------

TEST(ValidatorTest, AcceptsMinimalMachine) {
  // ASL: TOP-01
  EXPECT_THAT(Lines(OneState(R"("Type": "Succeed")")), IsEmpty());
}

TEST(ValidatorTest, RootMustBeAnObject) {
  // ASL: TOP-01
  EXPECT_THAT(Lines("[1]"), ElementsAre("error[SCHEMA_VALIDATION_FAILED] : definition must "
                                        "be a JSON object, got an array"));
}

TEST(ValidatorTest, StartAtAndStatesAreRequired) {
  // ASL: TOP-01
  EXPECT_THAT(Lines(R"({"States": {"A": {"Type": "Succeed"}}})"),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] : missing required "
                          "field \"StartAt\""));
  EXPECT_THAT(Lines(R"({"StartAt": "A"})"),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] : missing required "
                          "field \"States\""));
}

TEST(ValidatorTest, StartAtMustNameAState) {
  // ASL: TOP-01, ST-05
  EXPECT_THAT(Lines(R"({"StartAt": "B", "States": {"A": {"Type": "Succeed"}}})"),
              ElementsAre("error[MISSING_TRANSITION_TARGET] /StartAt: no state "
                          "named \"B\""));
}

TEST(ValidatorTest, UnknownRootFieldSuggestsTheNearOne) {
  // ASL: TOP-02
  EXPECT_THAT(
      Lines(R"({"StartAt": "A", "TimeoutSecond": 5, "States": {"A": {"Type": "Succeed"}}})"),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] /TimeoutSecond: unknown "
                  "field \"TimeoutSecond\" in state machine (did you mean "
                  "\"TimeoutSeconds\"?)"));
}

TEST(ValidatorTest, RootTimeoutSecondsMustBePositive) {
  // ASL: TOP-02
  EXPECT_THAT(
      Lines(R"({"StartAt": "A", "TimeoutSeconds": 0, "States": {"A": {"Type": "Succeed"}}})"),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] /TimeoutSeconds: must be a "
                  "positive integer, got 0"));
}

TEST(ValidatorTest, RootQueryLanguageIsAnEnum) {
  // ASL: TOP-02
  EXPECT_THAT(
      Lines(
          R"({"StartAt": "A", "QueryLanguage": "JSONPATH", "States": {"A": {"Type": "Succeed"}}})"),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] /QueryLanguage: must be "
                  "\"JSONPath\" or \"JSONata\", got \"JSONPATH\" (did you "
                  "mean \"JSONPath\"?)"));
}

TEST(ValidatorTest, StateNameLongerThan80CharactersIsInvalid) {
  // ASL: TOP-04
  const std::string name(81, 'n');
  EXPECT_THAT(Lines(R"({"StartAt": ")" + name + R"(", "States": {")" + name +
                    R"(": {"Type": "Succeed"}}})"),
              ElementsAre("error[INVALID_STATE_NAME] /States/" + name +
                          ": state name must be 1 to 80 characters, got 81"));
  const std::string eighty(80, 'n');
  EXPECT_THAT(Lines(R"({"StartAt": ")" + eighty + R"(", "States": {")" + eighty +
                    R"(": {"Type": "Succeed"}}})"),
              IsEmpty());
}

TEST(ValidatorTest, StateNameLengthCountsCodePoints) {
  // ASL: TOP-04
  std::string name;
  for (int i = 0; i < 80; ++i) name += "\xC3\xA9";  // é: 80 characters
  EXPECT_THAT(Lines(R"({"StartAt": ")" + name + R"(", "States": {")" + name +
                    R"(": {"Type": "Succeed"}}})"),
              IsEmpty());
}

TEST(ValidatorTest, DuplicateStateNameAcrossScopes) {
  // ASL: TOP-04
  EXPECT_THAT(Lines(Machine(R"("A": {"Type": "Parallel", "End": true, "Branches": [
          {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}},
          {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}]})")),
              ElementsAre("error[DUPLICATE_STATE_NAME] "
                          "/States/A/Branches/1/States/X: state name \"X\" is already "
                          "used at /States/A/Branches/0/States/X"));
}

TEST(ValidatorTest, DuplicateStateNameBetweenBranchAndTopLevel) {
  // ASL: TOP-04
  EXPECT_THAT(Lines(Machine(R"("A": {"Type": "Parallel", "Next": "B", "Branches": [
          {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}]},
          "B": {"Type": "Succeed"})")),
              ElementsAre("error[DUPLICATE_STATE_NAME] /States/B: state name \"B\" "
                          "is already used at /States/A/Branches/0/States/B"));
}

TEST(ValidatorTest, JsonPathStateInJsonataMachineIsRejected) {
  // ASL: TOP-07
  EXPECT_THAT(Lines(JsonataState(R"("Type": "Succeed", "QueryLanguage": "JSONPath")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/QueryLanguage: a state cannot use "
                          "\"JSONPath\" when the state machine's QueryLanguage "
                          "is \"JSONata\""));
}

TEST(ValidatorTest, JsonataStateInJsonPathMachineIsAccepted) {
  // ASL: TOP-06, TOP-07
  EXPECT_THAT(
      Lines(OneState(
          R"("Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input %}", "End": true)")),
      IsEmpty());
}

TEST(ValidatorTest, NestedStatesDefaultToTheRootLanguageNotTheParents) {
  // ASL: TOP-06: the inner Pass is JSONPath although its Map is JSONata.
  EXPECT_THAT(Lines(OneState(R"("Type": "Map", "QueryLanguage": "JSONata", "End": true,
          "ItemProcessor": {"StartAt": "P", "States": {
            "P": {"Type": "Pass", "Output": 1, "End": true}}})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/ItemProcessor/States/P/Output: field \"Output\" "
                          "is not allowed in a JSONPath state (it is a JSONata "
                          "field)"));
}

// --- States and transitions (ST) -----------------------------------------

TEST(ValidatorTest, TypeIsRequired) {
  // ASL: ST-01
  EXPECT_THAT(Lines(OneState(R"("End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A: missing "
                          "required field \"Type\""));
}

TEST(ValidatorTest, UnknownTypeSuggestsTheNearOne) {
  // ASL: ST-01
  EXPECT_THAT(Lines(OneState(R"("Type": "Tsk", "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Type: "
                          "must be one of \"Task\", \"Pass\", \"Choice\", "
                          "\"Wait\", \"Succeed\", \"Fail\", \"Parallel\" or "
                          "\"Map\", got \"Tsk\" (did you mean \"Task\"?)"));
}

TEST(ValidatorTest, NextAndEndTogetherAreRejected) {
  // ASL: ST-02
  EXPECT_THAT(Lines(Machine(
                  R"("A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Succeed"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A: state "
                          "has both \"Next\" and \"End\": expected exactly "
                          "one"));
}

TEST(ValidatorTest, NeitherNextNorEndIsRejected) {
  // ASL: ST-02
  EXPECT_THAT(Lines(Machine(R"("A": {"Type": "Pass"}, "B": {"Type": "Succeed"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A: state "
                          "has neither \"Next\" nor \"End\": expected exactly "
                          "one",
                          "error[MISSING_TRANSITION_TARGET] /States/B: state "
                          "\"B\" is not reachable"));
}

TEST(ValidatorTest, EndMustBeTrue) {
  // ASL: ST-02
  EXPECT_THAT(Lines(Machine(R"("A": {"Type": "Pass", "End": false}, "B": {"Type": "Fail"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/End: "
                          "must be true, got false",
                          "error[MISSING_TRANSITION_TARGET] /States/B: state "
                          "\"B\" is not reachable"));
}

TEST(ValidatorTest, SucceedFailAndChoiceTakeNoNextOrEnd) {
  // ASL: ST-03
  EXPECT_THAT(Lines(OneState(R"("Type": "Succeed", "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/End: "
                          "field \"End\" is not allowed in a Succeed state"));
  EXPECT_THAT(Lines(Machine(R"("A": {"Type": "Fail", "Next": "A"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Next: "
                          "field \"Next\" is not allowed in a Fail state"));
}

TEST(ValidatorTest, NextMustNameAStateInTheSameScope) {
  // ASL: ST-05
  EXPECT_THAT(
      Lines(Machine(R"("A": {"Type": "Pass", "Next": "Shipp"}, "Ship": {"Type": "Succeed"})")),
      ElementsAre("error[MISSING_TRANSITION_TARGET] /States/A/Next: "
                  "no state named \"Shipp\"",
                  "error[MISSING_TRANSITION_TARGET] /States/Ship: "
                  "state \"Ship\" is not reachable"));
}

TEST(ValidatorTest, TransitionOutOfABranchIsRejected) {
  // ASL: ST-05
  EXPECT_THAT(Lines(Machine(R"("A": {"Type": "Parallel", "Next": "Done", "Branches": [
          {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Done"},
                                      "Y": {"Type": "Succeed"}}}]},
          "Done": {"Type": "Succeed"})")),
              ElementsAre("error[MISSING_TRANSITION_TARGET] "
                          "/States/A/Branches/0/States/X/Next: no state named "
                          "\"Done\" in this scope (transitions cannot enter or leave "
                          "a Parallel branch or Map processor)",
                          "error[MISSING_TRANSITION_TARGET] "
                          "/States/A/Branches/0/States/Y: state \"Y\" is not "
                          "reachable"));
}

TEST(ValidatorTest, ChoiceDefaultAndCatchTargetsAreChecked) {
  // ASL: ST-05
  EXPECT_THAT(Lines(Machine(R"("A": {"Type": "Choice", "Choices": [
            {"Variable": "$.x", "IsPresent": true, "Next": "Nope1"}],
            "Default": "Nope2"})")),
              ElementsAre("error[MISSING_END_STATE] : no terminal state: no state "
                          "has \"End\": true and none is a Succeed or Fail state",
                          "error[MISSING_TRANSITION_TARGET] "
                          "/States/A/Choices/0/Next: no state named \"Nope1\"",
                          "error[MISSING_TRANSITION_TARGET] /States/A/Default: no "
                          "state named \"Nope2\""));
  EXPECT_THAT(Lines(TaskWith(R"("Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Z"}])")),
              ElementsAre("error[MISSING_TRANSITION_TARGET] "
                          "/States/A/Catch/0/Next: no state named \"Z\""));
}

TEST(ValidatorTest, EveryUnreachableStateIsReportedIncludingOrphanCycles) {
  // ASL: ST-06
  EXPECT_THAT(Lines(Machine(R"("A": {"Type": "Succeed"},
                       "B": {"Type": "Pass", "Next": "C"},
                       "C": {"Type": "Pass", "Next": "B"},
                       "D": {"Type": "Fail"})")),
              ElementsAre("error[MISSING_TRANSITION_TARGET] /States/B: state \"B\" is not "
                          "reachable",
                          "error[MISSING_TRANSITION_TARGET] /States/C: state \"C\" is not "
                          "reachable",
                          "error[MISSING_TRANSITION_TARGET] /States/D: state \"D\" is not "
                          "reachable"));
}

TEST(ValidatorTest, MissingEndStateSuppressesUnreachableStates) {
  // ASL: ST-07
  EXPECT_THAT(Lines(Machine(R"("A": {"Type": "Pass", "Next": "A"},
                               "B": {"Type": "Pass", "Next": "A"})")),
              ElementsAre("error[MISSING_END_STATE] : no terminal state: no "
                          "state has \"End\": true and none is a Succeed or "
                          "Fail state"));
}

TEST(ValidatorTest, MissingEndStateIsReportedPerScope) {
  // ASL: ST-07
  EXPECT_THAT(Lines(OneState(R"("Type": "Map", "End": true, "ItemProcessor": {
          "StartAt": "L", "States": {"L": {"Type": "Pass", "Next": "L"}}})")),
              ElementsAre("error[MISSING_END_STATE] /States/A/ItemProcessor: no "
                          "terminal state: no state has \"End\": true and none is a "
                          "Succeed or Fail state"));
}

TEST(ValidatorTest, FieldNotAllowedForTheStateType) {
  // ASL: ST-08
  EXPECT_THAT(Lines(OneState(R"("Type": "Pass", "End": true, "Retry": [])")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Retry: "
                          "field \"Retry\" is not allowed in a Pass state"));
  EXPECT_THAT(Lines(OneState(R"("Type": "Wait", "Seconds": 1, "End": true, "Parameters": {})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Parameters: field \"Parameters\" is not "
                          "allowed in a Wait state"));
  EXPECT_THAT(Lines(OneState(R"("Type": "Fail", "InputPath": "$")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/InputPath: field \"InputPath\" is not "
                          "allowed in a Fail state"));
  EXPECT_THAT(Lines(OneState(R"("Type": "Succeed", "Assign": {"x": 1})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Assign: "
                          "field \"Assign\" is not allowed in a Succeed "
                          "state"));
}

TEST(ValidatorTest, UnknownStateFieldSuggestsTheNearOne) {
  // ASL: ST-08
  EXPECT_THAT(Lines(OneState(R"("Type": "Pass", "End": true, "ResultPat": "$.x")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/ResultPat: unknown field \"ResultPat\" in "
                          "Pass state (did you mean \"ResultPath\"?)"));
}

TEST(ValidatorTest, JsonataFieldsInJsonPathStatesAndTheReverse) {
  // ASL: ST-09
  EXPECT_THAT(Lines(TaskWith(R"("Arguments": {})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Arguments: field \"Arguments\" is not "
                          "allowed in a JSONPath state (it is a JSONata "
                          "field)"));
  EXPECT_THAT(
      Lines(JsonataState(R"("Type": "Pass", "End": true, "Result": 1, "ResultPath": "$.x")")),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Result: "
                  "field \"Result\" is not allowed in a JSONata state "
                  "(it is a JSONPath field)",
                  "error[SCHEMA_VALIDATION_FAILED] "
                  "/States/A/ResultPath: field \"ResultPath\" is not "
                  "allowed in a JSONata state (it is a JSONPath "
                  "field)"));
  EXPECT_THAT(Lines(JsonataState(R"("Type": "Wait", "SecondsPath": "$.s", "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/SecondsPath: field \"SecondsPath\" is not "
                          "allowed in a JSONata state (it is a JSONPath "
                          "field)"));
}

TEST(ValidatorTest, ArgumentsOnlyOnTaskAndParallel) {
  // ASL: ST-09
  EXPECT_THAT(Lines(JsonataState(R"("Type": "Pass", "Arguments": {}, "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Arguments: field \"Arguments\" is not "
                          "allowed in a Pass state"));
}

// --- Paths and templates (IO, PATH, PT, INT) ------------------------------

TEST(ValidatorTest, ResultPathMustBeAReferencePath) {
  // ASL: IO-06, PATH-02
  EXPECT_THAT(Lines(TaskWith(R"("ResultPath": "$.a[*]")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/ResultPath: must be a reference path (a "
                          "single node, without \"..\", \"*\", \",\", \":\", "
                          "\"?\" or \"@\"), got \"$.a[*]\""));
}

TEST(ValidatorTest, ResultPathMustNotUseContextOrVariables) {
  // ASL: IO-06, PATH-05, VAR-05
  EXPECT_THAT(Lines(TaskWith(R"("ResultPath": "$$.Execution")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/ResultPath: must not start with \"$$\", "
                          "got \"$$.Execution\""));
  EXPECT_THAT(Lines(TaskWith(R"("ResultPath": "$order.id")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/ResultPath: must not reference a "
                          "variable, got \"$order.id\""));
}

TEST(ValidatorTest, NullPathsAreAccepted) {
  // ASL: IO-04
  EXPECT_THAT(Lines(TaskWith(R"("InputPath": null, "ResultPath": null, "OutputPath": null)")),
              IsEmpty());
}

TEST(ValidatorTest, InputPathMayUseContextAndFullJsonPath) {
  // ASL: IO-05, PATH-05
  EXPECT_THAT(Lines(TaskWith(R"("InputPath": "$$.Execution.Input", "OutputPath": "$..price")")),
              IsEmpty());
}

TEST(ValidatorTest, PathMustStartWithDollar) {
  // ASL: PATH-01
  EXPECT_THAT(Lines(TaskWith(R"("InputPath": 12)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/InputPath: must be a JSONPath or null, "
                          "got 12"));
}

TEST(ValidatorTest, DuplicateKeysAfterDollarStripping) {
  // ASL: PT-04
  const auto lines = Lines(TaskWith(R"("Parameters": {"a": 1, "a.$": "$.x"})"));
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_THAT(lines[0], ::testing::StartsWith("error[SCHEMA_VALIDATION_FAILED] "
                                              "/States/A/Parameters/a.$: "));
}

TEST(ValidatorTest, DollarKeysNeedPathOrIntrinsicValues) {
  // ASL: PT-02, INT-01
  const auto lines = Lines(TaskWith(R"js("Parameters": {"x": {"y.$": "States.Nope(1)"}})js"));
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_THAT(lines[0], ::testing::StartsWith("error[SCHEMA_VALIDATION_FAILED] "
                                              "/States/A/Parameters/x/y.$: "));
}

TEST(ValidatorTest, IntrinsicNestingIsLimitedToTen) {
  // ASL: INT-03, EXE-06
  const auto nested = [](int depth) {
    std::string call = "1";
    for (int i = 0; i < depth; ++i) call = "States.Array(" + call + ")";
    return TaskWith(R"js("Parameters": {"a.$": ")js" + call + "\"}");
  };
  EXPECT_THAT(Lines(nested(10)), IsEmpty());
  const auto lines = Lines(nested(11));
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_THAT(lines[0], ::testing::StartsWith("error[SCHEMA_VALIDATION_FAILED] "
                                              "/States/A/Parameters/a.$: "));
}

TEST(ValidatorTest, IntrinsicArgumentCountIsChecked) {
  // ASL: INT-01, INT-13
  const auto lines = Lines(TaskWith(R"js("Parameters": {"n.$": "States.ArrayLength($.a, 2)"})js"));
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_THAT(lines[0], ::testing::StartsWith("error[SCHEMA_VALIDATION_FAILED] "
                                              "/States/A/Parameters/n.$: "));
  EXPECT_THAT(Lines(OneState(R"js("Type": "Fail", "ErrorPath": "States.UUID(1)")js")),
              ::testing::Not(IsEmpty()));
}

TEST(ValidatorTest, NoDollarWarningForPathLookingLiterals) {
  // ASL: PT-03, VAL-03
  EXPECT_THAT(
      Lines(TaskWith(
          R"js("Parameters": {"orderId": "$.order.id", "n": "States.Format('{}', $.x)"})js")),
      ElementsAre("warning[NO_DOLLAR] /States/A/Parameters/orderId: "
                  "value \"$.order.id\" looks like a path but key "
                  "\"orderId\" does not end in \".$\"",
                  "warning[NO_DOLLAR] /States/A/Parameters/n: value "
                  "\"States.Format('{}', $.x)\" looks like an "
                  "intrinsic function call but key \"n\" does not end "
                  "in \".$\""));
}

TEST(ValidatorTest, NoPathWarningOnFailErrorLiteral) {
  // ASL: PSF-03, VAL-03
  EXPECT_THAT(Lines(OneState(R"("Type": "Fail", "Error": "$.error")")),
              ElementsAre("warning[NO_PATH] /States/A/Error: value "
                          "\"$.error\" looks like a path but field \"Error\" "
                          "does not end in \"Path\" (use \"ErrorPath\")"));
}

TEST(ValidatorTest, PassResultWithDollarKeysIsStatic) {
  // ASL: PSF-01, VAL-03
  EXPECT_THAT(Lines(OneState(R"("Type": "Pass", "End": true, "Result": {"a": {"b.$": "$.x"}})")),
              ElementsAre("warning[PASS_RESULT_IS_STATIC] "
                          "/States/A/Result/a/b.$: key \"b.$\" in Result is "
                          "not evaluated: Result is static, use Parameters to "
                          "evaluate paths"));
}

TEST(ValidatorTest, PassResultPathValueIsStatic) {
  // ASL: PSF-01, VAL-03
  EXPECT_THAT(Lines(OneState(R"("Type": "Pass", "End": true, "Result": {"ids": ["$.id"]})")),
              IsEmpty());
  EXPECT_THAT(Lines(OneState(R"("Type": "Pass", "End": true, "Result": {"id": "$.id"})")),
              ElementsAre("warning[PASS_RESULT_IS_STATIC] /States/A/Result/id: "
                          "path \"$.id\" in Result is not evaluated: Result "
                          "is static, use Parameters to evaluate paths"));
}

TEST(ValidatorTest, ParametersMustBeAnObject) {
  // ASL: PT-01
  EXPECT_THAT(Lines(TaskWith(R"("Parameters": ["a"])")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Parameters: must be an object, got an "
                          "array"));
}

TEST(ValidatorTest, ResultSelectorMustBeAnObject) {
  // ASL: PT-01
  EXPECT_THAT(Lines(TaskWith(R"("ResultSelector": "$.Payload")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/ResultSelector: must be an object, got "
                          "\"$.Payload\""));
}

// --- Choice (CHO) ----------------------------------------------------------

TEST(ValidatorTest, ChoicesMustBeNonEmpty) {
  // ASL: CHO-01
  EXPECT_THAT(
      Lines(Machine(
          R"("A": {"Type": "Choice", "Choices": [], "Default": "B"}, "B": {"Type": "Succeed"})")),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Choices: "
                  "must be a non-empty array of rules, got an array"));
}

TEST(ValidatorTest, TopLevelRuleNeedsNext) {
  // ASL: CHO-01
  EXPECT_THAT(Lines(ChoiceWith(R"({"Variable": "$.x", "IsNull": true})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0: missing required field "
                          "\"Next\""));
}

TEST(ValidatorTest, NestedRuleMustNotHaveNext) {
  // ASL: CHO-03
  EXPECT_THAT(Lines(ChoiceWith(
                  R"({"Not": {"Variable": "$.x", "IsNull": true, "Next": "B"}, "Next": "B"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0/Not/Next: field \"Next\" is only "
                          "allowed on a top-level choice rule, not inside \"And\", "
                          "\"Or\" or \"Not\""));
}

TEST(ValidatorTest, DataTestNeedsExactlyOneOperator) {
  // ASL: CHO-04
  EXPECT_THAT(
      Lines(ChoiceWith(R"({"Variable": "$.x", "StringEquals": "a", "IsNull": true, "Next": "B"})")),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Choices/0: rule "
                  "has 2 comparison operators (\"StringEquals\", "
                  "\"IsNull\"): expected exactly one"));
  EXPECT_THAT(Lines(ChoiceWith(R"({"Variable": "$.x", "Next": "B"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0: rule has \"Variable\" but no "
                          "comparison operator"));
  EXPECT_THAT(Lines(ChoiceWith(R"({"StringEquals": "a", "Next": "B"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0: missing required field "
                          "\"Variable\""));
}

TEST(ValidatorTest, BooleanRuleCannotCarryAComparison) {
  // ASL: CHO-03
  EXPECT_THAT(
      Lines(ChoiceWith(
          R"({"And": [{"Variable": "$.x", "IsNull": true}], "Variable": "$.y", "Next": "B"})")),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Choices/0: rule "
                  "combines \"And\" with a comparison: use \"And\" alone or "
                  "\"Variable\" with one operator"));
}

TEST(ValidatorTest, OperandTypesFollowTheOperator) {
  // ASL: CHO-05, CHO-07
  EXPECT_THAT(Lines(ChoiceWith(R"({"Variable": "$.x", "NumericEquals": "5", "Next": "B"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0/NumericEquals: must be a "
                          "number, got \"5\""));
  EXPECT_THAT(Lines(ChoiceWith(R"({"Variable": "$.x", "BooleanEquals": "true", "Next": "B"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0/BooleanEquals: must be a "
                          "boolean, got \"true\""));
  EXPECT_THAT(Lines(ChoiceWith(R"({"Variable": "$.x", "IsString": 1, "Next": "B"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0/IsString: must be a boolean, "
                          "got 1"));
  EXPECT_THAT(Lines(ChoiceWith(R"({"Variable": "$.x", "StringEqualsPath": "x", "Next": "B"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0/StringEqualsPath: invalid "
                          "JSONPath \"x\": a path must start with '$'"));
}

TEST(ValidatorTest, StringMatchesHasNoPathTwin) {
  // ASL: CHO-06
  EXPECT_THAT(Lines(ChoiceWith(R"({"Variable": "$.x", "StringMatchesPath": "$.y", "Next": "B"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0: rule has \"Variable\" but no "
                          "comparison operator",
                          "error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0/StringMatchesPath: unknown "
                          "field \"StringMatchesPath\" in choice rule (did "
                          "you mean \"StringMatches\"?)"));
}

TEST(ValidatorTest, TimestampLiteralMustBeRfc3339) {
  // ASL: CHO-09
  EXPECT_THAT(Lines(ChoiceWith(
                  R"({"Variable": "$.t", "TimestampEquals": "2016-03-14 01:59:00", "Next": "B"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0/TimestampEquals: must be an RFC "
                          "3339 timestamp such as \"2016-03-14T01:59:00Z\", "
                          "got \"2016-03-14 01:59:00\""));
  EXPECT_THAT(
      Lines(ChoiceWith(
          R"({"Variable": "$.t", "TimestampEquals": "2016-03-14T01:59:00.123+02:00", "Next": "B"})")),
      IsEmpty());
}

TEST(ValidatorTest, NoPathWarningOnLiteralComparisonWithAPath) {
  // ASL: CHO-05, VAL-03
  EXPECT_THAT(Lines(ChoiceWith(R"({"Variable": "$.x", "StringEquals": "$.y", "Next": "B"})")),
              ElementsAre("warning[NO_PATH] "
                          "/States/A/Choices/0/StringEquals: value \"$.y\" "
                          "looks like a path but \"StringEquals\" compares it "
                          "as a literal (use \"StringEqualsPath\")"));
}

TEST(ValidatorTest, JsonataRuleNeedsABooleanCondition) {
  // ASL: CHO-13
  EXPECT_THAT(Lines(R"({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
          "A": {"Type": "Choice", "Choices": [{"Condition": "yes", "Next": "B"}]},
          "B": {"Type": "Succeed"}}})"),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Choices/0/Condition: must be a boolean or a "
                          "JSONata expression, got \"yes\""));
}

// --- Wait (WAIT) -----------------------------------------------------------

TEST(ValidatorTest, WaitNeedsExactlyOneDuration) {
  // ASL: WAIT-01
  EXPECT_THAT(Lines(OneState(R"("Type": "Wait", "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A: Wait "
                          "state has no duration: expected exactly one of "
                          "\"Seconds\", \"SecondsPath\", \"Timestamp\" or "
                          "\"TimestampPath\""));
  EXPECT_THAT(Lines(OneState(R"("Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A: Wait "
                          "state has \"Seconds\" and \"SecondsPath\": "
                          "expected exactly one of \"Seconds\", "
                          "\"SecondsPath\", \"Timestamp\" or "
                          "\"TimestampPath\""));
}

TEST(ValidatorTest, WaitSecondsRange) {
  // ASL: WAIT-02
  EXPECT_THAT(Lines(OneState(R"("Type": "Wait", "Seconds": 0, "End": true)")), IsEmpty());
  EXPECT_THAT(Lines(OneState(R"("Type": "Wait", "Seconds": 99999999, "End": true)")), IsEmpty());
  EXPECT_THAT(Lines(OneState(R"("Type": "Wait", "Seconds": 1.5, "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Seconds: must be a non-negative integer, "
                          "got 1.5"));
}

TEST(ValidatorTest, WaitTimestampMustBeRfc3339) {
  // ASL: WAIT-03
  EXPECT_THAT(Lines(OneState(R"("Type": "Wait", "Timestamp": "$.when", "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Timestamp: must be an RFC 3339 "
                          "timestamp, got the path \"$.when\" (use "
                          "\"TimestampPath\")"));
  EXPECT_THAT(Lines(OneState(
                  R"("Type": "Wait", "Timestamp": "2016-03-05T21:29:29.243167252Z", "End": true)")),
              IsEmpty());
}

TEST(ValidatorTest, JsonataWaitAcceptsExpressions) {
  // ASL: WAIT-01, JSONATA-06
  EXPECT_THAT(
      Lines(JsonataState(R"("Type": "Wait", "Seconds": "{% $states.input.s %}", "End": true)")),
      IsEmpty());
  EXPECT_THAT(Lines(JsonataState(R"("Type": "Wait", "Seconds": "10", "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Seconds: must be an integer or a JSONata "
                          "expression, got \"10\""));
}

// --- Task (TASK) -----------------------------------------------------------

TEST(ValidatorTest, TaskResourceIsRequiredAndAnArn) {
  // ASL: TASK-01
  EXPECT_THAT(Lines(OneState(R"("Type": "Task", "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A: missing "
                          "required field \"Resource\""));
  EXPECT_THAT(Lines(OneState(R"("Type": "Task", "Resource": "my-lambda", "End": true)")),
              ElementsAre("error[INVALID_RESOURCE] /States/A/Resource: "
                          "resource \"my-lambda\" is not an ARN "
                          "(arn:partition:service:region:account:...)"));
  EXPECT_THAT(
      Lines(OneState(R"("Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3", "End": true)")),
      ElementsAre("error[INVALID_RESOURCE] /States/A/Resource: "
                  "resource \"arn:aws:states:::aws-sdk:s3\" is not a "
                  "service integration: expected "
                  "arn:aws:states:::aws-sdk:<service>:<action>"));
}

TEST(ValidatorTest, TaskResourceFormsAreAccepted) {
  // ASL: TASK-01
  for (const char* resource :
       {"arn:aws:states:::lambda:invoke", "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "arn:aws:states:::aws-sdk:s3:getObject", "arn:aws:lambda:us-east-1:123456789012:function:f",
        "arn:aws:states:us-east-1:123456789012:activity:a", "arn:aws:states:::http:invoke"}) {
    EXPECT_THAT(Lines(OneState(std::string(R"("Type": "Task", "End": true, "Resource": ")") +
                               resource + "\"")),
                IsEmpty())
        << resource;
  }
}

TEST(ValidatorTest, TimeoutAndHeartbeatRules) {
  // ASL: TASK-02, TASK-03, VAL-05
  EXPECT_THAT(Lines(TaskWith(R"("TimeoutSeconds": 10, "HeartbeatSeconds": 10)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/HeartbeatSeconds: must be less than "
                          "TimeoutSeconds (10), got 10"));
  EXPECT_THAT(Lines(TaskWith(R"("TimeoutSeconds": 10, "HeartbeatSeconds": 9)")), IsEmpty());
  EXPECT_THAT(Lines(TaskWith(R"("HeartbeatSeconds": 5, "HeartbeatSecondsPath": "$.h")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/HeartbeatSecondsPath: "
                          "\"HeartbeatSeconds\" and \"HeartbeatSecondsPath\" "
                          "are both set; use only one"));
  EXPECT_THAT(Lines(TaskWith(R"("TimeoutSecondsPath": "$.t[0:2]")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/TimeoutSecondsPath: must be a reference "
                          "path (a single node, without \"..\", \"*\", \",\", "
                          "\":\", \"?\" or \"@\"), got \"$.t[0:2]\""));
}

TEST(ValidatorTest, CredentialsMustBeAnObject) {
  // ASL: TASK-05
  EXPECT_THAT(Lines(TaskWith(R"("Credentials": "arn:aws:iam::1:role/r")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Credentials: must be an object, got "
                          "\"arn:aws:iam::1:role/r\""));
  EXPECT_THAT(Lines(TaskWith(R"("Credentials": {"RoleArn.$": "$.role"})")), IsEmpty());
}

// --- Retry and Catch (RTY, CAT, ERR) ---------------------------------------

TEST(ValidatorTest, RetrierFieldRanges) {
  // ASL: RTY-02
  EXPECT_THAT(Lines(RetryWith(R"("IntervalSeconds": -1)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Retry/0/IntervalSeconds: must be a "
                          "positive integer, got -1"));
  EXPECT_THAT(Lines(RetryWith(R"("MaxAttempts": 0)")), IsEmpty());
  EXPECT_THAT(Lines(RetryWith(R"("MaxAttempts": -1)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Retry/0/MaxAttempts: must be a "
                          "non-negative integer, got -1"));
  EXPECT_THAT(Lines(RetryWith(R"("BackoffRate": 0.99)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Retry/0/BackoffRate: must be at least "
                          "1.0, got 0.99"));
  EXPECT_THAT(Lines(RetryWith(R"("BackoffRate": 1)")), IsEmpty());
  EXPECT_THAT(Lines(RetryWith(R"("MaxDelaySeconds": 31622402)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Retry/0/MaxDelaySeconds: must be at most "
                          "31622401, got 31622402"));
  EXPECT_THAT(Lines(RetryWith(R"("MaxDelaySeconds": -5)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Retry/0/MaxDelaySeconds: must be a "
                          "positive integer, got -5"));
  EXPECT_THAT(Lines(RetryWith(R"("JitterStrategy": "PARTIAL")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Retry/0/JitterStrategy: must be \"FULL\" "
                          "or \"NONE\", got \"PARTIAL\""));
}

TEST(ValidatorTest, RetrierTypoSuggestsTheField) {
  // ASL: RTY-02
  EXPECT_THAT(Lines(RetryWith(R"("MaxAttempt": 2)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Retry/0/MaxAttempt: unknown field "
                          "\"MaxAttempt\" in retrier (did you mean "
                          "\"MaxAttempts\"?)"));
}

TEST(ValidatorTest, ErrorEqualsIsRequiredAndNonEmpty) {
  // ASL: RTY-02, CAT-01
  EXPECT_THAT(Lines(TaskWith(R"("Retry": [{"MaxAttempts": 1}])")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Retry/0: "
                          "missing required field \"ErrorEquals\""));
  EXPECT_THAT(Lines(TaskWith(R"("Retry": [{"ErrorEquals": []}])")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Retry/0/ErrorEquals: must be a non-empty "
                          "array of error names, got an array"));
}

TEST(ValidatorTest, StatesAllMustBeAloneAndLast) {
  // ASL: RTY-03, CAT-01
  EXPECT_THAT(
      Lines(TaskWith(R"("Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}])")),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                  "/States/A/Retry/0/ErrorEquals/0: \"States.ALL\" "
                  "must be in the last retrier"));
  EXPECT_THAT(Lines(TaskWith(R"("Retry": [{"ErrorEquals": ["E", "States.ALL"]}])")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Retry/0/ErrorEquals/1: \"States.ALL\" "
                          "must be the only error name in ErrorEquals, got 2 "
                          "names"));
  EXPECT_THAT(
      Lines(Machine(
          R"("A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B"}, {"ErrorEquals": ["E"], "Next": "B"}]},
          "B": {"Type": "Fail"})")),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                  "/States/A/Catch/0/ErrorEquals/0: \"States.ALL\" must be in "
                  "the last catcher"));
}

TEST(ValidatorTest, UnknownStatesErrorNamesAreRejected) {
  // ASL: ERR-02, ERR-07
  EXPECT_THAT(Lines(TaskWith(R"("Retry": [{"ErrorEquals": ["States.Frobnicate"]}])")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Retry/0/ErrorEquals/0: unknown error name "
                          "\"States.Frobnicate\" (names starting with "
                          "\"States.\" are reserved)"));
  EXPECT_THAT(Lines(TaskWith(R"("Retry": [{"ErrorEquals": ["States.timeout"]}])")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Retry/0/ErrorEquals/0: unknown error name "
                          "\"States.timeout\" (did you mean "
                          "\"States.Timeout\"?)"));
  EXPECT_THAT(
      Lines(TaskWith(
          R"("Retry": [{"ErrorEquals": ["States.Http.StatusCode.404", "States.HeartbeatTimeout", "States.Runtime"]}])")),
      IsEmpty());
}

TEST(ValidatorTest, CatcherNeedsNextAndTakesLanguageFields) {
  // ASL: CAT-01
  EXPECT_THAT(Lines(TaskWith(R"("Catch": [{"ErrorEquals": ["E"]}])")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Catch/0: "
                          "missing required field \"Next\""));
  EXPECT_THAT(
      Lines(Machine(
          R"("A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
          "Catch": [{"ErrorEquals": ["E"], "Next": "B", "Output": {}}]}, "B": {"Type": "Fail"})")),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Catch/0/Output: "
                  "field \"Output\" is not allowed in a JSONPath state (it is "
                  "a JSONata field)"));
}

// --- Parallel and Map (PAR, MAP, DMAP) -------------------------------------

TEST(ValidatorTest, ParallelNeedsBranches) {
  // ASL: PAR-01
  EXPECT_THAT(Lines(OneState(R"("Type": "Parallel", "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A: missing "
                          "required field \"Branches\""));
  EXPECT_THAT(Lines(OneState(R"("Type": "Parallel", "End": true, "Branches": [{"StartAt": "X"}])")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Branches/0: missing required field "
                          "\"States\""));
}

TEST(ValidatorTest, MapProcessorRules) {
  // ASL: MAP-01
  EXPECT_THAT(Lines(OneState(R"("Type": "Map", "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A: missing "
                          "required field \"ItemProcessor\""));
  EXPECT_THAT(
      Lines(OneState(
          R"("Type": "Map", "End": true, "Iterator": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}})")),
      IsEmpty());
  EXPECT_THAT(Lines(OneState(R"("Type": "Map", "End": true, "ItemProcessor": {
          "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "BATCH"},
          "StartAt": "X", "States": {"X": {"Type": "Succeed"}}})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/ItemProcessor/ProcessorConfig/ExecutionType: "
                          "must be \"STANDARD\" or \"EXPRESS\", got \"BATCH\""));
}

TEST(ValidatorTest, DistributedModeNeedsAnExecutionType) {
  // ASL: DMAP-01
  EXPECT_THAT(Lines(OneState(R"("Type": "Map", "End": true, "ItemProcessor": {
          "ProcessorConfig": {"Mode": "DISTRIBUTED"},
          "StartAt": "X", "States": {"X": {"Type": "Succeed"}}})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/ItemProcessor/ProcessorConfig: missing required "
                          "field \"ExecutionType\" (Mode is \"DISTRIBUTED\")"));
}

TEST(ValidatorTest, MapItemsPathAndConcurrency) {
  // ASL: MAP-02, MAP-04
  const std::string processor =
      R"("ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}})";
  EXPECT_THAT(
      Lines(OneState(R"("Type": "Map", "End": true, "ItemsPath": "$..items", )" + processor)),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                  "/States/A/ItemsPath: must be a reference path (a "
                  "single node, without \"..\", \"*\", \",\", \":\", "
                  "\"?\" or \"@\"), got \"$..items\""));
  EXPECT_THAT(Lines(OneState(R"("Type": "Map", "End": true, "MaxConcurrency": 0, )" + processor)),
              IsEmpty());
  EXPECT_THAT(
      Lines(OneState(
          R"("Type": "Map", "End": true, "MaxConcurrency": 2, "MaxConcurrencyPath": "$.c", )" +
          processor)),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                  "/States/A/MaxConcurrencyPath: \"MaxConcurrency\" "
                  "and \"MaxConcurrencyPath\" are both set; use only "
                  "one"));
}

TEST(ValidatorTest, DistributedMapFields) {
  // ASL: DMAP-04, DMAP-05, DMAP-07
  const std::string processor =
      R"("ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}})";
  EXPECT_THAT(Lines(OneState(R"("Type": "Map", "End": true, "ToleratedFailurePercentage": -1, )" +
                             processor)),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/ToleratedFailurePercentage: must be a "
                          "number from 0 to 100, got -1"));
  EXPECT_THAT(
      Lines(OneState(R"("Type": "Map", "End": true, "ItemBatcher": {"MaxItemsPerBatch": 0}, )" +
                     processor)),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                  "/States/A/ItemBatcher/MaxItemsPerBatch: must be a "
                  "positive integer, got 0"));
  EXPECT_THAT(
      Lines(OneState(
          R"("Type": "Map", "End": true, "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
          "ReaderConfig": {"InputType": "XML"}}, )" +
          processor)),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                  "/States/A/ItemReader/ReaderConfig/InputType: must be one "
                  "of \"CSV\", \"JSON\", \"JSONL\", \"PARQUET\" or "
                  "\"MANIFEST\", got \"XML\""));
}

TEST(ValidatorTest, ReaderAndWriterRules) {
  // ASL: DMAP-04, DMAP-06
  const std::string processor =
      R"("ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}})";
  EXPECT_THAT(Lines(OneState(R"("Type": "Map", "End": true, "ResultWriter": {}, )" + processor)),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/ResultWriter: ResultWriter needs "
                          "\"Resource\" or \"WriterConfig\""));
  EXPECT_THAT(
      Lines(OneState(
          R"("Type": "Map", "End": true, "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
          "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", 1]}}, )" +
          processor)),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                  "/States/A/ItemReader/ReaderConfig/CSVHeaders: must be an "
                  "array of strings, got an array"));
  EXPECT_THAT(
      Lines(OneState(
          R"("Type": "Map", "End": true, "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
          "Parameter": {}}, )" +
          processor)),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                  "/States/A/ItemReader/Parameter: unknown field \"Parameter\" "
                  "in ItemReader (did you mean \"Parameters\"?)"));
}

TEST(ValidatorTest, JsonataMapItemsMustBeAnArrayOrExpression) {
  // ASL: MAP-02
  EXPECT_THAT(Lines(JsonataState(R"("Type": "Map", "End": true, "Items": {"a": 1},
          "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Items: must be "
                          "an array or a JSONata expression, got an object"));
}

TEST(ValidatorTest, LabelRules) {
  // ASL: DMAP-03
  const std::string processor =
      R"("ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}})";
  EXPECT_THAT(Lines(OneState(R"("Type": "Map", "End": true, "Label": "a/b", )" + processor)),
              ElementsAre("error[INVALID_LABEL_NAME] /States/A/Label: invalid "
                          "label \"a/b\": expected 1 to 40 characters without "
                          "whitespace, brackets, wildcards, special or control "
                          "characters"));
  EXPECT_THAT(Lines(OneState(R"("Type": "Map", "End": true, "Label": ")" + std::string(41, 'l') +
                             "\", " + processor)),
              ElementsAre("error[INVALID_LABEL_NAME] /States/A/Label: invalid "
                          "label \"" +
                          std::string(41, 'l') +
                          "\": expected 1 to 40 characters without "
                          "whitespace, brackets, wildcards, special or control "
                          "characters"));
}

TEST(ValidatorTest, NestingDeeperThanTenLevelsIsTooDeep) {
  // ASL: EXE-07 (our limit: 10 levels of Parallel/Map)
  std::string inner = R"({"StartAt": "Leaf", "States": {"Leaf": {"Type": "Succeed"}}})";
  for (int level = 11; level >= 1; --level) {
    const std::string name = "L" + std::to_string(level);
    inner = R"({"StartAt": ")" + name + R"(", "States": {")" + name +
            R"(": {"Type": "Parallel", "End": true, "Branches": [)" + inner + "]}}}";
  }
  const auto lines = Lines(inner);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_THAT(lines[0], ::testing::StartsWith("error[TOO_DEEPLY_NESTED] "));
  EXPECT_THAT(lines[0], ::testing::EndsWith("/States/L11: Parallel state is nested 11 levels "
                                            "deep, more than the limit of 10"));
}

// --- Fail (PSF) ------------------------------------------------------------

TEST(ValidatorTest, FailErrorAndErrorPathAreExclusive) {
  // ASL: PSF-03, VAL-05
  EXPECT_THAT(Lines(OneState(R"("Type": "Fail", "Cause": "c", "CausePath": "$.c")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/CausePath: \"Cause\" and \"CausePath\" "
                          "are both set; use only one"));
  EXPECT_THAT(
      Lines(OneState(
          R"js("Type": "Fail", "ErrorPath": "States.Format('E{}', $.n)", "CausePath": "$$.Execution.Name")js")),
      IsEmpty());
}

// --- Variables (VAR) -------------------------------------------------------

TEST(ValidatorTest, AssignKeysAreVariableNames) {
  // ASL: VAR-01, VAR-02
  EXPECT_THAT(Lines(OneState(R"("Type": "Pass", "End": true, "Assign": {"x[2]": 1})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Assign/x[2]: invalid variable name "
                          "\"x[2]\": expected an identifier of at most 80 "
                          "characters"));
  EXPECT_THAT(Lines(OneState(R"("Type": "Pass", "End": true, "Assign": {"states.$": "$"})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Assign/states.$: variable name "
                          "\"states\" is reserved"));
  EXPECT_THAT(
      Lines(OneState(R"("Type": "Pass", "End": true, "Assign": {"total.$": "$.sum", "_n": 1})")),
      IsEmpty());
}

TEST(ValidatorTest, InnerScopesMustNotShadowOuterVariables) {
  // ASL: VAR-06, VAL-05
  EXPECT_THAT(Lines(OneState(R"("Type": "Map", "End": true, "Assign": {"count": 0},
          "ItemProcessor": {"StartAt": "X", "States": {
            "X": {"Type": "Pass", "End": true, "Assign": {"count": 1}}}})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/ItemProcessor/States/X/Assign/count: variable "
                          "\"count\" is already assigned in an outer scope at "
                          "/States/A/Assign/count"));
  // Sibling branches may reuse a name.
  EXPECT_THAT(Lines(OneState(R"("Type": "Parallel", "End": true, "Branches": [
          {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true, "Assign": {"v": 1}}}},
          {"StartAt": "Y", "States": {"Y": {"Type": "Pass", "End": true, "Assign": {"v": 2}}}}])")),
              IsEmpty());
}

TEST(ValidatorTest, JsonataDollarKeysAreLiteralsWithAWarning) {
  // ASL: ST-09 (AWS keeps "x.$" as a literal key in JSONata Output)
  EXPECT_THAT(Lines(JsonataState(R"("Type": "Pass", "End": true, "Output": {"x.$": "$"})")),
              ElementsAre("warning[JSONPATH_SYNTAX_IN_JSONATA] "
                          "/States/A/Output/x.$: key \"x.$\" is a literal in a "
                          "JSONata state: \".$\" keys are not evaluated"));
}

TEST(ValidatorTest, JsonataNumberFieldsTakeNumbersOrExpressions) {
  // ASL: DMAP-07, JSONATA-01, JSONATA-06
  const std::string processor =
      R"("ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}})";
  EXPECT_THAT(
      Lines(JsonataState(R"("Type": "Map", "End": true, "ToleratedFailurePercentage": "5", )" +
                         processor)),
      ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                  "/States/A/ToleratedFailurePercentage: must be a "
                  "number from 0 to 100 or a JSONata expression, got "
                  "\"5\""));
  EXPECT_THAT(
      Lines(JsonataState(
          R"("Type": "Map", "End": true, "ToleratedFailurePercentage": "{% 5 %}", )" + processor)),
      IsEmpty());
  // A malformed expression gets one diagnostic, about its delimiters.
  EXPECT_THAT(Lines(JsonataState(R"("Type": "Wait", "Seconds": "{% 5", "End": true)")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Seconds: "
                          "JSONata expression \"{% 5\" does not end with "
                          "\"%}\""));
}

TEST(ValidatorTest, JsonataExpressionDelimiters) {
  // ASL: JSONATA-01
  EXPECT_THAT(Lines(JsonataState(R"("Type": "Pass", "End": true, "Output": {"a": ["{% 1 + "]})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] "
                          "/States/A/Output/a/0: JSONata expression \"{% 1 + "
                          "\" does not end with \"%}\""));
  EXPECT_THAT(Lines(JsonataState(R"("Type": "Pass", "End": true, "Output": "{%  %}")")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/Output: "
                          "empty JSONata expression"));
  EXPECT_THAT(
      Lines(JsonataState(R"("Type": "Pass", "End": true, "Output": " {% not an expression %} ")")),
      IsEmpty());
}

// --- Reporting (VAL) --------------------------------------------------------

TEST(ValidatorTest, AllDiagnosticsInOnePassInDocumentOrder) {
  // ASL: VAL-04
  EXPECT_THAT(Lines(Machine(
                  R"("A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                             "TimeoutSeconds": -1, "Next": "B"},
                       "B": {"Type": "Wait", "Seconds": -2, "End": true})")),
              ElementsAre("error[SCHEMA_VALIDATION_FAILED] /States/A/TimeoutSeconds: "
                          "must be a positive integer, got -1",
                          "error[SCHEMA_VALIDATION_FAILED] /States/B/Seconds: must be "
                          "a non-negative integer, got -2"));
}

TEST(ValidatorTest, DiagnosticsCarryFileAndPosition) {
  // ASL: VAL-01
  LoadOptions options;
  options.file = "order.asl.json";
  const auto diagnostics = Validate(
      "{\"StartAt\": \"A\",\n"
      " \"States\": {\n"
      "  \"A\": {\"Type\": \"Pass\", \"Nxt\": \"B\", \"End\": true}}}",
      options);
  ASSERT_EQ(diagnostics.size(), 1U);
  EXPECT_EQ(FormatDiagnostic(diagnostics[0]),
            "order.asl.json:3:25: error[SCHEMA_VALIDATION_FAILED]: "
            "/States/A/Nxt: unknown field \"Nxt\" in Pass state (did you mean "
            "\"Next\"?)");
}

TEST(ValidatorTest, WarningsAloneDoNotMakeTheDefinitionInvalid) {
  // ASL: VAL-01
  const auto diagnostics = Validate(TaskWith(R"("Parameters": {"id": "$.id"})"));
  ASSERT_EQ(diagnostics.size(), 1U);
  EXPECT_FALSE(HasErrors(diagnostics));
}

// --- Text helpers -----------------------------------------------------------

TEST(ValidateTextTest, Rfc3339Timestamps) {
  // ASL: CHO-09
  using internal::IsRfc3339Timestamp;
  EXPECT_TRUE(IsRfc3339Timestamp("2016-03-14T01:59:00Z"));
  EXPECT_TRUE(IsRfc3339Timestamp("2024-02-29T23:59:59.5-08:00"));
  EXPECT_FALSE(IsRfc3339Timestamp("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(IsRfc3339Timestamp("2016-03-14t01:59:00Z"));
  EXPECT_FALSE(IsRfc3339Timestamp("2016-03-14T01:59:00z"));
  EXPECT_FALSE(IsRfc3339Timestamp("2016-03-14T01:59:00"));
  EXPECT_FALSE(IsRfc3339Timestamp("2016-03-14T24:00:00Z"));
  EXPECT_FALSE(IsRfc3339Timestamp("2016-03-14T01:59:00.Z"));
  EXPECT_FALSE(IsRfc3339Timestamp("2016-03-14T01:59:00+0100"));
}

TEST(ValidateTextTest, NearestNameFindsTyposOnly) {
  using internal::NearestName;
  EXPECT_EQ(NearestName("MaxAttempt", {"IntervalSeconds", "MaxAttempts"}), "MaxAttempts");
  EXPECT_EQ(NearestName("jsonpath", {"JSONPath", "JSONata"}), "JSONPath");
  EXPECT_EQ(NearestName("Frobnicate", {"Next", "End"}), "");
}

}  // namespace
}  // namespace stepsim::asl
