#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/asl/definition.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>
#include <stepsim/sim/mock_config.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

// The keys of every diagnostic: "line:col CODE pointer: message".
std::vector<std::string> LoadErrors(std::string_view text) {
  std::vector<std::string> out;
  try {
    MockConfig::Parse(text, "mocks.json");
  } catch (const asl::DefinitionError& e) {
    for (const asl::Diagnostic& d : e.diagnostics()) {
      out.push_back(std::to_string(d.position.line) + ":" + std::to_string(d.position.column) +
                    " " + d.code + " " + d.pointer + ": " + d.message);
    }
  }
  return out;
}

std::string WithResponse(std::string_view response_body) {
  return std::string(R"({"StateMachines": {"M": {"TestCases": {"T": {"Charge": "R"}}}},
"MockedResponses": {"R": )") +
         std::string(response_body) + "}}";
}

asl::State MakeState(std::string name) {
  asl::State state;
  state.name = std::move(name);
  state.type = asl::StateType::kTask;
  state.resource = "arn:aws:lambda:us-east-1:111111111111:function:f";
  return state;
}

TaskInvocation Call(const asl::State& state, std::int64_t invocation) {
  TaskInvocation call;
  call.state = &state;
  call.resource = state.resource;
  call.invocation = invocation;
  return call;
}

constexpr std::string_view kWorkedExample = R"({
  "StateMachines": {
    "Order": {
      "TestCases": {
        "Retried": {"Charge": "ChargeFlaky"},
        "Empty": {}
      }
    },
    "Other": {"TestCases": {"Only": {"Ship": "ShipOk", "Fetch": "Nothing"}}}
  },
  "MockedResponses": {
    "ChargeFlaky": {
      "0": {"Throw": {"Error": "A", "Cause": "first"}},
      "1-2": {"Throw": {"Error": "B", "Cause": "again"}},
      "3": {"Return": {"StatusCode": 200, "Payload": {"charged": true}}}
    },
    "ShipOk": {"0": {"Return": "shipped", "LatencySeconds": 1.5}},
    "Nothing": {}
  }
})";

TEST(MockConfigTest, ParsesTestCasesInAuthorOrder) {
  // ASL: MOCK-01, MOCK-02
  const MockConfig config = MockConfig::Parse(kWorkedExample, "mocks.json");
  EXPECT_EQ(config.file(), "mocks.json");
  EXPECT_THAT(config.StateMachineNames(), ElementsAre("Order", "Other"));
  EXPECT_THAT(config.TestCaseNames("Order"), ElementsAre("Retried", "Empty"));
  EXPECT_THAT(config.TestCaseNames("Missing"), SizeIs(0));
  const MockTestCase* only = config.FindTestCase("Other", "Only");
  ASSERT_NE(only, nullptr);
  EXPECT_EQ(only->pointer, "/StateMachines/Other/TestCases/Only");
  EXPECT_THAT(only->states, ElementsAre(std::pair<std::string, std::string>("Ship", "ShipOk"),
                                        std::pair<std::string, std::string>("Fetch", "Nothing")));
  EXPECT_EQ(config.FindTestCase("Other", "Retried"), nullptr);
}

TEST(MockConfigTest, RangeKeysCoverEveryInvocationNumber) {
  // ASL: MOCK-03, MOCK-13
  const MockConfig config = MockConfig::Parse(kWorkedExample);
  const MockedResponse* flaky = config.FindResponse("ChargeFlaky");
  ASSERT_NE(flaky, nullptr);
  EXPECT_EQ(flaky->covered(), 4);
  ASSERT_NE(flaky->Find(0), nullptr);
  EXPECT_EQ(flaky->Find(0)->error, (AslError{"A", "first"}));
  EXPECT_EQ(flaky->Find(1)->error, (AslError{"B", "again"}));
  EXPECT_EQ(flaky->Find(2)->error, (AslError{"B", "again"}));
  EXPECT_EQ(flaky->Find(2)->pointer, "/MockedResponses/ChargeFlaky/1-2");
  EXPECT_EQ(flaky->Find(3)->kind, MockAnswer::Kind::kReturn);
  EXPECT_EQ(flaky->Find(3)->result,
            nlohmann::json::parse(R"({"StatusCode": 200, "Payload": {"charged": true}})"));
  EXPECT_EQ(flaky->Find(4), nullptr);
  EXPECT_EQ(flaky->Find(-1), nullptr);
}

