#include <stepsim/error.h>
#include <stepsim/test/test_state.h>

#include <variant>

namespace stepsim::test {
namespace {

TestStateResponse OrThrow(sim::TestStateOutcome outcome) {
  if (auto* error = std::get_if<TestStateApiError>(&outcome)) {
    throw UsageError(error->code + ": " + error->message);
  }
  return std::get<TestStateResponse>(std::move(outcome));
}

}  // namespace

TestStateResponse TestState(const TestStateRequest& request, const TestStateOptions& options) {
  return OrThrow(sim::RunTestState(request, options));
}

TestStateResponse TestState(const nlohmann::json& body, const TestStateOptions& options) {
  auto parsed = sim::ParseTestStateRequest(body);
  if (auto* error = std::get_if<TestStateApiError>(&parsed)) {
    throw UsageError(error->code + ": " + error->message);
  }
  return TestState(std::get<TestStateRequest>(parsed), options);
}

sim::TestStateOutcome TryTestState(const TestStateRequest& request,
                                   const TestStateOptions& options) {
  return sim::RunTestState(request, options);
}

}  // namespace stepsim::test
