// Tests of stepsim::test::CoverageEnvironment (owned by the coverage work).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/test/coverage_environment.h>
#include <stepsim/test/harness.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "framework_test_util.h"

namespace {

using ::stepsim::report::CoverageData;
using ::stepsim::report::DefinitionCoverage;
using ::stepsim::report::ObligationCoverage;
using ::stepsim::test::CoverageEnvironment;
using ::stepsim::test::Harness;
using ::stepsim::test::kOrder;
using ::stepsim::test::kOrderMocks;
using ::testing::Contains;
using ::testing::ElementsAre;

const ObligationCoverage* Find(const CoverageData& data, const std::string& id) {
  for (const DefinitionCoverage& d : data.definitions) {
    if (d.file != kOrder) continue;
    for (const ObligationCoverage& o : d.obligations) {
      if (o.id == id) return &o;
    }
  }
  return nullptr;
}

Harness CoveredHarness(const std::string& test_case) {
  Harness harness = Harness::FromFile(kOrder);
  harness.AddListener(CoverageEnvironment::CollectorFor(harness.shared_definition()));
  harness.UseMockConfig(kOrderMocks, "order-processing", test_case);
  return harness;
}

TEST(CoverageEnvironmentTest, GivesOneCollectorPerDefinition) {
  const Harness a = Harness::FromFile(kOrder);
  const Harness b = Harness::FromFile(kOrder);
  EXPECT_EQ(CoverageEnvironment::CollectorFor(a.shared_definition()),
            CoverageEnvironment::CollectorFor(a.shared_definition()));
  EXPECT_NE(CoverageEnvironment::CollectorFor(a.shared_definition()),
            CoverageEnvironment::CollectorFor(b.shared_definition()));
  EXPECT_THROW(CoverageEnvironment::CollectorFor(nullptr), stepsim::UsageError);
}

TEST(CoverageEnvironmentTest, AttributesHitsToTheRunningTest) {
  CoveredHarness("InventoryCheckError").Run();
  const CoverageData data = CoverageEnvironment::Instance().Data();
  const ObligationCoverage* caught = Find(data, "catch:CheckInventory#0");
  ASSERT_NE(caught, nullptr);
  EXPECT_THAT(caught->tests, Contains("CoverageEnvironmentTest.AttributesHitsToTheRunningTest"));
  // The same text read by `stepsim run --coverage-out` gives the same digest.
  std::ifstream in(kOrder, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const DefinitionCoverage& d : data.definitions) {
    if (d.file == kOrder) {
      EXPECT_EQ(d.digest, stepsim::report::Sha256Digest(text));
    }
  }
}

// Runs every MockConfig test case of the order workflow, each in its own
// test; the test below runs this binary on them with the flag.
class OrderCoverageCase : public ::testing::TestWithParam<const char*> {};

TEST_P(OrderCoverageCase, Runs) { CoveredHarness(GetParam()).Run(); }

INSTANTIATE_TEST_SUITE_P(Mocks, OrderCoverageCase,
                         ::testing::Values("HappyPath", "InventoryUnavailable",
                                           "InventoryCheckError", "NotificationFails",
                                           "PaymentRetriedThenSucceeds", "PaymentRetriesExhausted",
                                           "PaymentDeclined", "ShippingFails",
                                           "MissingInventoryStatus"));

int RunSelf(const std::string& arguments, const std::string& environment = "") {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string command = environment + " '" + self + "' " + arguments + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(CoverageEnvironmentTest, WritesTheFileAtExitFromTheFlagOrTheVariable) {
  if (std::getenv("STEPSIM_COVERAGE_ENV_CHILD") != nullptr) GTEST_SKIP() << "in the child";
  const auto dir = std::filesystem::path(::testing::TempDir()) / "stepsim_coverage_environment";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string flag_file = (dir / "flag.json").string();
  ASSERT_EQ(
      RunSelf("--gtest_filter='Mocks/OrderCoverageCase.*' --stepsim_coverage_out=" + flag_file,
              "STEPSIM_COVERAGE_ENV_CHILD=1"),
      0);
  const CoverageData data = stepsim::report::ReadCoverageFile(flag_file);
  ASSERT_EQ(data.definitions.size(), 1U);
  const DefinitionCoverage& d = data.definitions[0];
  EXPECT_EQ(d.executions, 9);
  EXPECT_EQ(d.tests.size(), 9U);
  EXPECT_THAT(d.tests, Contains("Mocks/OrderCoverageCase.Runs/0"));
  for (const ObligationCoverage& o : d.obligations) EXPECT_GT(o.hits, 0) << o.id;
  const ObligationCoverage* exhausted = Find(data, "retry:ProcessPayment#0:exhausted");
  ASSERT_NE(exhausted, nullptr);
  EXPECT_THAT(exhausted->tests, ElementsAre("Mocks/OrderCoverageCase.Runs/5"));

  const std::string env_file = (dir / "env.json").string();
  ASSERT_EQ(RunSelf("--gtest_filter='Mocks/OrderCoverageCase.Runs/0'",
                    "STEPSIM_COVERAGE_ENV_CHILD=1 STEPSIM_COVERAGE_OUT='" + env_file + "'"),
            0);
  const CoverageData one = stepsim::report::ReadCoverageFile(env_file);
  ASSERT_EQ(one.definitions.size(), 1U);
  EXPECT_THAT(one.definitions[0].tests, ElementsAre("Mocks/OrderCoverageCase.Runs/0"));

  // An unwritable path fails the binary.
  EXPECT_NE(RunSelf("--gtest_filter='Mocks/OrderCoverageCase.Runs/0' "
                    "--stepsim_coverage_out=/nonexistent/dir/c.json",
                    "STEPSIM_COVERAGE_ENV_CHILD=1"),
            0);
}

}  // namespace
