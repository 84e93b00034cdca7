#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/sim/history.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/jsonata_state.h"

namespace stepsim::sim::internal {

class DataFlow;

enum class ResourceKind : std::uint8_t { kIntegration, kLambdaArn, kActivity };

/// What the runtime needs of one state, prepared once per Interpreter.
struct StateInfo {
  EventType entered = EventType::kPassStateEntered;
  EventType exited = EventType::kPassStateExited;
  ResourceKind kind = ResourceKind::kIntegration;
  std::string resource_type;
  std::string resource;
  bool wait_for_token = false;
  bool sync = false;
  bool uses_context = true;
  /// A JSONPath Pass state without data-flow fields: it passes its input on.
  bool pass_through = false;
  JsonPtr pass_result;  // JSONPath Pass `Result`, shared by every run
  // Compiled JSONata fields; null for JSONPath states.
  std::shared_ptr<const JsonataState> jsonata;
  /// How the state reads its fields: the JSONPath or the JSONata data flow.
  const DataFlow* flow = nullptr;

  /// The syntax error of one of the state's JSONata expressions, or null.
  const std::string* compile_error() const {
    return jsonata && jsonata->compile_error ? &*jsonata->compile_error : nullptr;
  }
};

/// A definition compiled for running: every state's StateInfo, found by its
/// scope and index. Immutable once built; shared by every run.
struct Program {
  std::shared_ptr<const asl::Definition> definition;
  // Looked up by key only, never iterated.
  std::unordered_map<const asl::Scope*, std::vector<StateInfo>> scopes;
  JsonPtr empty_object = std::make_shared<const Json>(Json::object());

  /// Compiles every state of `definition`, nested scopes included.
  static std::shared_ptr<const Program> Compile(std::shared_ptr<const asl::Definition> definition);

  const std::vector<StateInfo>& Infos(const asl::Scope* s) const { return scopes.at(s); }
};

}  // namespace stepsim::sim::internal
