#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/asl/diagnostic.h>

#include <sstream>
#include <string>
#include <vector>

namespace stepsim::asl {
namespace {

Diagnostic MakeDiagnostic() {
  Diagnostic d;
  d.pointer = "/States/Charge/Retry/0/IntervalSeconds";
  d.code = "SCHEMA_VALIDATION_FAILED";
  d.message = "must be a positive integer, got -1";
  d.file = "order.asl.json";
  d.position = {14, 9};
  return d;
}

TEST(DiagnosticTest, FormatsTheCliLine) {
  // ASL: VAL-01
  EXPECT_EQ(FormatDiagnostic(MakeDiagnostic()),
            "order.asl.json:14:9: error[SCHEMA_VALIDATION_FAILED]: "
            "/States/Charge/Retry/0/IntervalSeconds: must be a positive "
            "integer, got -1");
}

TEST(DiagnosticTest, FormatsWarningsAndTheRootPointer) {
  // ASL: VAL-01, VAL-03
  Diagnostic d;
  d.code = "MISSING_END_STATE";
  d.severity = Severity::kWarning;
  d.message = "no terminal state";
  d.file = "wf.json";
  d.position = {1, 1};
  EXPECT_EQ(FormatDiagnostic(d), "wf.json:1:1: warning[MISSING_END_STATE]: /: no terminal state");
}

TEST(DiagnosticTest, OmitsUnknownFileAndPosition) {
  Diagnostic d = MakeDiagnostic();
  d.file.clear();
  EXPECT_EQ(FormatDiagnostic(d),
            "14:9: error[SCHEMA_VALIDATION_FAILED]: "
            "/States/Charge/Retry/0/IntervalSeconds: must be a positive "
            "integer, got -1");
  d.position = {};
  EXPECT_EQ(FormatDiagnostic(d),
            "error[SCHEMA_VALIDATION_FAILED]: "
            "/States/Charge/Retry/0/IntervalSeconds: must be a positive "
            "integer, got -1");
  d.file = "a.json";
  EXPECT_EQ(FormatDiagnostic(d),
            "a.json: error[SCHEMA_VALIDATION_FAILED]: "
            "/States/Charge/Retry/0/IntervalSeconds: must be a positive "
            "integer, got -1");
}

TEST(DiagnosticTest, AwsLocationWritesArrayIndicesInBrackets) {
  // ASL: VAL-01, ST-05
  EXPECT_EQ(AwsLocation("/States/A/Retry/0/X"), "/States/A/Retry[0]/X");
  EXPECT_EQ(AwsLocation("/States/C/Choices/0/Next"), "/States/C/Choices[0]/Next");
  EXPECT_EQ(AwsLocation("/States/T/Catch/12/Next"), "/States/T/Catch[12]/Next");
  EXPECT_EQ(AwsLocation("/States/P/Branches/1/States/B/Retry/0/ErrorEquals/2"),
            "/States/P/Branches[1]/States/B/Retry[0]/ErrorEquals[2]");
  EXPECT_EQ(AwsLocation("/States/A/Next"), "/States/A/Next");
  EXPECT_EQ(AwsLocation(""), "");
}

TEST(DiagnosticTest, AwsLocationKeepsNumericStateNamesAndUnescapes) {
  // A state named "7" is a member of States, not an array element.
  EXPECT_EQ(AwsLocation("/States/7/Next"), "/States/7/Next");
  EXPECT_EQ(AwsLocation("/States/a~1b/Catch/0"), "/States/a/b/Catch[0]");
  EXPECT_EQ(AwsLocation("/States/t~0x"), "/States/t~x");
}

TEST(DiagnosticTest, HasErrorsIgnoresWarnings) {
  // ASL: VAL-01
  Diagnostic warning = MakeDiagnostic();
  warning.severity = Severity::kWarning;
  EXPECT_FALSE(HasErrors({}));
  EXPECT_FALSE(HasErrors({warning}));
  EXPECT_TRUE(HasErrors({warning, MakeDiagnostic()}));
}

TEST(DiagnosticTest, ToJsonUsesAwsSeverityAndLocation) {
  // ASL: VAL-01
  const nlohmann::json j = MakeDiagnostic();
  EXPECT_EQ(j, nlohmann::json::parse(R"({
    "severity": "ERROR",
    "code": "SCHEMA_VALIDATION_FAILED",
    "message": "must be a positive integer, got -1",
    "location": "/States/Charge/Retry[0]/IntervalSeconds",
    "line": 14,
    "column": 9,
    "pointer": "/States/Charge/Retry/0/IntervalSeconds"
  })"));
  Diagnostic warning = MakeDiagnostic();
  warning.severity = Severity::kWarning;
  EXPECT_EQ(nlohmann::json(warning)["severity"], "WARNING");
}

TEST(DiagnosticTest, PrintToWritesTheFormattedLine) {
  std::ostringstream os;
  PrintTo(MakeDiagnostic(), &os);
  EXPECT_EQ(os.str(), FormatDiagnostic(MakeDiagnostic()));
}

TEST(DiagnosticTest, DefinitionErrorHoldsEveryDiagnostic) {
  // ASL: VAL-04
  Diagnostic second = MakeDiagnostic();
  second.code = "MISSING_TRANSITION_TARGET";
  second.pointer = "/States/Ship/Next";
  second.message = "no state named \"Shipp\"";
  second.position = {22, 17};
  const DefinitionError error({MakeDiagnostic(), second});
  EXPECT_THAT(error.diagnostics(), ::testing::ElementsAre(MakeDiagnostic(), second));
  EXPECT_EQ(std::string(error.what()),
            "order.asl.json:14:9: error[SCHEMA_VALIDATION_FAILED]: "
            "/States/Charge/Retry/0/IntervalSeconds: must be a positive "
            "integer, got -1\n"
            "order.asl.json:22:17: error[MISSING_TRANSITION_TARGET]: "
            "/States/Ship/Next: no state named \"Shipp\"");
}

}  // namespace
}  // namespace stepsim::asl
