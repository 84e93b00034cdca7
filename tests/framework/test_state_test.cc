#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/error.h>
#include <stepsim/test/test_state.h>
#include <stepsim/test/test_state_matchers.h>

#include <nlohmann/json.hpp>
#include <string>

namespace stepsim::test {
namespace {

using Json = nlohmann::json;
using testing::Eq;
using testing::Not;

TestStateRequest CatchingTask() {
  TestStateRequest request;
  request.definition = R"({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "f"},
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fallback"}], "End": true})";
  request.input = R"({"id": 7})";
  request.inspection_level = sim::InspectionLevel::kDebug;
  request.mock = sim::TestStateMock{std::nullopt, AslError{"Boom", "it broke"}, {}};
  return request;
}

TEST(TestStateApiTest, CaughtMockErrorMatchesStatusNextStateAndInspection) {
  const TestStateResponse response = TestState(CatchingTask());
  EXPECT_THAT(response, HasTestStatus(TestStatus::kCaughtError));
  EXPECT_THAT(response, HasNextState("Fallback"));
  EXPECT_THAT(response, HasInspectionField("afterParameters", Eq(Json{{"FunctionName", "f"}})));
  EXPECT_THAT(response, HasInspectionField("errorDetails", Eq(Json{{"catchIndex", 0}})));
  EXPECT_THAT(response,
              HasTestOutput(Eq(Json::parse(R"({"Error": "Boom", "Cause": "it broke"})"))));
}

TEST(TestStateApiTest, MatchersDescribeThemselvesAndExplainAMismatch) {
  const TestStateResponse response = TestState(CatchingTask());
  const auto status = HasTestStatus(TestStatus::kSucceeded);
  EXPECT_EQ(testing::DescribeMatcher<const TestStateResponse&>(status), "has status SUCCEEDED");
  testing::StringMatchResultListener why;
  EXPECT_FALSE(status.MatchAndExplain(response, &why));
  EXPECT_EQ(why.str(),
            "which has status CAUGHT_ERROR (error Boom: it broke) and next state \"Fallback\"");
  EXPECT_THAT(response, Not(HasNextState("Elsewhere")));
}

TEST(TestStateApiTest, ARequestAwsWouldRejectThrowsWithItsCodeAndMessage) {
  TestStateRequest request;
  request.definition = R"({"Type": "Succeed"})";
  request.mock = sim::TestStateMock{"{}", std::nullopt, {}};
  try {
    TestState(request);
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "ValidationException: State type 'Succeed' is not supported when a mock is "
                 "specified");
  }
}

}  // namespace
}  // namespace stepsim::test
