#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <stepsim/test.h>

#include <chrono>
#include <string>
#include <vector>

#include "framework_test_util.h"

namespace stepsim::test {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::InSequence;
using namespace std::chrono_literals;

const Json kAvailable = {{"orderId", "o-1"}, {"inventory", {{"status", "available"}}}};

// One Task with a retrier on E (1 s, x2, 3 attempts) and a timeout.
constexpr const char* kRetrying = R"({
  "StartAt": "Work",
  "States": {
    "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Parameters": {"id.$": "$.id", "fixed": "yes"},
             "TimeoutSeconds": 20, "HeartbeatSeconds": 5,
             "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 1, "MaxAttempts": 3},
                       {"ErrorEquals": ["States.HeartbeatTimeout"], "MaxAttempts": 1}],
             "End": true}
  }
})";

TEST(MockTasksTest, ThrowThenReturnDrivesTheRetrier) {
  // ASL: RTY-05 (waits 1 s, 2 s), RTY-08 (retry count seen by the task)
  auto harness = Harness::FromString(kRetrying);
  MockTasks tasks;
  std::vector<std::int64_t> retry_counts;
  auto record = [&](const std::string&, const Json&) {
    retry_counts.push_back(tasks.retry_count());
  };
  {
    InSequence in_order;
    EXPECT_CALL(tasks, Invoke("Work", _))
        .WillOnce(::testing::DoAll(record, Throw("E", "first")))
        .WillOnce(::testing::DoAll(record, Throw("E", "second")))
        .WillOnce(::testing::DoAll(record, Return({{"done", true}}, 500ms)));
  }
  harness.UseMockTasks(tasks);
  const RunResult run = harness.Run({{"id", 7}});
  EXPECT_THAT(run, Succeeded());
  EXPECT_THAT(run, Retried("Work", 2));
  EXPECT_THAT(run, HasOutput({{"done", true}}));
  EXPECT_THAT(run, ElapsedVirtualTime(3500ms));
  EXPECT_THAT(retry_counts, ElementsAre(0, 1, 2));
  EXPECT_THAT(tasks.calls(), ElementsAre("Work", "Work", "Work"));
  EXPECT_THROW(static_cast<void>(tasks.call()), UsageError);  // outside an action
}

TEST(MockTasksTest, MatchersSeeTheEffectiveParameters) {
  auto harness = Harness::FromString(kRetrying);
  MockTasks tasks;
  EXPECT_CALL(tasks, Invoke("Work", Json({{"id", 7}, {"fixed", "yes"}}))).WillOnce(Return("exact"));
  harness.UseMockTasks(tasks);
  EXPECT_THAT(harness.Run({{"id", 7}, {"ignored", 1}}), HasOutput("exact"));

  EXPECT_CALL(tasks, Invoke("Work", JsonContains({{"id", 8}}))).WillOnce(Return("subset"));
  EXPECT_THAT(harness.Run({{"id", 8}}), HasOutput("subset"));
}

TEST(MockTasksTest, StatesWithoutExpectationsFallThroughToTheMockConfig) {
  // ASL: MOCK-09
  auto harness = Harness::FromFile(kOrder);
  MockTasks tasks;
  EXPECT_CALL(tasks,
              Invoke("ProcessPayment", JsonContains({{"inventory", {{"status", "available"}}}})))
      .WillOnce(Throw("PaymentDeclined", "gmock says no"));
  harness.UseMockTasks(tasks);
  harness.UseMockConfig(kOrderMocks, "order-processing", "HappyPath");
  const RunResult run = harness.Run();
  EXPECT_THAT(run, FailedWith("PaymentDeclined", "gmock says no"));
  // CheckInventory was asked of the mock first, then answered by the test case.
  EXPECT_THAT(tasks.calls(), ElementsAre("CheckInventory", "ProcessPayment"));
}

TEST(MockTasksTest, NoAnswerAndNothingElseFailsWithTheSimulatorsCause) {
  auto harness = Harness::FromString(kRetrying);
  MockTasks tasks;
  EXPECT_CALL(tasks, Invoke("Work", _)).WillOnce(NoAnswer());
  harness.UseMockTasks(tasks);
  EXPECT_THAT(
      harness.Run({{"id", 1}}),
      FailedWith("States.Runtime", HasSubstr("No outcome configured for Task state 'Work'")));
}

