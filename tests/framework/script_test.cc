#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/asl/loader.h>
#include <stepsim/error.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/test/script.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace stepsim::test {
namespace {

using Json = nlohmann::json;
using ::testing::ElementsAre;

constexpr const char* kRetrying = R"({
  "StartAt": "Charge",
  "States": {
    "Charge": {
      "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:charge",
      "Retry": [ { "ErrorEquals": ["Gateway.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2 } ],
      "Next": "Ship"
    },
    "Ship": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:ship", "End": true }
  }
})";

TEST(OutcomeScriptTest, AnswerIServesInvocationI) {
  // ASL: MOCK-06 (the per-state invocation counter counts retries)
  OutcomeScript script;
  script.Add("Charge", sim::TaskOutcome::Fail("Gateway.Timeout", "slow"))
      .Add("Charge", sim::TaskOutcome::Succeed(Json{{"charged", true}}))
      .Add("Ship", sim::TaskOutcome::Succeed(Json{{"shipped", true}}));
  ScriptTaskHandler handler(script);
  sim::Options options;
  options.task_handlers.push_back(&handler);
  const auto run = sim::Interpreter(asl::Load(kRetrying)).Run(Json::object(), options);
  EXPECT_EQ(run.status, sim::ExecutionStatus::kSucceeded);
  EXPECT_EQ(run.output, Json({{"shipped", true}}));
  EXPECT_THAT(run.visited_states, ElementsAre("Charge", "Ship"));
  EXPECT_EQ(run.elapsed(), sim::Millis{1000});  // one retry after 1 s
}

TEST(OutcomeScriptTest, UnlistedStateAndExhaustedSequenceDeferToTheNextHandler) {
  OutcomeScript script;
  script.Add("Charge", sim::TaskOutcome::Fail("Gateway.Timeout", "slow"));
  ScriptTaskHandler handler(script);
  sim::TaskInvocation call;
  asl::State charge;
  charge.name = "Charge";
  asl::State ship;
  ship.name = "Ship";
  call.state = &charge;
  call.invocation = 0;
  ASSERT_TRUE(handler.Invoke(call).has_value());
  EXPECT_EQ(handler.Invoke(call)->error.error, "Gateway.Timeout");
  call.invocation = 1;
  EXPECT_FALSE(handler.Invoke(call).has_value());
  call.state = &ship;
  call.invocation = 0;
  EXPECT_FALSE(handler.Invoke(call).has_value());
}

TEST(OutcomeScriptTest, JsonRoundTripsInTheScenarioOutcomesFormat) {
  OutcomeScript script;
  sim::TaskOutcome slow = sim::TaskOutcome::Succeed(Json{{"paid", true}}, sim::Millis{500});
  slow.heartbeats = {sim::Millis{100}, sim::Millis{250}};
  sim::TaskOutcome timed_out;
  timed_out.kind = sim::TaskOutcome::Kind::kTimedOut;
  script.Add("Pay", sim::TaskOutcome::Fail("PaymentGatewayTimeout", "slow"))
      .Add("Pay", slow)
      .Add("Ask", timed_out);
  const Json json = script;
  EXPECT_EQ(
      json.dump(),
      R"({"Ask":[{"TimedOut":true}],"Pay":[{"Throw":{"Cause":"slow","Error":"PaymentGatewayTimeout"}},)"
      R"({"HeartbeatSeconds":[0.1,0.25],"LatencySeconds":0.5,"Return":{"paid":true}}]})");
  EXPECT_EQ(json.get<OutcomeScript>(), script);
  EXPECT_EQ(script.size(), 3U);
  std::ostringstream printed;
  PrintTo(script, &printed);
  EXPECT_EQ(printed.str(), json.dump());
}

TEST(OutcomeScriptTest, ParseReportsEveryProblemWithItsPointer) {
  const Json bad = Json::parse(R"({
    "A": [ {"Return": 1, "Throw": {"Error": "E"}}, {"Throw": {"Cause": "c"}}, {"LatencySeconds": -1, "Return": 2} ],
    "B": {"Return": 1},
    "C": [ {"Retrun": 1} ]
  })");
  std::vector<ScriptProblem> problems;
  EXPECT_FALSE(ParseOutcomeScript(bad, "/Outcomes", &problems).has_value());
  std::vector<std::string> lines;
  for (const ScriptProblem& p : problems) lines.push_back(p.pointer + ": " + p.message);
  EXPECT_THAT(lines,
              ElementsAre("/Outcomes/A/0: has more than one of Return, Throw and TimedOut",
                          "/Outcomes/A/1/Throw: missing the Error member",
                          "/Outcomes/A/2/LatencySeconds: must be a non-negative number of "
                          "seconds, got -1",
                          "/Outcomes/B: must be an array of answers, got object",
                          "/Outcomes/C/0/Retrun: unknown member \"Retrun\" (expected Return, "
                          "Throw, TimedOut, LatencySeconds or HeartbeatSeconds)"));
  EXPECT_THROW(bad.get<OutcomeScript>(), UsageError);
}

TEST(OutcomeScriptTest, EmptySequencesAreDropped) {
  OutcomeScript script;
  script.Set("A", {});
  EXPECT_TRUE(script.empty());
  EXPECT_EQ(Json(script), Json::object());
  EXPECT_EQ(Json::parse(R"({"A": []})").get<OutcomeScript>(), OutcomeScript());
}

}  // namespace
}  // namespace stepsim::test
