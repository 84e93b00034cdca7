// Interpreter throughput: executions and state transitions per second,
// single-threaded, with full history recording.
#include <benchmark/benchmark.h>
#include <stepsim/asl/loader.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/mock_config.h>

#include <memory>
#include <string>

#include "bench_util.h"

namespace {

using stepsim::sim::Execution;
using stepsim::sim::ExecutionStatus;
using stepsim::sim::Interpreter;
using stepsim::sim::Json;
using stepsim::sim::MockConfig;
using stepsim::sim::MockTaskHandler;
using stepsim::sim::Options;

constexpr const char* kOrderMocks = R"({
  "StateMachines": {
    "OrderProcessing": {
      "TestCases": {
        "HappyPath": {
          "CheckInventory": "InventoryAvailable",
          "ProcessPayment": "PaymentOk",
          "CreateShippingLabel": "LabelOk"
        },
        "RetryPath": {
          "CheckInventory": "InventoryAvailable",
          "ProcessPayment": "PaymentTimesOutTwice",
          "CreateShippingLabel": "LabelOk"
        }
      }
    }
  },
  "MockedResponses": {
    "InventoryAvailable": {"0": {"Return": {"inventory": {"status": "available"}}}},
    "PaymentOk": {"0": {"Return": {"payment": "ok"}}},
    "PaymentTimesOutTwice": {
      "0-1": {"Throw": {"Error": "PaymentGatewayTimeout", "Cause": "slow"}},
      "2": {"Return": {"payment": "ok"}}
    },
    "LabelOk": {"0": {"Return": {"label": "L-1"}}}
  }
})";

void RunOrder(benchmark::State& state, const char* test_case) {
  const Interpreter interpreter(stepsim::bench::LoadOrderDefinition());
  auto config = std::make_shared<const MockConfig>(MockConfig::Parse(kOrderMocks));
  MockTaskHandler handler(config, "OrderProcessing", test_case);
  Options options;
  options.state_machine_name = "OrderProcessing";
  options.task_handlers.push_back(&handler);
  const Json input = {{"orderId", "o-1"}, {"items", {{{"sku", "A"}, {"qty", 2}}}}};
  Execution execution;
  for (auto _ : state) {
    interpreter.Run(input, options, &execution);
    if (execution.status != ExecutionStatus::kSucceeded) {
      state.SkipWithError("execution did not succeed");
      break;
    }
    benchmark::DoNotOptimize(execution.history.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_OrderWorkflow_HappyPath(benchmark::State& state) { RunOrder(state, "HappyPath"); }
void BM_OrderWorkflow_RetryPath(benchmark::State& state) { RunOrder(state, "RetryPath"); }
BENCHMARK(BM_OrderWorkflow_HappyPath)->Name("BM_OrderWorkflow/HappyPath");
BENCHMARK(BM_OrderWorkflow_RetryPath)->Name("BM_OrderWorkflow/RetryPath");

// Items are state transitions.
void BM_PassChain(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  Json def = {{"StartAt", "S0"}, {"States", Json::object()}};
  for (int i = 0; i < n; ++i) {
    Json s = {{"Type", "Pass"}};
    std::string next_name = "S";
    next_name += std::to_string(i + 1);
    std::string name = "S";
    name += std::to_string(i);
    if (i + 1 < n)
      s["Next"] = next_name;
    else
      s["End"] = true;
    def["States"][name] = s;
  }
  const Interpreter interpreter(stepsim::asl::Load(def.dump()));
  const Json input = {{"a", 1}, {"b", "two"}};
  Options options;
  Execution execution;
  for (auto _ : state) {
    interpreter.Run(input, options, &execution);
    benchmark::DoNotOptimize(execution.history.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_PassChain)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
