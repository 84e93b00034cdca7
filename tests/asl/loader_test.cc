#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/asl/loader.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace stepsim::asl {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::vector<std::string> Names(const Scope& scope) {
  std::vector<std::string> names;
  names.reserve(scope.states.size());
  for (const State& s : scope.states) names.push_back(s.name);
  return names;
}

std::vector<std::string> Names(const std::vector<const State*>& states) {
  std::vector<std::string> names;
  names.reserve(states.size());
  for (const State* s : states) names.push_back(s->name);
  return names;
}

// Options naming the file; a helper rather than a designated initializer,
// which g++ 12 reports under -Wmissing-field-initializers.
LoadOptions FileOptions(std::string file) {
  LoadOptions options;
  options.file = std::move(file);
  return options;
}

// The diagnostics of a Load that must fail.
std::vector<Diagnostic> LoadErrors(std::string_view text, const LoadOptions& options = {}) {
  try {
    Load(text, options);
  } catch (const DefinitionError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "Load did not throw for: " << text;
  return {};
}

const std::string kOrderFixture = STEPSIM_FIXTURES_DIR "/order-processing/definition.asl.json";

TEST(LoaderTest, LoadsTheOrderWorkflowFixture) {
  // ASL: TOP-01, TOP-02, ST-02, ST-05, RTY-02, CHO-05, PSF-03
  const auto def = LoadFile(kOrderFixture);
  EXPECT_EQ(def->file(), kOrderFixture);
  EXPECT_EQ(def->comment(), "An e-commerce order processing workflow");
  EXPECT_EQ(def->version(), "1.0");
  EXPECT_EQ(def->timeout_seconds(), std::nullopt);
  EXPECT_EQ(def->query_language(), QueryLanguage::kJsonPath);

  const Scope& root = def->root();
  EXPECT_EQ(root.start_at, "CheckInventory");
  EXPECT_EQ(root.start_index, 0u);
  EXPECT_EQ(root.parent, nullptr);
  EXPECT_EQ(root.parent_state, nullptr);
  // Definition order, not alphabetical order.
  EXPECT_THAT(Names(root), ElementsAre("CheckInventory", "IsInventoryAvailable", "ProcessPayment",
                                       "CreateShippingLabel", "InventoryUnavailableState",
                                       "InventoryErrorState", "NotifyUserOfFailure"));

  const State& check = root.states[0];
  EXPECT_EQ(check.type, StateType::kTask);
  EXPECT_EQ(check.resource, "arn:aws:lambda:us-east-1:123456789012:function:check-inventory-func");
  EXPECT_EQ(check.next, "IsInventoryAvailable");
  EXPECT_EQ(check.next_index, 1u);
  EXPECT_FALSE(check.end);
  ASSERT_THAT(check.catch_, SizeIs(1));
  EXPECT_THAT(check.catch_[0].error_equals, ElementsAre("States.ALL"));
  EXPECT_EQ(check.catch_[0].next, "InventoryErrorState");
  EXPECT_EQ(check.catch_[0].next_index, 5u);
  EXPECT_TRUE(check.catch_[0].result_path.absent());
  EXPECT_EQ(check.catch_[0].source.pointer, "/States/CheckInventory/Catch/0");
  EXPECT_EQ(check.catch_[0].source.position, (TextPosition{9, 18}));
  EXPECT_EQ(check.source.pointer, "/States/CheckInventory");
  EXPECT_EQ(check.source.position, (TextPosition{5, 23}));

  const State& choice = root.states[1];
  EXPECT_EQ(choice.type, StateType::kChoice);
  ASSERT_THAT(choice.choices, SizeIs(1));
  const ChoiceRule& rule = choice.choices[0];
  EXPECT_EQ(rule.kind, ChoiceRule::Kind::kDataTest);
  ASSERT_TRUE(rule.variable.has_value());
  EXPECT_EQ(rule.variable->text(), "$.inventory.status");
  EXPECT_EQ(rule.op, ChoiceOperator::kStringEquals);
  EXPECT_FALSE(rule.operand_is_path);
  EXPECT_EQ(rule.operand, "available");
  EXPECT_EQ(rule.next, "ProcessPayment");
  EXPECT_EQ(rule.next_index, 2u);
  EXPECT_EQ(choice.default_next, "InventoryUnavailableState");
  EXPECT_EQ(choice.default_index, 4u);
  EXPECT_FALSE(choice.IsTerminal());

  const State& payment = root.states[2];
  ASSERT_THAT(payment.retry, SizeIs(1));
  const Retrier& retrier = payment.retry[0];
  EXPECT_THAT(retrier.error_equals, ElementsAre("PaymentGatewayTimeout"));
  EXPECT_EQ(retrier.interval_seconds, 3);
  EXPECT_EQ(retrier.max_attempts, 2);
  EXPECT_EQ(retrier.backoff_rate, 1.5);
  EXPECT_EQ(retrier.max_delay_seconds, std::nullopt);
  EXPECT_EQ(retrier.jitter, Retrier::Jitter::kNone);
  EXPECT_EQ(retrier.source.pointer, "/States/ProcessPayment/Retry/0");

  EXPECT_TRUE(root.states[3].end);
  EXPECT_TRUE(root.states[3].IsTerminal());
  const State& fail = root.states[4];
  EXPECT_EQ(fail.type, StateType::kFail);
  EXPECT_EQ(fail.cause, "Inventory not available for the requested items.");
  EXPECT_EQ(fail.error, std::nullopt);
  EXPECT_TRUE(fail.IsTerminal());
  const State& pass = root.states[5];
  EXPECT_EQ(pass.result, Json("An error occurred while checking inventory. Notifying user."));
  EXPECT_EQ(def->FindState("NotifyUserOfFailure"), &root.states[6]);
  EXPECT_EQ(def->FindState("Nope"), nullptr);
  EXPECT_EQ(root.Find("ProcessPayment"), 2u);
  EXPECT_EQ(root.Find("Nope"), std::nullopt);
}

TEST(LoaderTest, KeepsTheDocumentAndPositions) {
  // ASL: VAL-01
  const std::string text = R"({"StartAt": "B", "States": {
  "B": {"Type": "Pass", "Next": "A"},
  "A": {"Type": "Succeed"}}})";
  const auto def = Load(text, FileOptions("x.json"));
  EXPECT_EQ(def->document(), nlohmann::ordered_json::parse(text));
  EXPECT_EQ(def->document()["States"].begin().key(), "B");
  EXPECT_EQ(def->positions().ValuePosition("/States/A/Type"), (TextPosition{3, 17}));
  EXPECT_EQ(def->file(), "x.json");
  EXPECT_THAT(Names(def->root()), ElementsAre("B", "A"));
  EXPECT_EQ(def->root().states[0].next_index, 1u);
  EXPECT_EQ(*def, *Load(text));
}

