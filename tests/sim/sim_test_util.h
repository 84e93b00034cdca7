#pragma once

#include <stepsim/asl/loader.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/task_handler.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stepsim::sim::testutil {

using Json = nlohmann::json;

/// A TaskHandler answering from a C++ callable.
class FnHandler : public TaskHandler {
 public:
  explicit FnHandler(std::function<std::optional<TaskOutcome>(const TaskInvocation&)> fn)
      : fn_(std::move(fn)) {}
  std::optional<TaskOutcome> Invoke(const TaskInvocation& call) override { return fn_(call); }

 private:
  std::function<std::optional<TaskOutcome>(const TaskInvocation&)> fn_;
};

/// Answers each state from a per-state script of outcomes, in invocation
/// order; the last outcome repeats.
class ScriptHandler : public TaskHandler {
 public:
  ScriptHandler& On(const std::string& state, std::vector<TaskOutcome> outs) {
    script_[state] = std::move(outs);
    return *this;
  }
  std::optional<TaskOutcome> Invoke(const TaskInvocation& call) override {
    auto it = script_.find(call.state->name);
    if (it == script_.end() || it->second.empty()) return std::nullopt;
    calls_.push_back(call.state->name);
    params_.push_back(*call.parameters);
    const auto n = static_cast<std::size_t>(call.invocation);
    return it->second[std::min(n, it->second.size() - 1)];
  }
  const std::vector<std::string>& calls() const { return calls_; }
  const std::vector<Json>& params() const { return params_; }

 private:
  std::map<std::string, std::vector<TaskOutcome>> script_;
  std::vector<std::string> calls_;
  std::vector<Json> params_;
};

inline Interpreter Make(const std::string& asl) { return Interpreter(asl::Load(asl)); }

inline Execution RunWith(const std::string& asl, const Json& input, TaskHandler* handler = nullptr,
                         Options options = {}) {
  if (handler != nullptr) options.task_handlers.push_back(handler);
  return Make(asl).Run(input, options);
}

/// "Type" of every history event, in order.
inline std::vector<std::string> Types(const Execution& e) {
  std::vector<std::string> out;
  for (const auto& ev : e.history) out.emplace_back(ev.type_name());
  return out;
}

/// The history event of `type` for state `name` (first one), or nullptr.
inline const HistoryEvent* Find(const Execution& e, std::string_view type,
                                std::string_view name = {}) {
  for (const auto& ev : e.history) {
    if (ev.type_name() == type && (name.empty() || ev.name == name)) return &ev;
  }
  return nullptr;
}

inline std::string OrderWorkflow() {
  return R"({
  "StartAt": "CheckInventory",
  "States": {
    "CheckInventory": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:check-inventory-func",
      "Next": "IsInventoryAvailable",
      "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "InventoryErrorState" } ]
    },
    "IsInventoryAvailable": {
      "Type": "Choice",
      "Choices": [ { "Variable": "$.inventory.status", "StringEquals": "available", "Next": "ProcessPayment" } ],
      "Default": "InventoryUnavailableState"
    },
    "ProcessPayment": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:process-payment-func",
      "Next": "CreateShippingLabel",
      "Retry": [ { "ErrorEquals": ["PaymentGatewayTimeout"], "IntervalSeconds": 3, "MaxAttempts": 2, "BackoffRate": 1.5 } ]
    },
    "CreateShippingLabel": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:create-shipping-func",
      "End": true
    },
    "InventoryUnavailableState": { "Type": "Fail", "Cause": "Inventory not available for the requested items." },
    "InventoryErrorState": {
      "Type": "Pass",
      "Result": "An error occurred while checking inventory. Notifying user.",
      "Next": "NotifyUserOfFailure"
    },
    "NotifyUserOfFailure": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:notify-user-func",
      "End": true
    }
  }
})";
}

}  // namespace stepsim::sim::testutil
