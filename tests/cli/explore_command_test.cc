#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using ::testing::HasSubstr;

const std::string kFixtures = STEPSIM_FIXTURES_DIR;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path ScratchDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::path(::testing::TempDir()) /
             (std::string("stepsim_explore_") + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs `stepsim <command> <args>` in `cwd` (stderr is a file, not a terminal).
CliRun Cli(const std::string& command_and_args, const std::filesystem::path& cwd) {
  const std::string err_file = (cwd / "stderr.txt").string();
  const std::string command = "cd " + Quoted(cwd.string()) + " && " + Quoted(STEPSIM_CLI) + " " +
                              command_and_args + " 2>" + Quoted(err_file);
  CliRun result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.err = ReadFile(err_file);
  return result;
}

// Copies the order fixture into `dir` so that paths in the output are short
// and do not depend on where the tree is.
void CopyOrder(const std::filesystem::path& dir) {
  for (const char* file : {"definition.asl.json", "mocks.json", "input.json"}) {
    std::filesystem::copy_file(kFixtures + "/order-processing/" + file, dir / file);
  }
}

TEST(ExploreCommandTest, FindsTheUnguardedPathsShrunkAndWritesReplayableScenarios) {
  const auto dir = ScratchDir();
  CopyOrder(dir);
  const std::string args =
      "explore definition.asl.json --runs 100 --seed 7 --mock-config mocks.json --input "
      "input.json --allow-error PaymentGatewayTimeout --allow-error PaymentDeclined --out-dir "
      "found";
  const CliRun run = Cli(args, dir);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const std::string golden = kFixtures + "/scenarios/explore-order.golden";
  const char* update = std::getenv("STEPSIM_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(golden, std::ios::binary) << run.out;
  }
  EXPECT_EQ(run.out, ReadFile(golden));
  // Not a terminal: plain progress lines, one per tenth of the runs.
  EXPECT_THAT(run.err, HasSubstr("explored 10/100 runs, "));
  EXPECT_THAT(run.err, HasSubstr("explored 100/100 runs, 4 findings\n"));
  EXPECT_EQ(run.err.find('\r'), std::string::npos);

  // Same seed, same output.
  EXPECT_EQ(Cli(args, dir).out, run.out);

  // Every replay command it printed passes and reproduces the run.
  for (int i = 1; i <= 4; ++i) {
    const std::string file = "found/finding-" + std::to_string(i) + ".scenarios.json";
    EXPECT_THAT(run.out, HasSubstr("  replay: stepsim test " + file + "\n"));
    const CliRun replay = Cli("test " + file, dir);
    EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
    EXPECT_THAT(replay.out, HasSubstr("[       OK ] finding-" + std::to_string(i)));
  }
}

TEST(ExploreCommandTest, NothingFoundExitsZero) {
  const auto dir = ScratchDir();
  CopyOrder(dir);
  const CliRun run =
      Cli("explore definition.asl.json --runs 50 --seed 3 --mock-config mocks.json "
          "--allow-error PaymentGatewayTimeout --allow-error States.TaskFailed --allow-error "
          "States.Timeout --allow-error Stepsim.UnhandledError --allow-error States.Runtime "
          "--invariant 'status==SUCCEEDED|FAILED' --invariant 'elapsed<=60'",
          dir);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "stepsim explore: 50 runs of definition.asl.json, seed 3\n"
            "\n"
            "no findings in 50 runs (seed 3)\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "stepsim-findings"));
}

TEST(ExploreCommandTest, ABrokenInvariantIsReportedWithItsShortestScript) {
  const auto dir = ScratchDir();
  CopyOrder(dir);
  const CliRun run =
      Cli("explore definition.asl.json --runs 40 --mock-config mocks.json --allow-error "
          "PaymentGatewayTimeout --allow-error States.TaskFailed --allow-error States.Timeout "
          "--allow-error Stepsim.UnhandledError --allow-error States.Runtime "
          "--invariant never:InventoryErrorState",
          dir);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.out, HasSubstr("finding 1: invariant never:InventoryErrorState broken: entered "
                                 "\"InventoryErrorState\"\n"));
  EXPECT_THAT(run.out, HasSubstr("  script: {\"CheckInventory\":[{\"Throw\":{\"Cause\":"
                                 "\"generated by stepsim\",\"Error\":\"States.TaskFailed\"}}]}\n"));
  EXPECT_THAT(run.out,
              HasSubstr("  replay: stepsim test stepsim-findings/finding-1.scenarios.json\n"));
}

TEST(ExploreCommandTest, BadUsageExitsTwo) {
  const auto dir = ScratchDir();
  CopyOrder(dir);
  std::ofstream(dir / "shape.json") << R"({"amount": {"number": [5, 1]}})";
  struct Case {
    std::string args;
    std::string err;
  };
  const Case cases[] = {
      {"explore", "stepsim explore: missing DEFINITION\n"},
      {"explore definition.asl.json --runs 0",
       "stepsim explore: --runs needs an integer from 1 to 100000000, got \"0\"\n"},
      {"explore definition.asl.json --seed -4",
       "stepsim explore: --seed needs a non-negative integer, got \"-4\"\n"},
      {"explore definition.asl.json --invariant status==DONE",
       "stepsim explore: invariant \"status==DONE\": unknown status \"DONE\" (expected "
       "SUCCEEDED, FAILED, TIMED_OUT or ABORTED)\n"},
      {"explore definition.asl.json --input input.json --input-shape shape.json",
       "stepsim explore: give either --input or --input-shape, not both\n"},
      {"explore definition.asl.json --input-shape shape.json",
       "shape.json: error[SHAPE_INVALID]: /amount/number: lo must not exceed hi, got [5,1]\n"},
      {"explore missing.asl.json",
       "missing.asl.json: error[FILE_NOT_READABLE]: /: cannot read the file\n"},
  };
  for (const Case& c : cases) {
    const CliRun run = Cli(c.args, dir);
    EXPECT_EQ(run.exit_code, 2) << c.args;
    if (c.args == "explore") {
      EXPECT_THAT(run.err, HasSubstr(c.err)) << c.args;
    } else {
      EXPECT_EQ(run.err, c.err) << c.args;
    }
  }
}

}  // namespace

namespace {

TEST(ExploreCommandTest, CoverageOutCountsTheGeneratedRuns) {
  const auto dir = ScratchDir();
  CopyOrder(dir);
  const CliRun run =
      Cli("explore definition.asl.json --runs 30 --seed 5 --mock-config mocks.json "
          "--coverage-out coverage.json",
          dir);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const std::string text = ReadFile(dir / "coverage.json");
  ASSERT_NE(text.find("\"executions\": 30,"), std::string::npos) << text.substr(0, 400);
  EXPECT_NE(text.find("\"explore --seed 5\""), std::string::npos);
}

}  // namespace
