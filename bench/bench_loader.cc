// Loading speed: parse + validate + build of generated definitions (target:
// a 1,000-state definition in under 10 ms).
#include <benchmark/benchmark.h>
#include <stepsim/asl/json_source.h>
#include <stepsim/asl/loader.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace {

// A chain of `count` states cycling through Task (with Retry and Catch),
// Choice and Pass, ending in a Succeed, with one shared Fail handler.
std::string GenerateDefinition(std::int64_t count) {
  auto name = [](std::int64_t i) { return "Step" + std::to_string(i); };
  std::string text =
      R"({
  "Comment": "generated",
  "StartAt": "Step0",
  "States": {
)";
  for (std::int64_t i = 0; i < count; ++i) {
    const std::string next = i + 1 < count ? name(i + 1) : "Done";
    text.append(R"(    ")").append(name(i)).append(R"(": )");
    switch (i % 3) {
      case 0:
        text.append(R"({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", )"
                    R"("Parameters": {"FunctionName": "fn", "Payload.$": "$"}, )"
                    R"("ResultSelector": {"body.$": "$.Payload"}, )"
                    R"("ResultPath": "$.result", "TimeoutSeconds": 30, )"
                    R"("Retry": [{"ErrorEquals": ["Lambda.ServiceException", )"
                    R"("Lambda.TooManyRequestsException"], "IntervalSeconds": 2, )"
                    R"("MaxAttempts": 3, "BackoffRate": 2.0}, )"
                    R"({"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}], )"
                    R"("Catch": [{"ErrorEquals": ["States.ALL"], )"
                    R"("ResultPath": "$.error", "Next": "Handler"}], "Next": ")");
        text.append(next).append(R"("})");
        break;
      case 1:
        text.append(R"({"Type": "Choice", "Choices": [{"And": [)"
                    R"({"Variable": "$.result.body.count", "NumericGreaterThan": 10}, )"
                    R"({"Variable": "$.result.body.status", "StringEquals": "ok"}], )"
                    R"("Next": ")");
        text.append(next).append(R"("}, {"Variable": "$.flag", "IsPresent": true, "Next": ")");
        text.append(next).append(R"("}], "Default": ")");
        text.append(next).append(R"("})");
        break;
      default:
        text.append(R"({"Type": "Pass", "Parameters": {"step": )");
        text.append(std::to_string(i));
        text.append(R"(, "input.$": "$.result"}, "ResultPath": "$.pass", "Next": ")");
        text.append(next).append(R"("})");
        break;
    }
    text.append(",\n");
  }
  text.append(
      R"(    "Handler": {"Type": "Fail", "Error": "Failed", "Cause": "a step failed"},
    "Done": {"Type": "Succeed"}
  }
}
)");
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
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
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
BENCHMARK(BM_ValidateDefinition)->Arg(100)->Arg(1000)->Arg(3000)->Unit(benchmark::kMicrosecond);

void BM_ParseJson(benchmark::State& state) {
  const std::string text = GenerateDefinition(state.range(0));
  for (auto _ : state) {
    auto parsed = stepsim::asl::ParseJsonWithPositions(text);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseJson)->Arg(10)->Arg(1000)->Unit(benchmark::kMicrosecond);

// Reference point: nlohmann's own parser, which records no positions.
void BM_ParseJsonNlohmann(benchmark::State& state) {
  const std::string text = GenerateDefinition(state.range(0));
  for (auto _ : state) {
    auto parsed = nlohmann::ordered_json::parse(text);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseJsonNlohmann)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