TEST(LoaderTest, StateQueryLanguageOverridesRootAndScopesUseRootLanguage) {
  // ASL: TOP-06
  const auto def = Load(R"({
    "StartAt": "P",
    "States": {
      "P": {"Type": "Parallel", "QueryLanguage": "JSONata", "End": true,
            "Branches": [{"StartAt": "In", "States": {
              "In": {"Type": "Pass", "Next": "InJ"},
              "InJ": {"Type": "Pass", "QueryLanguage": "JSONata", "End": true}
            }}]}
    }
  })");
  EXPECT_EQ(def->query_language(), QueryLanguage::kJsonPath);
  EXPECT_EQ(def->FindState("P")->query_language, QueryLanguage::kJsonata);
  // Inside the JSONata Parallel, states default to the root's JSONPath.
  EXPECT_EQ(def->FindState("In")->query_language, QueryLanguage::kJsonPath);
  EXPECT_EQ(def->FindState("InJ")->query_language, QueryLanguage::kJsonata);

  const auto jsonata = Load(R"({
    "QueryLanguage": "JSONata", "StartAt": "M",
    "States": {"M": {"Type": "Map", "End": true,
      "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}}}
  })");
  EXPECT_EQ(jsonata->query_language(), QueryLanguage::kJsonata);
  EXPECT_EQ(jsonata->FindState("M")->query_language, QueryLanguage::kJsonata);
  EXPECT_EQ(jsonata->FindState("X")->query_language, QueryLanguage::kJsonata);
}

TEST(LoaderTest, BuildsNestedScopesWithParentsAndDepthFirstOrder) {
  // ASL: PAR-01, MAP-01, TOP-04, ST-05
  const auto def = Load(R"({
    "StartAt": "Par",
    "States": {
      "Par": {"Type": "Parallel", "Next": "Done", "Branches": [
        {"StartAt": "B1", "States": {
          "B1": {"Type": "Pass", "Next": "B2"},
          "B2": {"Type": "Succeed"}}},
        {"StartAt": "C2", "States": {
          "C1": {"Type": "Succeed"},
          "C2": {"Type": "Pass", "Next": "C1"}}}
      ]},
      "Done": {"Type": "Map", "End": true, "ItemProcessor": {
        "StartAt": "Inner", "States": {"Inner": {"Type": "Succeed"}}}}
    }
  })");
  EXPECT_THAT(Names(def->AllStates()), ElementsAre("Par", "B1", "B2", "C1", "C2", "Done", "Inner"));
  const State& par = def->root().states[0];
  EXPECT_EQ(par.next_index, 1u);
  ASSERT_THAT(par.branches, SizeIs(2));
  const Scope& second = *par.branches[1];
  EXPECT_EQ(second.start_at, "C2");
  EXPECT_EQ(second.start_index, 1u);
  EXPECT_EQ(second.states[1].next_index, 0u);  // C2 -> C1 within the branch
  EXPECT_EQ(second.parent, &def->root());
  EXPECT_EQ(second.parent_state, &par);
  EXPECT_EQ(second.source.pointer, "/States/Par/Branches/1");
  EXPECT_EQ(second.states[1].source.pointer, "/States/Par/Branches/1/States/C2");
  const State& map = def->root().states[1];
  ASSERT_NE(map.item_processor, nullptr);
  EXPECT_EQ(map.item_processor->parent_state, &map);
  EXPECT_EQ(map.item_processor->source.pointer, "/States/Done/ItemProcessor");
  EXPECT_EQ(def->FindState("Inner"), &map.item_processor->states[0]);
  EXPECT_FALSE(map.distributed);
  EXPECT_EQ(map.execution_type, "STANDARD");
}

