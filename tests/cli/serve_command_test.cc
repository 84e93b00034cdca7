// `stepsim serve`'s command line: what it refuses before serving. What it
// serves is tested with real clients in tests/serve (serve.* in ctest).
#include <gtest/gtest.h>

#include <string>

#include "cli_test_util.h"

namespace {

using Output = stepsim::cli::testutil::CliRun;
using stepsim::cli::testutil::WriteTempFile;

Output RunCli(const std::string& args, const std::string& env = "") {
  return stepsim::cli::testutil::RunStepsim(args, ::testing::TempDir(), env);
}

TEST(ServeCommandTest, HelpNamesEveryOption) {
  const Output o = RunCli("serve --help");
  EXPECT_EQ(o.exit_code, 0);
  for (const char* option : {"--host", "--port", "--mock-config", "--coverage-out", "--time-scale",
                             "--history-dialect", "SFN_MOCK_CONFIG"}) {
    EXPECT_NE(o.out.find(option), std::string::npos) << option;
  }
}

TEST(ServeCommandTest, RefusesABadPort) {
  const Output o = RunCli("serve --port 70000");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "stepsim serve: --port needs a port number 0-65535, got \"70000\"\n");
}

TEST(ServeCommandTest, RefusesANonPositiveTimeScale) {
  const Output o = RunCli("serve --time-scale 0");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "stepsim serve: --time-scale needs a positive number, got \"0\"\n");
}

TEST(ServeCommandTest, RefusesAnUnknownHistoryDialect) {
  const Output o = RunCli("serve --history-dialect java");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "stepsim serve: unknown history dialect \"java\" (expected aws or sfn-local)\n");
}

// ASL: MOCK-12 the mock file named by SFN_MOCK_CONFIG is loaded (and checked)
// before the server listens.
TEST(ServeCommandTest, ReportsABrokenMockFileFromTheEnvironment) {
  const std::string mocks = WriteTempFile("serve-broken-mocks.json", "{\"StateMachines\": 3}");
  const Output o = RunCli("serve --port 0", "SFN_MOCK_CONFIG=" + mocks);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find(mocks + ":1:19: error[MOCK_SCHEMA_INVALID]: /StateMachines:"),
            std::string::npos)
      << o.err;
  EXPECT_EQ(o.out, "");
}

}  // namespace
