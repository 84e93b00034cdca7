// Data-flow hot paths: payload templates and JSONPath filters.

#include <benchmark/benchmark.h>
#include <stepsim/jsonpath/path.h>
#include <stepsim/jsonpath/template.h>

#include <nlohmann/json.hpp>
#include <string>

namespace {

using stepsim::jsonpath::Env;
using stepsim::jsonpath::Json;
using stepsim::jsonpath::Path;
using stepsim::jsonpath::Template;

// About 1 KiB of order-like input.
Json OrderInput() {
  Json input = {
      {"orderId", "o-1234567890"},
      {"customer",
       {{"id", "c-42"},
        {"name", "Ada Lovelace"},
        {"email", "ada@example.com"},
        {"address",
         {{"street", "12 Analytical Engine Road"},
          {"city", "London"},
          {"zip", "NW1 2AB"},
          {"country", "GB"}}}}},
      {"payment", {{"method", "card"}, {"last4", "4242"}, {"amount", 129.95}}},
      {"flags", {{"express", true}, {"gift", false}}},
  };
  Json items = Json::array();
  for (int i = 0; i < 11; ++i) {
    items.push_back({{"sku", "SKU-" + std::to_string(1000 + i)},
                     {"qty", i + 1},
                     {"price", 9.99 + i},
                     {"title", "Item number " + std::to_string(i)}});
  }
  input["items"] = std::move(items);
  return input;
}

void BM_ParametersTemplate(benchmark::State& state) {
  const Json input = OrderInput();
  const auto compiled = Template::Compile(nlohmann::ordered_json::parse(R"({
    "OrderId.$": "$.orderId",
    "CustomerId.$": "$.customer.id",
    "Name.$": "$.customer.name",
    "Email.$": "$.customer.email",
    "City.$": "$.customer.address.city",
    "Country.$": "$.customer.address.country",
    "Amount.$": "$.payment.amount",
    "Method.$": "$.payment.method",
    "Express.$": "$.flags.express",
    "FirstSku.$": "$.items[0].sku",
    "Source": "bench",
    "Static": {"a": 1, "b": [1, 2, 3]}
  })"));
  Env env;
  env.input = &input;
  state.SetLabel("input " + std::to_string(input.dump().size()) + " bytes");
  for (auto _ : state) {
    auto result = compiled.Evaluate(env);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_ParametersTemplate)->Name("BM_ParametersTemplate/TenFields");

void BM_FilterExpression(benchmark::State& state) {
  Json items = Json::array();
  for (int64_t i = 0; i < state.range(0); ++i) {
    items.push_back({{"id", i},
                     {"price", static_cast<double>(i % 50)},
                     {"category", i % 3 == 0 ? "fiction" : "reference"}});
  }
  const Json input = {{"store", {{"book", std::move(items)}}}};
  const auto path = Path::Parse("$.store.book[?(@.price < 10 && @.category == 'fiction')].id");
  Env env;
  env.input = &input;
  for (auto _ : state) {
    auto result = path.Select(env);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_FilterExpression)->Arg(1000);

void BM_ReferencePathFind(benchmark::State& state) {
  const Json input = OrderInput();
  const auto path = Path::Parse("$.customer.address.city");
  for (auto _ : state) {
    benchmark::DoNotOptimize(path.Find(input));
  }
}
BENCHMARK(BM_ReferencePathFind);

}  // namespace

BENCHMARK_MAIN();
