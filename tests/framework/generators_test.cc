#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <stepsim/asl/loader.h>
#include <stepsim/error.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/test/generators.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace stepsim::test {
namespace {

using Json = nlohmann::json;
using ::testing::ElementsAre;

// A retried payment, a caught shipment inside a Parallel branch, and a Map of
// notifications.
constexpr const char* kShop = R"({
  "StartAt": "Charge",
  "States": {
    "Charge": {
      "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:charge",
      "Retry": [ { "ErrorEquals": ["Gateway.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2 } ],
      "Catch": [ { "ErrorEquals": ["Card.Declined"], "Next": "Declined" } ],
      "ResultPath": null,
      "Next": "Fulfil"
    },
    "Fulfil": {
      "Type": "Parallel",
      "Branches": [ { "StartAt": "Ship", "States": {
        "Ship": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:ship", "TimeoutSeconds": 10, "End": true } } } ],
      "Catch": [ { "ErrorEquals": ["Carrier.Down"], "Next": "Declined" } ],
      "ResultPath": null,
      "Next": "NotifyAll"
    },
    "NotifyAll": {
      "Type": "Map", "ItemsPath": "$.people",
      "ItemProcessor": { "StartAt": "Notify", "States": {
        "Notify": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:notify", "End": true } } },
      "End": true
    },
    "Declined": { "Type": "Fail", "Error": "Order.Declined" }
  }
})";

const asl::Definition& Shop() {
  static const auto definition = asl::Load(kShop);
  return *definition;
}

TEST(ScriptSpaceTest, DescribesEveryTaskWithTheErrorsItsRetryAndCatchMention) {
  ScriptSpaceOptions options;
  options.extra_error_names = {"Db.Locked"};
  options.success_results["Charge"] = {Json{{"charged", true}}};
  const ScriptSpace space = DescribeScriptSpace(Shop(), options);
  ASSERT_EQ(space.tasks.size(), 3U);
  EXPECT_EQ(space.tasks[0].state, "Charge");
  EXPECT_THAT(space.tasks[0].errors,
              ElementsAre("Gateway.Timeout", "Card.Declined", "States.TaskFailed", "States.Timeout",
                          "Db.Locked", "Stepsim.UnhandledError"));
  EXPECT_THAT(space.tasks[0].results, ElementsAre(Json{{"charged", true}}));
  EXPECT_EQ(space.tasks[0].max_answers, 4U);  // MaxAttempts 3 + the first attempt
  // Ship is inside Fulfil's branch: Fulfil's Catch names count.
  EXPECT_EQ(space.tasks[1].state, "Ship");
  EXPECT_THAT(space.tasks[1].errors,
              ElementsAre("Carrier.Down", "States.TaskFailed", "States.Timeout", "Db.Locked",
                          "Stepsim.UnhandledError"));
  EXPECT_EQ(space.tasks[1].max_latency, sim::Millis{15000});  // 1.5 x TimeoutSeconds
  EXPECT_THAT(space.tasks[1].results, ElementsAre(Json::object()));
  // Notify runs once per Map iteration.
  EXPECT_EQ(space.tasks[2].state, "Notify");
  EXPECT_EQ(space.tasks[2].max_answers, 8U);
}

RC_GTEST_PROP(OutcomeScriptGenerator, ListsOnlyTaskStatesWithAnswersFromTheirSpace, ()) {
  const ScriptSpace space = DescribeScriptSpace(Shop());
  const auto script = *gen::OutcomeScript(space);
  for (const auto& [state, answers] : script.states()) {
    const TaskSpace* task = space.Find(state);
    RC_ASSERT(task != nullptr);
    RC_ASSERT(!answers.empty());
    RC_ASSERT(answers.size() <= task->max_answers);
    for (const sim::TaskOutcome& answer : answers) {
      RC_ASSERT(answer.latency <= task->max_latency);
      if (answer.kind == sim::TaskOutcome::Kind::kFailed) {
        RC_ASSERT(std::count(task->errors.begin(), task->errors.end(), answer.error.error) == 1);
        RC_ASSERT(answer.error.cause == std::string(kGeneratedCause));
      } else {
        RC_ASSERT(answer.kind == sim::TaskOutcome::Kind::kSucceeded);
        RC_ASSERT(std::count(task->results.begin(), task->results.end(), answer.result) == 1);
      }
    }
  }
}

RC_GTEST_PROP(OutcomeScriptGenerator, EveryScriptRunsToATerminalStatusDeterministically, ()) {
  const auto definition = asl::Load(kShop);
  const ScriptSpace space = DescribeScriptSpace(*definition);
  const auto script = *gen::OutcomeScript(space);
  ScriptTaskHandler scripted(script);
  DefaultTaskHandler defaults(space);
  sim::Options options;
  options.task_handlers = {&scripted, &defaults};
  const sim::Interpreter interpreter(definition);
  const Json input = {{"people", {"ada", "grace"}}};
  const auto first = interpreter.Run(input, options);
  const auto second = interpreter.Run(input, options);
  RC_ASSERT(first == second);
  // Generated errors only come from the space, so no run fails for want of an
  // answer.
  RC_ASSERT(first.cause.value_or("").find("No outcome configured") == std::string::npos);
}

// Checks that `value` is one of the values `shape` describes.
bool Conforms(const Json& value, const Json& shape) {
  if (shape.is_string()) {
    const auto type = shape.get<std::string>();
    if (type == "string") return value.is_string() && value.get<std::string>().size() <= 10;
    if (type == "number") return value.is_number() && std::abs(value.get<double>()) <= 1000;
    if (type == "integer") return value.is_number_integer();
    if (type == "boolean") return value.is_boolean();
    return value.is_null();
  }
  if (shape.is_array()) {
    if (!value.is_array() || value.size() > 5) return false;
    return std::all_of(value.begin(), value.end(),
                       [&](const Json& v) { return Conforms(v, shape[0]); });
  }
  if (shape.contains("number") && shape.size() == 1) {
    return value.is_number() && value.get<double>() >= shape["number"][0].get<double>() &&
           value.get<double>() <= shape["number"][1].get<double>();
  }
  if (shape.contains("enum") && shape.size() == 1) {
    return std::find(shape["enum"].begin(), shape["enum"].end(), value) != shape["enum"].end();
  }
  if (!value.is_object()) return false;
  for (const auto& [name, member] : shape.items()) {
    const bool optional = member.is_object() && member.contains("optional") && member.size() == 1;
    if (!value.contains(name)) {
      if (!optional) return false;
      continue;
    }
    if (!Conforms(value[name], optional ? member["optional"] : member)) return false;
  }
  return value.size() <= shape.size();
}

const Json kOrderShape = Json::parse(R"({
  "orderId": "string",
  "amount": {"number": [0, 1000]},
  "status": {"enum": ["new", "paid"]},
  "items": ["string"],
  "coupon": {"optional": "string"},
  "gift": "boolean"
})");

RC_GTEST_PROP(JsonFromShapeGenerator, ValuesConformToTheShape, ()) {
  const Json value = *gen::JsonFromShape(kOrderShape);
  RC_ASSERT(Conforms(value, kOrderShape));
}

TEST(JsonFromShapeGenerator, ShrinksTowardTheSimplestValue) {
  // The smallest value of each member: "", the lower bound, the first enum
  // value, [], absent, false.
  const rc::Gen<Json> generator = gen::JsonFromShape(kOrderShape);
  rc::Shrinkable<Json> current = generator(rc::Random(42), 100);
  for (bool progressed = true; progressed;) {
    progressed = false;
    auto shrinks = current.shrinks();
    if (auto next = shrinks.next()) {
      current = *next;
      progressed = true;
    }
  }
  EXPECT_EQ(
      current.value(),
      Json::parse(R"({"orderId": "", "amount": 0, "status": "new", "items": [], "gift": false})"));
}

TEST(JsonFromShapeGenerator, RejectsAMistakenShapeWithItsPointer) {
  EXPECT_THROW(
      {
        try {
          (void)gen::JsonFromShape(Json::parse(R"({"a": {"number": [5, 1]}})"));
        } catch (const UsageError& e) {
          EXPECT_STREQ(e.what(), "/a/number: lo must not exceed hi, got [5,1]");
          throw;
        }
      },
      UsageError);
  std::vector<ScriptProblem> problems;
  EXPECT_FALSE(
      CheckShape(Json::parse(R"({"a": "strng", "b": [1, 2], "c": {"enum": []}})"), "", &problems));
  ASSERT_EQ(problems.size(), 3U);
  EXPECT_EQ(problems[0].pointer + ": " + problems[0].message,
            "/a: unknown type \"strng\" (expected string, number, integer, boolean or null)");
  EXPECT_EQ(problems[1].pointer + ": " + problems[1].message,
            "/b: an array shape holds exactly one item shape, got 2");
  EXPECT_EQ(problems[2].pointer + ": " + problems[2].message,
            "/c/enum: must be a non-empty array, got []");
}

// The property below fails on purpose: Ship's and Notify's errors are not
// allowed. It is run through RapidCheck's engine directly so the test can look
// at the counterexample.
void NeverFailsUnlessAllowed() {
  static const auto definition = asl::Load(kShop);
  static const ScriptSpace space = DescribeScriptSpace(*definition);
  const auto script = *gen::OutcomeScript(space);
  ScriptTaskHandler scripted(script);
  DefaultTaskHandler defaults(space);
  sim::Options options;
  options.task_handlers = {&scripted, &defaults};
  const auto run = sim::Interpreter(definition).Run(Json{{"people", {"ada"}}}, options);
  const std::set<std::string> allowed = {"Gateway.Timeout", "Order.Declined", "Carrier.Down"};
  RC_ASSERT(run.succeeded() || allowed.count(run.error.value_or("")) == 1);
}

class QuietListener : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription& /*description*/) override {}
  void onShrinkTried(const rc::detail::CaseDescription& /*shrink*/, bool /*accepted*/) override {}
  void onTestFinished(const rc::detail::TestMetadata& /*metadata*/,
                      const rc::detail::TestResult& /*result*/) override {}
};

rc::detail::FailureResult CheckFailing(
    std::uint64_t seed, const std::unordered_map<std::string, rc::detail::Reproduce>& reproduce) {
  rc::detail::TestMetadata metadata;
  metadata.id = "Shop/NeverFailsUnlessAllowed";
  rc::detail::TestParams params;
  params.seed = seed;
  QuietListener listener;
  const auto result =
      rc::detail::checkTestable(&NeverFailsUnlessAllowed, metadata, params, listener, reproduce);
  EXPECT_TRUE(result.is<rc::detail::FailureResult>());
  rc::detail::FailureResult failure;
  result.match(failure);
  return failure;
}

OutcomeScript CounterexampleScript(const rc::detail::FailureResult& failure) {
  EXPECT_EQ(failure.counterExample.size(), 1U);
  return Json::parse(failure.counterExample.at(0).second).get<OutcomeScript>();
}

TEST(OutcomeScriptShrinking, YieldsTheShortestFailingScript) {
  for (const std::uint64_t seed : {1U, 2U, 3U, 4U, 5U}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const OutcomeScript script = CounterexampleScript(CheckFailing(seed, {}));
    // One answer: a single unallowed error, nothing else scripted.
    ASSERT_EQ(script.size(), 1U) << script;
    const auto& [state, answers] = *script.states().begin();
    EXPECT_TRUE(state == "Ship" || state == "Notify" || state == "Charge") << script;
    if (answers[0].kind == sim::TaskOutcome::Kind::kFailed) {
      // Errors shrink toward the earliest name: the first one not allowed.
      EXPECT_EQ(answers[0].error.error, "States.TaskFailed") << script;
      EXPECT_EQ(answers[0].latency, sim::Millis{0}) << script;
    } else {
      // A success that outlasts Ship's TimeoutSeconds (10 s): the latency
      // shrinks to the smallest one that still times out.
      EXPECT_EQ(state, "Ship") << script;
      EXPECT_EQ(answers[0].latency, sim::Millis{10100}) << script;
      EXPECT_EQ(answers[0].result, Json::object()) << script;
    }
  }
}

TEST(OutcomeScriptShrinking, ReproduceReplaysTheSameCounterexample) {
  const rc::detail::FailureResult first = CheckFailing(7, {});
  const std::string reproduce =
      internal::ReproduceString("Shop/NeverFailsUnlessAllowed", first.reproduce);
  EXPECT_EQ(reproduce.rfind("reproduce=", 0), 0U) << reproduce;
  // What RC_PARAMS="reproduce=..." does: regenerate from the recorded random
  // state and size and follow the shrink path, under any seed.
  const rc::detail::Configuration config = rc::detail::configFromString(reproduce);
  const rc::detail::FailureResult replay = CheckFailing(12345, config.reproduce);
  EXPECT_EQ(replay.counterExample, first.counterExample);
  EXPECT_EQ(CounterexampleScript(replay), CounterexampleScript(first));
}

TEST(SuccessResultsTest, CollectsEveryDistinctReturnPerState) {
  const sim::MockConfig config =
      sim::MockConfig::LoadFile(STEPSIM_FIXTURES_DIR "/order-processing/mocks.json");
  const auto results = SuccessResultsFrom(config);
  ASSERT_EQ(results.count("CheckInventory"), 1U);
  EXPECT_EQ(results.at("CheckInventory").size(), 3U);  // available, out of stock, no status
  EXPECT_EQ(results.at("CheckInventory")[0]["inventory"]["status"], "available");
  EXPECT_EQ(results.at("ProcessPayment").size(), 1U);
  EXPECT_EQ(results.count("InventoryErrorState"), 0U);
}

}  // namespace
}  // namespace stepsim::test

namespace stepsim::test {
namespace {

void FailsOnAnyAnswer() {
  static const ScriptSpace space = DescribeScriptSpace(Shop());
  const auto script = *gen::OutcomeScript(space);
  RC_ASSERT(script.empty());
}

TEST(CheckGTestPropertyTest, AFailureShowsTheShrunkScriptTheSeedAndTheReproduceString) {
  // Shrunk to one state answering once with its simplest success.
  EXPECT_FATAL_FAILURE(CheckGTestProperty(&FailsOnAnyAnswer), R"(":[{"Return":{}}]})");
  EXPECT_FATAL_FAILURE(CheckGTestProperty(&FailsOnAnyAnswer), "\nseed: ");
  EXPECT_FATAL_FAILURE(CheckGTestProperty(&FailsOnAnyAnswer), "reproduce: RC_PARAMS=\"reproduce=");
}

}  // namespace
}  // namespace stepsim::test
