#include <stepsim/test/print.h>

#include <cstddef>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace stepsim::test {
namespace {

constexpr std::size_t kMaxOutputChars = 300;
constexpr std::size_t kMaxNestedScopes = 10;
constexpr std::size_t kMaxEvents = 8;

std::string Quoted(std::string_view s) { return Json(std::string(s)).dump(); }

bool IsFailureEvent(sim::EventType t) {
  using E = sim::EventType;
  switch (t) {
    case E::kTaskFailed:
    case E::kTaskTimedOut:
    case E::kLambdaFunctionFailed:
    case E::kLambdaFunctionTimedOut:
    case E::kActivityFailed:
    case E::kActivityTimedOut:
    case E::kMapIterationFailed:
    case E::kMapStateFailed:
    case E::kMapRunFailed:
    case E::kParallelStateFailed:
    case E::kEvaluationFailed:
    case E::kExecutionFailed:
    case E::kExecutionTimedOut:
    case E::kExecutionAborted:
      return true;
    default:
      return false;
  }
}

bool CanCatch(const asl::State* s) {
  return s != nullptr && (s->type == asl::StateType::kTask ||
                          s->type == asl::StateType::kParallel || s->type == asl::StateType::kMap);
}

// One step of a path: the arrow and where it leads.
std::string Step(const RecordedTransition& t, sim::ExecutionStatus status) {
  const std::string err = t.error ? t.error->error : std::string();
  const std::string beat = t.heartbeat ? ", heartbeat" : "";
  switch (t.kind) {
    case sim::TransitionKind::kNext:
      return " -> " + std::string(t.to_name());
    case sim::TransitionKind::kChoiceRule:
      return " -(rule " + std::to_string(t.index) + ")-> " + std::string(t.to_name());
    case sim::TransitionKind::kDefault:
      return " -(default)-> " + std::string(t.to_name());
    case sim::TransitionKind::kCatch: {
      std::string s = " -(catcher " + std::to_string(t.index) + ": " + err + beat;
      if (t.exhausted_retrier >= 0) {
        s += ", retrier " + std::to_string(t.exhausted_retrier) + " exhausted";
      }
      return s + ")-> " + std::string(t.to_name());
    }
    case sim::TransitionKind::kRetry:
      return " -(retry " + std::to_string(t.index) + ": " + err + beat + ")-> " +
             std::string(t.from_name());
    case sim::TransitionKind::kEnd:
      return " -> (end)";
    case sim::TransitionKind::kErrorOut: {
      const std::string end =
          status == sim::ExecutionStatus::kTimedOut ? "(timed out)" : "(failed)";
      if (!CanCatch(t.from)) return " -(" + (err.empty() ? "Fail" : err) + ")-> " + end;
      std::string s = " -(uncaught " + err + beat;
      if (t.exhausted_retrier >= 0) {
        s += ", retrier " + std::to_string(t.exhausted_retrier) + " exhausted";
      }
      return s + ")-> " + end;
    }
  }
  return "";
}

std::string Ending(sim::ExecutionStatus status) {
  switch (status) {
    case sim::ExecutionStatus::kSucceeded:
      return "(end)";
    case sim::ExecutionStatus::kFailed:
      return "(failed)";
    case sim::ExecutionStatus::kTimedOut:
      return "(timed out)";
    case sim::ExecutionStatus::kAborted:
      return "(aborted)";
  }
  return "(end)";
}

// A path through one scope: `A -> B -(rule 0)-> C -> (end)`; a scope left
// without an End/ErrorOut transition (a run stopped by States.Runtime, a
// limit or the execution timeout) ends with what stopped it.
std::string ScopePath(const std::vector<const RecordedTransition*>& steps,
                      const sim::Execution& execution, bool root) {
  if (steps.empty()) return "";
  std::string path(steps.front()->from_name());
  for (const RecordedTransition* t : steps) path += Step(*t, execution.status);
  const sim::TransitionKind last = steps.back()->kind;
  if (root && last != sim::TransitionKind::kEnd && last != sim::TransitionKind::kErrorOut &&
      !execution.succeeded()) {
    path += " -(" + execution.error.value_or("stopped") + ")-> " + Ending(execution.status);
  }
  return path;
}

std::string FailingState(const RunResult& run) {
  const RecordedTransition* root_out = nullptr;
  for (const RecordedTransition& t : run.transitions()) {
    if (t.kind == sim::TransitionKind::kErrorOut && t.owner() == nullptr) root_out = &t;
  }
  if (root_out == nullptr) {
    // Stopped without leaving the scope: the state that was running.
    if (run.visited_states().empty()) return "";
    return Quoted(run.visited_states().back());
  }
  std::string s = Quoted(root_out->from_name());
  if (root_out->from->type == asl::StateType::kParallel ||
      root_out->from->type == asl::StateType::kMap) {
    for (const RecordedTransition& t : run.transitions()) {
      if (t.kind == sim::TransitionKind::kErrorOut && t.owner() == root_out->from && t.error &&
          root_out->error && t.error->error == root_out->error->error) {
        const char* unit = root_out->from->type == asl::StateType::kMap ? "iteration" : "branch";
        s += " (raised by " + Quoted(t.from_name()) + " in " + unit + " " +
             std::to_string(t.iteration) + ")";
        break;
      }
    }
  }
  return s;
}

std::string Events(const sim::Execution& execution) {
  std::vector<const sim::HistoryEvent*> events;
  for (const sim::HistoryEvent& e : execution.history) {
    if (IsFailureEvent(e.type)) events.push_back(&e);
  }
  if (events.empty()) return "";
  std::string s = "\n    failure events:";
  // The last ones matter most: they explain how the run ended.
  const std::size_t skip = events.size() > kMaxEvents ? events.size() - kMaxEvents : 0;
  if (skip > 0) s += "\n      ... " + std::to_string(skip) + " earlier";
  for (std::size_t i = skip; i < events.size(); ++i) s += "\n      " + FormatEvent(*events[i]);
  return s;
}

}  // namespace

