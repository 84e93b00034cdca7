#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli_test_util.h"

namespace {

using namespace stepsim::cli::testutil;  // NOLINT(google-build-using-namespace)

// Runs `stepsim graph <args>` from the source tree's root, so that fixture
// paths print as "fixtures/...".
CliRun RunCli(const std::string& args) { return RunStepsim("graph " + args, STEPSIM_SOURCE_DIR); }

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

const std::string kOrder = "fixtures/order-processing/definition.asl.json";

TEST(GraphCommandTest, DotIsTheDefaultAndMatchesTheRenderGolden) {
  const CliRun run = RunCli(kOrder + " --title order-processing");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, ReadFile(std::string(STEPSIM_FIXTURES_DIR) + "/lint/render/order.dot"));
  EXPECT_EQ(run.err, "");
}

TEST(GraphCommandTest, MermaidFormat) {
  const CliRun run = RunCli(kOrder + " --format mermaid");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, ReadFile(std::string(STEPSIM_FIXTURES_DIR) + "/lint/render/order.mmd"));
}

TEST(GraphCommandTest, OutputFileIsValidGraphviz) {
  const auto file = std::filesystem::path(::testing::TempDir()) / "stepsim_graph_cli_order.dot";
  std::filesystem::remove(file);
  const CliRun run = RunCli(kOrder + " --format=dot -o " + Quoted(file.string()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  const std::string dot = ReadFile(file);
  EXPECT_THAT(dot, StartsWith("digraph workflow {\n"));
  EXPECT_THAT(dot, HasSubstr("s2 -> s2 [label=\"Retry 0 x2 [PaymentGatewayTimeout]\""));
  if (std::system("dot -V >/dev/null 2>&1") == 0) {
    const std::string svg = file.string() + ".svg";
    EXPECT_EQ(std::system(("dot -Tsvg " + Quoted(file.string()) + " -o " + Quoted(svg)).c_str()),
              0);
    EXPECT_THAT(ReadFile(svg), HasSubstr("<svg"));
  }
}

TEST(GraphCommandTest, NestedScopesBecomeClusters) {
  const CliRun run = RunCli("fixtures/lint/nested.asl.json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("subgraph cluster_1 {\n    label=\"Fan branch 0\";"));
  EXPECT_THAT(run.out, HasSubstr("subgraph cluster_2 {\n    label=\"Each item processor\";"));
}

TEST(GraphCommandTest, BadUsageUnloadableOrUnwritableExitTwo) {
  CliRun run = RunCli(kOrder + " --format png");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "stepsim graph: unknown format \"png\" (expected dot or mermaid)\n");
  run = RunCli("");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, StartsWith("stepsim graph: missing DEFINITION\n"));
  run = RunCli(kOrder + " -o");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "stepsim graph: -o needs a value\n");
  run = RunCli(kOrder + " -o /nonexistent-dir/x.dot");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "/nonexistent-dir/x.dot: error[FILE_NOT_WRITABLE]: /: cannot write the file\n");
  run = RunCli("fixtures/invalid/assign-invalid-variable-name.asl.json");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("error[SCHEMA_VALIDATION_FAILED]"));
}

TEST(GraphCommandTest, CoverageColoursWhatARunTookGreenAndTheRestRed) {
  const std::string coverage =
      (std::filesystem::path(::testing::TempDir()) / "stepsim_graph_happy_coverage.json").string();
  const std::filesystem::path root = std::filesystem::path(STEPSIM_FIXTURES_DIR).parent_path();
  ASSERT_EQ(RunStepsim("run " + kOrder +
                           " --mock-config fixtures/order-processing/mocks.json --test-case "
                           "HappyPath --coverage-out " +
                           Quoted(coverage),
                       root)
                .exit_code,
            0);

  CliRun run = RunCli(kOrder + " --coverage " + Quoted(coverage));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("tooltip=\"ProcessPayment (Task), hits: 1\""));
  EXPECT_THAT(run.out, HasSubstr("s1 -> s2 [label=\"rule 0\", color=\"#1e8449\""));
  EXPECT_THAT(run.out, HasSubstr("s1 -> s4 [label=\"Default\", color=\"#c0392b\""));
  run = RunCli(kOrder + " --format mermaid --coverage " + Quoted(coverage));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("classDef"));

  // A coverage file of another definition has nothing to colour this one with.
  run = RunCli("fixtures/lint/nested.asl.json --coverage " + Quoted(coverage));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("error[COVERAGE_NOT_FOUND]: /definitions: no coverage of "
                                 "fixtures/lint/nested.asl.json (sha256:"));
}

}  // namespace
