#include "analysis/solve.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/analysis/witness.h>
#include <stepsim/asl/loader.h>
#include <stepsim/jsonpath/env.h>

#include <string>
#include <vector>

namespace stepsim::analysis::internal {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

Json Parse(const char* text) { return Json::parse(text); }

// A Choice with `rules` and Default "D"; the rules go to "Yes" or "Other".
std::shared_ptr<const asl::Definition> OneChoice(const std::string& rules) {
  const bool other = rules.find("\"Other\"") != std::string::npos;
  return asl::Load(R"({"StartAt": "C", "States": {
      "C": {"Type": "Choice", "Choices": [)" +
                   rules + R"(], "Default": "D"},
      "D": {"Type": "Succeed"}, "Yes": {"Type": "Succeed"})" +
                   std::string(other ? R"(, "Other": {"Type": "Succeed"})" : "") + "}}");
}

std::optional<int> Taken(const asl::State& choice, const Json& input) {
  std::vector<const asl::ChoiceRule*> rules;
  for (const auto& r : choice.choices) rules.push_back(&r);
  jsonpath::Env env;
  env.input = &input;
  return ChoiceTaken(rules, env);
}

TEST(SolveTest, SegmentsOfAReferencePath) {
  const auto segs = SegmentsOf(jsonpath::Path::Parse("$.a.b[2]['c d']"));
  ASSERT_TRUE(segs.has_value());
  EXPECT_EQ(SegmentsText(*segs), "/a/b/2/c d");
  EXPECT_TRUE((*segs)[2].is_index);
  EXPECT_FALSE(SegmentsOf(jsonpath::Path::Parse("$.a[*].b")).has_value());
  EXPECT_FALSE(SegmentsOf(jsonpath::Path::Parse("$..b")).has_value());
}

TEST(SolveTest, SetAtBuildsObjectsAndArraysAndRefusesConflicts) {
  Json doc = Json::object();
  EXPECT_TRUE(SetAt(doc, *SegmentsOf(jsonpath::Path::Parse("$.items[1].id")), Json(7)));
  EXPECT_EQ(doc, Parse(R"({"items": [{}, {"id": 7}]})"));
  EXPECT_TRUE(SetAt(doc, *SegmentsOf(jsonpath::Path::Parse("$.name")), Json("x")));
  EXPECT_FALSE(SetAt(doc, *SegmentsOf(jsonpath::Path::Parse("$.name.first")), Json("y")));
  EXPECT_EQ(doc["name"], "x");
}

TEST(SolveTest, CandidatesCoverBothSidesOfEachComparison) {
  // ASL: CHO-05
  const auto numbers =
      CandidatesFor({Hint{asl::ChoiceOperator::kNumericLessThan, Json(10), false}}, Need::kNone);
  EXPECT_THAT(numbers, Contains(Candidate(Json(10))));
  EXPECT_THAT(numbers, Contains(Candidate(Json(9))));
  EXPECT_THAT(numbers, Contains(Candidate(Json(11))));
  EXPECT_EQ(numbers.back(), std::nullopt);  // absent is tried last
  const auto strings =
      CandidatesFor({Hint{asl::ChoiceOperator::kStringGreaterThan, Json("m"), false}}, Need::kNone);
  EXPECT_THAT(strings, Contains(Candidate(Json("m"))));
  EXPECT_THAT(strings, Contains(Candidate(Json("m~"))));
  EXPECT_THAT(strings, Contains(Candidate(Json(""))));
  // ASL: CHO-06
  const auto matches = CandidatesFor(
      {Hint{asl::ChoiceOperator::kStringMatches, Json("log-*.txt"), false}}, Need::kNone);
  EXPECT_THAT(matches, Contains(Candidate(Json("log-.txt"))));
  EXPECT_THAT(matches, Contains(Candidate(Json("log-x.txt"))));
}

TEST(SolveTest, NeedsRestrictTheCandidates) {
  EXPECT_THAT(CandidatesFor({}, Need::kArray), ElementsAre(Candidate(Parse("[{}]"))));
  for (const Candidate& c : CandidatesFor({}, Need::kPresent)) EXPECT_TRUE(c.has_value());
  EXPECT_EQ(CandidatesFor({}, Need::kNonNegativeInteger).front(), Candidate(Json(0)));
  EXPECT_EQ(CandidatesFor({}, Need::kJsonText).front(), Candidate(Json("{}")));
}

TEST(SolveTest, BacktracksToSatisfyEveryConstraint) {
  const std::vector<std::vector<Candidate>> domains = {{Json(1), Json(2), Json(3)},
                                                       {Json(1), Json(2), Json(3)}};
  Constraint greater;
  greater.vars = {0, 1};
  greater.holds = [](const std::vector<const Candidate*>& v) {
    return (*v[0])->get<int>() > (*v[1])->get<int>();
  };
  Constraint not_three;
  not_three.vars = {0};
  not_three.holds = [](const std::vector<const Candidate*>& v) { return (*v[0])->get<int>() != 3; };
  const Solution s = Solve(domains, {greater, not_three});
  ASSERT_TRUE(s.solved);
  EXPECT_EQ(s.values[0], Candidate(Json(2)));
  EXPECT_EQ(s.values[1], Candidate(Json(1)));
}

TEST(SolveTest, ReportsContradictionAndBudget) {
  const std::vector<std::vector<Candidate>> domains = {{Json(1), Json(2)}};
  Constraint never;
  never.vars = {0};
  never.holds = [](const std::vector<const Candidate*>&) { return false; };
  const Solution s = Solve(domains, {never});
  EXPECT_FALSE(s.solved);
  EXPECT_FALSE(s.budget_exhausted);
  const Solution b = Solve(domains, {never}, 1);
  EXPECT_FALSE(b.solved);
  EXPECT_TRUE(b.budget_exhausted);
}

TEST(SolveTest, ChoiceTakenUsesTheInterpreterSemantics) {
  const auto def = OneChoice(R"(
      {"Variable": "$.n", "NumericGreaterThan": 5, "Next": "Yes"},
      {"Variable": "$.s", "IsPresent": true, "Next": "Other"})");
  const asl::State& c = *def->FindState("C");
  EXPECT_EQ(Taken(c, Parse(R"({"n": 6})")), 0);
  EXPECT_EQ(Taken(c, Parse(R"({"n": 5, "s": 1})")), 1);
  // ASL: CHO-08: a string is no number, the comparison is false.
  EXPECT_EQ(Taken(c, Parse(R"({"n": "6"})")), -1);
  // ASL: CHO-10: a missing Variable is a runtime error.
  EXPECT_EQ(Taken(c, Parse(R"({})")), std::nullopt);
}

TEST(SolveTest, TranslatesSimpleJsonataConditions) {
  // ASL: CHO-13
  asl::ChoiceRule rule;
  rule.kind = asl::ChoiceRule::Kind::kCondition;
  rule.condition = asl::JsonataValue{
      Json(
          "{% $states.input.n >= 3 and ($states.input.kind != 'x' or $exists($states.input.y)) %}"),
      {}};
  std::string reason;
  const auto r = TranslateCondition(rule, &reason);
  ASSERT_TRUE(r.has_value()) << reason;
  std::vector<const asl::ChoiceRule*> rules{&*r};
  jsonpath::Env env;
  const Json yes = Parse(R"({"n": 3, "kind": "y"})");
  env.input = &yes;
  EXPECT_EQ(ChoiceTaken(rules, env), 0);
  const Json no = Parse(R"({"n": 3, "kind": "x"})");
  env.input = &no;
  EXPECT_EQ(ChoiceTaken(rules, env), -1);
  const Json also = Parse(R"({"n": 4, "kind": "x", "y": null})");
  env.input = &also;
  EXPECT_EQ(ChoiceTaken(rules, env), 0);

  rule.condition->value = "{% $count($states.input.items) > 2 %}";
  EXPECT_FALSE(TranslateCondition(rule, &reason).has_value());
  EXPECT_EQ(reason, "unsupported: JSONata condition {% $count($states.input.items) > 2 %}");
}

// Every operator, literal and *Path form, is solved both ways: the rule taken
// and the Default taken (the verifying run confirms each).
class OperatorTest : public ::testing::TestWithParam<const char*> {};

TEST_P(OperatorTest, RuleAndDefaultAreBothWitnessed) {
  // ASL: CHO-05, CHO-07, CHO-09
  const auto def = OneChoice(GetParam());
  const WitnessSuite suite = SynthesizeWitnesses(def);
  std::string missing;
  for (const Unwitnessed& u : suite.unwitnessed) missing += u.obligation + ": " + u.reason + "\n";
  EXPECT_EQ(suite.covered, suite.obligations) << missing;
}

INSTANTIATE_TEST_SUITE_P(
    Operators, OperatorTest,
    ::testing::Values(
        R"({"Variable": "$.v", "StringEquals": "a", "Next": "Yes"})",
        R"({"Variable": "$.v", "StringLessThan": "m", "Next": "Yes"})",
        R"({"Variable": "$.v", "StringGreaterThanEquals": "m", "Next": "Yes"})",
        R"({"Variable": "$.v", "StringMatches": "a*b\\*", "Next": "Yes"})",
        R"({"Variable": "$.v", "NumericEquals": 1.5, "Next": "Yes"})",
        R"({"Variable": "$.v", "NumericLessThanEquals": -2, "Next": "Yes"})",
        R"({"Variable": "$.v", "BooleanEquals": false, "Next": "Yes"})",
        R"({"Variable": "$.v", "TimestampGreaterThan": "2024-05-01T10:00:00Z", "Next": "Yes"})",
        R"({"Variable": "$.v", "TimestampEquals": "2024-05-01T10:00:00+02:00", "Next": "Yes"})",
        R"({"Variable": "$.v", "IsNull": true, "Next": "Yes"})",
        R"({"Variable": "$.v", "IsPresent": false, "Next": "Yes"})",
        R"({"Variable": "$.v", "IsNumeric": true, "Next": "Yes"})",
        R"({"Variable": "$.v", "IsString": false, "Next": "Yes"})",
        R"({"Variable": "$.v", "IsBoolean": true, "Next": "Yes"})",
        R"({"Variable": "$.v", "IsTimestamp": true, "Next": "Yes"})",
        R"({"Variable": "$.a", "StringEqualsPath": "$.b", "Next": "Yes"})",
        R"({"Variable": "$.a", "NumericGreaterThanPath": "$.b", "Next": "Yes"})",
        R"({"Variable": "$.a", "TimestampLessThanPath": "$.b", "Next": "Yes"})",
        R"({"Variable": "$.a", "BooleanEqualsPath": "$.b", "Next": "Yes"})",
        R"({"And": [{"Variable": "$.a", "IsPresent": true},
                    {"Not": {"Variable": "$.a", "NumericLessThan": 0}}], "Next": "Yes"},
           {"Or": [{"Variable": "$.b", "StringEquals": "x"},
                   {"Variable": "$.c", "BooleanEquals": true}], "Next": "Other"})"));

TEST(SolveTest, ContradictoryChoicesAlongAPathAreInfeasible) {
  // The second Choice needs the opposite of what the first one took.
  const auto def = asl::Load(R"({"StartAt": "C1", "States": {
      "C1": {"Type": "Choice", "Choices": [
        {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "C2"}], "Default": "End"},
      "C2": {"Type": "Choice", "Choices": [
        {"Variable": "$.n", "NumericLessThan": 5, "Next": "Never"}], "Default": "End"},
      "Never": {"Type": "Succeed"}, "End": {"Type": "Succeed"}}})");
  const WitnessSuite suite = SynthesizeWitnesses(def);
  ASSERT_FALSE(suite.unwitnessed.empty());
  EXPECT_EQ(suite.unwitnessed[0].obligation, "transition:C2->Never");
  EXPECT_EQ(suite.unwitnessed[0].reason,
            "infeasible: the Choice conditions along the path contradict each other (C1, C2)");
}

}  // namespace
}  // namespace stepsim::analysis::internal
