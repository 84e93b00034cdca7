#include <stepsim/asl/loader.h>
#include <stepsim/test/harness.h>
#include <stepsim/test/mock_tasks.h>

#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace stepsim::test {
namespace {

// Records every transition and entered state of one run.
class Recorder : public sim::ExecutionListener {
 public:
  explicit Recorder(std::vector<RecordedTransition>* transitions) : transitions_(transitions) {}

  void OnTransition(const sim::Transition& t) override {
    RecordedTransition r;
    r.from = t.from;
    r.to = t.to;
    r.kind = t.kind;
    r.index = t.index;
    r.scope = t.scope;
    r.iteration = t.iteration;
    if (t.error != nullptr) r.error = *t.error;
    r.heartbeat = t.heartbeat;
    r.exhausted_retrier = t.exhausted_retrier;
    r.time = t.time;
    transitions_->push_back(std::move(r));
  }

 private:
  std::vector<RecordedTransition>* transitions_;
};

// Asks the harness' answer sources in their documented order.
class Dispatcher : public sim::TaskHandler {
 public:
  Dispatcher(const FaultInjector* faults, MockTasks* mock_tasks,
             const std::map<std::string, StateScript, std::less<>>* scripts,
             const std::vector<std::shared_ptr<sim::TaskHandler>>* handlers,
             sim::TaskHandler* mock_config)
      : faults_(faults),
        mock_tasks_(mock_tasks),
        scripts_(scripts),
        handlers_(handlers),
        mock_config_(mock_config) {}

  std::optional<sim::TaskOutcome> Invoke(const sim::TaskInvocation& call) override {
    if (faults_->faults().empty()) return Rest(call);
    return faults_->Answer(call, [&] { return Rest(call); });
  }

 private:
  std::optional<sim::TaskOutcome> Rest(const sim::TaskInvocation& call) {
    if (mock_tasks_ != nullptr) {
      if (auto o = mock_tasks_->Invoke(call)) return o;
    }
    if (!scripts_->empty()) {
      auto it = scripts_->find(call.state->name);
      if (it != scripts_->end()) {
        if (auto o = it->second.Answer(call.invocation)) return o;
      }
    }
    for (const auto& h : *handlers_) {
      if (auto o = h->Invoke(call)) return o;
    }
    if (mock_config_ != nullptr) return mock_config_->Invoke(call);
    return std::nullopt;
  }

  const FaultInjector* faults_;
  MockTasks* mock_tasks_;
  const std::map<std::string, StateScript, std::less<>>* scripts_;
  const std::vector<std::shared_ptr<sim::TaskHandler>>* handlers_;
  sim::TaskHandler* mock_config_;
};

std::string TaskStateNames(const asl::Definition& definition) {
  std::string names;
  for (const asl::State* s : definition.AllStates()) {
    if (s->type != asl::StateType::kTask) continue;
    if (!names.empty()) names += ", ";
    names += "\"" + s->name + "\"";
  }
  return names.empty() ? "none" : names;
}

}  // namespace

// ---- RecordedTransition ---------------------------------------------------

std::string_view RecordedTransition::from_name() const {
  return from == nullptr ? std::string_view() : std::string_view(from->name);
}

std::string_view RecordedTransition::to_name() const {
  return to == nullptr ? std::string_view() : std::string_view(to->name);
}

const asl::State* RecordedTransition::owner() const {
  return scope == nullptr ? nullptr : scope->parent_state;
}

// ---- StateScript ----------------------------------------------------------

StateScript& StateScript::Add(TaskAnswer answer) {
  if (repeat_) {
    throw UsageError("MockState(\"" + state_->name +
                     "\"): an answer after Always() is never used; give it before Always()");
  }
  answers_.push_back(std::move(answer));
  return *this;
}

StateScript& StateScript::Returns(Json result, sim::Millis latency) {
  return Add(sim::TaskOutcome::Succeed(std::move(result), latency));
}

StateScript& StateScript::Throws(std::string error, std::string cause, sim::Millis latency) {
  return Add(sim::TaskOutcome::Fail(std::move(error), std::move(cause), latency));
}