TEST(LoaderTest, IteratorIsASynonymOfItemProcessor) {
  // ASL: MAP-01, MAP-03
  const auto def = Load(R"({
    "StartAt": "M",
    "States": {"M": {"Type": "Map", "End": true, "ItemsPath": "$.items",
      "Parameters": {"v.$": "$$.Map.Item.Value"}, "MaxConcurrency": 1,
      "Iterator": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}}}
  })");
  const State& map = def->root().states[0];
  ASSERT_NE(map.item_processor, nullptr);
  EXPECT_THAT(Names(*map.item_processor), ElementsAre("X"));
  EXPECT_EQ(map.item_processor->source.pointer, "/States/M/Iterator");
  ASSERT_TRUE(map.items_path.has_value());
  EXPECT_EQ(map.items_path->text(), "$.items");
  ASSERT_TRUE(map.parameters.has_value());
  EXPECT_EQ(map.parameters->source(),
            nlohmann::ordered_json::parse(R"({"v.$": "$$.Map.Item.Value"})"));
  EXPECT_FALSE(map.item_selector.has_value());
  EXPECT_EQ(map.max_concurrency.literal, 1.0);
  EXPECT_EQ(map.max_concurrency.source.pointer, "/States/M/MaxConcurrency");
}

TEST(LoaderTest, BuildsDistributedMapFields) {
  // ASL: DMAP-01, DMAP-03..07, MAP-04
  const auto def = Load(R"({
    "StartAt": "M",
    "States": {"M": {"Type": "Map", "End": true, "Label": "Run1",
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
        "StartAt": "X", "States": {"X": {"Type": "Succeed"}}},
      "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
        "Parameters": {"Bucket": "b", "Key.$": "$.key"},
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}},
      "ItemBatcher": {"MaxItemsPerBatchPath": "$.size",
                      "MaxInputBytesPerBatch": 1024, "BatchInput": {"a": 1}},
      "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket": "out", "Prefix": "p"}},
      "ItemSelector": {"i.$": "$$.Map.Item.Index"},
      "MaxConcurrencyPath": "$.concurrency",
      "ToleratedFailureCount": 3,
      "ToleratedFailurePercentagePath": "$.pct"}}
  })");
  const State& map = def->root().states[0];
  EXPECT_TRUE(map.distributed);
  EXPECT_EQ(map.execution_type, "EXPRESS");
  EXPECT_EQ(map.label, "Run1");
  ASSERT_TRUE(map.item_reader.has_value());
  EXPECT_EQ(map.item_reader->resource, "arn:aws:states:::s3:getObject");
  ASSERT_TRUE(map.item_reader->parameters.has_value());
  EXPECT_EQ(map.item_reader->parameters->source()["Bucket"], "b");
  EXPECT_EQ(map.item_reader->reader_config["InputType"], "CSV");
  EXPECT_EQ(map.item_reader->source.pointer, "/States/M/ItemReader");
  ASSERT_TRUE(map.item_batcher.has_value());
  ASSERT_TRUE(map.item_batcher->max_items_per_batch.path.has_value());
  EXPECT_EQ(map.item_batcher->max_items_per_batch.path->text(), "$.size");
  EXPECT_EQ(map.item_batcher->max_items_per_batch.source.pointer,
            "/States/M/ItemBatcher/MaxItemsPerBatchPath");
  EXPECT_EQ(map.item_batcher->max_input_bytes_per_batch.literal, 1024.0);
  ASSERT_TRUE(map.item_batcher->batch_input.has_value());
  ASSERT_TRUE(map.result_writer.has_value());
  EXPECT_EQ(map.result_writer->resource, "arn:aws:states:::s3:putObject");
  EXPECT_TRUE(map.result_writer->writer_config.is_null());
  ASSERT_TRUE(map.item_selector.has_value());
  EXPECT_FALSE(map.parameters.has_value());
  ASSERT_TRUE(map.max_concurrency.path.has_value());
  EXPECT_EQ(map.max_concurrency.path->text(), "$.concurrency");
  EXPECT_FALSE(map.max_concurrency.literal.has_value());
  EXPECT_EQ(map.tolerated_failure_count.literal, 3.0);
  EXPECT_EQ(map.tolerated_failure_percentage.path->text(), "$.pct");
}

