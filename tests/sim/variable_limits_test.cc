#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "sim_test_util.h"

namespace stepsim::sim {
namespace {

using testutil::RunWith;

// A string of `n` characters: its JSON text is n + 2 bytes.
Json Text(std::size_t n) { return Json(std::string(n, 'x')); }

TEST(VariableLimitsTest, AVariableOver256KiBFailsTheState) {
  // ASL: VAR-08
  const std::string asl = R"json({"StartAt": "Keep", "States": {
    "Keep": {"Type": "Pass", "Assign": {"blob.$": "States.Format('{}{}', $.half, $.half)"},
             "End": true}}})json";
  // The input stays under the payload limit; the variable built from it does not.
  const Execution e = RunWith(asl, Json{{"half", Text(140000)}});
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.DataLimitExceeded");
  EXPECT_THAT(*e.cause, ::testing::HasSubstr(
                            "The value assigned to the variable 'blob' exceeds the maximum size "
                            "of 262144 bytes."));
}

TEST(VariableLimitsTest, OneAssignOver256KiBTogetherFailsTheState) {
  // ASL: VAR-08
  const std::string asl = R"json({"StartAt": "Keep", "States": {
    "Keep": {"Type": "Pass", "Assign": {"a.$": "$.half", "b.$": "$.half"}, "End": true}}})json";
  const Execution e = RunWith(asl, Json{{"half", Text(140000)}});
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.DataLimitExceeded");
  EXPECT_THAT(*e.cause, ::testing::HasSubstr("together exceed the maximum size of 262144 bytes"));
}

TEST(VariableLimitsTest, AVariableJustUnderTheLimitIsKept) {
  // ASL: VAR-08
  const std::string asl = R"json({"StartAt": "Keep", "States": {
    "Keep": {"Type": "Pass", "Assign": {"blob.$": "States.Format('{}{}', $.half, $.half)"},
             "Next": "Show"},
    "Show": {"Type": "Pass", "Parameters": {"n.$": "States.ArrayLength(States.Array($blob))"},
             "End": true}}})json";
  const Execution e = RunWith(asl, Json{{"half", Text(131000)}});
  EXPECT_EQ(e.status, ExecutionStatus::kSucceeded) << e.cause.value_or("");
  EXPECT_EQ(e.output, Json({{"n", 1}}));
}

TEST(VariableLimitsTest, JsonataAssignOver256KiBFailsTheState) {
  // ASL: VAR-08, JSONATA-08
  const std::string asl = R"json({"QueryLanguage": "JSONata", "StartAt": "Keep", "States": {
    "Keep": {"Type": "Pass", "Assign": {"blob": "{% $states.input.half & $states.input.half %}"},
             "End": true}}})json";
  const Execution e = RunWith(asl, Json{{"half", Text(140000)}});
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.DataLimitExceeded");
}

}  // namespace
}  // namespace stepsim::sim
