#include <stepsim/asl/json_source.h>
#include <stepsim/error.h>
#include <stepsim/test/script.h>

#include <cmath>
#include <string>
#include <utility>

namespace stepsim::test {
namespace {

using Json = nlohmann::json;

double ToSeconds(sim::Millis ms) { return static_cast<double>(ms.count()) / 1000.0; }

// Reads a non-negative number of seconds as milliseconds.
bool ReadSeconds(const Json& value, const std::string& pointer,
                 std::vector<ScriptProblem>* problems, sim::Millis* out) {
  if (!value.is_number()) {
    problems->push_back(
        {pointer, std::string("must be a non-negative number, got ") + value.type_name()});
    return false;
  }
  const double seconds = value.get<double>();
  if (!(seconds >= 0) || seconds > 1e10) {
    problems->push_back({pointer, "must be a non-negative number of seconds, got " + value.dump()});
    return false;
  }
  *out = sim::Millis{static_cast<std::int64_t>(std::llround(seconds * 1000.0))};
  return true;
}

std::optional<sim::TaskOutcome> ParseAnswer(const Json& answer, const std::string& pointer,
                                            std::vector<ScriptProblem>* problems) {
  if (!answer.is_object()) {
    problems->push_back({pointer, std::string("must be an object with Return or Throw, got ") +
                                      answer.type_name()});
    return std::nullopt;
  }
  const std::size_t before = problems->size();
  sim::TaskOutcome outcome;
  int kinds = 0;
  for (const auto& [key, value] : answer.items()) {
    const std::string member = asl::AppendPointer(pointer, key);
    if (key == "Return") {
      ++kinds;
      outcome.kind = sim::TaskOutcome::Kind::kSucceeded;
      outcome.result = value;
    } else if (key == "Throw") {
      ++kinds;
      outcome.kind = sim::TaskOutcome::Kind::kFailed;
      if (!value.is_object()) {
        problems->push_back({member, std::string("must be an object with Error and Cause, got ") +
                                         value.type_name()});
        continue;
      }
      bool has_error = false;
      for (const auto& [field, text] : value.items()) {
        const std::string field_pointer = asl::AppendPointer(member, field);
        if (field != "Error" && field != "Cause") {
          problems->push_back(
              {field_pointer, "unknown member \"" + field + "\" (expected Error or Cause)"});
          continue;
        }
        if (!text.is_string()) {
          problems->push_back(
              {field_pointer, std::string("must be a string, got ") + text.type_name()});
          continue;
        }
        if (field == "Error") {
          has_error = true;
          outcome.error.error = text.get<std::string>();
        } else {
          outcome.error.cause = text.get<std::string>();
        }
      }
      if (!has_error && problems->size() == before) {
        problems->push_back({member, "missing the Error member"});
      }
    } else if (key == "TimedOut") {
      ++kinds;
      if (value != Json(true)) {
        problems->push_back({member, "must be true, got " + value.dump()});
        continue;
      }
      outcome.kind = sim::TaskOutcome::Kind::kTimedOut;
    } else if (key == "LatencySeconds") {
      ReadSeconds(value, member, problems, &outcome.latency);
    } else if (key == "HeartbeatSeconds") {
      if (!value.is_array()) {
        problems->push_back({member, std::string("must be an array of non-negative numbers, got ") +
                                         value.type_name()});
        continue;
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        sim::Millis beat{0};
        if (ReadSeconds(value[i], asl::AppendPointer(member, i), problems, &beat)) {
          outcome.heartbeats.push_back(beat);
        }
      }
    } else {
      problems->push_back({member, "unknown member \"" + key +
                                       "\" (expected Return, Throw, TimedOut, LatencySeconds or "
                                       "HeartbeatSeconds)"});
    }
  }
  if (kinds != 1 && problems->size() == before) {
    problems->push_back({pointer, kinds == 0 ? "needs one of Return, Throw or TimedOut"
                                             : "has more than one of Return, Throw and TimedOut"});
  }
  if (problems->size() != before) return std::nullopt;
  return outcome;
}

}  // namespace

OutcomeScript& OutcomeScript::Add(const std::string& state, sim::TaskOutcome outcome) {
  states_[state].push_back(std::move(outcome));
  return *this;
}

OutcomeScript& OutcomeScript::Set(const std::string& state,
                                  std::vector<sim::TaskOutcome> outcomes) {
  if (outcomes.empty()) {
    states_.erase(state);
  } else {
    states_[state] = std::move(outcomes);
  }
  return *this;
}

const sim::TaskOutcome* OutcomeScript::Find(std::string_view state, std::int64_t invocation) const {
  const auto it = states_.find(state);
  if (it == states_.end() || invocation < 0) return nullptr;
  const auto index = static_cast<std::size_t>(invocation);
  return index < it->second.size() ? &it->second[index] : nullptr;
}

bool OutcomeScript::Lists(std::string_view state) const {
  return states_.find(state) != states_.end();
}

std::size_t OutcomeScript::size() const {
  std::size_t total = 0;
  for (const auto& [name, outcomes] : states_) total += outcomes.size();
  return total;
}

bool SameOutcome(const sim::TaskOutcome& a, const sim::TaskOutcome& b) {
  if (a.kind != b.kind || a.latency != b.latency || a.heartbeats != b.heartbeats) return false;
  switch (a.kind) {
    case sim::TaskOutcome::Kind::kSucceeded:
      return a.result == b.result;
    case sim::TaskOutcome::Kind::kFailed:
      return a.error == b.error;
    case sim::TaskOutcome::Kind::kTimedOut:
      return true;
  }
  return false;
}

bool operator==(const OutcomeScript& a, const OutcomeScript& b) {
  if (a.states_.size() != b.states_.size()) return false;
  auto it = b.states_.begin();
  for (const auto& [name, outcomes] : a.states_) {
    if (name != it->first || outcomes.size() != it->second.size()) return false;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      if (!SameOutcome(outcomes[i], it->second[i])) return false;
    }
    ++it;
  }
  return true;
}

