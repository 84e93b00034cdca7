// TestState: one state run once, offline, answered as AWS answers.
//
// The tested state runs inside a small program built for the call: an
// optional Pass state that assigns the request's variables, the state under
// the name AWS gives it ("StateName"), and a Succeed state for each of its
// transition targets. A Map or Parallel state with a mocked result runs as a
// Task whose result is the mock (AWS does not run their iterations or
// branches either). Retriers keep one attempt when the request's
// retrierRetryCount leaves them any, so the first retry transition says
// RETRIABLE and which retrier; catchers run as written.

#include <stepsim/asl/loader.h>
#include <stepsim/jsonata/jsonata.h>
#include <stepsim/jsonpath/env.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/data_flow.h>
#include <stepsim/sim/error_match.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/test_state.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace stepsim::sim {
namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

constexpr const char* kTestedName = "StateName";
constexpr const char* kVariablesState = "StepsimTestStateVariables";
constexpr const char* kMockResource = "arn:aws:states:::stepsim:mockedResult";
constexpr const char* kStateMachineName = "StepsimTestState";
constexpr const char* kExecutionName = "test-state";

TestStateApiError Validation(std::string message) {
  return TestStateApiError{"ValidationException", std::move(message)};
}

/// AWS's text for the validator findings TestState reports most often;
/// other findings keep stepsim's wording.
std::string AwsFinding(const asl::Diagnostic& d) {
  std::string message = d.message;
  const bool type_field = d.pointer.size() >= 5 && d.pointer.ends_with("/Type");
  if (type_field && message.rfind("must be one of", 0) == 0) {
    message =
        "The field 'Type' should have one of these values: "
        "[Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]";
  } else if (message.rfind("must be a non-empty array", 0) == 0 &&
             message.ends_with("got an array")) {
    message = "Value cannot be empty";
  }
  return d.code + ": " + message + " at " + asl::AwsLocation(d.pointer);
}

std::optional<TestStateApiError> DefinitionErrors(const std::vector<asl::Diagnostic>& found) {
  std::string text;
  for (const asl::Diagnostic& d : found) {
    if (d.severity != asl::Severity::kError) continue;
    text += (text.empty() ? "'" : ", '") + AwsFinding(d) + "'";
  }
  if (text.empty()) return std::nullopt;
  return TestStateApiError{"InvalidDefinition", "Invalid State Machine Definition: " + text};
}

/// The state called `name` anywhere in a state machine document.
const OJson* FindState(const OJson& machine, const std::string& name, int depth = 0) {
  if (depth > 64 || !machine.is_object() || !machine.contains("States")) return nullptr;
  const OJson& states = machine.at("States");
  if (!states.is_object()) return nullptr;
  if (states.contains(name)) return &states.at(name);
  for (const auto& [n, s] : states.items()) {
    if (!s.is_object()) continue;
    if (s.contains("Branches") && s.at("Branches").is_array()) {
      for (const OJson& b : s.at("Branches")) {
        if (const OJson* f = FindState(b, name, depth + 1)) return f;
      }
    }
    for (const char* key : {"ItemProcessor", "Iterator"}) {
      if (s.contains(key)) {
        if (const OJson* f = FindState(s.at(key), name, depth + 1)) return f;
      }
    }
  }
  return nullptr;
}

std::string TypeOf(const OJson& state) {
  return state.contains("Type") && state.at("Type").is_string()
             ? state.at("Type").get<std::string>()
             : "";
}

/// Every state the tested state may move to.
std::vector<std::string> Targets(const OJson& state) {
  std::vector<std::string> out;
  auto add = [&](const OJson& v) {
    if (v.is_string() && std::find(out.begin(), out.end(), v.get<std::string>()) == out.end()) {
      out.push_back(v.get<std::string>());
    }
  };
  if (state.contains("Next")) add(state.at("Next"));
  if (state.contains("Default")) add(state.at("Default"));
  for (const char* list : {"Choices", "Catch"}) {
    if (!state.contains(list) || !state.at(list).is_array()) continue;
    for (const OJson& rule : state.at(list)) {
      if (rule.is_object() && rule.contains("Next")) add(rule.at("Next"));
    }
  }
  return out;
}

