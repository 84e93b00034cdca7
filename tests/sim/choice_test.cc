#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim/engine_util.h"
#include "sim_test_util.h"

namespace stepsim::sim {
namespace {

using testutil::RunWith;

// Runs a Choice with one rule against `input`: "yes" when it matches, "no"
// through Default; the execution error otherwise.
std::string Decide(const std::string& rule, const Json& input) {
  const std::string asl = R"({"StartAt": "C", "States": {
    "C": {"Type": "Choice", "Choices": [)" +
                          rule + R"(], "Default": "No"},
    "Yes": {"Type": "Pass", "Result": "yes", "End": true},
    "No": {"Type": "Pass", "Result": "no", "End": true}}})";
  Execution e = RunWith(asl, input);
  if (!e.succeeded()) return e.error.value_or("?") + ": " + e.cause.value_or("");
  return e.output->get<std::string>();
}

TEST(ChoiceTest, StringAndNumericOperatorsCompareByType) {
  // ASL: CHO-05, CHO-08
  EXPECT_EQ(Decide(R"({"Variable": "$.s", "StringEquals": "a", "Next": "Yes"})", {{"s", "a"}}),
            "yes");
  EXPECT_EQ(Decide(R"({"Variable": "$.s", "StringLessThan": "b", "Next": "Yes"})", {{"s", "a"}}),
            "yes");
  EXPECT_EQ(Decide(R"({"Variable": "$.s", "StringEquals": "1", "Next": "Yes"})", {{"s", 1}}), "no");
  EXPECT_EQ(
      Decide(R"({"Variable": "$.n", "NumericGreaterThanEquals": 2.5, "Next": "Yes"})", {{"n", 3}}),
      "yes");
  EXPECT_EQ(Decide(R"({"Variable": "$.n", "NumericEquals": 1, "Next": "Yes"})", {{"n", 1.0}}),
            "yes");
  EXPECT_EQ(Decide(R"({"Variable": "$.n", "NumericLessThan": 1, "Next": "Yes"})", {{"n", "0"}}),
            "no");
  EXPECT_EQ(Decide(R"({"Variable": "$.b", "BooleanEquals": false, "Next": "Yes"})", {{"b", false}}),
            "yes");
}

TEST(ChoiceTest, PathTwinComparesAgainstAnotherInputValue) {
  // ASL: CHO-05
  EXPECT_EQ(Decide(R"({"Variable": "$.a", "NumericEqualsPath": "$.b", "Next": "Yes"})",
                   {{"a", 4}, {"b", 4}}),
            "yes");
  EXPECT_EQ(Decide(R"({"Variable": "$.a", "StringLessThanPath": "$.b", "Next": "Yes"})",
                   {{"a", "x"}, {"b", "w"}}),
            "no");
}

TEST(ChoiceTest, TimestampsCompareAsInstants) {
  // ASL: CHO-09
  EXPECT_EQ(
      Decide(R"({"Variable": "$.t", "TimestampEquals": "2016-03-14T01:59:00Z", "Next": "Yes"})",
             {{"t", "2016-03-14T02:59:00+01:00"}}),
      "yes");
  EXPECT_EQ(
      Decide(R"({"Variable": "$.t", "TimestampLessThan": "2016-03-14T01:59:00Z", "Next": "Yes"})",
             {{"t", "2016-03-14T01:58:59.999Z"}}),
      "yes");
  EXPECT_EQ(
      Decide(R"({"Variable": "$.t", "TimestampEquals": "2016-03-14T01:59:00Z", "Next": "Yes"})",
             {{"t", "2016-03-14t01:59:00z"}}),
      "no");
}