StateScript& StateScript::TimesOut() { return Add(TimeoutAnswer()); }

StateScript& StateScript::ReturnsWithHeartbeats(Json result, sim::Millis latency,
                                                std::vector<sim::Millis> beats) {
  sim::TaskOutcome o = sim::TaskOutcome::Succeed(std::move(result), latency);
  o.heartbeats = std::move(beats);
  return Add(std::move(o));
}

StateScript& StateScript::Always() {
  if (answers_.empty()) {
    throw UsageError("MockState(\"" + state_->name +
                     "\").Always(): there is no answer to repeat; give one first");
  }
  repeat_ = true;
  return *this;
}

StateScript& StateScript::AlwaysReturns(Json result, sim::Millis latency) {
  return Returns(std::move(result), latency).Always();
}

StateScript& StateScript::AlwaysThrows(std::string error, std::string cause, sim::Millis latency) {
  return Throws(std::move(error), std::move(cause), latency).Always();
}

StateScript& StateScript::AlwaysTimesOut() { return TimesOut().Always(); }

std::optional<sim::TaskOutcome> StateScript::Answer(std::int64_t invocation) const {
  if (answers_.empty() || invocation < 0) return std::nullopt;
  auto i = static_cast<std::size_t>(invocation);
  if (i >= answers_.size()) {
    if (!repeat_) return std::nullopt;
    i = answers_.size() - 1;
  }
  return answers_[i].Resolve(*state_);
}

void to_json(Json& j, const StateScript& script) {
  j = Json{{"state", script.state().name},
           {"answers", script.answers()},
           {"repeatsLast", script.repeats_last()}};
}

void PrintTo(const StateScript& script, std::ostream* os) { *os << Json(script).dump(); }

// ---- Harness --------------------------------------------------------------

Harness Harness::FromFile(const std::string& path) { return Harness(asl::LoadFile(path)); }

Harness Harness::FromString(std::string_view json_text) { return Harness(asl::Load(json_text)); }

Harness::Harness(std::shared_ptr<const asl::Definition> definition)
    : definition_(definition == nullptr ? throw UsageError("Harness: the definition is null")
                                        : std::move(definition)),
      interpreter_(std::make_shared<const sim::Interpreter>(definition_)),
      faults_(definition_) {}

Harness& Harness::WithSeed(std::uint64_t seed) {
  options_.seed = seed;
  return *this;
}

StateScript& Harness::MockState(std::string_view state) {
  auto it = scripts_.find(state);
  if (it != scripts_.end()) return it->second;
  const asl::State* s = definition_->FindState(state);
  if (s == nullptr || s->type != asl::StateType::kTask) {
    const std::string what = s == nullptr ? "no state is named \"" + std::string(state) + "\""
                                          : "\"" + std::string(state) + "\" is a " +
                                                std::string(asl::ToString(s->type)) + " state";
    throw UsageError(
        "MockState(\"" + std::string(state) + "\"): " + what +
        "; only Task states are invoked (Task states: " + TaskStateNames(*definition_) + ")");
  }
  return scripts_.emplace(std::string(state), StateScript(s)).first->second;
}

Harness& Harness::UseMockTasks(MockTasks& tasks) {
  mock_tasks_ = &tasks;
  return *this;
}

Harness& Harness::AddHandler(std::shared_ptr<sim::TaskHandler> handler) {
  if (handler == nullptr) throw UsageError("AddHandler: the handler is null");
  handlers_.push_back(std::move(handler));
  return *this;
}

Harness& Harness::WithScript(const OutcomeScript& script) {
  return AddHandler(std::make_shared<ScriptTaskHandler>(script));
}

Harness& Harness::UseMockConfig(const std::string& path, std::string_view state_machine,
                                std::string_view test_case) {
  return UseMockConfig(std::make_shared<const sim::MockConfig>(sim::MockConfig::LoadFile(path)),
                       state_machine, test_case);
}