TEST(LoaderTest, BuildsJsonPathDataFlowFields) {
  // ASL: IO-03, IO-04, PT-01, TASK-02, TASK-03, TASK-05, VAR-04
  const auto def = Load(R"({
    "StartAt": "T",
    "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Comment": "charge",
      "InputPath": null, "OutputPath": "$.out", "ResultPath": "$.r",
      "Parameters": {"FunctionName": "f", "Payload.$": "$"},
      "ResultSelector": {"p.$": "$.Payload"},
      "Assign": {"total.$": "$.Payload.total"},
      "Credentials": {"RoleArn": "arn:aws:iam::1:role/r"},
      "TimeoutSeconds": 30, "HeartbeatSecondsPath": "$.hb",
      "End": true}}
  })");
  const State& t = def->root().states[0];
  EXPECT_EQ(t.comment, "charge");
  EXPECT_TRUE(t.input_path.is_null());
  EXPECT_EQ(t.input_path.source.pointer, "/States/T/InputPath");
  ASSERT_TRUE(t.output_path.has_path());
  EXPECT_EQ(t.output_path.path->text(), "$.out");
  EXPECT_EQ(t.result_path.path->text(), "$.r");
  ASSERT_TRUE(t.parameters.has_value());
  EXPECT_EQ(t.parameters->source()["FunctionName"], "f");
  ASSERT_TRUE(t.result_selector.has_value());
  ASSERT_TRUE(t.assign.has_value());
  EXPECT_EQ(t.assign->source(), nlohmann::ordered_json::parse(R"({"total.$": "$.Payload.total"})"));
  EXPECT_FALSE(t.assign_jsonata.has_value());
  ASSERT_TRUE(t.credentials.has_value());
  EXPECT_EQ(t.timeout_seconds.literal, 30.0);
  EXPECT_TRUE(t.timeout_seconds.present());
  EXPECT_EQ(t.heartbeat_seconds.path->text(), "$.hb");
  EXPECT_FALSE(t.arguments.has_value());
  EXPECT_TRUE(t.end);
}

TEST(LoaderTest, BuildsJsonataFieldsAsWritten) {
  // ASL: JSONATA-01, JSONATA-06, TASK-02
  const auto def = Load(R"({
    "QueryLanguage": "JSONata", "StartAt": "T",
    "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
      "Output": "{% $states.result.Payload %}",
      "Assign": {"x": "{% $states.result.n %}"},
      "TimeoutSeconds": "{% $timeout %}", "HeartbeatSeconds": 5,
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F",
                 "Output": {"e": "{% $states.errorOutput %}"},
                 "Assign": {"failed": true}}],
      "Next": "F"},
     "F": {"Type": "Fail", "Error": "{% 'E' & $x %}", "Cause": "literal"}}
  })");
  const State& t = def->root().states[0];
  ASSERT_TRUE(t.arguments.has_value());
  EXPECT_EQ(t.arguments->value,
            Json::parse(R"({"FunctionName": "f", "Payload": "{% $states.input %}"})"));
  EXPECT_EQ(t.arguments->source.pointer, "/States/T/Arguments");
  EXPECT_EQ(t.arguments->source.position, (TextPosition{4, 20}));
  EXPECT_EQ(t.output->value, "{% $states.result.Payload %}");
  ASSERT_TRUE(t.assign_jsonata.has_value());
  EXPECT_FALSE(t.assign.has_value());
  EXPECT_EQ(t.timeout_seconds.jsonata, "{% $timeout %}");
  EXPECT_FALSE(t.timeout_seconds.literal.has_value());
  EXPECT_EQ(t.heartbeat_seconds.literal, 5.0);
  ASSERT_THAT(t.catch_, SizeIs(1));
  EXPECT_EQ(t.catch_[0].output->value, Json::parse(R"({"e": "{% $states.errorOutput %}"})"));
  EXPECT_EQ(t.catch_[0].assign_jsonata->value, Json::parse(R"({"failed": true})"));
  EXPECT_EQ(t.catch_[0].next_index, 1u);
  EXPECT_TRUE(t.input_path.absent());
  const State& f = def->root().states[1];
  EXPECT_EQ(f.error_jsonata, "{% 'E' & $x %}");
  EXPECT_EQ(f.error, std::nullopt);
  EXPECT_EQ(f.cause, "literal");
  EXPECT_EQ(f.cause_jsonata, std::nullopt);
}

TEST(LoaderTest, BuildsEveryWaitForm) {
  // ASL: WAIT-01, WAIT-02, WAIT-03
  const auto def = Load(R"({
    "StartAt": "W1",
    "States": {
      "W1": {"Type": "Wait", "Seconds": 10, "Next": "W2"},
      "W2": {"Type": "Wait", "SecondsPath": "$.s", "Next": "W3"},
      "W3": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "Next": "W4"},
      "W4": {"Type": "Wait", "TimestampPath": "$$.Execution.StartTime", "Next": "W5"},
      "W5": {"Type": "Wait", "QueryLanguage": "JSONata", "Seconds": "{% $n %}", "Next": "W6"},
      "W6": {"Type": "Wait", "QueryLanguage": "JSONata", "Timestamp": "{% $t %}", "Next": "W7"},
      "W7": {"Type": "Wait", "QueryLanguage": "JSONata", "Seconds": 3, "End": true}
    }
  })");
  const auto& s = def->root().states;
  EXPECT_EQ(s[0].seconds, 10);
  EXPECT_EQ(s[1].seconds_path->text(), "$.s");
  EXPECT_EQ(s[2].timestamp, "2016-03-14T01:59:00Z");
  EXPECT_EQ(s[3].timestamp_path->text(), "$$.Execution.StartTime");
  EXPECT_EQ(s[3].timestamp_path->root(), jsonpath::Path::Root::kContext);
  EXPECT_EQ(s[4].seconds_jsonata, "{% $n %}");
  EXPECT_EQ(s[4].seconds, std::nullopt);
  EXPECT_EQ(s[5].timestamp_jsonata, "{% $t %}");
  EXPECT_EQ(s[6].seconds, 3);
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    EXPECT_EQ(s[i].next_index, i + 1);
  }
}