/// `{"StartAt": ..., "States": {...}}` around a single state, for validation.
OJson Wrap(const OJson& state) {
  OJson machine = {{"StartAt", kTestedName}, {"States", OJson::object()}};
  machine["States"][kTestedName] = state;
  for (const std::string& t : Targets(state)) {
    if (t != kTestedName) machine["States"][t] = {{"Type", "Succeed"}};
  }
  return machine;
}

std::int64_t RetrierMaxAttempts(const OJson& retrier) {
  if (retrier.contains("MaxAttempts") && retrier.at("MaxAttempts").is_number()) {
    return retrier.at("MaxAttempts").get<std::int64_t>();
  }
  return 3;
}

/// What the request says the tested state is.
struct Subject {
  OJson state;  ///< as written
  std::string type;
  bool jsonata = false;
};

/// The run's Context object identity.
Options RunOptions(const TestStateRequest& request, const TestStateOptions& options) {
  Options o;
  const std::string arn =
      "arn:" + options.partition + ":states:" + options.region + ":" + options.account + ":";
  o.type = StateMachineType::kExpress;
  o.state_machine_name = kStateMachineName;
  o.state_machine_id = arn + "stateMachine:" + kStateMachineName;
  o.execution_name = kExecutionName;
  o.execution_id = arn + "express:" + kStateMachineName + ":" + kExecutionName;
  o.role_arn = request.role_arn.value_or("");
  o.region = options.region;
  o.account = options.account;
  o.limits.max_state_transitions = 16;
  return o;
}

/// Remembers how control left the tested state.
class Observer final : public ExecutionListener {
 public:
  void OnTransition(const Transition& t) override {
    if (t.from == nullptr || t.from->name != kTestedName || decided_) return;
    decided_ = true;
    kind = t.kind;
    index = t.index;
    if (t.to != nullptr) next = t.to->name;
    if (t.error != nullptr) error = *t.error;
  }
  bool decided() const { return decided_; }

  TransitionKind kind = TransitionKind::kEnd;
  int index = -1;
  std::optional<std::string> next;
  std::optional<AslError> error;

 private:
  bool decided_ = false;
};

std::optional<double> NumberOf(const Json& v) {
  if (v.is_number()) return v.get<double>();
  return std::nullopt;
}

