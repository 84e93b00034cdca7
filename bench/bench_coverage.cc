// What coverage collection costs: the order workflow's happy path run on the
// interpreter with and without a report::CoverageCollector attached (the
// target is at most 10% more time per execution), plus the writers on the
// collected data.
#include <benchmark/benchmark.h>
#include <stepsim/asl/loader.h>
#include <stepsim/report/coverage.h>
#include <stepsim/report/writers.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/mock_config.h>

#include <memory>
#include <string>

#include "bench_util.h"

namespace {

using stepsim::report::CoverageCollector;
using stepsim::sim::Execution;
using stepsim::sim::Interpreter;
using stepsim::sim::Json;
using stepsim::sim::MockConfig;
using stepsim::sim::MockTaskHandler;
using stepsim::sim::Options;

using stepsim::bench::OrderFixture;
using stepsim::bench::ReadText;

struct Order {
  Order()
      : text(ReadText(OrderFixture("definition.asl.json"))),
        definition(stepsim::asl::Load(text)),
        interpreter(definition),
        mocks(std::make_shared<const MockConfig>(MockConfig::LoadFile(OrderFixture("mocks.json")))),
        input(Json::parse(ReadText(OrderFixture("input.json")))) {}

  std::string text;
  std::shared_ptr<const stepsim::asl::Definition> definition;
  Interpreter interpreter;
  std::shared_ptr<const MockConfig> mocks;
  Json input;
};

void RunHappyPath(benchmark::State& state, bool collect) {
  const Order order;
  MockTaskHandler handler(order.mocks, "order-processing", "HappyPath");
  CoverageCollector collector(order.definition, "definition.asl.json", order.text);
  collector.BeginTest("Bench.HappyPath");
  Options options;
  options.task_handlers.push_back(&handler);
  if (collect) options.listeners.push_back(&collector);
  Execution execution;
  for (auto _ : state) {
    order.interpreter.Run(order.input, options, &execution);
    benchmark::DoNotOptimize(execution.status);
  }
  if (collect && collector.Result().executions != static_cast<std::int64_t>(state.iterations())) {
    state.SkipWithError("the collector missed executions");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_OrderHappyPath(benchmark::State& state) { RunHappyPath(state, false); }
void BM_OrderHappyPathWithCoverage(benchmark::State& state) { RunHappyPath(state, true); }
BENCHMARK(BM_OrderHappyPath);
BENCHMARK(BM_OrderHappyPathWithCoverage);

// The collected data of all nine mock test cases, for the writers.
stepsim::report::CoverageData AllCases() {
  const Order order;
  CoverageCollector collector(order.definition, "definition.asl.json", order.text);
  for (const std::string& name : order.mocks->TestCaseNames("order-processing")) {
    MockTaskHandler handler(order.mocks, "order-processing", name);
    Options options;
    options.task_handlers.push_back(&handler);
    options.listeners.push_back(&collector);
    collector.BeginTest(name);
    order.interpreter.Run(order.input, options);
  }
  return collector.Data();
}

void BM_MergeCoverage(benchmark::State& state) {
  const stepsim::report::CoverageData one = AllCases();
  for (auto _ : state) {
    stepsim::report::CoverageData merged = one;
    stepsim::report::MergeInto(merged, one);
    benchmark::DoNotOptimize(merged.definitions.size());
  }
}
BENCHMARK(BM_MergeCoverage);

void BM_WriteLcovAndCobertura(benchmark::State& state) {
  const stepsim::report::CoverageData data = AllCases();
  for (auto _ : state) {
    benchmark::DoNotOptimize(stepsim::report::FormatLcov(data).size());
    benchmark::DoNotOptimize(stepsim::report::FormatCobertura(data).size());
  }
}
BENCHMARK(BM_WriteLcovAndCobertura);

}  // namespace

BENCHMARK_MAIN();
