// Intrinsic function calls as payload templates evaluate them.

#include <benchmark/benchmark.h>
#include <stepsim/intrinsics/intrinsics.h>
#include <stepsim/jsonpath/env.h>
#include <stepsim/sim/rng.h>

#include <nlohmann/json.hpp>
#include <string>

namespace {

using stepsim::intrinsics::Call;
using stepsim::intrinsics::Json;
using stepsim::jsonpath::Env;

Json Input() {
  return Json::parse(R"({
    "name": "Ada", "place": "London", "a": 5, "b": 3,
    "csv": "a,b,c,d,e", "items": [1, 2, 3, 4, 5, 6, 2, 3],
    "left": {"x": 1, "y": 2}, "right": {"y": 3, "z": 4}
  })");
}

void Evaluate(benchmark::State& state, const char* text) {
  const Json input = Input();
  stepsim::sim::Rng rng(1);
  Env env;
  env.input = &input;
  env.rng = &rng;
  const Call call = Call::Parse(text);
  for (auto _ : state) {
    auto result = call.Evaluate(env, "Field.$");
    benchmark::DoNotOptimize(result);
  }
}

void BM_Format(benchmark::State& state) {
  Evaluate(state, "States.Format('Hello {}, welcome to {}!', $.name, $.place)");
}
BENCHMARK(BM_Format);

void BM_MathAdd(benchmark::State& state) { Evaluate(state, "States.MathAdd($.a, $.b)"); }
BENCHMARK(BM_MathAdd);

void BM_NestedArrayCalls(benchmark::State& state) {
  Evaluate(state,
           "States.ArrayGetItem(States.ArrayPartition(States.ArrayUnique("
           "$.items), 2), 1)");
}
BENCHMARK(BM_NestedArrayCalls);

void BM_StringSplit(benchmark::State& state) { Evaluate(state, "States.StringSplit($.csv, ',')"); }
BENCHMARK(BM_StringSplit);

void BM_JsonMerge(benchmark::State& state) {
  Evaluate(state, "States.JsonMerge($.left, $.right, false)");
}
BENCHMARK(BM_JsonMerge);

void BM_Hash(benchmark::State& state) { Evaluate(state, "States.Hash($.name, 'SHA-256')"); }
BENCHMARK(BM_Hash);

void BM_Uuid(benchmark::State& state) { Evaluate(state, "States.UUID()"); }
BENCHMARK(BM_Uuid);

void BM_Parse(benchmark::State& state) {
  for (auto _ : state) {
    auto call = Call::Parse(
        "States.Format('{}-{}', States.ArrayGetItem(States.StringSplit($.csv, "
        "','), 0), States.MathAdd($.a, 1))");
    benchmark::DoNotOptimize(call);
  }
}
BENCHMARK(BM_Parse);

}  // namespace

BENCHMARK_MAIN();
