// Witness synthesis: a covering, verified suite for a generated 200-state
// workflow (issue 6 target: under 1 s).
#include <benchmark/benchmark.h>
#include <stepsim/analysis/witness.h>
#include <stepsim/asl/loader.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_util.h"

namespace {

using nlohmann::ordered_json;

// `blocks` blocks of four states each:
//   Task_i  (Retry [Err_i] x2, Catch [States.ALL] -> Recover_i, ResultPath $.r_i)
//   Check_i (Choice: $.r_i.ok == true -> next block; $.r_i.level > 3 -> Pass_i;
//            Default -> Pass_i)
//   Pass_i  -> next block
//   Recover_i -> next block
// and a final Succeed state: 4 * blocks + 1 states.
std::string Workflow(int blocks) {
  ordered_json states = ordered_json::object();
  auto name = [](const char* kind, int i) { return std::string(kind) + "_" + std::to_string(i); };
  for (int i = 0; i < blocks; ++i) {
    const std::string next = i + 1 < blocks ? name("Task", i + 1) : "Done";
    states[name("Task", i)] = {
        {"Type", "Task"},
        {"Resource", "arn:aws:lambda:us-east-1:111111111111:function:f" + std::to_string(i)},
        {"ResultPath", "$.r_" + std::to_string(i)},
        {"Retry", {{{"ErrorEquals", {"Err_" + std::to_string(i)}}, {"MaxAttempts", 2}}}},
        {"Catch", {{{"ErrorEquals", {"States.ALL"}}, {"Next", name("Recover", i)}}}},
        {"Next", name("Check", i)}};
    states[name("Check", i)] = {{"Type", "Choice"},
                                {"Choices",
                                 {{{"Variable", "$.r_" + std::to_string(i) + ".ok"},
                                   {"BooleanEquals", true},
                                   {"Next", next}},
                                  {{"Variable", "$.r_" + std::to_string(i) + ".level"},
                                   {"NumericGreaterThan", 3},
                                   {"Next", name("Pass", i)}}}},
                                {"Default", name("Pass", i)}};
    states[name("Pass", i)] = {{"Type", "Pass"}, {"Next", next}};
    states[name("Recover", i)] = {{"Type", "Pass"}, {"ResultPath", nullptr}, {"Next", next}};
  }
  states["Done"] = {{"Type", "Succeed"}};
  ordered_json def = {{"StartAt", "Task_0"}, {"States", states}};
  return def.dump();
}

void BM_CoveringWitnessSuite(benchmark::State& state) {
  const int blocks = static_cast<int>(state.range(0));
  const auto definition = stepsim::asl::Load(Workflow(blocks));
  stepsim::analysis::WitnessSuite suite;
  for (auto _ : state) {
    suite = stepsim::analysis::SynthesizeWitnesses(definition);
    benchmark::DoNotOptimize(suite);
  }
  state.counters["states"] = static_cast<double>(4 * blocks + 1);
  state.counters["obligations"] = static_cast<double>(suite.obligations);
  state.counters["covered"] = static_cast<double>(suite.covered);
  state.counters["scenarios"] = static_cast<double>(suite.witnesses.size());
}
BENCHMARK(BM_CoveringWitnessSuite)->Arg(10)->Arg(50)->Unit(benchmark::kMillisecond);

void BM_CoveringWitnessSuiteOrder(benchmark::State& state) {
  const auto definition = stepsim::bench::LoadOrderDefinition();
  for (auto _ : state) {
    auto suite = stepsim::analysis::SynthesizeWitnesses(definition);
    benchmark::DoNotOptimize(suite);
  }
}
BENCHMARK(BM_CoveringWitnessSuiteOrder)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
