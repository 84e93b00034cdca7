// Whole-state data-flow pipelines and a few execution-level rules, each run
// end to end through the interpreter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sim_test_util.h"

namespace stepsim::sim {
namespace {

using ::testing::ElementsAre;
using testutil::RunWith;
using testutil::ScriptHandler;

TEST(PipelineTest, TaskAppliesInputPathParametersSelectorResultPathOutputPathInOrder) {
  // ASL: IO-02, IO-03, TASK-07 (lambda:invoke's raw result is the envelope)
  const std::string asl = R"json({"StartAt": "T", "States": {"T": {
    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    "InputPath": "$.order",
    "Parameters": {"id.$": "$.id", "fixed": 1},
    "ResultSelector": {"charged.$": "$.Payload.amount"},
    "ResultPath": "$.payment",
    "OutputPath": "$.payment",
    "End": true}}})json";
  ScriptHandler tasks;
  tasks.On("T", {TaskOutcome::Succeed({{"Payload", {{"amount", 28}}}, {"StatusCode", 200}})});
  const Execution e = RunWith(asl, {{"order", {{"id", "o-1"}}}, {"other", true}}, &tasks);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << e.cause.value_or("");
  // Parameters saw the InputPath output; ResultPath merged into the raw input.
  EXPECT_THAT(tasks.params(), ElementsAre(Json({{"id", "o-1"}, {"fixed", 1}})));
  EXPECT_EQ(e.output, Json({{"charged", 28}}));
}

TEST(PipelineTest, ResultPathMergesIntoTheRawInputNotTheInputPathOutput) {
  // ASL: IO-02
  const std::string asl = R"json({"StartAt": "T", "States": {"T": {
    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    "InputPath": "$.order", "ResultPath": "$.result", "End": true}}})json";
  ScriptHandler tasks;
  tasks.On("T", {TaskOutcome::Succeed(7)});
  const Execution e = RunWith(asl, {{"order", {{"id", 1}}}, {"keep", "me"}}, &tasks);
  EXPECT_EQ(e.output, Json({{"order", {{"id", 1}}}, {"keep", "me"}, {"result", 7}}));
}

TEST(PipelineTest, PassResultReplacesParametersOutputThenResultPathAndOutputPathApply) {
  // ASL: IO-09, PSF-01
  const std::string asl = R"json({"StartAt": "P", "States": {"P": {
    "Type": "Pass", "InputPath": "$.a", "Parameters": {"x.$": "$.b"},
    "Result": {"static": true}, "ResultPath": "$.r", "OutputPath": "$.r", "End": true}}})json";
  const Execution e = RunWith(asl, {{"a", {{"b", 1}}}});
  EXPECT_EQ(e.output, Json({{"static", true}}));
}

TEST(PipelineTest, PassWithoutResultOrResultPathOutputsItsInput) {
  // ASL: IO-09
  const std::string asl =
      R"json({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})json";
  const Execution e = RunWith(asl, {{"a", 1}});
  EXPECT_EQ(e.output, Json({{"a", 1}}));
}

TEST(PipelineTest, PassParametersOutputGoesToResultPath) {
  // ASL: IO-09
  const std::string asl = R"json({"StartAt": "P", "States": {"P": {
    "Type": "Pass", "Parameters": {"x.$": "$.a"}, "ResultPath": "$.p", "End": true}}})json";
  const Execution e = RunWith(asl, {{"a", 1}});
  EXPECT_EQ(e.output, Json({{"a", 1}, {"p", {{"x", 1}}}}));
}

TEST(PipelineTest, WaitChoiceAndSucceedOnlyApplyInputPathThenOutputPath) {
  // ASL: IO-10
  const std::string asl = R"json({"StartAt": "W", "States": {
    "W": {"Type": "Wait", "Seconds": 1, "InputPath": "$.a", "Next": "C"},
    "C": {"Type": "Choice", "InputPath": "$.b",
          "Choices": [{"Variable": "$.c", "IsPresent": true, "Next": "S"}]},
    "S": {"Type": "Succeed", "OutputPath": "$.c"}}})json";
  const Execution e = RunWith(asl, {{"a", {{"b", {{"c", {{"d", 4}}}}}}}});
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << e.cause.value_or("");
  EXPECT_EQ(e.output, Json({{"d", 4}}));
  EXPECT_EQ(e.elapsed(), std::chrono::seconds(1));
}