TEST(LoaderTest, BuildsFailPathsAndIntrinsics) {
  // ASL: PSF-03, INT-04
  const auto def = Load(R"json({
    "StartAt": "F",
    "States": {"F": {"Type": "Fail", "ErrorPath": "$.error",
      "CausePath": "States.Format('failed: {}', $.why)"}}
  })json");
  const State& f = def->root().states[0];
  ASSERT_TRUE(f.error_path.has_value());
  ASSERT_TRUE(f.error_path->path.has_value());
  EXPECT_FALSE(f.error_path->call.has_value());
  EXPECT_EQ(f.error_path->path->text(), "$.error");
  EXPECT_EQ(f.error_path->source.pointer, "/States/F/ErrorPath");
  ASSERT_TRUE(f.cause_path.has_value());
  ASSERT_TRUE(f.cause_path->call.has_value());
  EXPECT_FALSE(f.cause_path->path.has_value());
  EXPECT_EQ(f.cause_path->call->name(), "States.Format");
}

TEST(LoaderTest, BuildsNestedChoiceRules) {
  // ASL: CHO-01, CHO-03, CHO-04, CHO-05, CHO-06, CHO-07, CHO-12
  const auto def = Load(R"({
    "StartAt": "C",
    "States": {
      "C": {"Type": "Choice", "Choices": [
        {"And": [
           {"Variable": "$.a", "NumericGreaterThanEqualsPath": "$.min"},
           {"Not": {"Variable": "$.b", "IsPresent": true}}],
         "Next": "Y", "Assign": {"hit.$": "$.a"}, "Comment": "both"},
        {"Or": [{"Variable": "$.s", "StringMatches": "log*.txt"},
                {"Variable": "$var", "BooleanEquals": false}],
         "Next": "N"},
        {"Variable": "$$.Execution.Name", "TimestampLessThan": "2020-01-01T00:00:00Z",
         "Next": "Y"}],
       "Default": "N"},
      "Y": {"Type": "Succeed"},
      "N": {"Type": "Succeed"}
    }
  })");
  const State& c = def->root().states[0];
  ASSERT_THAT(c.choices, SizeIs(3));
  const ChoiceRule& first = c.choices[0];
  EXPECT_EQ(first.kind, ChoiceRule::Kind::kAnd);
  EXPECT_EQ(first.next_index, 1u);
  EXPECT_EQ(first.comment, "both");
  ASSERT_TRUE(first.assign.has_value());
  ASSERT_THAT(first.children, SizeIs(2));
  const ChoiceRule& ge = first.children[0];
  EXPECT_EQ(ge.kind, ChoiceRule::Kind::kDataTest);
  EXPECT_EQ(ge.op, ChoiceOperator::kNumericGreaterThanEquals);
  EXPECT_TRUE(ge.operand_is_path);
  EXPECT_EQ(ge.operand_path->text(), "$.min");
  EXPECT_EQ(ge.source.pointer, "/States/C/Choices/0/And/0");
  const ChoiceRule& negation = first.children[1];
  EXPECT_EQ(negation.kind, ChoiceRule::Kind::kNot);
  ASSERT_THAT(negation.children, SizeIs(1));
  EXPECT_EQ(negation.children[0].op, ChoiceOperator::kIsPresent);
  EXPECT_EQ(negation.children[0].operand, true);
  EXPECT_EQ(negation.children[0].source.pointer, "/States/C/Choices/0/And/1/Not");
  const ChoiceRule& second = c.choices[1];
  EXPECT_EQ(second.kind, ChoiceRule::Kind::kOr);
  EXPECT_EQ(second.next_index, 2u);
  EXPECT_EQ(second.children[0].op, ChoiceOperator::kStringMatches);
  EXPECT_EQ(second.children[0].operand, "log*.txt");
  EXPECT_EQ(second.children[1].variable->root(), jsonpath::Path::Root::kVariable);
  EXPECT_EQ(second.children[1].operand, false);
  EXPECT_EQ(c.choices[2].op, ChoiceOperator::kTimestampLessThan);
  EXPECT_FALSE(c.choices[2].operand_is_path);
  EXPECT_EQ(c.default_index, 2u);
}

