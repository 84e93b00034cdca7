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

std::vector<std::int64_t> ScheduledAt(const Execution& e) {
  std::vector<std::int64_t> out;
  for (const auto& ev : e.history) {
    if (ev.type == EventType::kTaskScheduled) {
      out.push_back((ev.timestamp - e.start_time).count());
    }
  }
  return out;
}

TEST(RetryCatchTest, WorkedExampleUsesPerRetrierCountersThenCatches) {
  // ASL: RTY-07, RTY-04, RTY-06, CAT-02
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Retry": [
        {"ErrorEquals": ["ErrorA", "ErrorB"], "IntervalSeconds": 1, "BackoffRate": 2, "MaxAttempts": 2},
        {"ErrorEquals": ["ErrorC"], "IntervalSeconds": 5}],
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Z"}],
      "End": true},
    "Z": {"Type": "Pass", "End": true}}})";
  ScriptHandler h;
  h.On("T", {TaskOutcome::Fail("ErrorA", "a"), TaskOutcome::Fail("ErrorB", "b"),
             TaskOutcome::Fail("ErrorC", "c"), TaskOutcome::Fail("ErrorB", "b2")});
  Execution e = RunWith(asl, Json::object(), &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_THAT(ScheduledAt(e), ElementsAre(0, 1000, 3000, 8000));
  EXPECT_EQ(*e.output, Json({{"Error", "ErrorB"}, {"Cause", "b2"}}));
  EXPECT_THAT(e.visited_states, ElementsAre("T", "Z"));
}

TEST(RetryCatchTest, MaxDelaySecondsCapsTheBackoff) {
  // ASL: RTY-05
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 3, "BackoffRate": 2.0,
                 "MaxAttempts": 3, "MaxDelaySeconds": 4}],
      "End": true}}})";
  ScriptHandler h;
  h.On("T", {TaskOutcome::Fail("E", ""), TaskOutcome::Fail("E", ""), TaskOutcome::Fail("E", ""),
             TaskOutcome::Succeed(1)});
  Execution e = RunWith(asl, Json::object(), &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_THAT(ScheduledAt(e), ElementsAre(0, 3000, 7000, 11000));
}

TEST(RetryCatchTest, MaxAttemptsZeroNeverRetries) {
  // ASL: RTY-02
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 0},
                {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}],
      "End": true}}})";
  ScriptHandler h;
  h.On("T", {TaskOutcome::Fail("E", "once")});
  Execution e = RunWith(asl, Json::object(), &h);
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "E");
  EXPECT_EQ(h.calls().size(), 1u);
}

TEST(RetryCatchTest, FullJitterDrawsFromTheSeededGenerator) {
  // ASL: RTY-05
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 10, "MaxAttempts": 1,
                 "JitterStrategy": "FULL"}],
      "End": true}}})";
  auto run = [&](std::uint64_t seed) {
    ScriptHandler h;
    h.On("T", {TaskOutcome::Fail("E", ""), TaskOutcome::Succeed(1)});
    Options o;
    o.seed = seed;
    return RunWith(asl, Json::object(), &h, o).elapsed().count();
  };
  const auto first = run(7);
  EXPECT_EQ(run(7), first);
  EXPECT_GE(first, 0);
  EXPECT_LE(first, 10000);
  bool varies = false;
  for (std::uint64_t s = 0; s < 10 && !varies; ++s) varies = run(s) != first;
  EXPECT_TRUE(varies);
}

TEST(RetryCatchTest, TaskFailedMatchesEverythingButTimeout) {
  // ASL: ERR-03, TASK-04
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "TimeoutSeconds": 5,
      "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Caught"}],
      "End": true},
    "Caught": {"Type": "Pass", "End": true}}})";
  ScriptHandler slow;
  slow.On("T", {TaskOutcome::Succeed(1, Millis{6000})});
  Execution timed = RunWith(asl, Json::object(), &slow);
  EXPECT_EQ(timed.status, ExecutionStatus::kFailed);
  EXPECT_EQ(timed.error, "States.Timeout");
  EXPECT_EQ(timed.elapsed(), Millis{5000});
  EXPECT_NE(Find(timed, "TaskTimedOut"), nullptr);
  ScriptHandler failing;
  failing.On("T", {TaskOutcome::Fail("Custom.Error", "x")});
  Execution caught = RunWith(asl, Json::object(), &failing);
  EXPECT_EQ(caught.status, ExecutionStatus::kSucceeded);
}

