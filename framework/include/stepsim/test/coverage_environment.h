#pragma once

#include <gtest/gtest.h>
#include <stepsim/asl/definition.h>
#include <stepsim/report/coverage.h>
#include <stepsim/sim/listener.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace stepsim::test {

/// Collects workflow coverage over a whole GoogleTest binary and writes one
/// coverage file ("stepsim-coverage/1", reports/COVERAGE.md) when the tests
/// end. Every hit is attributed to the running test, named `Suite.Name`.
///
/// The output file comes from the flag `--stepsim_coverage_out=FILE` (or
/// `--stepsim_coverage_out FILE`) on the test binary's command line, else from
/// the environment variable `STEPSIM_COVERAGE_OUT`; with neither, coverage is
/// collected but not written.
///
/// Using it is one call per harness:
///
///     auto harness = Harness::FromFile(path);
///     harness.AddListener(CoverageEnvironment::CollectorFor(harness.shared_definition()));
///
/// Linking the first use registers the environment with GoogleTest (a global
/// initializer calls ::testing::AddGlobalTestEnvironment and appends the
/// per-test listener), so `gtest_main` works unchanged. A custom `main` may
/// call Install() instead, which also removes the flag from argv.
class CoverageEnvironment : public ::testing::Environment {
 public:
  /// The process-wide environment (registered with GoogleTest on first use).
  static CoverageEnvironment& Instance();

  /// Registers the environment if needed, takes the output path from
  /// `--stepsim_coverage_out` (removing it from argv) or
  /// STEPSIM_COVERAGE_OUT, and returns the environment. Call before
  /// RUN_ALL_TESTS.
  static CoverageEnvironment& Install(int* argc, char** argv);

  /// The listener to add to the runs of `definition` (Harness::AddListener,
  /// sim::Options::listeners). One collector per definition object, kept
  /// alive by the environment; coverage of definitions with the same file
  /// and text is merged when written. `file` names the definition in the
  /// coverage file; "" uses definition->file(). Its text (for the digest) is
  /// read from that file when it exists, so these files merge with
  /// `stepsim run/test --coverage-out` ones.
  static sim::ExecutionListener* CollectorFor(
      const std::shared_ptr<const asl::Definition>& definition, const std::string& file = "");

  /// Sets the file written at the end ("" writes none), overriding the flag
  /// and environment variable.
  void SetOutputPath(std::string path);
  /// The file written at the end; "" when none.
  [[nodiscard]] const std::string& output_path() const { return output_path_; }

  /// Everything collected so far, merged.
  [[nodiscard]] report::CoverageData Data() const;

  /// Attributes the following hits to `test` ("" = none). The per-test
  /// listener calls it on each test's start and end.
  void BeginTest(const std::string& test);

  /// Reads the output path from the command line and environment (unless
  /// SetOutputPath or Install chose one).
  void SetUp() override;
  /// Writes the coverage file; a file that cannot be written is a test
  /// failure naming it.
  void TearDown() override;

 private:
  CoverageEnvironment() = default;
  friend struct CoverageRegistration;

  mutable std::mutex mutex_;
  std::map<const asl::Definition*, std::unique_ptr<report::CoverageCollector>> collectors_;
  std::vector<std::shared_ptr<const asl::Definition>> keep_alive_;
  std::string current_test_;
  std::string output_path_;
  bool output_path_chosen_ = false;
};

}  // namespace stepsim::test