TEST(LoaderTest, BuildsJsonataChoiceConditions) {
  // ASL: CHO-13, CHO-14
  const auto def = Load(R"({
    "QueryLanguage": "JSONata", "StartAt": "C",
    "States": {
      "C": {"Type": "Choice", "Choices": [
        {"Condition": "{% $states.input.n > 1 %}", "Next": "D",
         "Output": {"big": true}, "Assign": {"seen": 1}},
        {"Condition": true, "Next": "D"}],
       "Default": "D", "Output": "{% $states.input %}"},
      "D": {"Type": "Succeed"}
    }
  })");
  const State& c = def->root().states[0];
  ASSERT_THAT(c.choices, SizeIs(2));
  EXPECT_EQ(c.choices[0].kind, ChoiceRule::Kind::kCondition);
  EXPECT_EQ(c.choices[0].condition->value, "{% $states.input.n > 1 %}");
  EXPECT_EQ(c.choices[0].condition->source.pointer, "/States/C/Choices/0/Condition");
  EXPECT_EQ(c.choices[0].output->value, Json::parse(R"({"big": true})"));
  EXPECT_EQ(c.choices[0].assign_jsonata->value, Json::parse(R"({"seen": 1})"));
  EXPECT_EQ(c.choices[1].condition->value, true);
  EXPECT_EQ(c.choices[1].next_index, 1u);
  EXPECT_EQ(c.output->value, "{% $states.input %}");
}

TEST(LoaderTest, BuildsRetrierFieldsAndDefaults) {
  // ASL: RTY-02, CAT-01
  const auto def = Load(R"({
    "StartAt": "T", "TimeoutSeconds": 60, "Version": "1.0", "Comment": "c",
    "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Retry": [
        {"ErrorEquals": ["A", "B"], "IntervalSeconds": 2, "MaxAttempts": 0,
         "BackoffRate": 1.0, "MaxDelaySeconds": 5, "JitterStrategy": "FULL",
         "Comment": "first"},
        {"ErrorEquals": ["States.ALL"]}],
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "T", "ResultPath": null,
                 "Assign": {"e.$": "$.Error"}, "Comment": "c0"}],
      "End": true}}
  })");
  EXPECT_EQ(def->timeout_seconds(), 60);
  EXPECT_EQ(def->comment(), "c");
  const State& t = def->root().states[0];
  ASSERT_THAT(t.retry, SizeIs(2));
  EXPECT_THAT(t.retry[0].error_equals, ElementsAre("A", "B"));
  EXPECT_EQ(t.retry[0].interval_seconds, 2);
  EXPECT_EQ(t.retry[0].max_attempts, 0);
  EXPECT_EQ(t.retry[0].backoff_rate, 1.0);
  EXPECT_EQ(t.retry[0].max_delay_seconds, 5);
  EXPECT_EQ(t.retry[0].jitter, Retrier::Jitter::kFull);
  EXPECT_EQ(t.retry[0].comment, "first");
  EXPECT_EQ(t.retry[1].interval_seconds, 1);
  EXPECT_EQ(t.retry[1].max_attempts, 3);
  EXPECT_EQ(t.retry[1].backoff_rate, 2.0);
  EXPECT_EQ(t.retry[1].max_delay_seconds, std::nullopt);
  EXPECT_EQ(t.retry[1].jitter, Retrier::Jitter::kNone);
  EXPECT_EQ(t.retry[1].source.pointer, "/States/T/Retry/1");
  ASSERT_THAT(t.catch_, SizeIs(1));
  EXPECT_TRUE(t.catch_[0].result_path.is_null());
  ASSERT_TRUE(t.catch_[0].assign.has_value());
  EXPECT_EQ(t.catch_[0].comment, "c0");
}

TEST(LoaderTest, ToStringNamesMatchAsl) {
  EXPECT_EQ(ToString(StateType::kParallel), "Parallel");
  EXPECT_EQ(ToString(StateType::kSucceed), "Succeed");
  EXPECT_EQ(ToString(QueryLanguage::kJsonata), "JSONata");
  EXPECT_EQ(ToString(QueryLanguage::kJsonPath), "JSONPath");
  EXPECT_EQ(ToString(ChoiceOperator::kTimestampGreaterThanEquals), "TimestampGreaterThanEquals");
  EXPECT_EQ(ToString(ChoiceOperator::kIsTimestamp), "IsTimestamp");
}

TEST(LoaderTest, PrintToSummarisesTheDefinition) {
  const auto def = Load(R"({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}})");
  std::ostringstream os;
  PrintTo(*def, &os);
  EXPECT_EQ(os.str(),
            "Definition{QueryLanguage=JSONPath, StartAt=\"A\", "
            "States=[A:Pass, B:Succeed]}");
}

TEST(LoaderTest, EmptyTextIsMissingDescription) {
  // ASL: VAL-02
  for (std::string_view text : {"", "  \n\t "}) {
    const auto diagnostics = Validate(text, FileOptions("wf.json"));
    ASSERT_THAT(diagnostics, SizeIs(1));
    EXPECT_EQ(diagnostics[0].code, "MISSING_DESCRIPTION");
    EXPECT_EQ(diagnostics[0].severity, Severity::kError);
    EXPECT_EQ(FormatDiagnostic(diagnostics[0]),
              "wf.json:1:1: error[MISSING_DESCRIPTION]: /: the definition is empty");
  }
}

