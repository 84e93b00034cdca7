#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/analysis/lint.h>
#include <stepsim/asl/loader.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace stepsim::analysis {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Lints fixtures/<relative> and returns the CLI's lines, naming the file as
// "fixtures/<relative>" so goldens do not depend on the checkout's location.
std::vector<std::string> LintFixture(const std::string& relative) {
  asl::LoadOptions options;
  options.file = "fixtures/" + relative;
  const auto definition =
      asl::Load(ReadFile(std::string(STEPSIM_FIXTURES_DIR) + "/" + relative), options);
  const Graph graph = Graph::Build(*definition);
  std::vector<std::string> lines;
  for (const asl::Diagnostic& d : Lint(graph)) lines.push_back(asl::FormatDiagnostic(d));
  return lines;
}

std::vector<std::string> LintText(const std::string& text) {
  const auto definition = asl::Load(text);
  const Graph graph = Graph::Build(*definition);
  std::vector<std::string> lines;
  for (const asl::Diagnostic& d : Lint(graph)) lines.push_back(asl::FormatDiagnostic(d));
  return lines;
}

void ExpectGolden(const std::string& name) {
  std::string actual;
  for (const std::string& line : LintFixture("lint/" + name + ".asl.json")) actual += line + "\n";
  const std::string golden = std::string(STEPSIM_FIXTURES_DIR) + "/lint/" + name + ".lint.golden";
  if (std::getenv("STEPSIM_UPDATE_GOLDENS") != nullptr) {
    std::ofstream(golden, std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, ReadFile(golden))
      << "golden " << golden << " (STEPSIM_UPDATE_GOLDENS=1 rewrites it)";
}

TEST(LintTest, OrderWorkflowReportsExactlyItsUncaughtErrors) {
  EXPECT_THAT(
      LintFixture("order-processing/definition.asl.json"),
      ElementsAre(
          "fixtures/order-processing/definition.asl.json:16:23: warning[UNCAUGHT_ERROR]: "
          "/States/ProcessPayment: errors leave task state \"ProcessPayment\" uncaught and fail "
          "the execution: any other error; PaymentGatewayTimeout once retrier 0 is exhausted (2 "
          "retries)",
          "fixtures/order-processing/definition.asl.json:22:28: warning[UNCAUGHT_ERROR]: "
          "/States/CreateShippingLabel: any error raised by task state \"CreateShippingLabel\" is "
          "uncaught and will fail the execution (no Catch)",
          "fixtures/order-processing/definition.asl.json:33:28: warning[UNCAUGHT_ERROR]: "
          "/States/NotifyUserOfFailure: any error raised by task state \"NotifyUserOfFailure\" is "
          "uncaught and will fail the execution (no Catch)"));
}

TEST(LintTest, ShadowedHandlersUnreachableStateChoiceWithoutDefaultAndLongRetry) {
  // ASL: RTY-01, CAT-02, CHO-11, RTY-05 (61380 s = 60 s x (2^10 - 1))
  ExpectGolden("handlers");
}

TEST(LintTest, LoopsWithoutExitOrWithUnchangingExitsAndDeadEnds) { ExpectGolden("loops"); }

TEST(LintTest, NestedErrorsCountOnlyWhenNoEnclosingStateCatchesThem) { ExpectGolden("nested"); }

TEST(LintTest, FindingsCarryCodesSeveritiesAndPositions) {
  asl::LoadOptions options;
  options.file = "handlers.asl.json";
  const auto definition =
      asl::Load(ReadFile(std::string(STEPSIM_FIXTURES_DIR) + "/lint/handlers.asl.json"), options);
  const Graph graph = Graph::Build(*definition);
  std::vector<std::string> codes;
  for (const asl::Diagnostic& d : Lint(graph)) {
    codes.push_back(d.code + (d.severity == asl::Severity::kInfo ? " info" : " warning") + " " +
                    d.pointer);
    EXPECT_EQ(d.file, "handlers.asl.json");
    EXPECT_GT(d.position.line, 0);
  }
  EXPECT_THAT(codes, ElementsAre("SHADOWED_RETRIER warning /States/Charge/Retry/1",
                                 "LONG_RETRY_TOTAL info /States/Charge/Retry/2",
                                 "SHADOWED_CATCHER warning /States/Charge/Catch/1",
                                 "SHADOWED_CATCHER warning /States/Charge/Catch/2",
                                 "CHOICE_WITHOUT_DEFAULT warning /States/Route",
                                 "UNREACHABLE_STATE warning /States/Apologise"));
  LintOptions lenient;
  lenient.long_retry_seconds = 1e9;
  EXPECT_EQ(Lint(graph, lenient).size(), 5U);
}

TEST(LintTest, UncatchableRuntimeErrorLeavesItsCatcherUnreachable) {
  // ASL: ERR-04 (States.Runtime is never caught)
  EXPECT_THAT(LintText(R"({
    "StartAt": "Work",
    "States": {
      "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:w",
               "Catch": [{"ErrorEquals": ["States.Runtime"], "Next": "Never"},
                         {"ErrorEquals": ["States.ALL"], "Next": "Done"}],
               "Next": "Done"},
      "Never": {"Type": "Pass", "Next": "Done"},
      "Done": {"Type": "Succeed"}
    }
  })"),
              ElementsAre("8:16: warning[UNREACHABLE_STATE]: /States/Never: state \"Never\" is "
                          "never entered: no transition that can be taken leads to it"));
}