TEST(PipelineTest, CaughtErrorWithoutCauseHasAnEmptyCauseInTheErrorOutput) {
  // ASL: ERR-06, CAT-03
  const std::string asl = R"json({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
          "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Done"}]},
    "Done": {"Type": "Succeed"}}})json";
  ScriptHandler tasks;
  tasks.On("T", {TaskOutcome::Fail("Custom.Error", "")});
  const Execution e = RunWith(asl, {{"in", 1}}, &tasks);
  EXPECT_EQ(e.output, Json({{"in", 1}, {"err", {{"Error", "Custom.Error"}, {"Cause", ""}}}}));
}

TEST(PipelineTest, RootTimeoutSecondsEndsTheExecutionTimedOut) {
  // ASL: TOP-03, EXE-02, EXE-03
  const std::string asl = R"json({"TimeoutSeconds": 5, "StartAt": "W", "States": {
    "W": {"Type": "Wait", "Seconds": 60, "End": true}}})json";
  const Execution e = RunWith(asl, Json::object());
  EXPECT_EQ(e.status, ExecutionStatus::kTimedOut);
  EXPECT_EQ(e.error, "States.Timeout");
  EXPECT_EQ(e.elapsed(), std::chrono::seconds(5));
  EXPECT_EQ(e.history.back().type_name(), "ExecutionTimedOut");
}

TEST(PipelineTest, RetryOfAParallelRerunsEveryBranchFromItsStart) {
  // ASL: PAR-06
  const std::string asl = R"json({"StartAt": "P", "States": {"P": {
    "Type": "Parallel", "End": true,
    "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 1}],
    "Branches": [
      {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
      {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}]}}})json";
  ScriptHandler tasks;
  tasks.On("A", {TaskOutcome::Succeed("a")});
  tasks.On("B", {TaskOutcome::Fail("Flaky", "once"), TaskOutcome::Succeed("b")});
  const Execution e = RunWith(asl, Json::object(), &tasks);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << e.cause.value_or("");
  EXPECT_EQ(e.output, Json::array({"a", "b"}));
  // A ran again on the retry although it had succeeded.
  EXPECT_EQ(std::count(tasks.calls().begin(), tasks.calls().end(), "A"), 2);
}

TEST(PipelineTest, ServiceErrorNamesAreMatchedExactlyByCatchers) {
  // ASL: TASK-08, TASK-09, ERR-01
  const std::string asl = R"json({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "End": true,
          "Catch": [{"ErrorEquals": ["States.Http.StatusCode.500"], "Next": "Other"},
                    {"ErrorEquals": ["States.Http.StatusCode.404"], "Next": "NotFound"}]},
    "Other": {"Type": "Fail", "Error": "Other"},
    "NotFound": {"Type": "Succeed"}}})json";
  ScriptHandler tasks;
  tasks.On("T", {TaskOutcome::Fail("States.Http.StatusCode.404", "not found")});
  const Execution e = RunWith(asl, Json::object(), &tasks);
  EXPECT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(e.output, Json({{"Error", "States.Http.StatusCode.404"}, {"Cause", "not found"}}));
}

TEST(PipelineTest, MockedWaitForTaskTokenSeesATaskTokenInTheContext) {
  // ASL: MOCK-10, TASK-06, CTX-01
  const std::string asl = R"json({"StartAt": "T", "States": {"T": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"MessageBody": {"token.$": "$$.Task.Token"}}, "End": true}}})json";
  ScriptHandler tasks;
  tasks.On("T", {TaskOutcome::Succeed({{"approved", true}})});
  const Execution e = RunWith(asl, Json::object(), &tasks);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << e.cause.value_or("");
  ASSERT_EQ(tasks.params().size(), 1u);
  const Json& token = tasks.params()[0]["MessageBody"]["token"];
  ASSERT_TRUE(token.is_string());
  EXPECT_FALSE(token.get<std::string>().empty());
  EXPECT_EQ(e.output, Json({{"approved", true}}));
}

TEST(PipelineTest, ExecutionInputOver256KiBFailsWithDataLimitExceeded) {
  // ASL: EXE-05, IO-11
  const std::string asl =
      R"json({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})json";
  const Execution e = RunWith(asl, {{"big", std::string(262144, 'x')}});
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.DataLimitExceeded");
}

}  // namespace
}  // namespace stepsim::sim