TEST(RetryCatchTest, HeartbeatLapseTimesOutAndMatchesHeartbeatTimeout) {
  // ASL: TASK-03, TASK-04, TASK-06
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "HeartbeatSeconds": 5, "TimeoutSeconds": 100,
      "Parameters": {"token.$": "$$.Task.Token"},
      "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "Lapsed"}],
      "End": true},
    "Lapsed": {"Type": "Pass", "End": true}}})";
  ScriptHandler h;
  TaskOutcome answer = TaskOutcome::Succeed("done", Millis{20000});
  answer.heartbeats = {Millis{4000}, Millis{8000}};  // then silence
  h.On("T", {answer});
  Execution e = RunWith(asl, Json::object(), &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(e.elapsed(), Millis{13000});
  EXPECT_EQ((*e.output)["Error"], "States.Timeout");
  EXPECT_EQ(h.params()[0]["token"].get<std::string>().size(), 32u);
  // With heartbeats every 4 s the callback completes.
  ScriptHandler ok;
  TaskOutcome beating = TaskOutcome::Succeed("done", Millis{20000});
  beating.heartbeats = {Millis{4000}, Millis{8000}, Millis{12000}, Millis{16000}};
  ok.On("T", {beating});
  Execution done = RunWith(asl, Json::object(), &ok);
  EXPECT_EQ(*done.output, "done");
  EXPECT_EQ(done.elapsed(), Millis{20000});
}

TEST(RetryCatchTest, RuntimeErrorsAreNeitherRetriedNorCaught) {
  // ASL: ERR-04, IO-08
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "OutputPath": "$.no.such.path",
      "Retry": [{"ErrorEquals": ["States.ALL"]}],
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}],
      "End": true},
    "C": {"Type": "Pass", "End": true}}})";
  ScriptHandler h;
  h.On("T", {TaskOutcome::Succeed(Json::object())});
  Execution e = RunWith(asl, Json::object(), &h);
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.Runtime");
  EXPECT_EQ(e.cause,
            "An error occurred while executing the state 'T' (entered at the "
            "event id #2). Invalid path '$.no.such.path' : Missing property in "
            "path $['no']");
  EXPECT_EQ(h.calls().size(), 1u);
}

TEST(RetryCatchTest, CatcherResultPathAndAssignApply) {
  // ASL: CAT-03, CAT-04, VAR-04
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Assign": {"never": 1},
      "Catch": [{"ErrorEquals": ["E"], "ResultPath": "$.err",
                 "Assign": {"why.$": "$.Cause"}, "Next": "N"}],
      "End": true},
    "N": {"Type": "Pass", "Parameters": {"why.$": "$why", "orig.$": "$.orig", "err.$": "$.err"}, "End": true}}})";
  ScriptHandler h;
  h.On("T", {TaskOutcome::Fail("E", "broken")});
  Execution e = RunWith(asl, {{"orig", 1}}, &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output,
            Json({{"why", "broken"}, {"orig", 1}, {"err", {{"Error", "E"}, {"Cause", "broken"}}}}));
  EXPECT_THAT(Types(e), ::testing::Contains("TaskFailed"));
}

TEST(RetryCatchTest, RetryCountIsVisibleInTheContextObject) {
  // ASL: RTY-08, CTX-01
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"retry.$": "$$.State.RetryCount"},
      "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 2}],
      "End": true}}})";
  ScriptHandler h;
  h.On("T", {TaskOutcome::Fail("E", ""), TaskOutcome::Fail("E", ""), TaskOutcome::Succeed(1)});
  Execution e = RunWith(asl, Json::object(), &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  ASSERT_EQ(h.params().size(), 3u);
  EXPECT_EQ(h.params()[0]["retry"], 0);
  EXPECT_EQ(h.params()[2]["retry"], 2);
  const auto types = Types(e);
  EXPECT_EQ(std::count(types.begin(), types.end(), "TaskStateEntered"), 1);
}

TEST(RetryCatchTest, ListenerSeesRetryAndCatchTransitions) {
  // ASL: HIST-06
  struct Recorder : ExecutionListener {
    std::vector<std::string> seen;
    void OnTransition(const Transition& t) override {
      std::string s(ToString(t.kind));
      if (t.index >= 0) s += std::to_string(t.index);
      seen.push_back(s);
    }
  } rec;
  const std::string asl = R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 1}],
      "Catch": [{"ErrorEquals": ["X"], "Next": "N"}, {"ErrorEquals": ["E"], "Next": "N"}],
      "End": true},
    "N": {"Type": "Pass", "End": true}}})";
  ScriptHandler h;
  h.On("T", {TaskOutcome::Fail("E", "")});
  Options o;
  o.listeners.push_back(&rec);
  RunWith(asl, Json::object(), &h, o);
  EXPECT_THAT(rec.seen, ElementsAre("Retry0", "Catch1", "End"));
}

}  // namespace
}  // namespace stepsim::sim