TEST(LintTest, CleanDefinitionHasNoFindings) {
  EXPECT_THAT(LintText(R"({
    "StartAt": "Charge",
    "States": {
      "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:c",
                 "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 3},
                           {"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
                 "Next": "Done"},
      "Failed": {"Type": "Fail", "Error": "ChargeFailed"},
      "Done": {"Type": "Succeed"}
    }
  })"),
              IsEmpty());
}

TEST(LintTest, LoopThatChangesItsDataIsNotFlagged) {
  // The Task in the loop can change $.done, and the loop can fail uncaught.
  EXPECT_THAT(LintText(R"({
    "StartAt": "Pause",
    "States": {
      "Pause": {"Type": "Wait", "Seconds": 5, "Next": "Check"},
      "Check": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:check",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "Next": "IsDone"},
      "IsDone": {"Type": "Choice",
                 "Choices": [{"Variable": "$.done", "BooleanEquals": true, "Next": "Done"}],
                 "Default": "Pause"},
      "Done": {"Type": "Succeed"}
    }
  })"),
              IsEmpty());
  // A rule reading the Context object sees a new EnteredTime each time round.
  EXPECT_THAT(LintText(R"({
    "StartAt": "Pause",
    "States": {
      "Pause": {"Type": "Wait", "Seconds": 5, "Next": "IsLate"},
      "IsLate": {"Type": "Choice",
                 "Choices": [{"Variable": "$$.State.EnteredTime",
                              "TimestampGreaterThanPath": "$.deadline", "Next": "Done"}],
                 "Default": "Pause"},
      "Done": {"Type": "Succeed"}
    }
  })"),
              IsEmpty());
}

TEST(LintTest, HeartbeatTimeoutIsNotShadowedByTaskFailed) {
  // ASL: ERR-03, CAT-02
  // States.TaskFailed does not match States.Timeout, so the second catcher
  // fires for timeouts; a third naming Timeout again never does.
  EXPECT_THAT(
      LintText(R"({
    "StartAt": "T",
    "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:t",
            "TimeoutSeconds": 10, "HeartbeatSeconds": 5,
            "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Done"},
                      {"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "Done"},
                      {"ErrorEquals": ["States.Timeout"], "Next": "Done"},
                      {"ErrorEquals": ["States.Timeout"], "Next": "Done"}],
            "End": true},
      "Done": {"Type": "Succeed"}
    }
  })"),
      ElementsAre("9:23: warning[SHADOWED_CATCHER]: /States/T/Catch/3: catcher 3 never fires: "
                  "catcher 2 matches every error it names"));
}

}  // namespace
}  // namespace stepsim::analysis