TEST(MockTaskHandlerTest, AnswersEachInvocationOfTheWorkedExample) {
  // ASL: MOCK-06, MOCK-07, MOCK-13
  auto config = std::make_shared<const MockConfig>(MockConfig::Parse(kWorkedExample));
  MockTaskHandler handler(config, "Order", "Retried");
  const asl::State charge = MakeState("Charge");

  const auto first = handler.Invoke(Call(charge, 0));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, TaskOutcome::Kind::kFailed);
  EXPECT_EQ(first->error, (AslError{"A", "first"}));
  EXPECT_EQ(first->latency, Millis{0});

  for (const std::int64_t n : {1, 2}) {
    const auto retry = handler.Invoke(Call(charge, n));
    ASSERT_TRUE(retry.has_value());
    EXPECT_EQ(retry->kind, TaskOutcome::Kind::kFailed);
    EXPECT_EQ(retry->error, (AslError{"B", "again"}));
  }

  const auto last = handler.Invoke(Call(charge, 3));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->kind, TaskOutcome::Kind::kSucceeded);
  EXPECT_EQ(last->result,
            nlohmann::json::parse(R"({"StatusCode": 200, "Payload": {"charged": true}})"));
}

TEST(MockTaskHandlerTest, InvocationPastTheLastKeyFailsWithStatesRuntime) {
  // ASL: MOCK-08
  auto config = std::make_shared<const MockConfig>(MockConfig::Parse(kWorkedExample));
  MockTaskHandler handler(config, "Order", "Retried");
  const asl::State charge = MakeState("Charge");
  const auto outcome = handler.Invoke(Call(charge, 4));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, TaskOutcome::Kind::kFailed);
  EXPECT_EQ(outcome->error.error, "States.Runtime");
  EXPECT_EQ(outcome->error.cause,
            "no mocked response for invocation 4 of state \"Charge\": response "
            "\"ChargeFlaky\" of test case \"Retried\" covers invocations 0-3");
}

TEST(MockTaskHandlerTest, EmptyResponseFailsWhenInvokedNotAtLoad) {
  // ASL: MOCK-08
  auto config = std::make_shared<const MockConfig>(MockConfig::Parse(kWorkedExample));
  MockTaskHandler handler(config, "Other", "Only");
  const asl::State fetch = MakeState("Fetch");
  const auto outcome = handler.Invoke(Call(fetch, 0));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->error.error, "States.Runtime");
  EXPECT_EQ(outcome->error.cause,
            "no mocked response for invocation 0 of state \"Fetch\": response "
            "\"Nothing\" of test case \"Only\" has no entries");
}

TEST(MockTaskHandlerTest, UnlistedStateIsLeftToTheNextHandler) {
  // ASL: MOCK-09
  auto config = std::make_shared<const MockConfig>(MockConfig::Parse(kWorkedExample));
  MockTaskHandler handler(config, "Order", "Empty");
  const asl::State charge = MakeState("Charge");
  EXPECT_FALSE(handler.Invoke(Call(charge, 0)).has_value());
  EXPECT_FALSE(handler.Mocks("Charge"));
  MockTaskHandler other(config, "Order", "Retried");
  EXPECT_TRUE(other.Mocks("Charge"));
  EXPECT_FALSE(other.Invoke(Call(MakeState("Ship"), 0)).has_value());
}

TEST(MockTaskHandlerTest, LatencySecondsExtensionSetsVirtualLatency) {
  // ASL: MOCK-07 (stepsim extension: LatencySeconds)
  auto config = std::make_shared<const MockConfig>(MockConfig::Parse(kWorkedExample));
  MockTaskHandler handler(config, "Other", "Only");
  const auto outcome = handler.Invoke(Call(MakeState("Ship"), 0));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, TaskOutcome::Kind::kSucceeded);
  EXPECT_EQ(outcome->result, nlohmann::json("shipped"));
  EXPECT_EQ(outcome->latency, Millis{1500});
}

TEST(MockTaskHandlerTest, ListedActivityFailsWithTheLocalCause) {
  // ASL: MOCK-11
  auto config = std::make_shared<const MockConfig>(MockConfig::Parse(kWorkedExample));
  MockTaskHandler handler(config, "Order", "Retried");
  asl::State charge = MakeState("Charge");
  charge.resource = "arn:aws:states:us-east-1:111111111111:activity:charge-worker";
  const auto outcome = handler.Invoke(Call(charge, 0));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->error, (AslError{"States.Runtime",
                                      "Activity state cannot be mocked. Please remove mocks mapped "
                                      "for all activity state in the mock config file."}));
}