/// A Map's MaxConcurrency / ToleratedFailureCount / ToleratedFailurePercentage:
/// a literal, a `...Path` twin (JSONPath) or a JSONata expression.
std::optional<double> MapNumber(const OJson& state, const char* field, bool jsonata,
                                const Json& input, const Json& effective) {
  if (state.contains(field)) {
    const OJson& v = state.at(field);
    if (v.is_number()) return v.get<double>();
    if (jsonata && v.is_string()) {
      jsonata::Bindings b;
      b.input = &input;
      const Result<Json> r = jsonata::EvaluateTemplate(Json::parse(v.dump()), b, field);
      if (r.ok()) return NumberOf(r.value());
    }
    return std::nullopt;
  }
  const std::string path_field = std::string(field) + "Path";
  if (!jsonata && state.contains(path_field) && state.at(path_field).is_string()) {
    try {
      const auto p = jsonpath::Path::Parse(state.at(path_field).get<std::string>());
      if (auto v = p.SelectFrom(effective)) return NumberOf(*v);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

/// Puts the Context object `context` in place of every reference to it in
/// `node`: JSONPath `"key.$": "$$..."` members become constants, JSONata's
/// `$states.context` becomes the object itself. Used where the Context
/// object AWS gives the tested state is not the one a run builds.
void FixContext(OJson& node, const Json& context, bool jsonata, int depth = 0) {
  if (depth > 64) return;
  if (node.is_array()) {
    for (OJson& item : node) FixContext(item, context, jsonata, depth + 1);
    return;
  }
  if (!node.is_object()) return;
  OJson fixed = OJson::object();
  for (auto& [key, value] : node.items()) {
    if (key == "Branches" || key == "ItemProcessor" || key == "Iterator") {
      fixed[key] = value;
      continue;
    }
    if (jsonata && value.is_string() && jsonata::IsExpression(value.get<std::string>())) {
      std::string text = value.get<std::string>();
      const std::string literal = "(" + context.dump() + ")";
      for (auto at = text.find("$states.context"); at != std::string::npos;
           at = text.find("$states.context", at + literal.size())) {
        text.replace(at, 15, literal);
      }
      fixed[key] = text;
      continue;
    }
    const bool path_member = !jsonata && key.size() > 2 && key.ends_with(".$") &&
                             value.is_string() && value.get<std::string>().rfind("$$", 0) == 0;
    if (path_member) {
      try {
        const auto path = jsonpath::Path::Parse(value.get<std::string>());
        if (auto v = path.SelectFrom(context)) {
          fixed[key.substr(0, key.size() - 2)] = OJson::parse(v->dump());
          continue;
        }
      } catch (const std::exception&) {
        // Left as written: the run reports the bad path.
      }
    }
    FixContext(value, context, jsonata, depth + 1);
    fixed[key] = value;
  }
  node = std::move(fixed);
}

/// The tested state's value after each processing step (the first attempt's
/// when a retrier runs it again).
class StepRecorder final : public DataFlowObserver {
 public:
  void OnStep(const DataFlowRecord& record) override {
    if (record.state == nullptr || record.state->name != kTestedName || record.iteration != -1 ||
        record.value == nullptr) {
      return;
    }
    steps_.emplace(record.step, *record.value);
  }
  std::optional<Json> Get(DataFlowStep step) const {
    const auto it = steps_.find(step);
    if (it == steps_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<DataFlowStep, Json> steps_;
};

class Engine {
 public:
  Engine(const TestStateRequest& request, const TestStateOptions& options)
      : request_(request), options_(options) {}

  TestStateOutcome Run() {
    if (auto e = Prepare()) return *e;
    if (auto e = CheckMock()) return *e;
    if (auto e = CheckContext()) return *e;
    if (subject_.type == "Task" && !request_.mock) {
      if (!request_.role_arn)
        return Validation("RoleArn must be specified when testing a Task state");
      TestStateResponse r;
      r.status = TestStatus::kFailed;
      r.error = errors::kRuntime;
      r.cause = "a mock is required offline: the Task state calls " +
                (subject_.state.contains("Resource") ? subject_.state.at("Resource").dump()
                                                     : std::string("a service")) +
                R"(; give the request a "mock" with "result" or "errorOutput")";
      Inspect(&r, nullptr);
      return r;
    }
    return Execute();
  }

 private:
  std::optional<TestStateApiError> Prepare() {
    const OJson doc = OJson::parse(request_.definition, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      return TestStateApiError{
          "InvalidDefinition",
          "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: the definition is not a "
          "JSON object'"};
    }
    if (request_.state_name) {
      if (auto e = DefinitionErrors(asl::Validate(request_.definition))) return e;
      const OJson* state = FindState(doc, *request_.state_name);
      if (state == nullptr) return Validation("State not found in definition");
      subject_.state = *state;
      subject_.jsonata = doc.value("QueryLanguage", "") == "JSONata";
    } else {
      if (auto e = DefinitionErrors(asl::Validate(Wrap(doc).dump()))) return e;
      subject_.state = doc;
    }
    subject_.type = TypeOf(subject_.state);
    if (subject_.state.contains("QueryLanguage")) {
      subject_.jsonata = subject_.state.at("QueryLanguage") == "JSONata";
    }
    input_ = Json::object();
    if (request_.input) {
      input_ = Json::parse(*request_.input, nullptr, false);
      if (input_.is_discarded()) {
        return TestStateApiError{"InvalidExecutionInput",
                                 "Invalid State Machine Execution Input: the input is not JSON"};
      }
    }
    if (request_.variables) {
      variables_ = Json::parse(*request_.variables, nullptr, false);
      if (variables_.is_discarded() || !variables_.is_object()) {
        return Validation("Invalid variables provided: the variables must be a JSON object");
      }
    } else {
      variables_ = Json::object();
    }
    return std::nullopt;
  }

  std::optional<TestStateApiError> CheckMock() {
    const std::string& type = subject_.type;
    if (!request_.mock) {
      if (type == "Map" || type == "Parallel") {
        return TestStateApiError{
            "InvalidDefinition",
            "TestState API does not support Map or Parallel states. Supported state types "
            "include: [Task, Wait, Pass, Succeed, Fail, Choice]"};
      }
      return std::nullopt;
    }
    const TestStateMock& mock = *request_.mock;
    if (type == "Pass" || type == "Fail" || type == "Succeed") {
      return Validation("State type '" + type + "' is not supported when a mock is specified");
    }
    if (request_.reveal_secrets) {
      return Validation("TestState does not support RevealSecrets when a mock is specified.");
    }
    if (mock.result && mock.error_output) {
      return Validation(
          "A test mock should have only one of the following fields: [result, errorOutput].");
    }
    if (!mock.result) return std::nullopt;
    mock_result_ = Json::parse(*mock.result, nullptr, false);
    if (mock_result_.is_discarded()) return Validation("Mocked result must be valid JSON");
    if (type == "Map") {
      const bool writer = subject_.state.contains("ResultWriter");
      if (writer && !mock_result_.is_object()) {
        return Validation("Mocked result must be a JSON object.");
      }
      if (!writer && !mock_result_.is_array()) return Validation("Mocked result must be an array.");
    }
    if (type == "Parallel") {
      if (!mock_result_.is_array()) return Validation("Mocked result must be an array.");
      const OJson& branches = subject_.state.at("Branches");
      if (mock_result_.size() != branches.size()) {
        return Validation(
            "Mocked result must contain the same number of items as number of Parallel "
            "branches.");
      }
    }
    if (type == "Task" && subject_.state.contains("Resource") &&
        subject_.state.at("Resource").is_string()) {
      if (auto m =
              CheckMockedResultShape(subject_.state.at("Resource").get<std::string>(), *mock.result,
                                     mock.field_validation_mode, options_.botocore_data_dirs)) {
        return Validation(*m);
      }
    }
    return std::nullopt;
  }

  std::optional<TestStateApiError> CheckContext() const {
    if (!request_.context) return std::nullopt;
    auto bad = [](const std::string& why) {
      return Validation("Invalid Context object provided: " + why);
    };
    const Json context = Json::parse(*request_.context, nullptr, false);
    if (context.is_discarded() || !context.is_object()) {
      return bad("the Context object must be a JSON object");
    }
    struct Allowed {
      const char* name;
      std::vector<std::pair<const char*, const char*>> fields;  // name, "string"/"number"/"any"
    };
    const std::vector<Allowed> allowed = {
        {"Execution",
         {{"Id", "string"},
          {"Input", "any"},
          {"Name", "string"},
          {"RoleArn", "string"},
          {"StartTime", "string"},
          {"RedriveCount", "number"},
          {"RedriveTime", "string"}}},
        {"State", {{"EnteredTime", "string"}, {"Name", "string"}, {"RetryCount", "number"}}},
        {"StateMachine", {{"Id", "string"}, {"Name", "string"}}},
        {"Task", {{"Token", "string"}}}};
    // Named copies, not structured bindings: clang 14 cannot capture those.
    for (auto entry = context.begin(); entry != context.end(); ++entry) {
      const std::string key = entry.key();
      const Json& value = entry.value();
      if (key == "Map") return bad("'Map' field is not supported when mocking a Context object");
      const auto group = std::find_if(allowed.begin(), allowed.end(),
                                      [&](const Allowed& a) { return key == a.name; });
      if (group == allowed.end()) return bad("Field '" + key + "' is not allowed");
      if (!value.is_object()) return bad(key + " must be an object");
      for (auto member = value.begin(); member != value.end(); ++member) {
        const std::string field = member.key();
        const Json& v = member.value();
        const auto f = std::find_if(group->fields.begin(), group->fields.end(),
                                    [&](const auto& p) { return field == p.first; });
        if (f == group->fields.end()) return bad("Field '" + field + "' is not allowed");
        const std::string kind = f->second;
        if (kind == "string" && !v.is_string()) return bad(key + "." + field + " must be a string");
        if (kind == "number" && !v.is_number_integer()) {
          return bad(key + "." + field + " must be an integer");
        }
      }
    }
    return std::nullopt;
  }

  /// The program the tested state runs in.
  OJson Program() const {
    OJson state = subject_.state;
    if (subject_.jsonata) state["QueryLanguage"] = "JSONata";
    if (const std::optional<Json> context = FixedContext()) {
      FixContext(state, *context, subject_.jsonata);
    }
    const std::int64_t done = Configuration().retrier_retry_count.value_or(0);
    if (state.contains("Retry") && state.at("Retry").is_array()) {
      for (OJson& retrier : state.at("Retry")) {
        retrier["MaxAttempts"] = RetrierMaxAttempts(retrier) > done ? 1 : 0;
      }
    }
    if (subject_.type == "Map" || subject_.type == "Parallel") {
      OJson task = {{"Type", "Task"}, {"Resource", kMockResource}};
      for (const char* keep :
           {"Comment", "QueryLanguage", "InputPath", "OutputPath", "ResultPath", "ResultSelector",
            "Output", "Assign", "Retry", "Catch", "Next", "End"}) {
        if (state.contains(keep)) task[keep] = state.at(keep);
      }
      state = std::move(task);
    }
    OJson machine = Wrap(state);
    if (!variables_.empty()) {
      OJson assign = OJson::parse(variables_.dump());
      machine["States"][kVariablesState] = {
          {"Type", "Pass"}, {"Assign", std::move(assign)}, {"Next", kTestedName}};
      machine["StartAt"] = kVariablesState;
    }
    return machine;
  }

  /// The Context object of the tested state when a run's own would differ
  /// from AWS's: the request's `context` as given, or, without a role, the
  /// default one, whose Execution.RoleArn is null.
  std::optional<Json> FixedContext() const {
    if (request_.context) return Json::parse(*request_.context);
    if (request_.role_arn) return std::nullopt;
    const Options o = RunOptions(request_, options_);
    Json state = {{"Name", kTestedName}, {"EnteredTime", FormatTimestamp(o.start_time)}};
    if (subject_.type == "Task" || subject_.type == "Map" || subject_.type == "Parallel") {
      state["RetryCount"] = 0;
    }
    return Json{{"Execution",
                 {{"Id", o.execution_id},
                  {"Input", input_},
                  {"Name", o.execution_name},
                  {"RoleArn", nullptr},
                  {"StartTime", FormatTimestamp(o.start_time)}}},
                {"StateMachine", {{"Id", o.state_machine_id}, {"Name", o.state_machine_name}}},
                {"State", std::move(state)}};
  }

  const TestStateConfiguration& Configuration() const {
    static const TestStateConfiguration kNone;
    return request_.state_configuration ? *request_.state_configuration : kNone;
  }

  /// The outcome the mock gives the tested state.
  std::optional<TaskOutcome> MockOutcome() const {
    if (!request_.mock) return std::nullopt;
    if (request_.mock->error_output) {
      return TaskOutcome::Fail(request_.mock->error_output->error,
                               request_.mock->error_output->cause);
    }
    if (subject_.type == "Map" && ToleranceExceeded()) {
      return TaskOutcome::Fail(errors::kExceedToleratedFailureThreshold,
                               "The specified tolerated failure threshold was exceeded");
    }
    return TaskOutcome::Succeed(mock_result_);
  }

  /// mapIterationFailureCount against the Map's tolerance. AWS applies it
  /// only to a Map with a Retry or Catch.
  bool ToleranceExceeded() const {
    const std::int64_t failures = Configuration().map_iteration_failure_count.value_or(0);
    if (failures <= 0) return false;
    const OJson& s = subject_.state;
    if (!s.contains("Retry") && !s.contains("Catch")) return false;
    const auto count = MapNumber(s, "ToleratedFailureCount", subject_.jsonata, input_, input_);
    const auto percentage =
        MapNumber(s, "ToleratedFailurePercentage", subject_.jsonata, input_, input_);
    if (!count && !percentage) return true;
    if (count && static_cast<double>(failures) > *count) return true;
    const double items = mock_result_.is_array() ? static_cast<double>(mock_result_.size()) : 0.0;
    return percentage && items > 0 && 100.0 * static_cast<double>(failures) / items > *percentage;
  }

  TestStateOutcome Execute() {
    std::shared_ptr<const asl::Definition> definition;
    try {
      definition = asl::Load(Program().dump());
    } catch (const asl::DefinitionError& e) {
      if (auto error = DefinitionErrors(e.diagnostics())) return *error;
      return TestStateApiError{"InvalidDefinition", "Invalid State Machine Definition"};
    }
    const Interpreter interpreter(definition);
    Options o = RunOptions(request_, options_);
    std::optional<TaskOutcome> mock = MockOutcome();
    o.task_function = [&](const TaskInvocation& call) -> std::optional<TaskOutcome> {
      if (call.state != nullptr && call.state->name == kTestedName) return mock;
      return std::nullopt;
    };
    Observer observer;
    o.listeners.push_back(&observer);
    o.data_flow = &steps_;
    const Execution run = interpreter.Run(input_, o);

    TestStateResponse r;
    if (!observer.decided()) {
      r.status = TestStatus::kFailed;
      r.error = run.error.value_or(errors::kRuntime);
      r.cause = run.cause;
      Inspect(&r, &run);
      return r;
    }
    switch (observer.kind) {
      case TransitionKind::kRetry: {
        r.status = TestStatus::kRetriable;
        r.error = observer.error ? observer.error->error : "";
        r.cause = observer.error ? std::optional(observer.error->cause) : std::nullopt;
        break;
      }
      case TransitionKind::kCatch:
        r.status = TestStatus::kCaughtError;
        r.error = observer.error ? observer.error->error : "";
        r.cause = observer.error ? std::optional(observer.error->cause) : std::nullopt;
        r.next_state = observer.next;
        r.output = NextInput(run, observer.next);
        break;
      case TransitionKind::kErrorOut:
        r.status = TestStatus::kFailed;
        r.error = observer.error ? observer.error->error : run.error.value_or("");
        r.cause = observer.error ? std::optional(observer.error->cause) : run.cause;
        break;
      case TransitionKind::kEnd:
        r.status = TestStatus::kSucceeded;
        r.output = run.output;
        break;
      default:
        r.status = TestStatus::kSucceeded;
        r.next_state = observer.next;
        r.output = NextInput(run, observer.next);
        break;
    }
    if (r.cause && r.cause->empty() && request_.mock && request_.mock->error_output &&
        r.error == request_.mock->error_output->error) {
      r.cause = request_.mock->error_output->cause;
    }
    observer_ = observer;
    Inspect(&r, &run);
    return r;
  }

  /// The tested state's output: what the state after it received.
  static std::optional<Json> NextInput(const Execution& run,
                                       const std::optional<std::string>& next) {
    bool after = false;
    for (const HistoryEvent& e : run.history) {
      if (e.name == kTestedName) after = true;
      if (after && next && e.name == *next && e.input && e.type != EventType::kTaskScheduled) {
        return *e.input;
      }
    }
    return run.output;
  }

  void Inspect(TestStateResponse* r, const Execution* run) const {
    if (request_.inspection_level == InspectionLevel::kInfo) return;
    TestStateInspectionData d;
    d.input = input_;
    const std::string& type = subject_.type;
    const HistoryEvent* exited = nullptr;
    if (run != nullptr) {
      for (const HistoryEvent& e : run->history) {
        if (e.name == kTestedName && e.output &&
            (e.type == EventType::kTaskStateExited || e.type == EventType::kPassStateExited)) {
          exited = &e;
        }
      }
    }
    auto step = [&](DataFlowStep at) { return steps_.Get(at); };
    const bool ok = r->status == TestStatus::kSucceeded;
    const OJson& s = subject_.state;
    // AWS shows, per state type and query language, only these steps.
    if (type == "Task" && subject_.jsonata) {
      d.after_arguments = step(DataFlowStep::kAfterArguments);
      if (ok) d.result = step(DataFlowStep::kResult);
    } else if (type == "Task") {
      d.after_input_path = step(DataFlowStep::kAfterInputPath);
      d.after_parameters = step(DataFlowStep::kAfterParameters);
      if (ok) {
        d.result = step(DataFlowStep::kResult);
        d.after_result_selector = step(DataFlowStep::kAfterResultSelector);
        d.after_result_path = step(DataFlowStep::kAfterResultPath);
      }
    } else if (type == "Pass" && !subject_.jsonata) {
      d.after_input_path = step(DataFlowStep::kAfterInputPath);
      d.after_parameters = step(DataFlowStep::kAfterParameters);
      d.after_result_selector = step(DataFlowStep::kAfterResultSelector);
      d.after_result_path = step(DataFlowStep::kAfterResultPath);
    } else if (type == "Parallel" && !subject_.jsonata && ok) {
      d.after_result_selector = step(DataFlowStep::kAfterResultSelector);
      d.after_result_path = step(DataFlowStep::kAfterResultPath);
    } else if (type == "Map") {
      const Json effective = subject_.jsonata ? input_ : AfterInputPath().value_or(input_);
      if (!subject_.jsonata) {
        d.after_input_path = step(DataFlowStep::kAfterInputPath);
        if (ok) {
          d.after_result_selector = step(DataFlowStep::kAfterResultSelector);
          d.after_result_path = step(DataFlowStep::kAfterResultPath);
        }
        // The mocked Map runs no iterations: its items are read here.
        d.after_items_path = effective;
        if (s.contains("ItemsPath") && s.at("ItemsPath").is_string()) {
          try {
            d.after_items_path =
                jsonpath::Path::Parse(s.at("ItemsPath").get<std::string>()).SelectFrom(effective);
          } catch (const std::exception&) {
            d.after_items_path.reset();
          }
        }
      }
      d.max_concurrency = static_cast<std::int64_t>(
          MapNumber(s, "MaxConcurrency", subject_.jsonata, input_, effective).value_or(0));
      if (auto c = MapNumber(s, "ToleratedFailureCount", subject_.jsonata, input_, effective)) {
        d.tolerated_failure_count = static_cast<std::int64_t>(*c);
      }
      if (auto p =
              MapNumber(s, "ToleratedFailurePercentage", subject_.jsonata, input_, effective)) {
        d.tolerated_failure_percentage = *p;
      }
    }
    Json variables = variables_;
    if (exited != nullptr && exited->assigned_variables &&
        exited->assigned_variables->is_object()) {
      for (const auto& [k, v] : exited->assigned_variables->items()) variables[k] = v;
    }
    if (!variables.empty()) d.variables = std::move(variables);
    if (observer_ && observer_->kind == TransitionKind::kCatch) {
      d.error_details = TestStateErrorDetails{observer_->index, std::nullopt, std::nullopt};
    }
    if (observer_ && observer_->kind == TransitionKind::kRetry) {
      TestStateErrorDetails details;
      details.retry_index = observer_->index;
      details.retry_backoff_interval_seconds = Backoff(observer_->index);
      d.error_details = details;
    }
    r->inspection_data = std::move(d);
  }

  std::optional<Json> AfterInputPath() const {
    const OJson& s = subject_.state;
    if (!s.contains("InputPath")) return input_;
    const OJson& path = s.at("InputPath");
    if (path.is_null()) return Json::object();
    if (!path.is_string()) return std::nullopt;
    try {
      const auto p = jsonpath::Path::Parse(path.get<std::string>());
      if (p.root() != jsonpath::Path::Root::kInput) return std::nullopt;
      return p.SelectFrom(input_);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

  /// IntervalSeconds x BackoffRate ^ retries so far, capped by
  /// MaxDelaySeconds.
  std::int64_t Backoff(int index) const {
    const OJson& retrier = subject_.state.at("Retry").at(static_cast<std::size_t>(index));
    const double interval = retrier.value("IntervalSeconds", 1.0);
    const double rate = retrier.value("BackoffRate", 2.0);
    const auto done = static_cast<double>(Configuration().retrier_retry_count.value_or(0));
    double delay = interval * std::pow(rate, done);
    if (retrier.contains("MaxDelaySeconds") && retrier.at("MaxDelaySeconds").is_number()) {
      delay = std::min(delay, retrier.at("MaxDelaySeconds").get<double>());
    }
    return static_cast<std::int64_t>(delay);
  }

  const TestStateRequest& request_;
  const TestStateOptions& options_;
  Subject subject_;
  Json input_;
  Json variables_;
  Json mock_result_;
  std::optional<Observer> observer_;
  StepRecorder steps_;
};

}  // namespace

TestStateOutcome RunTestState(const TestStateRequest& request, const TestStateOptions& options) {
  return Engine(request, options).Run();
}

nlohmann::json RunTestState(const nlohmann::json& body, const TestStateOptions& options) {
  auto parsed = ParseTestStateRequest(body);
  if (const auto* error = std::get_if<TestStateApiError>(&parsed)) return Json(*error);
  const TestStateOutcome outcome = RunTestState(std::get<TestStateRequest>(parsed), options);
  return std::visit([](const auto& v) { return Json(v); }, outcome);
}

}  // namespace stepsim::sim
