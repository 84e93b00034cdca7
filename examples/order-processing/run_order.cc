// Runs the bundled order workflow through the C++ API: once with the
// MockConfigFile's retry scenario, once with a C++ handler that declines
// the payment. Usage: run_order FIXTURES_DIR
#include <stepsim/asl/loader.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/mock_config.h>

#include <iostream>
#include <memory>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: run_order FIXTURES_DIR\n";
    return 2;
  }
  const std::string dir = std::string(argv[1]) + "/order-processing/";
  try {
    const stepsim::sim::Interpreter simulator(stepsim::asl::LoadFile(dir + "definition.asl.json"));
    const nlohmann::json input = {{"orderId", "o-1"}};

    // 1. Outcomes from a Step Functions Local MockConfigFile test case.
    auto mocks = std::make_shared<const stepsim::sim::MockConfig>(
        stepsim::sim::MockConfig::LoadFile(dir + "mocks.json"));
    stepsim::sim::MockTaskHandler retried(mocks, "order-processing", "PaymentRetriedThenSucceeds");
    stepsim::sim::Options options;
    options.task_handlers = {&retried};
    const auto run = simulator.Run(input, options);
    std::cout << "PaymentRetriedThenSucceeds: " << ToString(run.status) << " after "
              << run.elapsed().count() << " ms of virtual time\n";

    // 2. Outcomes from a C++ callable.
    stepsim::sim::Options declined;
    declined.task_function =
        [](const stepsim::sim::TaskInvocation& call) -> std::optional<stepsim::sim::TaskOutcome> {
      if (call.state->name == "ProcessPayment") {
        return stepsim::sim::TaskOutcome::Fail("Payment.Declined", "card declined");
      }
      return stepsim::sim::TaskOutcome::Succeed({{"inventory", {{"status", "available"}}}});
    };
    const auto failed = simulator.Run(input, declined);
    std::cout << "PaymentDeclined: " << ToString(failed.status) << " with "
              << failed.error.value_or("") << "\n";
    return run.succeeded() && run.elapsed().count() == 7500 && !failed.succeeded() ? 0 : 1;
  } catch (const stepsim::asl::DefinitionError& e) {
    std::cerr << e.what() << '\n';
    return 2;
  }
}