TEST(LoaderTest, MalformedJsonIsOneInvalidJsonDiagnostic) {
  // ASL: VAL-02
  const auto diagnostics =
      Validate("{\n  \"StartAt\": \"A\",\n  \"States\": {]\n}\n", FileOptions("bad.json"));
  ASSERT_THAT(diagnostics, SizeIs(1));
  EXPECT_EQ(FormatDiagnostic(diagnostics[0]),
            "bad.json:3:14: error[INVALID_JSON_DESCRIPTION]: /: expected a "
            "string key, got ']'");
  EXPECT_EQ(diagnostics[0].pointer, "");
}

TEST(LoaderTest, DuplicateKeysAreSchemaErrorsAtTheSecondKey) {
  // ASL: VAL-02
  const std::string text = R"({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "End": true, "Type": "Pass"}}})";
  const auto diagnostics = Validate(text);
  ASSERT_THAT(diagnostics, ::testing::Not(IsEmpty()));
  EXPECT_EQ(diagnostics[0].code, "SCHEMA_VALIDATION_FAILED");
  EXPECT_EQ(diagnostics[0].pointer, "/States/A/Type");
  EXPECT_EQ(diagnostics[0].message, "duplicate key \"Type\"");
  EXPECT_EQ(diagnostics[0].position, (TextPosition{2, 40}));
  EXPECT_THROW(Load(text), DefinitionError);
}

TEST(LoaderTest, DuplicateStateKeyIsADuplicateStateName) {
  // ASL: TOP-04, VAL-02
  const std::string text = R"({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Next": "B"},
    "B": {"Type": "Succeed"},
    "A": {"Type": "Pass", "Next": "B"}}})";
  const auto diagnostics = Validate(text, FileOptions("wf.json"));
  ASSERT_THAT(diagnostics, SizeIs(1));
  EXPECT_EQ(FormatDiagnostic(diagnostics[0]),
            "wf.json:4:5: error[DUPLICATE_STATE_NAME]: /States/A: state name "
            "\"A\" is used twice in the same \"States\" object");
  EXPECT_THROW(Load(text), DefinitionError);
}

TEST(LoaderTest, DuplicateStateKeyInsideBranchOrProcessor) {
  // ASL: TOP-04
  const std::string text = R"({"StartAt": "P", "States": {
    "P": {"Type": "Parallel", "End": true, "Branches": [
      {"StartAt": "X", "States": {"X": {"Type": "Succeed"},
                                  "X": {"Type": "Succeed"}}}]},
    "M": {"Type": "Map", "End": true, "ItemProcessor": {
      "StartAt": "Y", "States": {"Y": {"Type": "Succeed"},
                                 "Y": {"Type": "Succeed"}}}}}})";
  std::vector<std::string> found;
  for (const Diagnostic& d : Validate(text)) {
    if (d.code == "DUPLICATE_STATE_NAME") found.push_back(d.pointer);
  }
  EXPECT_THAT(found,
              ElementsAre("/States/P/Branches/0/States/X", "/States/M/ItemProcessor/States/Y"));
}

TEST(LoaderTest, DuplicateKeyNamedStatesOutsideAScopeIsASchemaError) {
  // ASL: VAL-02 (a "States" key inside Parameters holds no states)
  const auto diagnostics = Validate(R"({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "End": true,
          "Parameters": {"States": {"k": 1, "k": 2}}}}})");
  ASSERT_THAT(diagnostics, SizeIs(1));
  EXPECT_EQ(diagnostics[0].code, "SCHEMA_VALIDATION_FAILED");
  EXPECT_EQ(diagnostics[0].pointer, "/States/A/Parameters/States/k");
  EXPECT_EQ(diagnostics[0].message, "duplicate key \"k\"");
}

TEST(LoaderTest, ParserDiagnosticsMergeIntoDocumentOrder) {
  // ASL: VAL-04 (one pass, in document order)
  const auto diagnostics = Validate(R"({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Next": "B", "Seconds": 1},
    "B": {"Type": "Pass", "Comment": "x", "Comment": "y", "Next": "C"},
    "C": {"Type": "Wait", "Seconds": -1, "End": true}}})");
  std::vector<std::string> pointers;
  for (const Diagnostic& d : diagnostics) pointers.push_back(d.pointer);
  EXPECT_THAT(pointers, ElementsAre("/States/A/Seconds", "/States/B/Comment", "/States/C/Seconds"));
  EXPECT_EQ(diagnostics[1].message, "duplicate key \"Comment\"");
}

