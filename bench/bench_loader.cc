// Loading speed: parse + validate + build of generated definitions (target:
// a 1,000-state definition in under 10 ms).
#include <cstdint>
#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <stepsim/asl/json_source.h>
#include <stepsim/asl/loader.h>

namespace {

// A chain of `count` states cycling through Task (with Retry and Catch),
// Choice and Pass, ending in a Succeed, with one shared Fail handler.
std::string GenerateDefinition(std::int64_t count) {
  auto name = [](std::int64_t i) { return "Step" + std::to_string(i); };
  std::string text = "{\n  \"Comment\": \"generated\",\n  \"StartAt\": \"Step0\",\n"
                     "  \"States\": {\n";
  for (std::int64_t i = 0; i < count; ++i) {
    const std::string next = i + 1 < count ? name(i + 1) : "Done";
    text += "    \"" + name(i) + "\": ";
    switch (i % 3) {
      case 0:
        text +=
            "{\"Type\": \"Task\", \"Resource\": "
            "\"arn:aws:states:::lambda:invoke\", \"Parameters\": "
            "{\"FunctionName\": \"fn\", \"Payload.$\": \"$\"}, "
            "\"ResultSelector\": {\"body.$\": \"$.Payload\"}, "
            "\"ResultPath\": \"$.result\", \"TimeoutSeconds\": 30, "
            "\"Retry\": [{\"ErrorEquals\": [\"Lambda.ServiceException\", "
            "\"Lambda.TooManyRequestsException\"], \"IntervalSeconds\": 2, "
            "\"MaxAttempts\": 3, \"BackoffRate\": 2.0}, {\"ErrorEquals\": "
            "[\"States.ALL\"], \"MaxAttempts\": 1}], \"Catch\": "
            "[{\"ErrorEquals\": [\"States.ALL\"], \"ResultPath\": \"$.error\", "
            "\"Next\": \"Handler\"}], \"Next\": \"" +
            next + "\"}";
        break;
      case 1:
        text +=
            "{\"Type\": \"Choice\", \"Choices\": [{\"And\": [{\"Variable\": "
            "\"$.result.body.count\", \"NumericGreaterThan\": 10}, "
            "{\"Variable\": \"$.result.body.status\", \"StringEquals\": "
            "\"ok\"}], \"Next\": \"" +
            next + "\"}, {\"Variable\": \"$.flag\", \"IsPresent\": true, " +
            "\"Next\": \"" + next + "\"}], \"Default\": \"" + next + "\"}";
        break;
      default:
        text +=
            "{\"Type\": \"Pass\", \"Parameters\": {\"step\": " +
            std::to_string(i) +
            ", \"input.$\": \"$.result\"}, \"ResultPath\": \"$.pass\", "
            "\"Next\": \"" +
            next + "\"}";
        break;
    }
    text += ",\n";
  }
  text +=
      "    \"Handler\": {\"Type\": \"Fail\", \"Error\": \"Failed\", \"Cause\": "
      "\"a step failed\"},\n"
      "    \"Done\": {\"Type\": \"Succeed\"}\n  }\n}\n";
  return text;
}

// Load only: freeing the previous definition is kept out of the timing.
void BM_LoadDefinition(benchmark::State& state) {
  const std::string text = GenerateDefinition(state.range(0));
  for (auto _ : state) {
    auto definition = stepsim::asl::Load(text);
    benchmark::DoNotOptimize(definition);
    state.PauseTiming();
    definition.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_LoadDefinition)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

// Load plus freeing the definition, as a test that loads per case pays.
void BM_LoadAndFreeDefinition(benchmark::State& state) {
  const std::string text = GenerateDefinition(state.range(0));
  for (auto _ : state) {
    auto definition = stepsim::asl::Load(text);
    benchmark::DoNotOptimize(definition);
  }
}
BENCHMARK(BM_LoadAndFreeDefinition)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_ValidateDefinition(benchmark::State& state) {
  const std::string text = GenerateDefinition(state.range(0));
  for (auto _ : state) {
    auto diagnostics = stepsim::asl::Validate(text);
    benchmark::DoNotOptimize(diagnostics);
  }
}
BENCHMARK(BM_ValidateDefinition)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_ParseJson(benchmark::State& state) {
  const std::string text = GenerateDefinition(state.range(0));
  for (auto _ : state) {
    auto parsed = stepsim::asl::ParseJsonWithPositions(text);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseJson)->Arg(10)->Arg(1000)->Unit(benchmark::kMicrosecond);

// Reference point: nlohmann's own parser, which records no positions.
void BM_ParseJsonNlohmann(benchmark::State& state) {
  const std::string text = GenerateDefinition(state.range(0));
  for (auto _ : state) {
    auto parsed = nlohmann::ordered_json::parse(text);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseJsonNlohmann)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