TEST(ChoiceTest, TypeTestsAndIsPresent) {
  // ASL: CHO-07, CHO-10
  EXPECT_EQ(Decide(R"({"Variable": "$.x", "IsPresent": false, "Next": "Yes"})", Json::object()),
            "yes");
  EXPECT_EQ(Decide(R"({"Variable": "$.x", "IsNull": true, "Next": "Yes"})", {{"x", nullptr}}),
            "yes");
  EXPECT_EQ(Decide(R"({"Variable": "$.x", "IsNumeric": false, "Next": "Yes"})", {{"x", "1"}}),
            "yes");
  EXPECT_EQ(Decide(R"({"Variable": "$.x", "IsTimestamp": true, "Next": "Yes"})",
                   {{"x", "2020-01-01T00:00:00Z"}}),
            "yes");
  EXPECT_EQ(Decide(R"({"Variable": "$.x", "IsString": true, "Next": "Yes"})", {{"x", 1}}), "no");
}

TEST(ChoiceTest, MissingVariableIsARuntimeError) {
  // ASL: CHO-10
  EXPECT_EQ(Decide(R"({"Variable": "$.x", "StringEquals": "a", "Next": "Yes"})", Json::object()),
            "States.Runtime: An error occurred while executing the state 'C' "
            "(entered at the event id #2). Invalid path '$.x' : No results for "
            "path: $['x']");
}

TEST(ChoiceTest, BooleanRulesCombineAndShortCircuit) {
  // ASL: CHO-03
  EXPECT_EQ(Decide(R"({"And": [{"Variable": "$.a", "NumericEquals": 1},
                              {"Not": {"Variable": "$.b", "StringEquals": "x"}}], "Next": "Yes"})",
                   {{"a", 1}, {"b", "y"}}),
            "yes");
  // Or stops at the first true rule, so the missing $.zz is never read.
  EXPECT_EQ(Decide(R"({"Or": [{"Variable": "$.a", "NumericEquals": 1},
                             {"Variable": "$.zz", "NumericEquals": 1}], "Next": "Yes"})",
                   {{"a", 1}}),
            "yes");
}

TEST(ChoiceTest, NoMatchWithoutDefaultFailsWithNoChoiceMatched) {
  // ASL: CHO-11
  const std::string asl = R"({"StartAt": "C", "States": {
    "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Next": "Y"}]},
    "Y": {"Type": "Succeed"}}})";
  Execution e = RunWith(asl, {{"a", 2}});
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.NoChoiceMatched");
}

TEST(ChoiceTest, RuleAssignReplacesStateAssign) {
  // ASL: CHO-12, VAR-03
  const std::string asl = R"({"StartAt": "C", "States": {
    "C": {"Type": "Choice", "Assign": {"via": "default"},
          "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Assign": {"via": "rule"}, "Next": "Y"}],
          "Default": "Y"},
    "Y": {"Type": "Pass", "Parameters": {"via.$": "$via"}, "End": true}}})";
  EXPECT_EQ(*RunWith(asl, {{"a", 1}}).output, Json({{"via", "rule"}}));
  EXPECT_EQ(*RunWith(asl, {{"a", 2}}).output, Json({{"via", "default"}}));
}

TEST(ChoiceTest, StringMatchesWildcardsAndEscapes) {
  // ASL: CHO-06
  using internal::StringMatches;
  EXPECT_EQ(StringMatches("foo23.log", "foo*.log"), true);
  EXPECT_EQ(StringMatches("foobar.zebra", "foo*.*"), true);
  EXPECT_EQ(StringMatches("foo.txt", "foo*.log"), false);
  EXPECT_EQ(StringMatches("a*b", "a\\*b"), true);
  EXPECT_EQ(StringMatches("axb", "a\\*b"), false);
  EXPECT_EQ(StringMatches("a\\b", "a\\\\b"), true);
  EXPECT_EQ(StringMatches("", "*"), true);
  EXPECT_EQ(StringMatches("abc", "abc"), true);
  EXPECT_EQ(StringMatches("abcd", "abc"), false);
  EXPECT_EQ(StringMatches("a", "\\"), std::nullopt);
  EXPECT_EQ(Decide(R"({"Variable": "$.f", "StringMatches": "log-*.txt", "Next": "Yes"})",
                   {{"f", "log-2020.txt"}}),
            "yes");
}

}  // namespace
}  // namespace stepsim::sim
