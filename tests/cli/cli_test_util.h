#pragma once

// Plumbing shared by the CLI tests: they run the built `stepsim` as a user
// does (STEPSIM_CLI) and look at what it prints and how it exits.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace stepsim::cli::testutil {

/// What one `stepsim` process did: its exit code (128 + signal when killed,
/// -1 when it could not be started), its stdout and its stderr.
struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// `s` single-quoted for /bin/sh.
inline std::string Quoted(const std::string& s) {
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

/// The bytes of `path` ("" when it cannot be read).
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Writes `text` to `path` (creating its parent directories) and returns the path.
inline std::string WriteFile(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

/// Writes `text` to `<TempDir>/<name>` and returns that path.
inline std::string WriteTempFile(const std::string& name, const std::string& text) {
  return WriteFile(std::filesystem::path(::testing::TempDir()) / name, text);
}

/// An empty directory `<TempDir>/<prefix><test name>` for the current test;
/// every call wipes what an earlier call of the same test left there.
inline std::filesystem::path ScratchDir(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::path(::testing::TempDir()) / (prefix + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Runs the shell `command` in `cwd`. Stdout is a pipe and stderr a file
/// (never a terminal); the stderr file is per test, outside `cwd`, so it never
/// shows in what a test lists or wipes.
inline CliRun RunShell(const std::string& command, const std::filesystem::path& cwd) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string err_file =
      (std::filesystem::path(::testing::TempDir()) /
       (std::string("stepsim_cli_stderr_") + info->test_suite_name() + "_" + info->name() + ".txt"))
          .string();
  const std::string line =
      "cd " + Quoted(cwd.string()) + " && " + command + " 2>" + Quoted(err_file);
  CliRun result;
  FILE* pipe = popen(line.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.out.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.err = ReadFile(err_file);
  return result;
}

/// Runs `stepsim <args>` (args are shell words, quoted by the caller) in
/// `cwd`, with `env` ("NAME=value ...") set and SFN_MOCK_CONFIG unset unless
/// `env` sets it, as RunShell does.
inline CliRun RunStepsim(const std::string& args, const std::filesystem::path& cwd,
                         const std::string& env = "") {
  return RunShell("env -u SFN_MOCK_CONFIG " + env + " " + Quoted(STEPSIM_CLI) + " " + args, cwd);
}

}  // namespace stepsim::cli::testutil
