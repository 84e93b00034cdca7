// Runs the built `stepsim eval` as a user does and checks what it prints and
// how it exits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cli_test_util.h"

namespace {

using Output = stepsim::cli::testutil::CliRun;
using stepsim::cli::testutil::Quoted;
using stepsim::cli::testutil::WriteTempFile;

Output RunCli(const std::string& args) {
  return stepsim::cli::testutil::RunStepsim(args, ::testing::TempDir());
}

// ASL: JSONATA-01, JSONATA-04
TEST(EvalCommandTest, JsonataSeesInputAndVariables) {
  const Output o = RunCli("eval --jsonata " + Quoted("$sum($states.input.items.price) * $rate") +
                          " --input-json " + Quoted(R"({"items":[{"price":2},{"price":3}]})") +
                          " --variables " + Quoted(R"({"rate":10})"));
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, "50\n");
}

// ASL: JSONATA-02
TEST(EvalCommandTest, JsonataErrorPrintsItsCodeAndExits1) {
  const Output o = RunCli("eval --jsonata " + Quoted("$states.input.a + 'x'") + " --input-json " +
                          Quoted(R"({"a":1})"));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out,
            "error[States.QueryEvaluationError]: The JSONata expression '$states.input.a + 'x'' "
            "specified for the field 'Output' threw an error during evaluation. T2002: The right "
            "side of the \"+\" operator must evaluate to a number\n");
}

// ASL: JSONATA-03
TEST(EvalCommandTest, SyntaxErrorExits2) {
  const Output o = RunCli("eval --jsonata " + Quoted("(1"));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err,
            "stepsim eval: error[SYNTAX_ERROR]: S0203: Expected \")\" before end of expression\n");
}

// ASL: JSONATA-04
TEST(EvalCommandTest, ContextFileFeedsStatesContext) {
  const std::string context = WriteTempFile(
      "eval_context.json",
      R"({"Execution":{"Name":"ex1"},"State":{"EnteredTime":"2025-01-01T00:00:00Z"}})");
  const Output o =
      RunCli("eval --jsonata " + Quoted("$states.context.Execution.Name & ' ' & $now()") +
             " --context " + Quoted(context));
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, "\"ex1 2025-01-01T00:00:00.000Z\"\n");
}

// ASL: PATH-01, IO-08
TEST(EvalCommandTest, JsonPathSelectsOrFailsLikeAState) {
  const Output hit = RunCli("eval --jsonpath " + Quoted("$.items[?(@.price > 2)].price") +
                            " --input-json " + Quoted(R"({"items":[{"price":2},{"price":3}]})"));
  EXPECT_EQ(hit.exit_code, 0) << hit.err;
  EXPECT_EQ(hit.out, "[\n  3\n]\n");
  const Output miss = RunCli("eval --jsonpath " + Quoted("$.nope") + " --input-json '{}'");
  EXPECT_EQ(miss.exit_code, 1);
  EXPECT_EQ(miss.out,
            "error[States.Runtime]: Invalid path '$.nope' : No results for path: $['nope']\n");
}

// ASL: INT-01, PT-01
TEST(EvalCommandTest, IntrinsicsAndTemplates) {
  const Output call = RunCli("eval --intrinsic " + Quoted("States.Format('Hello, {}', $.name)") +
                             " --input-json " + Quoted(R"({"name":"Ada"})"));
  EXPECT_EQ(call.exit_code, 0) << call.err;
  EXPECT_EQ(call.out, "\"Hello, Ada\"\n");
  const Output tmpl =
      RunCli("eval --template " +
             Quoted(R"j({"count.$": "States.ArrayLength($.prices)", "currency": "EUR"})j") +
             " --input-json " + Quoted(R"({"prices":[1,2,3]})") + " --format json");
  EXPECT_EQ(tmpl.exit_code, 0) << tmpl.err;
  EXPECT_EQ(tmpl.out, "{\n  \"value\": {\n    \"count\": 3,\n    \"currency\": \"EUR\"\n  }\n}\n");
}

}  // namespace
