#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim_test_util.h"

namespace stepsim::sim {
namespace {

using ::testing::ElementsAre;
using testutil::Find;
using testutil::RunWith;
using testutil::ScriptHandler;
using testutil::Types;

TEST(HistoryTest, OptimizedIntegrationEventsNameResourceTypeAndResource) {
  // ASL: HIST-03, HIST-05
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
      "Parameters": {"Bucket": "b"}, "TimeoutSeconds": 30, "End": true}}})";
  ScriptHandler h;
  h.On("T", {TaskOutcome::Succeed({{"Body", "x"}})});
  Execution e = RunWith(asl, Json::object(), &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  const Json scheduled = ToAwsJson(*Find(e, "TaskScheduled"));
  const Json& d = scheduled["taskScheduledEventDetails"];
  EXPECT_EQ(d["resourceType"], "aws-sdk:s3");
  EXPECT_EQ(d["resource"], "getObject");
  EXPECT_EQ(d["region"], "us-east-1");
  EXPECT_EQ(d["parameters"], "{\"Bucket\":\"b\"}");
  EXPECT_EQ(d["timeoutInSeconds"], 30);
  const Json succeeded = ToAwsJson(*Find(e, "TaskSucceeded"));
  EXPECT_EQ(succeeded["taskSucceededEventDetails"]["output"], "{\"Body\":\"x\"}");
  EXPECT_EQ(succeeded["taskSucceededEventDetails"]["resourceType"], "aws-sdk:s3");
}

TEST(HistoryTest, SyncAndCallbackSuffixStayInTheResource) {
  // ASL: HIST-05, TASK-01
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
      "End": true}}})";
  ScriptHandler h;
  h.On("T", {TaskOutcome::Succeed(1)});
  Execution e = RunWith(asl, Json::object(), &h);
  const Json d = ToAwsJson(*Find(e, "TaskStarted"))["taskStartedEventDetails"];
  EXPECT_EQ(d["resourceType"], "states");
  EXPECT_EQ(d["resource"], "startExecution.sync:2");
  EXPECT_THAT(Types(e), ElementsAre("ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                                    "TaskStarted", "TaskSubmitted", "TaskSucceeded",
                                    "TaskStateExited", "ExecutionSucceeded"));
}

TEST(HistoryTest, FailedTaskEventsCarryErrorAndCause) {
  // ASL: HIST-03, CAT-05
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}})";
  ScriptHandler h;
  h.On("T", {TaskOutcome::Fail("Lambda.Unknown", "oom")});
  Execution e = RunWith(asl, Json::object(), &h);
  EXPECT_THAT(Types(e), ElementsAre("ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                                    "TaskStarted", "TaskFailed", "ExecutionFailed"));
  const Json failed = ToAwsJson(e.history[4]);
  EXPECT_EQ(failed["taskFailedEventDetails"]["error"], "Lambda.Unknown");
  EXPECT_EQ(failed["taskFailedEventDetails"]["cause"], "oom");
  const Json end = ToAwsJson(e.history[5]);
  EXPECT_EQ(end["executionFailedEventDetails"]["error"], "Lambda.Unknown");
  EXPECT_EQ(end["previousEventId"], 5);
}

TEST(HistoryTest, ParallelEventsChainWithinBranches) {
  // ASL: PAR-08, HIST-01
  const std::string asl = R"({"StartAt": "P", "States": {"P": {"Type": "Parallel",
    "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}],
    "End": true}}})";
  Execution e = RunWith(asl, {{"x", 1}});
  EXPECT_THAT(Types(e),
              ElementsAre("ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
                          "PassStateEntered", "PassStateExited", "ParallelStateSucceeded",
                          "ParallelStateExited", "ExecutionSucceeded"));
  EXPECT_EQ(e.history[3].previous_event_id, 3);  // branch starts at Started
  EXPECT_EQ(e.history[4].previous_event_id, 4);
  EXPECT_EQ(*e.output, Json::parse(R"([{"x":1}])"));
}

TEST(HistoryTest, MapEventsFollowTheAwsSequence) {
  // ASL: MAP-08
  const std::string asl = R"({"StartAt": "M", "States": {"M": {"Type": "Map",
    "MaxConcurrency": 1,
    "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
    "End": true}}})";
  Execution e = RunWith(asl, Json::array({7}));
  EXPECT_THAT(Types(e), ElementsAre("ExecutionStarted", "MapStateEntered", "MapStateStarted",
                                    "MapIterationStarted", "PassStateEntered", "PassStateExited",
                                    "MapIterationSucceeded", "MapStateSucceeded", "MapStateExited",
                                    "ExecutionSucceeded"));
  const Json it = ToAwsJson(e.history[3]);
  EXPECT_EQ(it["mapIterationStartedEventDetails"], Json({{"name", "M"}, {"index", 0}}));
}

TEST(HistoryTest, ExitEventsListAssignedVariables) {
  // ASL: VAR-09
  const std::string asl = R"({"StartAt": "P", "States": {"P": {"Type": "Pass",
    "Assign": {"x": 1, "y.$": "$.v"}, "End": true}}})";
  Execution e = RunWith(asl, {{"v", "s"}});
  const Json exited = ToAwsJson(*Find(e, "PassStateExited"));
  EXPECT_EQ(exited["stateExitedEventDetails"]["assignedVariables"],
            Json({{"x", "1"}, {"y", "\"s\""}}));
}

TEST(HistoryTest, ListenerSeesEveryRecordedEventAndTheEndTransition) {
  // ASL: HIST-01
  struct Recorder : ExecutionListener {
    std::vector<std::int64_t> ids;
    std::vector<TransitionKind> kinds;
    void OnEvent(const HistoryEvent& e) override { ids.push_back(e.id); }
    void OnTransition(const Transition& t) override { kinds.push_back(t.kind); }
  } rec;
  const std::string asl = R"({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}})";
  Options o;
  o.listeners.push_back(&rec);
  o.record_history = false;
  Execution e = RunWith(asl, Json::object(), nullptr, o);
  EXPECT_TRUE(e.history.empty());
  EXPECT_THAT(rec.ids, ElementsAre(1, 2, 3, 4, 5, 6));
  EXPECT_THAT(rec.kinds, ElementsAre(TransitionKind::kNext, TransitionKind::kEnd));
}

TEST(HistoryTest, JsonataPassRecordsItsEvaluatedOutput) {
  // ASL: JSONATA-01, HIST-04
  const std::string asl = R"({"QueryLanguage": "JSONata", "StartAt": "P",
    "States": {"P": {"Type": "Pass", "Output": {"sum": "{% 1 + 1 %}"}, "End": true}}})";
  Execution e = RunWith(asl, Json::object());
  EXPECT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(e.output, Json({{"sum", 2}}));
  const Json history = ToAwsJson(e.history);
  EXPECT_EQ(history[2]["type"], "PassStateExited");
  EXPECT_EQ(history[2]["stateExitedEventDetails"]["output"], "{\"sum\":2}");
}

}  // namespace
}  // namespace stepsim::sim