TEST(MockTaskHandlerTest, UnknownTestCaseOrMachineIsALoadError) {
  // ASL: MOCK-02, MOCK-05
  auto config = std::make_shared<const MockConfig>(MockConfig::Parse(kWorkedExample, "m.json"));
  try {
    MockTaskHandler handler(config, "Order", "Happy");
    FAIL() << "expected a DefinitionError";
  } catch (const asl::DefinitionError& e) {
    ASSERT_THAT(e.diagnostics(), SizeIs(1));
    const asl::Diagnostic& d = e.diagnostics()[0];
    EXPECT_EQ(d.code, "MOCK_UNKNOWN_TEST_CASE");
    EXPECT_EQ(d.pointer, "/StateMachines/Order/TestCases");
    EXPECT_EQ(d.file, "m.json");
    EXPECT_EQ(d.position, (asl::TextPosition{4, 20}));
    EXPECT_EQ(d.message,
              "no test case named \"Happy\" for state machine \"Order\" (it has "
              "\"Retried\", \"Empty\")");
  }
  try {
    MockTaskHandler handler(config, "Shop", "Retried");
    FAIL() << "expected a DefinitionError";
  } catch (const asl::DefinitionError& e) {
    ASSERT_THAT(e.diagnostics(), SizeIs(1));
    EXPECT_EQ(e.diagnostics()[0].code, "MOCK_UNKNOWN_STATE_MACHINE");
    EXPECT_EQ(e.diagnostics()[0].pointer, "/StateMachines");
    EXPECT_EQ(e.diagnostics()[0].message,
              "no state machine named \"Shop\" (the file has \"Order\", \"Other\")");
  }
}

TEST(MockConfigTest, SelectorSplitsArnAndTestCase) {
  // ASL: MOCK-05
  const auto selector =
      ParseTestCaseSelector("arn:aws:states:us-east-1:111111111111:stateMachine:Order#HappyPath");
  ASSERT_TRUE(selector.has_value());
  EXPECT_EQ(selector->state_machine, "Order");
  EXPECT_EQ(selector->test_case, "HappyPath");
  const auto bare = ParseTestCaseSelector("Order#Declined");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->state_machine, "Order");
  EXPECT_EQ(bare->test_case, "Declined");
  EXPECT_FALSE(ParseTestCaseSelector("arn:aws:states:us-east-1:1:stateMachine:Order"));
  EXPECT_FALSE(ParseTestCaseSelector("Order#"));
  EXPECT_FALSE(ParseTestCaseSelector("#Case"));
}

TEST(MockConfigTest, RecognisesActivityResources) {
  // ASL: MOCK-11
  EXPECT_TRUE(IsActivityResource("arn:aws:states:us-east-1:111111111111:activity:a"));
  EXPECT_TRUE(IsActivityResource("arn:aws-cn:states:cn-north-1:111111111111:activity:a"));
  EXPECT_FALSE(IsActivityResource("arn:aws:states:::lambda:invoke"));
  EXPECT_FALSE(IsActivityResource("arn:aws:lambda:us-east-1:1:function:activity:x"));
  EXPECT_FALSE(IsActivityResource("activity"));
}

TEST(MockConfigTest, MalformedInvocationKeysAreLoadErrors) {
  // ASL: MOCK-03, MOCK-04
  EXPECT_THAT(
      LoadErrors(WithResponse(R"({"0": {"Return": 1}, "x": {"Return": 2}, "3-1": {"Return": 3}})")),
      ElementsAre("2:47 MOCK_INVALID_INVOCATION_KEY /MockedResponses/R/x: invocation key must "
                  "be a non-negative integer \"N\" or an inclusive range \"N-M\", got \"x\"",
                  "2:67 MOCK_INVALID_INVOCATION_KEY /MockedResponses/R/3-1: invocation range "
                  "\"3-1\" ends before it starts"));
  EXPECT_THAT(LoadErrors(WithResponse(R"({"-1": {"Return": 1}})")),
              ElementsAre(::testing::HasSubstr("MOCK_INVALID_INVOCATION_KEY "
                                               "/MockedResponses/R/-1: invocation key")));
}

