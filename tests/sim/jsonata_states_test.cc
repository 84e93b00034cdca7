#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "sim_test_util.h"

namespace stepsim::sim {
namespace {

using ::testing::ElementsAre;
using testutil::Find;
using testutil::RunWith;
using testutil::ScriptHandler;

std::string Machine(const std::string& states, const std::string& start) {
  return R"({"QueryLanguage": "JSONata", "StartAt": ")" + start + R"(", "States": {)" + states +
         "}}";
}

TEST(JsonataStatesTest, AssignAndOutputBothSeeEntryTimeVariables) {
  // ASL: JSONATA-08, VAR-03
  const std::string asl = Machine(R"(
    "Init": {"Type": "Pass", "Assign": {"x": 1, "y": 2}, "Next": "Swap"},
    "Swap": {"Type": "Pass",
             "Assign": {"x": "{% $y %}", "y": "{% $x %}"},
             "Output": {"x": "{% $x %}", "y": "{% $y %}"}, "Next": "Show"},
    "Show": {"Type": "Pass", "Output": "{% [$x, $y] %}", "End": true})",
                                  "Init");
  Execution e = RunWith(asl, Json::object());
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output, Json({2, 1}));
  const HistoryEvent* swap = Find(e, "PassStateExited", "Swap");
  ASSERT_NE(swap, nullptr);
  EXPECT_EQ(*swap->output, Json({{"x", 1}, {"y", 2}}));
  ASSERT_NE(swap->assigned_variables, nullptr);
  EXPECT_EQ(*swap->assigned_variables, Json({{"x", 2}, {"y", 1}}));
}

TEST(JsonataStatesTest, TaskArgumentsThenResultFeedsOutputAndAssign) {
  // ASL: JSONATA-04, JSONATA-07, JSONATA-08
  const std::string asl = Machine(R"(
    "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Arguments": {"FunctionName": "f", "Payload": {"n": "{% $states.input.n + 1 %}"}},
             "Assign": {"last": "{% $states.result.v %}"},
             "Output": "{% $states.result.v * 10 %}", "Next": "Done"},
    "Done": {"Type": "Pass", "Output": "{% [$states.input, $last] %}", "End": true})",
                                  "Call");
  ScriptHandler h;
  h.On("Call", {TaskOutcome::Succeed({{"v", 4}})});
  Execution e = RunWith(asl, {{"n", 41}}, &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  ASSERT_EQ(h.params().size(), 1u);
  EXPECT_EQ(h.params()[0], Json({{"FunctionName", "f"}, {"Payload", {{"n", 42}}}}));
  EXPECT_EQ(*e.output, Json({40, 4}));
}

TEST(JsonataStatesTest, UndefinedArgumentIsACatchableQueryEvaluationError) {
  // ASL: JSONATA-05, CAT-03, CAT-04
  const std::string asl = Machine(R"(
    "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Arguments": {"FunctionName": "{% $doesNotExist %}"},
             "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"],
                        "Assign": {"err": "{% $states.errorOutput.Error %}"},
                        "Output": {"cause": "{% $states.errorOutput.Cause %}",
                                   "in": "{% $states.input %}"},
                        "Next": "Done"}],
             "End": true},
    "Done": {"Type": "Pass", "Output": "{% $merge([$states.input, {'err': $err}]) %}", "End": true})",
                                  "Call");
  Execution e = RunWith(asl, {{"a", 1}});
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output, Json({{"cause",
                              "An error occurred while executing the state 'Call' "
                              "(entered at the event id #2). The JSONata expression "
                              "'$doesNotExist' specified for the field "
                              "'Arguments/FunctionName' returned nothing (undefined)."},
                             {"in", {{"a", 1}}},
                             {"err", "States.QueryEvaluationError"}}));
}

TEST(JsonataStatesTest, CatcherWithoutOutputPassesTheErrorOutput) {
  // ASL: CAT-03
  const std::string asl = Machine(R"(
    "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
             "End": true},
    "Done": {"Type": "Succeed"})",
                                  "Call");
  ScriptHandler h;
  h.On("Call", {TaskOutcome::Fail("Boom", "bad")});
  Execution e = RunWith(asl, {{"a", 1}}, &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output, Json({{"Error", "Boom"}, {"Cause", "bad"}}));
}

