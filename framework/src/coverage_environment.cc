#include <stepsim/test/coverage_environment.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

namespace stepsim::test {
namespace {

constexpr std::string_view kFlag = "--stepsim_coverage_out";
constexpr const char* kEnvironmentVariable = "STEPSIM_COVERAGE_OUT";

// Names each test's hits after it.
class TestAttribution : public ::testing::EmptyTestEventListener {
 public:
  explicit TestAttribution(CoverageEnvironment& environment) : environment_(environment) {}
  void OnTestStart(const ::testing::TestInfo& info) override {
    environment_.BeginTest(std::string(info.test_suite_name()) + "." + info.name());
  }
  void OnTestEnd(const ::testing::TestInfo& /*info*/) override { environment_.BeginTest(""); }

 private:
  CoverageEnvironment& environment_;
};

// "--stepsim_coverage_out=FILE" -> FILE; "--stepsim_coverage_out" followed by
// FILE -> FILE (and *consumed = 2).
std::optional<std::string> FlagValue(const std::vector<std::string>& args, std::size_t i,
                                     int* consumed) {
  const std::string& arg = args[i];
  if (arg.rfind(kFlag, 0) != 0) return std::nullopt;
  if (arg.size() > kFlag.size() && arg[kFlag.size()] == '=') {
    *consumed = 1;
    return arg.substr(kFlag.size() + 1);
  }
  if (arg.size() == kFlag.size() && i + 1 < args.size()) {
    *consumed = 2;
    return args[i + 1];
  }
  return std::nullopt;
}

std::optional<std::string> PathFromArgs(const std::vector<std::string>& args) {
  std::optional<std::string> path;
  for (std::size_t i = 1; i < args.size(); ++i) {
    int consumed = 0;
    if (auto value = FlagValue(args, i, &consumed)) path = std::move(value);
  }
  return path;
}

}  // namespace

// Registers the environment and its listener with GoogleTest once.
struct CoverageRegistration {
  static CoverageEnvironment* Create() {
    auto* environment = new CoverageEnvironment();
    // GoogleTest owns both from here on.
    ::testing::AddGlobalTestEnvironment(environment);
    ::testing::UnitTest::GetInstance()->listeners().Append(new TestAttribution(*environment));
    return environment;
  }
};

CoverageEnvironment& CoverageEnvironment::Instance() {
  static CoverageEnvironment* const instance = CoverageRegistration::Create();
  return *instance;
}

namespace {
// Registration at load time, so that the environment's SetUp/TearDown run
// even when the first CollectorFor call comes from inside a test.
[[maybe_unused]] const bool kRegistered = (CoverageEnvironment::Instance(), true);
}  // namespace

CoverageEnvironment& CoverageEnvironment::Install(int* argc, char** argv) {
  CoverageEnvironment& environment = Instance();
  std::vector<std::string> args(argv, argv + *argc);
  std::optional<std::string> path;
  int out = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    int consumed = 0;
    if (i > 0) {
      if (auto value = FlagValue(args, i, &consumed)) {
        path = std::move(value);
        i += static_cast<std::size_t>(consumed) - 1;
        continue;
      }
    }
    argv[out++] = argv[i];
  }
  *argc = out;
  if (out < static_cast<int>(args.size())) argv[out] = nullptr;
  if (path) {
    environment.SetOutputPath(*path);
  } else if (const char* env = std::getenv(kEnvironmentVariable); env != nullptr && *env) {
    environment.SetOutputPath(env);
  }
  return environment;
}

sim::ExecutionListener* CoverageEnvironment::CollectorFor(
    const std::shared_ptr<const asl::Definition>& definition, const std::string& file) {
  if (!definition) throw UsageError("CoverageEnvironment::CollectorFor needs a definition");
  CoverageEnvironment& environment = Instance();
  const std::lock_guard<std::mutex> lock(environment.mutex_);
  auto& slot = environment.collectors_[definition.get()];
  if (!slot) {
    const std::string name = file.empty() ? definition->file() : file;
    std::string text;
    if (!definition->file().empty()) {
      std::ifstream in(definition->file(), std::ios::binary);
      if (in) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    slot = std::make_unique<report::CoverageCollector>(definition, name, text);
    slot->BeginTest(environment.current_test_);
    environment.keep_alive_.push_back(definition);
  }
  return slot.get();
}

void CoverageEnvironment::SetOutputPath(std::string path) {
  const std::lock_guard<std::mutex> lock(mutex_);
  output_path_ = std::move(path);
  output_path_chosen_ = true;
}

report::CoverageData CoverageEnvironment::Data() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  report::CoverageData data;
  for (const auto& [definition, collector] : collectors_) {
    report::MergeInto(data, collector->Data());
  }
  return data;
}

void CoverageEnvironment::BeginTest(const std::string& test) {
  const std::lock_guard<std::mutex> lock(mutex_);
  current_test_ = test;
  for (auto& [definition, collector] : collectors_) collector->BeginTest(test);
}

void CoverageEnvironment::SetUp() {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (output_path_chosen_) return;
  // GoogleTest keeps the command line; flags it does not know stay there.
  if (auto path = PathFromArgs(::testing::internal::GetArgvs())) {
    output_path_ = *path;
  } else if (const char* env = std::getenv(kEnvironmentVariable); env != nullptr && *env) {
    output_path_ = env;
  }
}

void CoverageEnvironment::TearDown() {
  BeginTest("");
  std::string path;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    path = output_path_;
  }
  if (path.empty()) return;
  const report::CoverageData data = Data();
  try {
    report::WriteCoverageFile(path, data);
    std::cout << "[ stepsim  ] workflow coverage of " << data.definitions.size()
              << (data.definitions.size() == 1 ? " definition" : " definitions") << " written to "
              << path << std::endl;
  } catch (const UsageError& e) {
    ADD_FAILURE() << "stepsim coverage: " << e.what();
  }
}

}  // namespace stepsim::test
