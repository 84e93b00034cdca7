// Every broken definition in fixtures/invalid/ against its golden
// diagnostics, and every definition AWS accepted against no error at all.
#include <gtest/gtest.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace stepsim::asl {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string FormatAll(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    out += FormatDiagnostic(d);
    out += '\n';
  }
  return out;
}

std::vector<fs::path> InvalidFixtures() {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(STEPSIM_FIXTURES_DIR) / "invalid";
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 9 && name.substr(name.size() - 9) == ".asl.json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// ASL: VAL-01, VAL-02, VAL-04
TEST(InvalidFixturesTest, EveryFixtureMatchesItsGoldenDiagnostics) {
  const std::vector<fs::path> files = InvalidFixtures();
  ASSERT_GE(files.size(), 60U) << "fixtures/invalid/ needs 60 definitions";
  const char* update = std::getenv("STEPSIM_UPDATE_GOLDENS");
  const bool rewrite = update != nullptr && std::string(update) == "1";
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    LoadOptions options;
    options.file = file.filename().string();
    const std::vector<Diagnostic> diagnostics = Validate(ReadText(file), options);
    EXPECT_TRUE(HasErrors(diagnostics)) << "fixture is accepted";
    const std::string actual = FormatAll(diagnostics);
    std::string golden_name = file.filename().string();
    golden_name.replace(golden_name.size() - 9, 9, ".diagnostics.golden");
    const fs::path golden = file.parent_path() / golden_name;
    if (rewrite) {
      std::ofstream(golden, std::ios::binary) << actual;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << "missing " << golden_name;
    EXPECT_EQ(actual, ReadText(golden));
  }
}

// ASL: VAL-01
TEST(InvalidFixturesTest, OrderWorkflowIsValid) {
  const fs::path file = fs::path(STEPSIM_FIXTURES_DIR) / "order-processing/definition.asl.json";
  LoadOptions options;
  options.file = "definition.asl.json";
  const std::vector<Diagnostic> diagnostics = Validate(ReadText(file), options);
  EXPECT_EQ(FormatAll(diagnostics), "");
}

// ASL: VAL-01 (AWS accepted and ran every recorded definition)
TEST(InvalidFixturesTest, EveryConformanceDefinitionHasNoError) {
  const fs::path cases = fs::path(STEPSIM_SOURCE_DIR) / ".." / "shared" / "conformance" / "cases";
  if (!fs::exists(cases)) GTEST_SKIP() << "no conformance corpus at " << cases;
  std::vector<fs::path> files;
  for (const auto& feature : fs::directory_iterator(cases)) {
    if (!feature.is_directory()) continue;
    for (const auto& one : fs::directory_iterator(feature.path())) {
      const fs::path definition = one.path() / "definition.asl.json";
      if (fs::exists(definition)) files.push_back(definition);
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  for (const fs::path& file : files) {
    LoadOptions options;
    options.file = fs::relative(file, cases).string();
    std::string errors;
    for (const Diagnostic& d : Validate(ReadText(file), options)) {
      if (d.severity == Severity::kError) errors += FormatDiagnostic(d) + "\n";
    }
    EXPECT_EQ(errors, "") << file;
  }
}

}  // namespace
}  // namespace stepsim::asl