Json OutcomeToJson(const sim::TaskOutcome& outcome) {
  Json answer = Json::object();
  switch (outcome.kind) {
    case sim::TaskOutcome::Kind::kSucceeded:
      answer["Return"] = outcome.result;
      break;
    case sim::TaskOutcome::Kind::kFailed:
      answer["Throw"] = Json{{"Error", outcome.error.error}, {"Cause", outcome.error.cause}};
      break;
    case sim::TaskOutcome::Kind::kTimedOut:
      answer["TimedOut"] = true;
      break;
  }
  if (outcome.latency.count() != 0) answer["LatencySeconds"] = ToSeconds(outcome.latency);
  if (!outcome.heartbeats.empty()) {
    Json beats = Json::array();
    for (const sim::Millis beat : outcome.heartbeats) beats.push_back(ToSeconds(beat));
    answer["HeartbeatSeconds"] = std::move(beats);
  }
  return answer;
}

std::optional<OutcomeScript> ParseOutcomeScript(const Json& value, const std::string& pointer,
                                                std::vector<ScriptProblem>* problems) {
  if (!value.is_object()) {
    problems->push_back({pointer, std::string("must be an object mapping state names to arrays "
                                              "of answers, got ") +
                                      value.type_name()});
    return std::nullopt;
  }
  const std::size_t before = problems->size();
  OutcomeScript script;
  for (const auto& [state, answers] : value.items()) {
    const std::string state_pointer = asl::AppendPointer(pointer, state);
    if (!answers.is_array()) {
      problems->push_back(
          {state_pointer, std::string("must be an array of answers, got ") + answers.type_name()});
      continue;
    }
    std::vector<sim::TaskOutcome> outcomes;
    for (std::size_t i = 0; i < answers.size(); ++i) {
      if (auto outcome = ParseAnswer(answers[i], asl::AppendPointer(state_pointer, i), problems)) {
        outcomes.push_back(std::move(*outcome));
      }
    }
    script.Set(state, std::move(outcomes));
  }
  if (problems->size() != before) return std::nullopt;
  return script;
}

void to_json(Json& j, const ScriptProblem& problem) {
  j = Json{{"pointer", problem.pointer}, {"message", problem.message}};
}

void PrintTo(const ScriptProblem& problem, std::ostream* os) {
  *os << problem.pointer << ": " << problem.message;
}

void to_json(Json& j, const OutcomeScript& script) {
  j = Json::object();
  for (const auto& [state, outcomes] : script.states()) {
    Json answers = Json::array();
    for (const sim::TaskOutcome& outcome : outcomes) answers.push_back(OutcomeToJson(outcome));
    j[state] = std::move(answers);
  }
}

void from_json(const Json& j, OutcomeScript& script) {
  std::vector<ScriptProblem> problems;
  auto parsed = ParseOutcomeScript(j, "", &problems);
  if (!parsed) {
    throw UsageError(problems.front().pointer + ": " + problems.front().message);
  }
  script = std::move(*parsed);
}

void PrintTo(const OutcomeScript& script, std::ostream* os) {
  *os << Json(script).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::ostream& operator<<(std::ostream& os, const OutcomeScript& script) {
  PrintTo(script, &os);
  return os;
}

std::optional<sim::TaskOutcome> ScriptTaskHandler::Invoke(const sim::TaskInvocation& call) {
  if (call.state == nullptr) return std::nullopt;
  const sim::TaskOutcome* outcome = script_.Find(call.state->name, call.invocation);
  if (outcome == nullptr) return std::nullopt;
  return *outcome;
}

}  // namespace stepsim::test
