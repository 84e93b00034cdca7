// Graph analysis speed on a generated 1,000-state workflow with 6^333 (about
// 2^860, far more than 2^60) paths: targets under 10 ms for counting paths, and for
// lint plus coverage obligations.
#include <benchmark/benchmark.h>
#include <stepsim/analysis/graph.h>
#include <stepsim/analysis/lint.h>
#include <stepsim/analysis/obligations.h>
#include <stepsim/analysis/paths.h>
#include <stepsim/asl/loader.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace {

// 333 blocks of three states and a final Succeed. Block i: Choice Ci routes
// to Task Ti (rule) or straight to Pass Pi (Default); Ti retries
// Busy once and catches everything into Pi; Pi goes on to block i+1. Each
// block has 6 routes (Default; success after 0 or 1 retries; an unnamed error
// caught after 0 or 1 retries; Busy caught after exhausting the retrier), so
// the workflow has 6^333 paths.
std::string GenerateWorkflow() {
  constexpr int kBlocks = 333;
  nlohmann::ordered_json states = nlohmann::ordered_json::object();
  for (int i = 0; i < kBlocks; ++i) {
    const std::string id = std::to_string(i);
    const std::string next = i + 1 < kBlocks ? "C" + std::to_string(i + 1) : "Done";
    states["C" + id] = {
        {"Type", "Choice"},
        {"Choices", {{{"Variable", "$.route"}, {"NumericEquals", i}, {"Next", "T" + id}}}},
        {"Default", "P" + id}};
    states["T" + id] = {
        {"Type", "Task"},
        {"Resource", "arn:aws:lambda:us-east-1:123456789012:function:step"},
        {"ResultPath", "$.last"},
        {"Retry", {{{"ErrorEquals", {"Busy"}}, {"IntervalSeconds", 1}, {"MaxAttempts", 1}}}},
        {"Catch",
         {{{"ErrorEquals", {"States.ALL"}}, {"ResultPath", "$.error"}, {"Next", "P" + id}}}},
        {"Next", "P" + id}};
    states["P" + id] = {{"Type", "Pass"}, {"Next", next}};
  }
  states["Done"] = {{"Type", "Succeed"}};
  return nlohmann::ordered_json{{"StartAt", "C0"}, {"States", states}}.dump();
}

const stepsim::asl::Definition& Workflow() {
  static const std::shared_ptr<const stepsim::asl::Definition> definition =
      stepsim::asl::Load(GenerateWorkflow());
  return *definition;
}

void BM_BuildGraph(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(stepsim::analysis::Graph::Build(Workflow()));
  }
}
BENCHMARK(BM_BuildGraph)->Unit(benchmark::kMillisecond);

void BM_CountPaths(benchmark::State& state) {
  const stepsim::analysis::Graph graph = stepsim::analysis::Graph::Build(Workflow());
  const stepsim::analysis::PathCounts counts = stepsim::analysis::CountPaths(graph);
  if (counts.total() <= (stepsim::analysis::BigInt(1) << 60)) {
    state.SkipWithError("the generated workflow should have more than 2^60 paths");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(stepsim::analysis::CountPaths(graph));
  }
  state.counters["states"] = static_cast<double>(Workflow().AllStates().size());
  state.counters["log2_paths"] = static_cast<double>(boost::multiprecision::msb(counts.total()));
}
BENCHMARK(BM_CountPaths)->Unit(benchmark::kMillisecond);

// Graph::Build + Lint, as `stepsim lint` does after loading.
void BM_Lint(benchmark::State& state) {
  for (auto _ : state) {
    const stepsim::analysis::Graph graph = stepsim::analysis::Graph::Build(Workflow());
    benchmark::DoNotOptimize(stepsim::analysis::Lint(graph));
  }
}
BENCHMARK(BM_Lint)->Unit(benchmark::kMillisecond);

void BM_LintAndObligations(benchmark::State& state) {
  for (auto _ : state) {
    const stepsim::analysis::Graph graph = stepsim::analysis::Graph::Build(Workflow());
    benchmark::DoNotOptimize(stepsim::analysis::Lint(graph));
    benchmark::DoNotOptimize(stepsim::analysis::Obligations::For(Workflow()));
  }
}
BENCHMARK(BM_LintAndObligations)->Unit(benchmark::kMillisecond);

// The first 1,000 paths, streamed.
void BM_EnumerateFirstThousandPaths(benchmark::State& state) {
  const stepsim::analysis::Graph graph = stepsim::analysis::Graph::Build(Workflow());
  stepsim::analysis::PathOptions options;
  options.max_paths = 1000;
  for (auto _ : state) {
    std::size_t steps = 0;
    stepsim::analysis::EnumeratePaths(graph, options, [&](const stepsim::analysis::Path& path) {
      steps += path.steps.size();
      return true;
    });
    benchmark::DoNotOptimize(steps);
  }
}
BENCHMARK(BM_EnumerateFirstThousandPaths)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