TEST(LoaderTest, LoadThrowsDefinitionErrorWithEveryDiagnostic) {
  // ASL: VAL-04, ST-05
  const auto diagnostics = LoadErrors(R"({
  "StartAt": "A",
  "States": {
    "A": { "Type": "Pass", "Next": "Shipp" },
    "B": { "Type": "Pass", "Next": "Shipp" }
  }
})",
                                      FileOptions("wf.json"));
  ASSERT_THAT(diagnostics, ::testing::Contains(Field(&Diagnostic::pointer, "/States/B/Next")));
  for (const Diagnostic& d : diagnostics) {
    EXPECT_EQ(d.file, "wf.json");
    EXPECT_EQ(d.severity, Severity::kError);
  }
  const auto dangling =
      std::find_if(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& d) { return d.pointer == "/States/A/Next"; });
  ASSERT_NE(dangling, diagnostics.end());
  EXPECT_EQ(FormatDiagnostic(*dangling),
            "wf.json:4:36: error[MISSING_TRANSITION_TARGET]: /States/A/Next: "
            "no state named \"Shipp\"");
  try {
    Load("[1,", FileOptions("x.json"));
    FAIL() << "no DefinitionError";
  } catch (const DefinitionError& e) {
    EXPECT_EQ(std::string(e.what()),
              "x.json:1:4: error[INVALID_JSON_DESCRIPTION]: /: expected a json "
              "value, got end of input");
  }
}

TEST(LoaderTest, WarningsLoadUnlessWarningsAreErrors) {
  // ASL: VAL-01, VAL-03
  const std::string text = R"({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Parameters": {"x": "$.a"}, "End": true}}})";
  const auto diagnostics = Validate(text);
  ASSERT_THAT(diagnostics, SizeIs(1));
  EXPECT_EQ(diagnostics[0].severity, Severity::kWarning);
  EXPECT_FALSE(HasErrors(diagnostics));
  const auto def = Load(text);
  EXPECT_EQ(def->root().states[0].parameters->source()["x"], "$.a");
  LoadOptions strict;
  strict.warnings_as_errors = true;
  const auto errors = LoadErrors(text, strict);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_EQ(errors[0].code, diagnostics[0].code);
  EXPECT_EQ(errors[0].severity, Severity::kError);
}

TEST(LoaderTest, UncompilablePathIsADiagnosticNotACrash) {
  // ASL: PATH-01, VAL-02
  const auto diagnostics = LoadErrors(R"({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "InputPath": "$.a[", "End": true}}})");
  ASSERT_THAT(diagnostics, ::testing::Not(IsEmpty()));
  EXPECT_EQ(diagnostics[0].code, "SCHEMA_VALIDATION_FAILED");
  EXPECT_EQ(diagnostics[0].pointer, "/States/A/InputPath");
  EXPECT_EQ(diagnostics[0].position, (TextPosition{2, 40}));
}

TEST(LoaderTest, LoadFileReportsAnUnreadableFile) {
  const std::string path = "/nonexistent/stepsim/wf.asl.json";
  try {
    LoadFile(path);
    FAIL() << "no DefinitionError";
  } catch (const DefinitionError& e) {
    ASSERT_THAT(e.diagnostics(), SizeIs(1));
    const Diagnostic& d = e.diagnostics()[0];
    EXPECT_EQ(d.code, "FILE_NOT_READABLE");
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(FormatDiagnostic(d), path + ": error[FILE_NOT_READABLE]: /: cannot read the file");
  }
  // A directory opens but cannot be read.
  EXPECT_THROW(LoadFile(STEPSIM_FIXTURES_DIR), DefinitionError);
}

TEST(LoaderTest, LoadFilePutsTheFileNameIntoDiagnostics) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "stepsim_loader_test_bad.json";
  {
    std::ofstream out(path);
    out << "{\"StartAt\": \"A\",\n \"States\": {\"A\": {\"Type\": \"Pass\", "
           "\"End\": true, \"Bad\": 1}}}";
  }
  try {
    LoadFile(path.string());
    FAIL() << "no DefinitionError";
  } catch (const DefinitionError& e) {
    ASSERT_THAT(e.diagnostics(), ::testing::Not(IsEmpty()));
    EXPECT_THAT(e.diagnostics(), ::testing::Each(Field(&Diagnostic::file, path.string())));
    EXPECT_EQ(e.diagnostics()[0].code, "SCHEMA_VALIDATION_FAILED");
    EXPECT_EQ(e.diagnostics()[0].pointer, "/States/A/Bad");
  }
  std::filesystem::remove(path);
}

TEST(LoaderTest, LoadsEveryDefinitionAwsAccepted) {
  // ASL: TOP-01 (every recorded definition was accepted by AWS)
  const std::filesystem::path cases = STEPSIM_SOURCE_DIR "/../shared/conformance/cases";
  if (!std::filesystem::is_directory(cases)) {
    GTEST_SKIP() << "no conformance cases at " << cases;
  }
  int loaded = 0;
  for (const auto& group : std::filesystem::directory_iterator(cases)) {
    if (!group.is_directory()) continue;
    for (const auto& c : std::filesystem::directory_iterator(group.path())) {
      const auto file = c.path() / "definition.asl.json";
      if (!std::filesystem::exists(file)) continue;
      try {
        const auto def = LoadFile(file.string());
        EXPECT_FALSE(def->AllStates().empty()) << file;
        ++loaded;
      } catch (const DefinitionError& e) {
        ADD_FAILURE() << e.what();
      }
    }
  }
  EXPECT_GT(loaded, 500);
}

}  // namespace
}  // namespace stepsim::asl
