#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "sim_test_util.h"

namespace stepsim::sim {
namespace {

using testutil::Find;
using testutil::RunWith;

std::string WaitAsl(const std::string& field) {
  return R"({"StartAt": "W", "States": {"W": {"Type": "Wait", )" + field + R"(, "End": true}}})";
}

TEST(WaitTest, SecondsAdvanceOnlyTheVirtualClock) {
  // ASL: WAIT-02, WAIT-05, WAIT-07
  const auto wall = std::chrono::steady_clock::now();
  Execution e = RunWith(WaitAsl(R"("Seconds": 31536000)"), {{"a", 1}});
  EXPECT_LT(std::chrono::steady_clock::now() - wall, std::chrono::milliseconds(100));
  ASSERT_EQ(e.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(e.elapsed(), Millis{31536000000});
  EXPECT_EQ(*e.output, Json({{"a", 1}}));
  EXPECT_EQ(FormatTimestamp(Find(e, "WaitStateExited")->timestamp), "2026-01-01T00:00:00.000Z");
}

TEST(WaitTest, SecondsPathReadsTheInput) {
  // ASL: WAIT-02
  Execution e = RunWith(WaitAsl(R"("SecondsPath": "$.s")"), {{"s", 42}});
  EXPECT_EQ(e.elapsed(), Millis{42000});
}

TEST(WaitTest, SecondsPathErrorsUseAwsCauses) {
  // ASL: WAIT-04
  Execution missing = RunWith(WaitAsl(R"("SecondsPath": "$.input.waitSeconds")"), Json::object());
  EXPECT_EQ(missing.error, "States.Runtime");
  EXPECT_EQ(missing.cause,
            "An error occurred while executing the state 'W' (entered at the "
            "event id #2). The SecondsPath parameter does not reference an "
            "input value: $.input.waitSeconds");
  Execution negative = RunWith(WaitAsl(R"("SecondsPath": "$.input.waitSeconds")"),
                               {{"input", {{"waitSeconds", -1}}}});
  EXPECT_EQ(negative.cause,
            "An error occurred while executing the state 'W' (entered at the "
            "event id #2). The SecondsPath parameter references a negative "
            "value: $.input.waitSeconds == -1");
}

TEST(WaitTest, TimestampWaitsToTheWholeSecondAndPastTimesContinue) {
  // ASL: WAIT-03
  Execution e = RunWith(WaitAsl(R"("Timestamp": "2025-01-01T00:01:00.900Z")"), Json::object());
  EXPECT_EQ(e.elapsed(), Millis{60000});
  Execution past = RunWith(WaitAsl(R"("Timestamp": "2016-03-14T01:59:00Z")"), Json::object());
  EXPECT_EQ(past.elapsed(), Millis{0});
  EXPECT_EQ(past.status, ExecutionStatus::kSucceeded);
}

TEST(WaitTest, TimestampPathRejectsMalformedTimestamps) {
  // ASL: WAIT-03, WAIT-04
  Execution e = RunWith(WaitAsl(R"("TimestampPath": "$.t")"), {{"t", "2016-12-05 21:29:29Z"}});
  EXPECT_EQ(e.error, "States.Runtime");
  EXPECT_EQ(e.cause,
            "An error occurred while executing the state 'W' (entered at the "
            "event id #2). The TimestampPath parameter does not reference a "
            "valid ISO-8601 extended offset date-time format string: $.t == "
            "2016-12-05 21:29:29Z");
  Execution far =
      RunWith(WaitAsl(R"("TimestampPath": "$.t")"), {{"t", "2093-01-20T00:00:00.000Z"}});
  EXPECT_EQ(far.cause,
            "An error occurred while executing the state 'W' (entered at the "
            "event id #2). Wait state delay is too long.");
}

TEST(WaitTest, ClockParsesAndFormatsRfc3339) {
  // ASL: CHO-09, CTX-02
  VirtualTime t;
  ASSERT_TRUE(ParseTimestamp("2016-03-14T01:59:00Z", &t));
  EXPECT_EQ(FormatTimestamp(t), "2016-03-14T01:59:00.000Z");
  ASSERT_TRUE(ParseTimestamp("2024-02-29T23:00:00.1234-02:30", &t));
  EXPECT_EQ(FormatTimestamp(t), "2024-03-01T01:30:00.123Z");
  EXPECT_FALSE(ParseTimestamp("2023-02-29T00:00:00Z", &t));
  EXPECT_FALSE(ParseTimestamp("2016-13-05T21:29:29Z", &t));
  EXPECT_FALSE(ParseTimestamp("2016-12-05T25:29:29Z", &t));
  EXPECT_FALSE(ParseTimestamp("2016-12-05T21:29:29", &t));
  EXPECT_FALSE(ParseTimestamp("05-12-2016T21:29:29Z", &t));
  EXPECT_EQ(FormatTimestamp(kDefaultStartTime), "2025-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace stepsim::sim