TEST(MockConfigTest, OverlappingRangesAndGapsAreLoadErrors) {
  // ASL: MOCK-04
  EXPECT_THAT(
      LoadErrors(WithResponse(R"({"0-2": {"Return": 1}, "2": {"Return": 2}, "5": {"Return": 3}})")),
      ElementsAre("2:49 MOCK_OVERLAPPING_RANGE /MockedResponses/R/2: invocations "
                  "\"2\" overlap \"0-2\"",
                  "2:69 MOCK_RANGE_GAP /MockedResponses/R/5: invocations 3-4 are "
                  "not covered before \"5\": keys must cover consecutive numbers "
                  "from 0"));
  EXPECT_THAT(LoadErrors(WithResponse(R"({"1": {"Return": 1}})")),
              ElementsAre("2:27 MOCK_RANGE_GAP /MockedResponses/R/1: invocation 0 is not "
                          "covered before \"1\": keys must cover consecutive numbers from 0"));
}

TEST(MockConfigTest, EntryNeedsExactlyOneOfReturnAndThrow) {
  // ASL: MOCK-03, MOCK-04
  EXPECT_THAT(LoadErrors(WithResponse(
                  R"({"0": {"Return": 1, "Throw": {"Error": "E", "Cause": "C"}}, "1": {}})")),
              ElementsAre("2:32 MOCK_SCHEMA_INVALID /MockedResponses/R/0: must have exactly one of "
                          "\"Return\" or \"Throw\", got both",
                          "2:91 MOCK_SCHEMA_INVALID /MockedResponses/R/1: must have exactly one of "
                          "\"Return\" or \"Throw\", got neither"));
}

TEST(MockConfigTest, ThrowNeedsStringErrorAndCause) {
  // ASL: MOCK-03, MOCK-04
  EXPECT_THAT(
      LoadErrors(WithResponse(R"({"0": {"Throw": {"Error": 7, "Cause": null}},
"1": {"Throw": {"Error": "E"}}, "2": {"Throw": "E"}})")),
      ElementsAre(
          "2:52 MOCK_SCHEMA_INVALID /MockedResponses/R/0/Throw/Error: must be a string, got number",
          "2:64 MOCK_SCHEMA_INVALID /MockedResponses/R/0/Throw/Cause: must be a string, got null",
          "3:16 MOCK_SCHEMA_INVALID /MockedResponses/R/1/Throw: missing required field \"Cause\"",
          "3:48 MOCK_SCHEMA_INVALID /MockedResponses/R/2/Throw: must be an object with string "
          "\"Error\" and \"Cause\", got string"));
}

TEST(MockConfigTest, StructureErrorsNameTheLocation) {
  // ASL: MOCK-01, MOCK-02, MOCK-04
  EXPECT_THAT(LoadErrors("[1]"),
              ElementsAre("1:1 MOCK_SCHEMA_INVALID : must be an object with "
                          "\"StateMachines\" and \"MockedResponses\", got array"));
  EXPECT_THAT(LoadErrors(R"({"StateMachines": {}, "Extra": 1})"),
              ElementsAre("1:1 MOCK_SCHEMA_INVALID : missing required field "
                          "\"MockedResponses\"",
                          "1:23 MOCK_SCHEMA_INVALID /Extra: unknown field \"Extra\""));
  EXPECT_THAT(
      LoadErrors(R"({"StateMachines": {"M": {"TestCases": {"T": {"A": 1, "B": "Nope"}}}},
 "MockedResponses": {}})"),
      ElementsAre("1:51 MOCK_SCHEMA_INVALID /StateMachines/M/TestCases/T/A: must be the name "
                  "of a mocked response, got number",
                  "1:59 MOCK_UNKNOWN_RESPONSE /StateMachines/M/TestCases/T/B: no mocked "
                  "response named \"Nope\" under /MockedResponses"));
  EXPECT_THAT(LoadErrors(R"({"StateMachines": {"M": {"TestCases": {"T": {}, "T": {}}}},
 "MockedResponses": {}})"),
              ElementsAre("1:49 MOCK_DUPLICATE_KEY /StateMachines/M/TestCases/T: duplicate "
                          "key \"T\": keys must be unique"));
}

