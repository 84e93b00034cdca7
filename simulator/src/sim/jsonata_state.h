#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/jsonata/jsonata.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace stepsim::sim::internal {

/// The JSONata fields of one JSONata-mode state, compiled once per
/// Interpreter (JSONATA-01, JSONATA-06).
struct JsonataState {
  using Field = std::optional<jsonata::CompiledTemplate>;

  /// A Choice rule (Condition, Output, Assign) or a catcher (Output, Assign).
  struct Rule {
    Field condition;
    Field output;
    Field assign;
  };

  Field arguments;
  Field output;
  Field assign;
  Field credentials;
  Field timeout_seconds;
  Field heartbeat_seconds;
  Field items;
  Field item_selector;
  Field max_concurrency;
  Field tolerated_failure_count;
  Field tolerated_failure_percentage;
  Field seconds;
  Field timestamp;
  Field error;
  Field cause;
  Field reader_arguments;      ///< ItemReader.Arguments
  Field batch_input;           ///< ItemBatcher.BatchInput
  Field max_items_per_batch;   ///< ItemBatcher.MaxItemsPerBatch
  Field writer_arguments;      ///< ResultWriter.Arguments
  std::vector<Rule> choices;   ///< parallel to State::choices
  std::vector<Rule> catchers;  ///< parallel to State::catch_
  /// Set when an expression did not parse; running the state then fails
  /// with States.QueryEvaluationError and this cause.
  std::optional<std::string> compile_error;
};

/// Compiles every JSONata field of `s`. Never throws: a syntax error is kept
/// in `compile_error`.
std::shared_ptr<const JsonataState> CompileJsonataState(const asl::State& s);

}  // namespace stepsim::sim::internal