TEST(MockTasksTest, CallsBeyondTheExpectationFailTheTest) {
  auto harness = Harness::FromString(kRetrying);
  MockTasks tasks;
  EXPECT_CALL(tasks, Invoke("Work", _)).WillOnce(Throw("E"));
  harness.UseMockTasks(tasks);
  EXPECT_NONFATAL_FAILURE(harness.Run({{"id", 1}}), "called more times than expected");
}

TEST(MockTasksTest, TimeOutLastsTheTimeoutSeconds) {
  // ASL: TASK-04
  auto harness = Harness::FromString(kRetrying);
  MockTasks tasks;
  EXPECT_CALL(tasks, Invoke("Work", _)).WillOnce(TimeOut());
  harness.UseMockTasks(tasks);
  const RunResult run = harness.Run({{"id", 1}});
  EXPECT_THAT(run, FailedWith("States.Timeout"));
  EXPECT_THAT(run, Retried("Work", 0));
  EXPECT_THAT(run, ElapsedVirtualTime(20s));
}

TEST(MockTasksTest, HeartbeatsKeepALongTaskAliveAndTheirLapseTimesItOut) {
  // ASL: TASK-04 (a lapse is States.Timeout that a States.HeartbeatTimeout
  // retrier matches)
  auto harness = Harness::FromString(kRetrying);
  MockTasks tasks;
  EXPECT_CALL(tasks, Invoke("Work", _))
      .WillOnce(ReturnWithHeartbeats("late", 12s, {4s, 8s}))  // gaps of 4 s: on time
      .WillOnce(ReturnWithHeartbeats("lost", 12s, {4s}))      // 8 s gap: lapses at 9 s
      .WillOnce(Return("retried"));
  harness.UseMockTasks(tasks);
  EXPECT_THAT(harness.Run({{"id", 1}}), HasOutput("late"));
  const RunResult lapsed = harness.Run({{"id", 1}});
  // The lapse 5 s after the last heartbeat is retried by the
  // States.HeartbeatTimeout retrier (index 1) after 1 s.
  EXPECT_THAT(lapsed, HasOutput("retried"));
  EXPECT_THAT(lapsed, Retried("Work", 1));
  EXPECT_THAT(lapsed, ElapsedVirtualTime(10s));
  ASSERT_FALSE(lapsed.transitions().empty());
  EXPECT_TRUE(lapsed.transitions().front().heartbeat);
  EXPECT_EQ(lapsed.transitions().front().kind, sim::TransitionKind::kRetry);
  EXPECT_EQ(lapsed.transitions().front().index, 1);
  EXPECT_EQ(lapsed.transitions().front().error, (AslError{"States.Timeout", ""}));
}

namespace ambiguity {
using namespace ::testing;        // NOLINT(google-build-using-namespace)
using namespace ::stepsim::test;  // NOLINT(google-build-using-namespace)

TEST(MockTasksTest, StepsimActionsWinOverGmocksWithBothNamespacesOpen) {
  auto harness = Harness::FromString(kRetrying);
  MockTasks tasks;
  const Json result = {{"ok", 1}};
  EXPECT_CALL(tasks, Invoke("Work", _))
      .WillOnce(Throw("E"))                   // stepsim::test::Throw, not gmock's
      .WillOnce(Return(result))               // stepsim::test::Return (a Json argument)
      .WillOnce(::testing::Return(Json(2)));  // gmock's Return works too
  harness.UseMockTasks(tasks);
  const RunResult first = harness.Run({{"id", 1}});
  EXPECT_THAT(first, Succeeded());
  EXPECT_THAT(first, Retried("Work", 1));
  EXPECT_THAT(first, HasOutput(result));
  EXPECT_THAT(harness.Run({{"id", 1}}), HasOutput(2));
}
}  // namespace ambiguity

}  // namespace
}  // namespace stepsim::test