TEST(JsonataStatesTest, ChoiceConditionPicksRuleOutputAndAssign) {
  // ASL: CHO-13, CHO-14
  const std::string asl = Machine(R"(
    "Pick": {"Type": "Choice",
             "Choices": [{"Condition": "{% $states.input.n > 5 %}", "Next": "Big",
                          "Assign": {"kind": "big"}, "Output": {"n": "{% $states.input.n %}"}}],
             "Default": "Small", "Assign": {"kind": "small"}},
    "Big": {"Type": "Pass", "Output": "{% [$states.input, $kind] %}", "End": true},
    "Small": {"Type": "Pass", "Output": "{% [$states.input, $kind] %}", "End": true})",
                                  "Pick");
  Execution big = RunWith(asl, {{"n", 9}, {"other", true}});
  ASSERT_EQ(big.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(big);
  EXPECT_EQ(*big.output, Json({{{"n", 9}}, "big"}));
  Execution small = RunWith(asl, {{"n", 1}});
  ASSERT_EQ(small.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(*small.output, Json({{{"n", 1}}, "small"}));
}

TEST(JsonataStatesTest, NonBooleanConditionFailsWithQueryEvaluationError) {
  // ASL: CHO-13, JSONATA-05
  const std::string asl = Machine(R"(
    "Pick": {"Type": "Choice",
             "Choices": [{"Condition": "{% $states.input.n %}", "Next": "End"}],
             "Default": "End"},
    "End": {"Type": "Succeed"})",
                                  "Pick");
  Execution e = RunWith(asl, {{"n", 3}});
  ASSERT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.QueryEvaluationError");
  EXPECT_EQ(e.cause,
            "An error occurred while executing the state 'Pick' (entered at "
            "the event id #2). The JSONata expression '$states.input.n' "
            "specified for the field 'Condition' returned an unexpected "
            "result type. Expected 'boolean', but was 'number' for value: 3");
}

TEST(JsonataStatesTest, MapItemsAndItemSelectorSeeTheMapItemContext) {
  // ASL: MAP-02, MAP-03
  const std::string asl = Machine(R"(
    "Loop": {"Type": "Map", "Items": "{% $states.input.xs %}",
             "ItemSelector": {"i": "{% $states.context.Map.Item.Index %}",
                              "v": "{% $states.context.Map.Item.Value * 2 %}"},
             "MaxConcurrency": "{% 1 %}",
             "ItemProcessor": {"StartAt": "P", "States": {
                "P": {"Type": "Pass", "Output": "{% $states.input.i + $states.input.v %}", "End": true}}},
             "End": true})",
                                  "Loop");
  Execution e = RunWith(asl, {{"xs", {10, 20, 30}}});
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output, Json({20, 41, 62}));
}

TEST(JsonataStatesTest, MapItemsOfTheWrongTypeFail) {
  // ASL: MAP-02, JSONATA-05
  const std::string asl = Machine(R"(
    "Loop": {"Type": "Map", "Items": "{% $states.input.xs %}",
             "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}},
             "End": true})",
                                  "Loop");
  Execution e = RunWith(asl, {{"xs", true}});
  ASSERT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.QueryEvaluationError");
  EXPECT_EQ(e.cause,
            "An error occurred while executing the state 'Loop' (entered at "
            "the event id #2). The JSONata expression '$states.input.xs' "
            "specified for the field 'Items' returned an unexpected result "
            "type. Expected 'array', but was 'boolean' for value: true");
}

TEST(JsonataStatesTest, WaitSecondsExpressionAdvancesTheVirtualClock) {
  // ASL: WAIT-01
  const std::string asl = Machine(R"(
    "W": {"Type": "Wait", "Seconds": "{% $states.input.s * 2 %}", "End": true})",
                                  "W");
  Execution e = RunWith(asl, {{"s", 5}});
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(e.elapsed(), Millis{10000});
  EXPECT_EQ(*e.output, Json({{"s", 5}}));
}

TEST(JsonataStatesTest, FailErrorAndCauseExpressions) {
  // ASL: PSF-02, PSF-03
  const std::string asl = Machine(R"(
    "F": {"Type": "Fail", "Error": "{% 'E.' & $states.input.code %}",
          "Cause": "{% $string($states.input.n) %}"})",
                                  "F");
  Execution e = RunWith(asl, {{"code", "X"}, {"n", 7}});
  ASSERT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "E.X");
  EXPECT_EQ(e.cause, "7");
}

TEST(JsonataStatesTest, ParallelArgumentsFeedEveryBranchAndResultFeedsOutput) {
  // ASL: JSONATA-06, JSONATA-07
  const std::string asl = Machine(R"(
    "Par": {"Type": "Parallel", "Arguments": {"v": "{% $states.input.v %}"},
            "Branches": [
              {"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $states.input.v + 1 %}", "End": true}}},
              {"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": "{% $states.input.v + 2 %}", "End": true}}}],
            "Output": "{% $sum($states.result) %}", "End": true})",
                                  "Par");
  Execution e = RunWith(asl, {{"v", 10}, {"ignored", 1}});
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output, Json(23));
}