Harness& Harness::UseMockConfig(std::shared_ptr<const sim::MockConfig> config,
                                std::string_view state_machine, std::string_view test_case) {
  if (config == nullptr) throw UsageError("UseMockConfig: the mock config is null");
  mock_config_ =
      std::make_shared<sim::MockTaskHandler>(std::move(config), state_machine, test_case);
  return *this;
}

Harness& Harness::AddListener(sim::ExecutionListener* listener) {
  if (listener == nullptr) throw UsageError("AddListener: the listener is null");
  listeners_.push_back(listener);
  return *this;
}

RunResult Harness::Run(const Json& input) const {
  RunResult result;
  result.definition_ = definition_;
  result.seed_ = options_.seed;
  Recorder recorder(&result.transitions_);
  Dispatcher dispatcher(&faults_, mock_tasks_, &scripts_, &handlers_, mock_config_.get());

  sim::Options options = options_;
  faults_.Configure(&options);
  options.task_handlers.insert(options.task_handlers.begin(), &dispatcher);
  options.listeners.insert(options.listeners.begin(), listeners_.begin(), listeners_.end());
  options.listeners.insert(options.listeners.begin(), &recorder);
  interpreter_->Run(input, options, &result.execution_);

  result.visited_.reserve(result.execution_.visited_states.size());
  for (std::string_view name : result.execution_.visited_states) {
    result.visited_.emplace_back(name);
  }
  return result;
}

// ---- printing -------------------------------------------------------------

void to_json(Json& j, const RecordedTransition& t) {
  j = Json::object();
  j["from"] = std::string(t.from_name());
  j["to"] = t.to == nullptr ? Json(nullptr) : Json(std::string(t.to_name()));
  j["kind"] = std::string(sim::ToString(t.kind));
  if (t.index >= 0) j["index"] = t.index;
  if (t.iteration >= 0) j["iteration"] = t.iteration;
  if (const asl::State* o = t.owner()) j["scope"] = o->name;
  if (t.error) {
    j["error"] = t.error->error;
    j["cause"] = t.error->cause;
  }
  if (t.heartbeat) j["heartbeat"] = true;
  if (t.exhausted_retrier >= 0) j["exhaustedRetrier"] = t.exhausted_retrier;
  j["time"] = sim::FormatTimestamp(t.time);
}

void PrintTo(const RecordedTransition& t, std::ostream* os) { *os << Json(t).dump(); }

void to_json(Json& j, const RunResult& run) {
  j = Json::object();
  j["status"] = std::string(sim::ToString(run.status()));
  if (run.error()) j["error"] = *run.error();
  if (run.cause()) j["cause"] = *run.cause();
  if (run.output()) j["output"] = *run.output();
  j["visitedStates"] = run.visited_states();
  j["transitions"] = run.transitions();
  j["elapsedMillis"] = run.elapsed().count();
  j["seed"] = run.seed();
}

void PrintTo(const RunResult& run, std::ostream* os) {
  Json j = Json::object();
  j["status"] = std::string(sim::ToString(run.status()));
  if (run.error()) j["error"] = *run.error();
  if (run.cause()) j["cause"] = *run.cause();
  if (run.output()) j["output"] = *run.output();
  j["elapsedMillis"] = run.elapsed().count();
  j["seed"] = run.seed();
  *os << j.dump();
}

void to_json(Json& j, const Harness& harness) {
  Json scripts = Json::object();
  for (const auto& [name, script] : harness.scripts_) scripts[name] = script;
  j = Json{{"definition", harness.definition_->file()},
           {"seed", harness.options_.seed},
           {"type", std::string(sim::ToString(harness.options_.type))},
           {"scripts", std::move(scripts)},
           {"faults", harness.faults_},
           {"mockTasks", harness.mock_tasks_ != nullptr},
           {"handlers", harness.handlers_.size()},
           {"mockConfig", harness.mock_config_ != nullptr},
           {"listeners", harness.listeners_.size()}};
}

void PrintTo(const Harness& harness, std::ostream* os) { *os << Json(harness).dump(); }

}  // namespace stepsim::test