std::string JsonText(const Json& json, std::size_t max_chars) {
  std::string text = json.dump();
  if (max_chars > 0 && text.size() > max_chars) {
    text.resize(max_chars);
    text += "...";
  }
  return text;
}

std::string StatusPhrase(const sim::Execution& execution) {
  std::string s;
  switch (execution.status) {
    case sim::ExecutionStatus::kSucceeded:
      return "succeeded with output " +
             (execution.output ? JsonText(*execution.output, kMaxOutputChars) : "null");
    case sim::ExecutionStatus::kFailed:
      s = "failed";
      break;
    case sim::ExecutionStatus::kTimedOut:
      s = "timed out";
      break;
    case sim::ExecutionStatus::kAborted:
      s = "was aborted";
      break;
  }
  if (execution.error) {
    s += " with error " + Quoted(*execution.error);
  } else {
    s += " without an error name";
  }
  if (execution.cause && !execution.cause->empty()) {
    s += " and cause " + Quoted(*execution.cause);
  } else {
    s += " and no cause";
  }
  return s;
}

std::string FormatPath(const RunResult& run) {
  const sim::Execution& execution = run.execution();
  std::vector<const RecordedTransition*> root;
  // Nested scopes keyed by (owner, iteration), in order of first appearance.
  std::vector<
      std::pair<std::pair<const asl::State*, std::int64_t>, std::vector<const RecordedTransition*>>>
      nested;
  for (const RecordedTransition& t : run.transitions()) {
    const asl::State* owner = t.owner();
    if (owner == nullptr) {
      root.push_back(&t);
      continue;
    }
    const auto key = std::make_pair(owner, t.iteration);
    auto it = nested.begin();
    while (it != nested.end() && it->first != key) ++it;
    if (it == nested.end()) {
      nested.emplace_back(key, std::vector<const RecordedTransition*>{});
      it = std::prev(nested.end());
    }
    it->second.push_back(&t);
  }
  std::string path = ScopePath(root, execution, true);
  if (path.empty()) {
    path = run.visited_states().empty() ? std::string("(no state entered)")
                                        : run.visited_states().front();
    if (!execution.succeeded()) {
      path += " -(" + execution.error.value_or("stopped") + ")-> " + Ending(execution.status);
    }
  }
  std::size_t shown = 0;
  for (const auto& [key, steps] : nested) {
    if (shown == kMaxNestedScopes) {
      path += "\n      ... " + std::to_string(nested.size() - shown) + " more branches/iterations";
      break;
    }
    const char* unit = key.first->type == asl::StateType::kMap ? "iteration" : "branch";
    path += "\n      in " + Quoted(key.first->name) + " " + unit + " " +
            std::to_string(key.second) + ": " + ScopePath(steps, execution, false);
    ++shown;
  }
  return path;
}

std::string FormatPath(const sim::Execution& execution) {
  std::string path;
  for (std::string_view name : execution.visited_states) {
    if (!path.empty()) path += " -> ";
    path += name;
  }
  if (path.empty()) path = "(no state entered)";
  return path + " -> " + Ending(execution.status);
}

std::string FormatEvent(const sim::HistoryEvent& event) {
  std::string s = "#" + std::to_string(event.id) + " " + std::string(event.type_name());
  if (event.state != nullptr) {
    s += " " + Quoted(event.state->name);
  } else if (!event.name.empty()) {
    s += " " + Quoted(event.name);
  }
  if (event.index >= 0 && (event.type == sim::EventType::kMapIterationFailed)) {
    s += " iteration " + std::to_string(event.index);
  }
  std::string details;
  if (event.error) details += "error " + Quoted(*event.error);
  if (event.cause && !event.cause->empty()) {
    if (!details.empty()) details += ", ";
    details += "cause " + Quoted(*event.cause);
  }
  if (!details.empty()) s += ": " + details;
  return s;
}

std::string FormatDetails(const RunResult& run) {
  std::string s = "\n    path: " + FormatPath(run);
  if (!run.succeeded()) {
    const std::string failing = FailingState(run);
    if (!failing.empty()) s += "\n    failing state: " + failing;
  }
  return s + Events(run.execution());
}

std::string FormatDetails(const sim::Execution& execution) {
  std::string s = "\n    path: " + FormatPath(execution);
  if (!execution.succeeded() && !execution.visited_states.empty()) {
    s += "\n    failing state: " + Quoted(execution.visited_states.back());
  }
  return s + Events(execution);
}

}  // namespace stepsim::test
