#include <stepsim/sim/interpreter.h>

#include <utility>

#include "sim/program.h"
#include "sim/runtime.h"

namespace stepsim::sim {

Interpreter::Interpreter(std::shared_ptr<const asl::Definition> definition) {
  if (!definition) throw UsageError("Interpreter needs a definition");
  program_ = internal::Program::Compile(std::move(definition));
}

Interpreter::~Interpreter() = default;
Interpreter::Interpreter(const Interpreter&) = default;
Interpreter& Interpreter::operator=(const Interpreter&) = default;
Interpreter::Interpreter(Interpreter&&) noexcept = default;
Interpreter& Interpreter::operator=(Interpreter&&) noexcept = default;

const asl::Definition& Interpreter::definition() const { return *program_->definition; }

Execution Interpreter::Run(const Json& input, const Options& options) const {
  Execution out;
  Run(input, options, &out);
  return out;
}

void Interpreter::Run(const Json& input, const Options& options, Execution* out) const {
  if (out == nullptr) throw UsageError("Run needs an Execution to fill");
  out->status = ExecutionStatus::kSucceeded;
  out->output.reset();
  out->error.reset();
  out->cause.reset();
  out->history.clear();
  out->visited_states.clear();
  out->state_transitions = 0;
  out->keep_alive = program_;
  internal::Runtime runtime(*program_, options, out);
  runtime.Run(input);
}

}  // namespace stepsim::sim
