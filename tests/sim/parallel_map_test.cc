#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "sim_test_util.h"

namespace stepsim::sim {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using testutil::Find;
using testutil::FnHandler;
using testutil::RunWith;
using testutil::Types;

std::size_t Count(const Execution& e, std::string_view type) {
  const auto types = Types(e);
  return static_cast<std::size_t>(std::count(types.begin(), types.end(), type));
}

TEST(ParallelMapTest, ParallelResultsFollowBranchOrderWhateverTheFinishOrder) {
  // ASL: PAR-02, PAR-03, PAR-08
  const std::string asl = R"({"StartAt": "P", "States": {"P": {"Type": "Parallel",
    "Branches": [
      {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
      {"StartAt": "Fast", "States": {"Fast": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}],
    "End": true}}})";
  FnHandler h([](const TaskInvocation& c) -> std::optional<TaskOutcome> {
    const bool slow = c.state->name == "Slow";
    return TaskOutcome::Succeed(c.state->name + ":" + (*c.parameters)["v"].get<std::string>(),
                                Millis{slow ? 5000 : 1000});
  });
  Execution e = RunWith(asl, {{"v", "in"}}, &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(*e.output, Json::array({"Slow:in", "Fast:in"}));
  EXPECT_EQ(e.elapsed(), Millis{5000});  // branches run concurrently
  EXPECT_EQ(Types(e)[2], "ParallelStateStarted");
  EXPECT_EQ(Types(e).end()[-3], "ParallelStateSucceeded");
  EXPECT_EQ(Types(e).end()[-2], "ParallelStateExited");
}

TEST(ParallelMapTest, FailingBranchAbortsTheOthersAndKeepsItsError) {
  // ASL: PAR-04, PAR-05
  const std::string asl = R"({"StartAt": "P", "States": {"P": {"Type": "Parallel",
    "Branches": [
      {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": true}}},
      {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "branch 2"}}}],
    "Catch": [{"ErrorEquals": ["Boom"], "Next": "Handled"}],
    "End": true},
    "Handled": {"Type": "Pass", "End": true}}})";
  Execution e = RunWith(asl, Json::object());
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(*e.output, Json({{"Error", "Boom"}, {"Cause", "branch 2"}}));
  EXPECT_EQ(e.elapsed(), Millis{0});
  EXPECT_EQ(Count(e, "WaitStateAborted"), 1u);
  EXPECT_EQ(Count(e, "ParallelStateFailed"), 1u);
}

TEST(ParallelMapTest, MapResultsAreInItemOrderAndUseItemSelector) {
  // ASL: MAP-03, MAP-05, MAP-08
  const std::string asl = R"({"StartAt": "M", "States": {"M": {"Type": "Map",
    "ItemsPath": "$.items",
    "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "k.$": "$.k"},
    "ItemProcessor": {"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
    "End": true}}})";
  FnHandler h([](const TaskInvocation& c) -> std::optional<TaskOutcome> {
    const auto i = (*c.parameters)["i"].get<std::int64_t>();
    return TaskOutcome::Succeed(*c.parameters, Millis{(5 - i) * 1000});
  });
  Execution e = RunWith(asl, {{"items", {"a", "b", "c"}}, {"k", 9}}, &h);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output,
            Json::parse(R"([{"i":0,"v":"a","k":9},{"i":1,"v":"b","k":9},{"i":2,"v":"c","k":9}])"));
  EXPECT_EQ(Count(e, "MapIterationStarted"), 3u);
  EXPECT_EQ(Count(e, "MapIterationSucceeded"), 3u);
  EXPECT_EQ(ToAwsJson(*Find(e, "MapStateStarted"))["mapStateStartedEventDetails"]["length"], 3);
  EXPECT_EQ(e.elapsed(), Millis{5000});
}

TEST(ParallelMapTest, MaxConcurrencyOneRunsIterationsInSequence) {
  // ASL: MAP-04
  const std::string asl = R"({"StartAt": "M", "States": {"M": {"Type": "Map",
    "MaxConcurrency": 1,
    "ItemProcessor": {"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
    "End": true}}})";
  std::vector<Json> order;
  FnHandler h([&](const TaskInvocation& c) -> std::optional<TaskOutcome> {
    order.push_back(*c.parameters);
    return TaskOutcome::Succeed(1, Millis{1000});
  });
  Options o;
  o.seed = 3;
  Execution e = RunWith(asl, Json::array({10, 20, 30, 40}), &h, o);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_THAT(order, ElementsAre(10, 20, 30, 40));
  EXPECT_EQ(e.elapsed(), Millis{4000});
}

TEST(ParallelMapTest, EmptyItemsGiveAnEmptyArray) {
  // ASL: MAP-05
  const std::string asl = R"({"StartAt": "M", "States": {"M": {"Type": "Map",
    "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
    "End": true}}})";
  Execution e = RunWith(asl, Json::array());
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(*e.output, Json::array());
}

TEST(ParallelMapTest, NonArrayItemsFailWithAwsCause) {
  // ASL: MAP-02
  const std::string asl = R"({"StartAt": "M", "States": {"M": {"Type": "Map",
    "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
    "End": true}}})";
  Execution e = RunWith(asl, {{"foo", "bar"}});
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "States.Runtime");
  EXPECT_EQ(e.cause,
            "An error occurred while executing the state 'M' (entered at the "
            "event id #2). Map state input must be an array but was: "
            "{\"foo\":\"bar\"}");
}

