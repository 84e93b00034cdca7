#include <gtest/gtest.h>
#include <stepsim/sim/data_flow.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "sim_test_util.h"

namespace stepsim::sim {
namespace {

using testutil::Json;
using testutil::RunWith;
using testutil::ScriptHandler;

/// Records what a DataFlowObserver sees, as "State step value" lines.
class Recorder : public DataFlowObserver {
 public:
  void OnStep(const DataFlowRecord& r) override {
    steps.push_back(r.state->name + " " + std::string(ToString(r.step)) + " " + r.value->dump());
  }
  void OnMapLimits(const MapLimitsRecord& r) override { limits.push_back(r); }
  void OnErrorHandled(const ErrorHandledRecord& r) override {
    handled.push_back(r);
    handled_errors.push_back(r.error->error);
  }

  std::vector<std::string> steps;
  std::vector<MapLimitsRecord> limits;
  std::vector<ErrorHandledRecord> handled;
  std::vector<std::string> handled_errors;
};

Options Observed(Recorder* recorder) {
  Options options;
  options.data_flow = recorder;
  return options;
}

// ASL: IO-02
TEST(DataFlowTest, JsonPathTaskReportsEveryProcessingStep) {
  const std::string asl = R"({"StartAt": "T", "States": {"T": {
      "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "InputPath": "$.order",
      "Parameters": {"id.$": "$.id"},
      "ResultSelector": {"code.$": "$.status"},
      "ResultPath": "$.charge",
      "OutputPath": "$.charge",
      "End": true}}})";
  ScriptHandler tasks;
  tasks.On("T", {TaskOutcome::Succeed({{"status", 200}})});
  Recorder recorder;
  const Execution run = RunWith(asl, {{"order", {{"id", "o-1"}}}}, &tasks, Observed(&recorder));
  ASSERT_TRUE(run.succeeded());
  EXPECT_EQ(recorder.steps, (std::vector<std::string>{
                                R"(T input {"order":{"id":"o-1"}})",
                                R"(T afterInputPath {"id":"o-1"})",
                                R"(T afterParameters {"id":"o-1"})",
                                R"(T result {"status":200})",
                                R"(T afterResultSelector {"code":200})",
                                R"(T afterResultPath {"charge":{"code":200},"order":{"id":"o-1"}})",
                                R"(T output {"code":200})",
                            }));
}

// ASL: JSONATA-04
TEST(DataFlowTest, JsonataTaskReportsArgumentsResultAndOutput) {
  const std::string asl = R"({"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {
      "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Arguments": {"n": "{% $states.input.n + 1 %}"},
      "Output": "{% $states.result.v %}",
      "End": true}}})";
  ScriptHandler tasks;
  tasks.On("T", {TaskOutcome::Succeed({{"v", "done"}})});
  Recorder recorder;
  const Execution run = RunWith(asl, {{"n", 1}}, &tasks, Observed(&recorder));
  ASSERT_TRUE(run.succeeded());
  EXPECT_EQ(recorder.steps, (std::vector<std::string>{
                                R"(T input {"n":1})",
                                R"(T afterArguments {"n":2})",
                                R"(T result {"v":"done"})",
                                R"(T output "done")",
                            }));
}

// ASL: RTY-05, CAT-02
TEST(DataFlowTest, ReportsEachRetryWithItsBackoffThenTheCatcher) {
  const std::string asl = R"({"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [{"ErrorEquals": ["Other"]},
                      {"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "BackoffRate": 3,
                       "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["Other"], "Next": "Done"},
                      {"ErrorEquals": ["States.ALL"], "Next": "Done"}],
            "End": true},
      "Done": {"Type": "Pass", "End": true}}})";
  ScriptHandler tasks;
  tasks.On("T", {TaskOutcome::Fail("Boom", "bad")});
  Recorder recorder;
  const Execution run = RunWith(asl, Json::object(), &tasks, Observed(&recorder));
  ASSERT_TRUE(run.succeeded());
  ASSERT_EQ(recorder.handled.size(), 3U);
  EXPECT_EQ(recorder.handled_errors, (std::vector<std::string>{"Boom", "Boom", "Boom"}));
  EXPECT_EQ(recorder.handled[0].retry_index, 1);
  EXPECT_EQ(recorder.handled[0].retry_attempt, 1);
  EXPECT_EQ(recorder.handled[0].retry_backoff, Millis{2000});
  EXPECT_EQ(recorder.handled[1].retry_index, 1);
  EXPECT_EQ(recorder.handled[1].retry_attempt, 2);
  EXPECT_EQ(recorder.handled[1].retry_backoff, Millis{6000});
  EXPECT_EQ(recorder.handled[2].retry_index, -1);
  EXPECT_EQ(recorder.handled[2].catch_index, 1);
}

// ASL: MAP-04
TEST(DataFlowTest, ReportsTheMapLimitsAsEvaluated) {
  Recorder on_array;
  const std::string over_items = R"({"StartAt": "M", "States": {"M": {
      "Type": "Map", "ItemsPath": "$.items", "MaxConcurrencyPath": "$.limit",
      "ToleratedFailureCount": 1,
      "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
      "End": true}}})";
  const Execution ok =
      RunWith(over_items, {{"items", {1, 2}}, {"limit", 3}}, nullptr, Observed(&on_array));
  ASSERT_TRUE(ok.succeeded());
  ASSERT_EQ(on_array.limits.size(), 1U);
  EXPECT_EQ(on_array.limits[0].state->name, "M");
  EXPECT_EQ(on_array.limits[0].max_concurrency, 3.0);
  EXPECT_EQ(on_array.limits[0].tolerated_failure_count, 1.0);
  EXPECT_EQ(on_array.limits[0].tolerated_failure_percentage, std::nullopt);
  EXPECT_NE(std::find(on_array.steps.begin(), on_array.steps.end(), "M afterItemsPath [1,2]"),
            on_array.steps.end());
}

// ASL: IO-02
TEST(DataFlowTest, AnObservedPassWithoutFieldsReportsItsSteps) {
  const std::string asl = R"({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})";
  Recorder recorder;
  const Execution run = RunWith(asl, {{"a", 1}}, nullptr, Observed(&recorder));
  ASSERT_TRUE(run.succeeded());
  EXPECT_EQ(*run.output, (Json{{"a", 1}}));
  EXPECT_EQ(recorder.steps.front(), R"(P input {"a":1})");
  EXPECT_EQ(recorder.steps.back(), R"(P output {"a":1})");
  EXPECT_NE(std::find(recorder.steps.begin(), recorder.steps.end(), R"(P afterParameters {"a":1})"),
            recorder.steps.end());
}

}  // namespace
}  // namespace stepsim::sim
