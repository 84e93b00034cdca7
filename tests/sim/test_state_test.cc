#include <gtest/gtest.h>
#include <stepsim/sim/test_state.h>

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

namespace stepsim::sim {
namespace {

using Json = nlohmann::json;

Json Ask(const Json& body) { return RunTestState(body); }

const char* const kCatchingTask = R"({
  "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
  "Parameters": {"FunctionName": "f", "Payload.$": "$"},
  "Retry": [{"ErrorEquals": ["Throttled"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 2}],
  "Catch": [{"ErrorEquals": ["Other"], "Next": "A"}, {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "B"}],
  "End": true})";

Json MockError(const std::string& error) {
  return {{"errorOutput", {{"error", error}, {"cause", "why"}}}};
}

TEST(TestStateTest, MockedResultFlowsThroughResultPathAndShowsEachStepAtDebug) {
  const Json response =
      Ask({{"definition", R"({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                             "Parameters": {"FunctionName": "f"}, "ResultPath": "$.r",
                             "Next": "Done"})"},
           {"input", R"({"a": 1})"},
           {"inspectionLevel", "DEBUG"},
           {"mock", {{"result", R"({"StatusCode": 200})"}}}});
  EXPECT_EQ(response["status"], "SUCCEEDED");
  EXPECT_EQ(response["nextState"], "Done");
  EXPECT_EQ(Json::parse(response["output"].get<std::string>()),
            Json::parse(R"({"a": 1, "r": {"StatusCode": 200}})"));
  const Json& d = response["inspectionData"];
  // AWS returns the data members as JSON text.
  EXPECT_EQ(d["input"], R"({"a":1})");
  EXPECT_EQ(d["afterParameters"], R"({"FunctionName":"f"})");
  EXPECT_EQ(d["result"], R"({"StatusCode":200})");
  EXPECT_EQ(d["afterResultPath"], R"({"a":1,"r":{"StatusCode":200}})");
}

// ASL: IO-02
TEST(TestStateTest, InspectionDataFollowsEveryJsonPathStepUpToOutputPath) {
  const Json response =
      Ask({{"definition", R"({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                             "InputPath": "$.in", "ResultSelector": {"code.$": "$.StatusCode"},
                             "ResultPath": "$.r", "OutputPath": "$.r", "End": true})"},
           {"input", R"({"in": {"a": 5}})"},
           {"inspectionLevel", "TRACE"},
           {"mock", {{"result", R"({"StatusCode": 200})"}}}});
  const Json& d = response["inspectionData"];
  EXPECT_EQ(d["afterInputPath"], R"({"a":5})");
  EXPECT_EQ(d["afterParameters"], R"({"a":5})");
  EXPECT_EQ(d["result"], R"({"StatusCode":200})");
  EXPECT_EQ(d["afterResultSelector"], R"({"code":200})");
  EXPECT_EQ(d["afterResultPath"], R"({"in":{"a":5},"r":{"code":200}})");
  EXPECT_EQ(response["output"], R"({"code":200})");
}

TEST(TestStateTest, InfoLevelHasNoInspectionData) {
  const Json response = Ask({{"definition", R"({"Type": "Pass", "End": true})"}});
  EXPECT_EQ(response, Json::parse(R"({"status": "SUCCEEDED", "output": "{}"})"));
}

// ASL: RTY-05
TEST(TestStateTest, ErrorMatchingARetrierWithAttemptsLeftIsRetriableWithItsBackoff) {
  Json request = {{"definition", kCatchingTask},
                  {"inspectionLevel", "DEBUG"},
                  {"mock", MockError("Throttled")},
                  {"stateConfiguration", {{"retrierRetryCount", 1}}}};
  const Json response = Ask(request);
  EXPECT_EQ(response["status"], "RETRIABLE");
  EXPECT_EQ(response["error"], "Throttled");
  EXPECT_FALSE(response.contains("output"));
  EXPECT_EQ(response["inspectionData"]["errorDetails"],
            Json::parse(R"({"retryIndex": 0, "retryBackoffIntervalSeconds": 6})"));
}

// ASL: RTY-06
TEST(TestStateTest, ExhaustedRetrierHandsTheErrorToTheCatchers) {
  const Json response = Ask({{"definition", kCatchingTask},
                             {"input", R"({"x": true})"},
                             {"inspectionLevel", "DEBUG"},
                             {"mock", MockError("Throttled")},
                             {"stateConfiguration", {{"retrierRetryCount", 2}}}});
  EXPECT_EQ(response["status"], "CAUGHT_ERROR");
  EXPECT_EQ(response["nextState"], "B");
  EXPECT_EQ(response["cause"], "why");
  EXPECT_EQ(Json::parse(response["output"].get<std::string>()),
            Json::parse(R"({"x": true, "err": {"Error": "Throttled", "Cause": "why"}})"));
  EXPECT_EQ(response["inspectionData"]["errorDetails"], Json::parse(R"({"catchIndex": 1})"));
}

TEST(TestStateTest, UncaughtMockedErrorFails) {
  const Json response = Ask({{"definition", R"({"Type": "Task", "Resource":
                                 "arn:aws:states:::lambda:invoke", "End": true})"},
                             {"mock", MockError("Boom")}});
  EXPECT_EQ(response, Json::parse(R"({"status": "FAILED", "error": "Boom", "cause": "why"})"));
}

