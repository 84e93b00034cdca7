#pragma once

#include <stepsim/sim/task_handler.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stepsim::test {

/// How the Task states of one execution answer: for each state name, a
/// sequence of outcomes where outcome i serves invocation i of that state
/// (the per-state counter of TaskInvocation::invocation, MOCK-06: retries,
/// loop re-entries and Map iterations all count).
///
/// Its JSON form is the scenario file's `Outcomes` member
/// (framework/SCENARIOS.md): an object mapping state names to arrays of
/// MockConfig answers, `{"Return": value}` or
/// `{"Throw": {"Error": e, "Cause": c}}`, each with an optional
/// `"LatencySeconds"` (non-negative number, rounded to milliseconds). Two
/// stepsim extensions: `{"TimedOut": true}` (the attempt never answers, so
/// the state's TimeoutSeconds ends it with States.Timeout) and
/// `"HeartbeatSeconds": [offsets]` (heartbeats sent during the attempt).
/// States are kept sorted by name, so equal scripts print equal bytes.
class OutcomeScript {
 public:
  OutcomeScript() = default;

  /// Appends `outcome` as the next invocation's answer of `state`; returns
  /// *this for chaining.
  OutcomeScript& Add(const std::string& state, sim::TaskOutcome outcome);
  /// Replaces the answers of `state` (an empty sequence removes the state).
  OutcomeScript& Set(const std::string& state, std::vector<sim::TaskOutcome> outcomes);

  /// The answer for invocation `invocation` of `state`, or nullptr when the
  /// state is not listed or its sequence is shorter.
  [[nodiscard]] const sim::TaskOutcome* Find(std::string_view state, std::int64_t invocation) const;
  /// True when `state` has at least one answer.
  [[nodiscard]] bool Lists(std::string_view state) const;

  /// State name -> answers, sorted by name; never holds an empty sequence.
  [[nodiscard]] const std::map<std::string, std::vector<sim::TaskOutcome>, std::less<>>& states()
      const {
    return states_;
  }
  /// Total number of answers over every state (the length shrinking
  /// minimises).
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] bool empty() const { return states_.empty(); }

  friend bool operator==(const OutcomeScript& a, const OutcomeScript& b);

 private:
  std::map<std::string, std::vector<sim::TaskOutcome>, std::less<>> states_;
};

/// One problem found while reading an Outcomes object: the JSON Pointer
/// (relative to the document given to ParseOutcomeScript, prefixed by its
/// `pointer` argument) and a lower-case message.
struct ScriptProblem {
  std::string pointer;
  std::string message;
};

/// {"pointer", "message"}.
void to_json(nlohmann::json& j, const ScriptProblem& problem);
/// "<pointer>: <message>".
void PrintTo(const ScriptProblem& problem, std::ostream* os);

/// Reads an Outcomes object. Returns nullopt and appends to `problems`
/// (every problem, not only the first) when `value` does not have the shape
/// documented on OutcomeScript; unknown members are problems.
std::optional<OutcomeScript> ParseOutcomeScript(const nlohmann::json& value,
                                                const std::string& pointer,
                                                std::vector<ScriptProblem>* problems);

/// Equality of two task outcomes as a script sees them: kind, result, error,
/// latency and heartbeats.
bool SameOutcome(const sim::TaskOutcome& a, const sim::TaskOutcome& b);

/// One answer in its JSON form (`{"Return": ...}`, `{"Throw": ...}`, ...).
nlohmann::json OutcomeToJson(const sim::TaskOutcome& outcome);

void to_json(nlohmann::json& j, const OutcomeScript& script);
/// Throws UsageError "<pointer>: <message>" naming the first problem.
void from_json(const nlohmann::json& j, OutcomeScript& script);
/// The script as compact JSON text.
void PrintTo(const OutcomeScript& script, std::ostream* os);
std::ostream& operator<<(std::ostream& os, const OutcomeScript& script);

/// Plays an OutcomeScript: invocation i of a listed state gets answer i. An
/// unlisted state, or a listed one invoked more often than it has answers,
/// gets nullopt, so the next handler of sim::Options::task_handlers (a
/// MockConfig test case, a default) decides. Stateless: one handler may serve
/// any number of runs. The script is copied.
class ScriptTaskHandler : public sim::TaskHandler {
 public:
  explicit ScriptTaskHandler(OutcomeScript script) : script_(std::move(script)) {}

  std::optional<sim::TaskOutcome> Invoke(const sim::TaskInvocation& call) override;

  [[nodiscard]] const OutcomeScript& script() const { return script_; }

 private:
  OutcomeScript script_;
};

}  // namespace stepsim::test