TEST(MockConfigTest, InvalidJsonIsALoadErrorWithPosition) {
  // ASL: MOCK-04
  try {
    MockConfig::Parse("{\n  \"StateMachines\": ,\n}", "bad.json");
    FAIL() << "expected a DefinitionError";
  } catch (const asl::DefinitionError& e) {
    ASSERT_THAT(e.diagnostics(), SizeIs(1));
    EXPECT_EQ(e.diagnostics()[0].code, "MOCK_INVALID_JSON");
    EXPECT_EQ(e.diagnostics()[0].file, "bad.json");
    EXPECT_EQ(e.diagnostics()[0].position.line, 2);
  }
}

TEST(MockConfigTest, UnreadableFileIsALoadError) {
  // ASL: MOCK-12
  try {
    MockConfig::LoadFile("/nonexistent/MockConfigFile.json");
    FAIL() << "expected a DefinitionError";
  } catch (const asl::DefinitionError& e) {
    ASSERT_THAT(e.diagnostics(), SizeIs(1));
    EXPECT_EQ(e.diagnostics()[0].code, "MOCK_FILE_NOT_READABLE");
    EXPECT_EQ(e.diagnostics()[0].message,
              "cannot read mock config file \"/nonexistent/MockConfigFile.json\"");
  }
}

TEST(MockConfigTest, BadLatencyIsALoadError) {
  // ASL: MOCK-03 (stepsim extension: LatencySeconds)
  EXPECT_THAT(LoadErrors(WithResponse(R"({"0": {"Return": 1, "LatencySeconds": -2}})")),
              ElementsAre("2:64 MOCK_SCHEMA_INVALID /MockedResponses/R/0/LatencySeconds: must "
                          "be a non-negative number of seconds, got -2"));
}

TEST(MockConfigTest, WarnsAboutMockedNamesThatAreNoTask) {
  // ASL: MOCK-02, MOCK-09
  const MockConfig config = MockConfig::Parse(R"({"StateMachines": {"M": {"TestCases": {
  "T": {"Charge": "R", "Chrage": "R", "Done": "R"}}}},
  "MockedResponses": {"R": {"0": {"Return": 1}}}})",
                                              "m.json");
  const auto definition = asl::Load(R"({"StartAt": "Charge", "States": {
      "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f",
                 "Next": "Done"},
      "Done": {"Type": "Succeed"}}})");
  const auto warnings = config.CheckAgainst(*definition, *config.FindTestCase("M", "T"));
  ASSERT_THAT(warnings, SizeIs(2));
  EXPECT_EQ(warnings[0].severity, asl::Severity::kWarning);
  EXPECT_EQ(warnings[0].code, "MOCK_UNKNOWN_STATE");
  EXPECT_EQ(warnings[0].pointer, "/StateMachines/M/TestCases/T/Chrage");
  EXPECT_EQ(warnings[0].position, (asl::TextPosition{2, 24}));
  EXPECT_EQ(warnings[0].message, "no state named \"Chrage\" in the definition");
  EXPECT_EQ(warnings[1].code, "MOCK_NOT_A_TASK");
  EXPECT_EQ(warnings[1].message, "state \"Done\" is a Succeed state, not a Task");
}

TEST(MockConfigTest, OrderProcessingFixtureHasEveryPath) {
  // ASL: MOCK-01, MOCK-02, MOCK-03
  const MockConfig config =
      MockConfig::LoadFile(STEPSIM_FIXTURES_DIR "/order-processing/mocks.json");
  EXPECT_THAT(config.StateMachineNames(), ElementsAre("order-processing"));
  EXPECT_THAT(
      config.TestCaseNames("order-processing"),
      ElementsAre("HappyPath", "InventoryUnavailable", "InventoryCheckError", "NotificationFails",
                  "PaymentRetriedThenSucceeds", "PaymentRetriesExhausted", "PaymentDeclined",
                  "ShippingFails", "MissingInventoryStatus"));
  auto shared = std::make_shared<const MockConfig>(config);
  MockTaskHandler handler(shared, "order-processing", "PaymentRetriedThenSucceeds");
  const asl::State payment = MakeState("ProcessPayment");
  EXPECT_EQ(handler.Invoke(Call(payment, 0))->error.error, "PaymentGatewayTimeout");
  EXPECT_EQ(handler.Invoke(Call(payment, 1))->error.error, "PaymentGatewayTimeout");
  EXPECT_EQ(handler.Invoke(Call(payment, 2))->kind, TaskOutcome::Kind::kSucceeded);
}

}  // namespace
}  // namespace stepsim::sim