TEST(TestStateTest, TaskWithoutMockFailsSayingAMockIsRequiredOffline) {
  const Json response = Ask({{"definition", R"({"Type": "Task", "Resource":
                                 "arn:aws:states:::lambda:invoke", "End": true})"},
                             {"roleArn", "arn:aws:iam::111111111111:role/R"}});
  EXPECT_EQ(response["status"], "FAILED");
  EXPECT_NE(response["cause"].get<std::string>().find("a mock is required offline"),
            std::string::npos);
}

TEST(TestStateTest, TaskWithoutMockOrRoleIsAValidationError) {
  const Json response = Ask({{"definition", R"({"Type": "Task", "Resource":
                                 "arn:aws:states:::lambda:invoke", "End": true})"}});
  EXPECT_EQ(response["error"]["code"], "ValidationException");
  EXPECT_EQ(response["error"]["message"], "RoleArn must be specified when testing a Task state");
}

TEST(TestStateTest, ChoiceInAWholeDefinitionReportsTheChosenNextState) {
  const Json response = Ask({{"definition", R"({"StartAt": "C", "States": {
             "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1,
                   "Next": "Big"}], "Default": "Small"},
             "Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}}})"},
                             {"stateName", "C"},
                             {"input", R"({"n": 5})"}});
  EXPECT_EQ(response["status"], "SUCCEEDED");
  EXPECT_EQ(response["nextState"], "Big");
}

TEST(TestStateTest, UnknownStateNameIsAValidationError) {
  const Json response = Ask({{"definition", R"({"StartAt": "A", "States": {"A": {"Type":
                                 "Pass", "End": true}}})"},
                             {"stateName", "Nope"}});
  EXPECT_EQ(response["error"]["message"], "State not found in definition");
}

TEST(TestStateTest, ParallelMockMustHaveOneItemPerBranch) {
  const Json response = Ask({{"definition", R"({"Type": "Parallel", "End": true, "Branches": [
                                 {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}]})"},
                             {"mock", {{"result", "[1, 2]"}}}});
  EXPECT_EQ(response["error"]["message"],
            "Mocked result must contain the same number of items as number of Parallel "
            "branches.");
}

TEST(TestStateTest, MockOnAPassStateIsRejected) {
  const Json response =
      Ask({{"definition", R"({"Type": "Pass", "End": true})"}, {"mock", {{"result", "{}"}}}});
  EXPECT_EQ(response["error"]["message"],
            "State type 'Pass' is not supported when a mock is specified");
}

// ASL: CTX-01
TEST(TestStateTest, TheRequestsContextObjectIsWhatTheStateSees) {
  const Json response =
      Ask({{"definition", R"({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                             "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                             "ResultSelector": {"who.$": "$$.Execution.Name"}, "End": true})"},
           {"context", R"({"Execution": {"Name": "night-run"}, "Task": {"Token": "t-1"}})"},
           {"inspectionLevel", "DEBUG"},
           {"mock", {{"result", "{}"}}}});
  EXPECT_EQ(response["status"], "SUCCEEDED");
  EXPECT_EQ(response["output"], R"({"who":"night-run"})");
  EXPECT_EQ(response["inspectionData"]["afterParameters"],
            R"({"MessageBody":{"token":"t-1"},"QueueUrl":"q"})");
}

TEST(TestStateTest, WithoutARoleTheDefaultContextHasANullRoleArn) {
  const Json response = Ask({{"definition", R"({"Type": "Pass", "QueryLanguage": "JSONata",
                                 "Output": "{% $states.context.Execution.RoleArn %}", "End": true})"}});
  EXPECT_EQ(response["output"], "null");
}

TEST(TestStateTest, UnknownContextFieldIsRejected) {
  const Json response = Ask({{"definition", R"({"Type": "Wait", "Seconds": 1, "End": true})"},
                             {"context", R"({"Execution": {"Nope": 1}})"}});
  EXPECT_EQ(response["error"]["message"],
            "Invalid Context object provided: Field 'Nope' is not allowed");
}

TEST(TestStateTest, UnknownInspectionLevelIsRejected) {
  const auto parsed = ParseTestStateRequest({{"definition", "{}"}, {"inspectionLevel", "ALL"}});
  ASSERT_TRUE(std::holds_alternative<TestStateApiError>(parsed));
  EXPECT_EQ(std::get<TestStateApiError>(parsed).code, "ValidationException");
}

TEST(TestStateTest, StrictModeRejectsAMockedResultOfTheWrongTypeFromTheServiceModel) {
  // lambda Invoke's StatusCode is an integer in botocore's model.
  const auto message =
      CheckMockedResultShape("arn:aws:states:::lambda:invoke", R"({"StatusCode": "200"})",
                             FieldValidationMode::kStrict, {});
  if (!message) GTEST_SKIP() << "python3-botocore's models are not installed";
  EXPECT_EQ(*message, "Mock result schema validation error: Field 'StatusCode' must be a number");
  EXPECT_EQ(CheckMockedResultShape("arn:aws:states:::lambda:invoke", R"({"StatusCode": "200"})",
                                   FieldValidationMode::kNone, {}),
            std::nullopt);
}

TEST(TestStateTest, StrictModeWantsRequiredMembersAndPresentModeDoesNot) {
  const auto strict = CheckMockedResultShape("arn:aws:states:::states:startExecution", "{}",
                                             FieldValidationMode::kStrict, {});
  if (!strict) GTEST_SKIP() << "python3-botocore's models are not installed";
  EXPECT_EQ(*strict,
            "Mock result schema validation error: Required field 'ExecutionArn' is missing");
  EXPECT_EQ(CheckMockedResultShape("arn:aws:states:::states:startExecution", "{}",
                                   FieldValidationMode::kPresent, {}),
            std::nullopt);
}

}  // namespace
}  // namespace stepsim::sim
