#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace stepsim::sim {
class Rng;
}

namespace stepsim::jsonpath {

using Json = nlohmann::json;

/// Read-only view of the workflow variables visible to a state (VAR-05/06).
class VariableView {
 public:
  virtual ~VariableView() = default;
  /// The variable's value, or nullptr when it has none.
  virtual const Json* Find(std::string_view name) const = 0;
};

/// Variables held in one JSON object (name -> value), for evaluating paths
/// and templates outside a run: tests, tools, examples.
class ObjectVariables final : public VariableView {
 public:
  explicit ObjectVariables(Json values) : values_(std::move(values)) {}
  const Json* Find(std::string_view name) const override {
    if (!values_.is_object()) return nullptr;
    const auto it = values_.find(std::string(name));
    return it == values_.end() ? nullptr : &*it;
  }

 private:
  Json values_;
};

/// What paths, payload templates and intrinsic functions are evaluated
/// against. Pointers are borrowed; any may be null when the field being
/// evaluated cannot use it (a null `context` makes `$$` paths fail).
struct Env {
  const Json* input = nullptr;              ///< `$`
  const Json* context = nullptr;            ///< `$$`
  const VariableView* variables = nullptr;  ///< `$name`
  sim::Rng* rng = nullptr;                  ///< States.UUID, States.MathRandom
};

}  // namespace stepsim::jsonpath