TEST(ParallelMapTest, IterationFailureFailsTheMapAndAbortsRunningIterations) {
  // ASL: MAP-06
  const std::string asl = R"({"StartAt": "M", "States": {"M": {"Type": "Map",
    "ItemProcessor": {"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
    "End": true}}})";
  FnHandler h([](const TaskInvocation& c) -> std::optional<TaskOutcome> {
    if (*c.parameters == 2) return TaskOutcome::Fail("Item.Bad", "two", Millis{1000});
    return TaskOutcome::Succeed(1, Millis{10000});
  });
  Execution e = RunWith(asl, Json::array({1, 2, 3}), &h);
  EXPECT_EQ(e.status, ExecutionStatus::kFailed);
  EXPECT_EQ(e.error, "Item.Bad");
  EXPECT_EQ(e.elapsed(), Millis{1000});
  EXPECT_EQ(Count(e, "MapIterationFailed"), 1u);
  EXPECT_EQ(Count(e, "MapIterationAborted"), 2u);
  EXPECT_EQ(Count(e, "TaskStateAborted"), 2u);
  EXPECT_EQ(Count(e, "MapStateFailed"), 1u);
}

TEST(ParallelMapTest, ToleratedFailureCountLetsTheMapSucceed) {
  // ASL: DMAP-07, MAP-09
  const std::string asl = R"({"StartAt": "M", "States": {"M": {"Type": "Map",
    "ToleratedFailureCount": 1,
    "ItemProcessor": {"StartAt": "C", "States": {
      "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}], "Default": "P"},
      "F": {"Type": "Fail", "Error": "Bad"},
      "P": {"Type": "Pass", "End": true}}},
    "End": true}}})";
  Execution ok = RunWith(asl, Json::array({1, 2, 3}));
  ASSERT_EQ(ok.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ((*ok.output)[0], 1);
  EXPECT_EQ((*ok.output)[1]["Error"], "Bad");
  Execution bad = RunWith(asl, Json::array({2, 2, 3}));
  EXPECT_EQ(bad.status, ExecutionStatus::kFailed);
  EXPECT_EQ(bad.error, "States.ExceedToleratedFailureThreshold");
}

TEST(ParallelMapTest, DistributedMapRecordsMapRunEventsButNoChildEvents) {
  // ASL: DMAP-01, DMAP-05
  const std::string asl = R"({"StartAt": "M", "States": {"M": {"Type": "Map",
    "ItemBatcher": {"MaxItemsPerBatch": 2},
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
      "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
    "End": true}}})";
  Execution e = RunWith(asl, Json::array({1, 2, 3}));
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output, Json::parse(R"([{"Items":[1,2]},{"Items":[3]}])"));
  EXPECT_THAT(Types(e), Contains("MapRunStarted"));
  EXPECT_THAT(Types(e), Contains("MapRunSucceeded"));
  EXPECT_EQ(Count(e, "PassStateEntered"), 0u);
  EXPECT_EQ(Count(e, "MapIterationStarted"), 0u);
}

TEST(ParallelMapTest, ItemReaderDataComesFromTheTest) {
  // ASL: DMAP-04
  const std::string asl = R"({"StartAt": "M", "States": {"M": {"Type": "Map",
    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                   "ReaderConfig": {"InputType": "JSON"},
                   "Parameters": {"Bucket": "b", "Key": "k.json"}},
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
      "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
    "End": true}}})";
  Options o;
  Json seen;
  o.item_reader = [&](const asl::State&, const Json& params) -> Result<Json> {
    seen = params;
    return Json::array({"x", "y"});
  };
  Execution e = RunWith(asl, Json::object(), nullptr, o);
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output, Json::array({"x", "y"}));
  EXPECT_EQ(seen, Json({{"Bucket", "b"}, {"Key", "k.json"}}));
}

TEST(ParallelMapTest, BranchVariablesAreScopedAndOuterOnesReadable) {
  // ASL: VAR-06
  const std::string asl = R"({"StartAt": "Set", "States": {
    "Set": {"Type": "Pass", "Assign": {"outer": 5}, "Next": "P"},
    "P": {"Type": "Parallel", "Branches": [
      {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"inner": 1}, "Next": "B"},
                                  "B": {"Type": "Pass", "Parameters": {"o.$": "$outer", "i.$": "$inner"}, "End": true}}}],
     "End": true}}})";
  Execution e = RunWith(asl, Json::object());
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded) << ::testing::PrintToString(e);
  EXPECT_EQ(*e.output, Json::parse(R"([{"o":5,"i":1}])"));
}

TEST(ParallelMapTest, HandlerExceptionInABranchReachesTheCaller) {
  // ASL: PAR-07
  const std::string asl = R"({"StartAt": "P", "States": {"P": {"Type": "Parallel",
    "Branches": [
      {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}},
      {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}],
    "End": true}}})";
  FnHandler h([](const TaskInvocation&) -> std::optional<TaskOutcome> {
    throw std::runtime_error("handler bug");
  });
  EXPECT_THROW(RunWith(asl, Json::object(), &h), std::runtime_error);
}

}  // namespace
}  // namespace stepsim::sim
