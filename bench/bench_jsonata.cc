// JSONata hot paths: compiled expressions and templates evaluated against a
// small state input, as a JSONata-mode Pass or Task state does.

#include <benchmark/benchmark.h>
#include <stepsim/jsonata/jsonata.h>

#include <nlohmann/json.hpp>

namespace {

using stepsim::jsonata::Bindings;
using stepsim::jsonata::CompiledTemplate;
using stepsim::jsonata::Expression;
using stepsim::jsonata::Json;

Json Input() {
  return Json::parse(R"({
    "order": {"id": "o-1", "items": [{"price": 3, "qty": 2}, {"price": 5, "qty": 1}]},
    "customer": {"name": "Ann", "tier": "gold"}
  })");
}

void BenchExpression(benchmark::State& state, const char* text) {
  const Json input = Input();
  Bindings b;
  b.input = &input;
  const Expression e = Expression::Parse(text);
  for (auto _ : state) {
    auto r = e.Evaluate(b);
    benchmark::DoNotOptimize(r);
  }
}

void BM_FieldPath(benchmark::State& state) { BenchExpression(state, "$states.input.order.id"); }
BENCHMARK(BM_FieldPath);

void BM_SumOverArray(benchmark::State& state) {
  BenchExpression(state, "$sum($states.input.order.items.(price * qty))");
}
BENCHMARK(BM_SumOverArray);

void BM_Condition(benchmark::State& state) {
  BenchExpression(state,
                  "$states.input.customer.tier = 'gold' and $count($states.input.order.items) > 1");
}
BENCHMARK(BM_Condition);

void BM_Template(benchmark::State& state) {
  const Json input = Input();
  Bindings b;
  b.input = &input;
  const CompiledTemplate t = CompiledTemplate::Compile(Json::parse(R"({
    "FunctionName": "fn",
    "Payload": {"id": "{% $states.input.order.id %}", "n": "{% $count($states.input.order.items) %}"}
  })"));
  for (auto _ : state) {
    auto r = t.Evaluate(b, "Arguments");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Template);

}  // namespace

BENCHMARK_MAIN();