TEST(JsonataStatesTest, OutputErrorIsRetriedLikeATaskFailure) {
  // ASL: JSONATA-05, RTY-01
  const std::string asl = Machine(R"(
    "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Output": "{% $states.result.missing %}",
             "Retry": [{"ErrorEquals": ["States.QueryEvaluationError"], "MaxAttempts": 1}],
             "End": true})",
                                  "Call");
  ScriptHandler h;
  h.On("Call", {TaskOutcome::Succeed({{"v", 1}})});
  Execution e = RunWith(asl, Json::object(), &h);
  ASSERT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.QueryEvaluationError");
  EXPECT_THAT(h.calls(), ElementsAre("Call", "Call"));
}

TEST(JsonataStatesTest, TimeoutSecondsExpressionBoundsTheTask) {
  // ASL: JSONATA-06, TASK-02
  const std::string asl = Machine(R"(
    "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "TimeoutSeconds": "{% $states.input.t %}", "End": true})",
                                  "Call");
  ScriptHandler h;
  h.On("Call", {TaskOutcome::Succeed({{"v", 1}}, Millis{5000})});
  Execution e = RunWith(asl, {{"t", 2}}, &h);
  ASSERT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.Timeout");
  EXPECT_EQ(e.elapsed(), Millis{2000});
}

TEST(JsonataStatesTest, StringTimeoutSecondsIsAQueryEvaluationError) {
  // ASL: JSONATA-05
  const std::string asl = Machine(R"(
    "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "TimeoutSeconds": "{% $states.input.t %}", "End": true})",
                                  "Call");
  ScriptHandler h;
  h.On("Call", {TaskOutcome::Succeed({{"v", 1}})});
  Execution e = RunWith(asl, {{"t", "2"}}, &h);
  ASSERT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.QueryEvaluationError");
  EXPECT_TRUE(h.calls().empty());
}

TEST(JsonataStatesTest, StatesResultIsUnavailableInAPassState) {
  // ASL: JSONATA-04
  const std::string asl = Machine(R"(
    "P": {"Type": "Pass", "Output": "{% $states.result %}", "End": true})",
                                  "P");
  Execution e = RunWith(asl, Json::object());
  ASSERT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.QueryEvaluationError");
}

TEST(JsonataStatesTest, MapCatcherAssignsInTheEnclosingScope) {
  // ASL: CAT-04, VAR-06
  const std::string asl = Machine(R"(
    "Loop": {"Type": "Map", "Items": [1],
             "ItemProcessor": {"StartAt": "F", "States": {
                "F": {"Type": "Fail", "Error": "Inner", "Cause": "c"}}},
             "Assign": {"where": "state"},
             "Catch": [{"ErrorEquals": ["Inner"], "Assign": {"where": "catcher"},
                        "Output": "{% $states.errorOutput.Error %}", "Next": "Show"}],
             "End": true},
    "Show": {"Type": "Pass", "Output": "{% [$states.input, $where] %}", "End": true})",
                                  "Loop");
  Execution e = RunWith(asl, Json::object());
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output, Json({"Inner", "catcher"}));
}

TEST(JsonataStatesTest, WaitTimestampExpressionWaitsUntilThatInstant) {
  // ASL: WAIT-01, WAIT-04
  const std::string asl = Machine(R"(
    "W": {"Type": "Wait", "Timestamp": "{% $states.input.at %}", "End": true})",
                                  "W");
  Execution e = RunWith(asl, {{"at", "2025-01-01T00:01:30Z"}});
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(e.elapsed(), Millis{90000});
}

TEST(JsonataStatesTest, UnparsableTimestampIsAQueryEvaluationError) {
  // ASL: WAIT-04, JSONATA-05
  const std::string asl = Machine(R"(
    "W": {"Type": "Wait", "Timestamp": "{% $states.input.at %}", "End": true})",
                                  "W");
  Execution e = RunWith(asl, {{"at", "2016-13-05T21:29:29Z"}});
  ASSERT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.QueryEvaluationError");
  EXPECT_EQ(e.cause,
            "An error occurred while executing the state 'W' (entered at the "
            "event id #2). The Timestamp field cannot be parsed as an "
            "ISO-8601 extended offset date-time format string: "
            "2016-13-05T21:29:29Z");
}

}  // namespace
}  // namespace stepsim::sim
