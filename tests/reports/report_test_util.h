#pragma once

#include <gtest/gtest.h>
#include <stepsim/asl/loader.h>
#include <stepsim/report/coverage.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/mock_config.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace stepsim::report::testutil {

/// The order workflow as coverage files name it: relative to the source tree
/// so goldens do not depend on where the tree is checked out.
inline constexpr const char* kOrderFile = "fixtures/order-processing/definition.asl.json";

inline std::string SourcePath(const std::string& relative) {
  return std::string(STEPSIM_SOURCE_DIR) + "/" + relative;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

/// The order workflow's nine MockConfig test cases, in file order.
inline const std::vector<std::string>& OrderCases() {
  static const std::vector<std::string> cases =
      sim::MockConfig::LoadFile(STEPSIM_FIXTURES_DIR "/order-processing/mocks.json")
          .TestCaseNames("order-processing");
  return cases;
}

/// Runs `cases` of the order workflow's mock file with one collector, each
/// attributed to a test named after its case, and returns the coverage.
inline CoverageData CollectOrder(const std::vector<std::string>& cases,
                                 const std::string& file = kOrderFile) {
  const std::string text = ReadText(SourcePath(kOrderFile));
  asl::LoadOptions load;
  load.file = file;
  const auto definition = asl::Load(text, load);
  const auto mocks = std::make_shared<const sim::MockConfig>(
      sim::MockConfig::LoadFile(SourcePath("fixtures/order-processing/mocks.json")));
  const auto input =
      nlohmann::json::parse(ReadText(SourcePath("fixtures/order-processing/input.json")));
  CoverageCollector collector(definition, file, text);
  const sim::Interpreter interpreter(definition);
  for (const std::string& name : cases) {
    sim::MockTaskHandler handler(mocks, "order-processing", name);
    sim::Options options;
    options.task_handlers.push_back(&handler);
    options.listeners.push_back(&collector);
    collector.BeginTest("OrderMocks." + name);
    interpreter.Run(input, options);
  }
  return collector.Data();
}

/// A fresh directory under the test temp dir, named after the running test.
inline std::filesystem::path ScratchDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::path(::testing::TempDir()) /
             (std::string("stepsim_reports_") + info->test_suite_name() + "_" + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Compares `actual` with fixtures/coverage/<name>; STEPSIM_UPDATE_GOLDENS=1
/// rewrites the golden instead.
inline void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = SourcePath("fixtures/coverage/" + name);
  if (const char* update = std::getenv("STEPSIM_UPDATE_GOLDENS");
      update != nullptr && std::string(update) == "1") {
    WriteText(path, actual);
    return;
  }
  EXPECT_EQ(actual, ReadText(path))
      << "golden " << path << " differs (STEPSIM_UPDATE_GOLDENS=1 rewrites it)";
}

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string Quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Runs a shell command in `cwd`, capturing stdout and stderr.
inline ProcessResult RunShell(const std::string& command, const std::filesystem::path& scratch,
                              const std::string& cwd = STEPSIM_SOURCE_DIR) {
  const auto out = scratch / "cmd.out";
  const auto err = scratch / "cmd.err";
  const std::string line = "cd " + Quote(cwd) + " && " + command + " >" + Quote(out.string()) +
                           " 2>" + Quote(err.string());
  const int status = std::system(line.c_str());
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadText(out.string());
  r.err = ReadText(err.string());
  return r;
}

}  // namespace stepsim::report::testutil
