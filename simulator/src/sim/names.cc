#include <stepsim/asl/definition.h>
#include <stepsim/jsonpath/json_text.h>
#include <stepsim/sim/data_flow.h>
#include <stepsim/sim/execution.h>
#include <stepsim/sim/listener.h>
#include <stepsim/sim/options.h>

namespace stepsim::sim {

std::string_view ToString(TransitionKind kind) {
  switch (kind) {
    case TransitionKind::kNext:
      return "Next";
    case TransitionKind::kChoiceRule:
      return "ChoiceRule";
    case TransitionKind::kDefault:
      return "Default";
    case TransitionKind::kCatch:
      return "Catch";
    case TransitionKind::kRetry:
      return "Retry";
    case TransitionKind::kEnd:
      return "End";
    case TransitionKind::kErrorOut:
      return "ErrorOut";
  }
  return "?";
}

std::string_view ToString(DataFlowStep step) {
  switch (step) {
    case DataFlowStep::kInput:
      return "input";
    case DataFlowStep::kAfterInputPath:
      return "afterInputPath";
    case DataFlowStep::kAfterArguments:
      return "afterArguments";
    case DataFlowStep::kAfterParameters:
      return "afterParameters";
    case DataFlowStep::kAfterItemsPath:
      return "afterItemsPath";
    case DataFlowStep::kResult:
      return "result";
    case DataFlowStep::kAfterResultSelector:
      return "afterResultSelector";
    case DataFlowStep::kAfterResultPath:
      return "afterResultPath";
    case DataFlowStep::kOutput:
      return "output";
  }
  return "?";
}

std::string_view ToString(StateMachineType type) {
  return type == StateMachineType::kExpress ? "EXPRESS" : "STANDARD";
}

std::string_view ToString(ExecutionStatus status) {
  switch (status) {
    case ExecutionStatus::kSucceeded:
      return "SUCCEEDED";
    case ExecutionStatus::kFailed:
      return "FAILED";
    case ExecutionStatus::kTimedOut:
      return "TIMED_OUT";
    case ExecutionStatus::kAborted:
      return "ABORTED";
  }
  return "?";
}

void PrintTo(const Transition& t, std::ostream* os) {
  *os << (t.from ? t.from->name : std::string("<start>")) << " -" << ToString(t.kind);
  if (t.index >= 0) *os << ' ' << t.index;
  *os << "-> " << (t.to ? t.to->name : std::string("<none>"));
  if (t.error) *os << " (" << t.error->error << ')';
}

bool operator==(const Execution& a, const Execution& b) {
  return a.status == b.status && a.output == b.output && a.error == b.error && a.cause == b.cause &&
         a.history == b.history && a.start_time == b.start_time && a.end_time == b.end_time;
}

void to_json(nlohmann::json& j, const Execution& e) {
  j = nlohmann::json::object();
  j["status"] = ToString(e.status);
  j["output"] = e.output ? *e.output : nlohmann::json();
  j["error"] = e.error ? nlohmann::json(*e.error) : nlohmann::json();
  j["cause"] = e.cause ? nlohmann::json(*e.cause) : nlohmann::json();
  j["history"] = ToAwsJson(e.history);
  j["startTime"] = FormatTimestamp(e.start_time);
  j["endTime"] = FormatTimestamp(e.end_time);
  j["elapsedMillis"] = e.elapsed().count();
}

void PrintTo(const Execution& e, std::ostream* os) {
  *os << ToString(e.status);
  if (e.output) *os << " output=" << jsonpath::ToAwsJson(*e.output);
  if (e.error) *os << " error=" << *e.error;
  if (e.cause) *os << " cause=" << *e.cause;
  *os << " elapsed=" << e.elapsed().count() << "ms events=" << e.history.size();
}

}  // namespace stepsim::sim
