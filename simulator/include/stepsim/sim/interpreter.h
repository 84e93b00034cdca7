// Stable public header: the API below is relied on by other areas; extend,
// do not change.
#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/sim/execution.h>
#include <stepsim/sim/options.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace stepsim::sim {

namespace internal {
struct Program;
}

/// Runs executions of one definition on a virtual clock, deterministically.
/// Construction precomputes per-state data once; Run may then be called any
/// number of times (concurrently from several threads: Run is const and
/// shares nothing mutable between runs).
class Interpreter {
 public:
  /// Throws UsageError when `definition` is null.
  explicit Interpreter(std::shared_ptr<const asl::Definition> definition);
  ~Interpreter();
  Interpreter(const Interpreter&);
  Interpreter& operator=(const Interpreter&);
  Interpreter(Interpreter&&) noexcept;
  Interpreter& operator=(Interpreter&&) noexcept;

  const asl::Definition& definition() const;

  /// Runs one execution to its end. Workflow failures are results, never
  /// exceptions; throws UsageError only for unusable options.
  Execution Run(const Json& input, const Options& options = {}) const;
  /// Same, reusing `out`'s storage (for loops running millions of runs).
  void Run(const Json& input, const Options& options, Execution* out) const;

 private:
  std::shared_ptr<const internal::Program> program_;
};

/// The same object under its product name.
using Simulator = Interpreter;

}  // namespace stepsim::sim
