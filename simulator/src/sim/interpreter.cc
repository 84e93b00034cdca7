#include <stepsim/jsonpath/json_text.h>
#include <stepsim/sim/error_match.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/mock_config.h>
#include <stepsim/sim/rng.h>

#include <algorithm>
#include <cmath>
#include <coroutine>
#include <queue>
#include <unordered_map>
#include <utility>

#include "sim/coroutine.h"
#include "sim/engine_util.h"
#include "sim/jsonata_state.h"

namespace stepsim::sim {
namespace internal {
namespace {

using asl::Scope;
using asl::State;
using asl::StateType;

constexpr std::int64_t kMaxWaitSeconds = 99999999;
constexpr std::size_t kInlineMapConcurrency = 40;
constexpr std::size_t kDistributedMapConcurrency = 10000;

enum class ResourceKind : std::uint8_t { kIntegration, kLambdaArn, kActivity };

bool ContainsContextRef(const nlohmann::ordered_json& v) {
  switch (v.type()) {
    case nlohmann::ordered_json::value_t::object:
      for (const auto& [k, x] : v.items()) {
        if (ContainsContextRef(x)) return true;
      }
      return false;
    case nlohmann::ordered_json::value_t::array:
      for (const auto& x : v) {
        if (ContainsContextRef(x)) return true;
      }
      return false;
    case nlohmann::ordered_json::value_t::string:
      return v.get_ref<const std::string&>().find("$$") != std::string::npos;
    default:
      return false;
  }
}

}  // namespace

/// Per-state data computed once per Interpreter.
struct StateInfo {
  EventType entered = EventType::kPassStateEntered;
  EventType exited = EventType::kPassStateExited;
  ResourceKind kind = ResourceKind::kIntegration;
  std::string resource_type;
  std::string resource;
  bool wait_for_token = false;
  bool sync = false;
  bool uses_context = true;
  JsonPtr pass_result;  // Pass `Result`, shared by every run
  // Compiled JSONata fields; null for JSONPath states.
  std::shared_ptr<const JsonataState> jsonata;
};

struct Program {
  std::shared_ptr<const asl::Definition> definition;
  // Looked up by key only, never iterated.
  std::unordered_map<const Scope*, std::vector<StateInfo>> scopes;
  JsonPtr empty_object = std::make_shared<const Json>(Json::object());

  const std::vector<StateInfo>& Infos(const Scope* s) const { return scopes.at(s); }

  void Add(const Scope& scope) {
    auto& infos = scopes[&scope];
    infos.reserve(scope.states.size());
    for (const State& s : scope.states) {
      infos.push_back(Describe(s));
      for (const auto& b : s.branches) Add(*b);
      if (s.item_processor) Add(*s.item_processor);
    }
  }

  StateInfo Describe(const State& s) const {
    StateInfo info;
    switch (s.type) {
      case StateType::kTask:
        info.entered = EventType::kTaskStateEntered;
        info.exited = EventType::kTaskStateExited;
        break;
      case StateType::kPass:
        info.entered = EventType::kPassStateEntered;
        info.exited = EventType::kPassStateExited;
        break;
      case StateType::kChoice:
        info.entered = EventType::kChoiceStateEntered;
        info.exited = EventType::kChoiceStateExited;
        break;
      case StateType::kWait:
        info.entered = EventType::kWaitStateEntered;
        info.exited = EventType::kWaitStateExited;
        break;
      case StateType::kSucceed:
        info.entered = EventType::kSucceedStateEntered;
        info.exited = EventType::kSucceedStateExited;
        break;
      case StateType::kFail:
        info.entered = EventType::kFailStateEntered;
        info.exited = EventType::kFailStateEntered;
        break;
      case StateType::kParallel:
        info.entered = EventType::kParallelStateEntered;
        info.exited = EventType::kParallelStateExited;
        break;
      case StateType::kMap:
        info.entered = EventType::kMapStateEntered;
        info.exited = EventType::kMapStateExited;
        break;
    }
    if (s.type == StateType::kTask) {
      const std::string& r = s.resource;
      static constexpr std::string_view kStates = "arn:aws:states:::";
      if (r.rfind(kStates, 0) == 0) {
        std::string rest = r.substr(kStates.size());
        std::string suffix;
        for (std::string_view sfx : {".waitForTaskToken", ".sync"}) {
          const auto p = rest.find(sfx);
          if (p != std::string::npos) {
            suffix = rest.substr(p);
            rest = rest.substr(0, p);
            if (sfx == ".sync")
              info.sync = true;
            else
              info.wait_for_token = true;
            break;
          }
        }
        const auto colon = rest.rfind(':');
        if (colon == std::string::npos) {
          info.resource_type = rest;
          info.resource = rest + suffix;
        } else {
          info.resource_type = rest.substr(0, colon);
          info.resource = rest.substr(colon + 1) + suffix;
        }
      } else if (r.find(":function:") != std::string::npos && r.rfind("arn:", 0) == 0) {
        info.kind = ResourceKind::kLambdaArn;
        info.resource = r;
      } else if (IsActivityResource(r)) {
        info.kind = ResourceKind::kActivity;
        info.resource = r;
      } else {
        info.resource_type = "unknown";
        info.resource = r;
      }
    }
    if (s.query_language == asl::QueryLanguage::kJsonata) {
      info.jsonata = CompileJsonataState(s);
    }
    if (s.type == StateType::kPass && s.result) {
      info.pass_result = std::make_shared<const Json>(*s.result);
    }
    try {
      const auto& node =
          definition->document().at(nlohmann::ordered_json::json_pointer(s.source.pointer));
      info.uses_context = ContainsContextRef(node);
    } catch (const std::exception&) {
      info.uses_context = true;
    }
    return info;
  }
};

namespace {

class VarScope final : public jsonpath::VariableView {
 public:
  explicit VarScope(const VarScope* parent = nullptr) : parent_(parent) {}
  const Json* Find(std::string_view name) const override {
    for (const VarScope* s = this; s != nullptr; s = s->parent_) {
      for (const auto& [k, v] : s->vars_) {
        if (k == name) return v.get();
      }
    }
    return nullptr;
  }
  void Set(const std::string& name, JsonPtr value) {
    for (auto& [k, v] : vars_) {
      if (k == name) {
        v = std::move(value);
        return;
      }
    }
    vars_.emplace_back(name, std::move(value));
  }

 private:
  const VarScope* parent_;
  std::vector<std::pair<std::string, JsonPtr>> vars_;
};

/// A thread of control: the execution, a Parallel branch or a Map
/// iteration.
struct Activity {
  std::uint32_t id = 0;
  Activity* parent = nullptr;
  VarScope vars;
  std::int64_t last_event_id = 0;
  std::int64_t iteration = -1;
  bool silent = false;  // distributed Map child: no events in this history
  const State* running = nullptr;
  const Scope* scope = nullptr;
  VirtualTime entered_time;
  std::int64_t retry_count = 0;
  std::vector<Activity*> children;  // live children of the running state

  explicit Activity(const VarScope* parent_vars) : vars(parent_vars) {}
};

struct Outcome {
  enum class Kind : std::uint8_t { kOk, kError, kFatal };
  Kind kind = Kind::kOk;
  JsonPtr value;
  AslError error;
  bool heartbeat = false;
  /// The retrier that matched this error with no attempts left (RTY-06).
  int exhausted_retrier = -1;

  bool ok() const { return kind == Kind::kOk; }
  static Outcome Ok(JsonPtr v) {
    Outcome o;
    o.value = std::move(v);
    return o;
  }
  static Outcome Error(AslError e) {
    Outcome o;
    o.kind = Kind::kError;
    o.error = std::move(e);
    return o;
  }
  static Outcome Fatal(AslError e) {
    Outcome o;
    o.kind = Kind::kFatal;
    o.error = std::move(e);
    return o;
  }
};

/// How one state ended.
struct Step {
  Outcome out;
  bool end = false;
  std::size_t next = 0;
  TransitionKind kind = TransitionKind::kNext;
  int index = -1;
  JsonPtr assigned;
  std::optional<AslError> caught;  // the error a catcher handled
  bool heartbeat = false;          // caught error was a heartbeat lapse
  int exhausted_retrier = -1;      // see Outcome::exhausted_retrier
};

Step Leave(const State& s, JsonPtr output) {
  Step st;
  st.out = Outcome::Ok(std::move(output));
  st.end = s.end;
  st.next = s.next_index;
  st.kind = s.end ? TransitionKind::kEnd : TransitionKind::kNext;
  return st;
}

Step Failed(Outcome o) {
  Step st;
  st.out = std::move(o);
  return st;
}

/// Errors that are neither retried nor caught (ERR-04, ERR-05).
Outcome ErrorOutcome(AslError e) {
  if (e.error == errors::kRuntime) return Outcome::Fatal(std::move(e));
  return Outcome::Error(std::move(e));
}

bool Matches(const std::vector<std::string>& names, const Outcome& o) {
  return MatchesErrorEquals(names, o.error.error, o.heartbeat);
}

struct Join {
  std::vector<std::size_t> finished;
  std::coroutine_handle<> waiter;
  std::uint32_t waiter_activity = 0;
  bool wake_pending = false;
};

struct Wakeup {
  VirtualTime time;
  std::uint64_t tiebreak;
  std::uint64_t seq;
  std::coroutine_handle<> handle;
  std::uint32_t activity;
};

struct WakeupLater {
  bool operator()(const Wakeup& a, const Wakeup& b) const {
    if (a.time != b.time) return a.time > b.time;
    if (a.tiebreak != b.tiebreak) return a.tiebreak > b.tiebreak;
    return a.seq > b.seq;
  }
};

}  // namespace

/// The state of one run.
class Runtime {
 public:
  Runtime(const Program& program, const Options& options, Execution* out)
      : program_(program),
        options_(options),
        out_(out),
        rng_(options.seed),
        clock_(options.start_time) {
    Millis limit = options.type == StateMachineType::kExpress
                       ? Millis{5 * 60 * 1000}
                       : Millis{std::int64_t{365} * 24 * 3600 * 1000};
    if (options.limits.max_duration) limit = *options.limits.max_duration;
    if (const auto t = program.definition->timeout_seconds()) {
      limit = std::min(limit, Millis{*t * 1000});
    }
    deadline_ = options.start_time + limit;
    history_limit_ = options.type == StateMachineType::kStandard ? options.limits.max_history_events
                                                                 : static_cast<std::size_t>(-1);
  }

  void Run(const Json& input);

 private:
  // ---- scheduling -------------------------------------------------------
  struct Sleep {
    Runtime* rt;
    Millis delay;
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> h) {
      const VirtualTime t = rt->clock_.now() + delay;
      if (rt->stop_ || rt->timed_out_) return true;  // never resumed
      if (t > rt->deadline_) {
        rt->timed_out_ = true;
        return true;
      }
      if (rt->queue_.empty()) {
        rt->clock_.AdvanceTo(t);
        return false;
      }
      rt->Push(t, h, rt->current_);
      return true;
    }
    void await_resume() const noexcept {}
  };

  struct WaitJoin {
    Runtime* rt;
    Join* join;
    bool await_ready() const noexcept { return !join->finished.empty(); }
    void await_suspend(std::coroutine_handle<> h) {
      join->waiter = h;
      join->waiter_activity = rt->current_;
    }
    void await_resume() {
      join->waiter = {};
      join->wake_pending = false;
    }
  };

  void Push(VirtualTime t, std::coroutine_handle<> h, std::uint32_t activity) {
    queue_.push(Wakeup{t, rng_.Next(), seq_++, h, activity});
  }

  void Finished(Join& join, std::size_t index) {
    join.finished.push_back(index);
    if (join.waiter && !join.wake_pending) {
      join.wake_pending = true;
      Push(clock_.now(), join.waiter, join.waiter_activity);
    }
  }

  std::unique_ptr<Activity> NewActivity(Activity& parent, std::int64_t index, bool isolated) {
    auto a = std::make_unique<Activity>(isolated ? nullptr : &parent.vars);
    if (alive_.empty()) alive_.push_back(1);  // the execution itself
    a->id = static_cast<std::uint32_t>(alive_.size());
    alive_.push_back(1);
    a->parent = &parent;
    a->iteration = index;
    a->silent = parent.silent || isolated;
    a->last_event_id = parent.last_event_id;
    return a;
  }

  // ---- events -----------------------------------------------------------
  std::int64_t Emit(Activity& a, HistoryEvent e, bool terminal = false) {
    if (a.silent) {
      // A distributed Map child execution: not part of this history, but
      // listeners (coverage) still see it.
      e.timestamp = clock_.now();
      for (ExecutionListener* l : options_.listeners) l->OnChildExecutionEvent(e);
      return 0;
    }
    if (!terminal && static_cast<std::size_t>(event_count_) + 1 >= history_limit_) {
      if (!stop_) {
        stop_ = AslError{errors::kRuntime,
                         "The execution reached the maximum number of history "
                         "events (" +
                             std::to_string(history_limit_) + ")."};
      }
      return 0;
    }
    e.id = ++event_count_;
    e.previous_event_id = a.last_event_id;
    e.timestamp = clock_.now();
    a.last_event_id = e.id;
    const std::int64_t id = e.id;
    for (ExecutionListener* l : options_.listeners) l->OnEvent(e);
    if (options_.record_history) out_->history.push_back(std::move(e));
    return id;
  }

  HistoryEvent StateEvent(EventType type, const State& s, JsonPtr payload, bool is_input) {
    HistoryEvent e;
    e.type = type;
    e.state = &s;
    e.name = s.name;
    if (is_input)
      e.input = std::move(payload);
    else
      e.output = std::move(payload);
    return e;
  }

  void Transit(Activity& a, const State& from, const Scope& scope, const State* to,
               TransitionKind kind, int index, const AslError* error, bool heartbeat = false,
               int exhausted_retrier = -1) {
    if (options_.listeners.empty()) return;
    Transition t;
    t.from = &from;
    t.to = to;
    t.kind = kind;
    t.index = index;
    t.scope = &scope;
    t.iteration = a.iteration;
    t.error = error;
    t.heartbeat = heartbeat;
    t.exhausted_retrier = exhausted_retrier;
    t.time = clock_.now();
    for (ExecutionListener* l : options_.listeners) l->OnTransition(t);
  }

  // ---- data flow --------------------------------------------------------
  const Json* Context(const Activity& a, const State& s) {
    if (context_.is_null()) BuildContext();
    *ctx_name_ = s.name;
    *ctx_entered_ = FormatTimestamp(a.entered_time);
    // AWS shows RetryCount only in states that can retry.
    Json& state = context_["State"];
    if (s.type == StateType::kTask || s.type == StateType::kParallel || s.type == StateType::kMap) {
      state["RetryCount"] = a.retry_count;
    } else {
      state.erase("RetryCount");
    }
    if (task_token_ != nullptr) {
      context_["Task"] = {{"Token", *task_token_}};
    } else if (context_.contains("Task")) {
      context_.erase("Task");
    }
    return &context_;
  }

  void BuildContext() {
    Json execution = {{"Id", options_.execution_id},
                      {"Input", *input_},
                      {"Name", options_.execution_name},
                      {"RoleArn", options_.role_arn},
                      {"StartTime", FormatTimestamp(options_.start_time)}};
    if (options_.type == StateMachineType::kStandard) {
      execution["RedriveCount"] = 0;
    }
    context_ = {{"Execution", std::move(execution)},
                {"State", {{"EnteredTime", ""}, {"Name", ""}}},
                {"StateMachine",
                 {{"Id", options_.state_machine_id}, {"Name", options_.state_machine_name}}}};
    Json& st = context_["State"];
    ctx_name_ = &st["Name"];
    ctx_entered_ = &st["EnteredTime"];
  }

  jsonpath::Env MakeEnv(Activity& a, const State& s, const StateInfo& info, const Json* input) {
    jsonpath::Env env;
    env.input = input;
    env.context = info.uses_context ? Context(a, s) : nullptr;
    env.variables = &a.vars;
    env.rng = &rng_;
    return env;
  }

  static AslError Prefixed(const State& s, std::int64_t entered, AslError e) {
    e.cause = "An error occurred while executing the state '" + s.name +
              "' (entered at the event id #" + std::to_string(entered) + "). " + e.cause;
    return e;
  }

  /// InputPath / OutputPath (IO-04, IO-05, IO-08).
  Result<JsonPtr> SelectPath(const asl::PathField& field, const JsonPtr& in,
                             const jsonpath::Env& env) {
    if (field.absent()) return in;
    if (field.is_null()) return program_.empty_object;
    const jsonpath::Path& p = *field.path;
    if (p.text() == "$") return in;
    std::optional<Json> v = p.Select(env);
    if (!v) {
      return AslError{errors::kRuntime, jsonpath::InvalidPathCause(p, p.RootIn(env))};
    }
    return std::make_shared<const Json>(std::move(*v));
  }

  /// ResultPath (IO-06, IO-07): `result` placed into the raw input.
  Result<JsonPtr> PlaceResult(const asl::PathField& field, const JsonPtr& raw, JsonPtr result) {
    if (field.absent()) return result;
    if (field.is_null()) return raw;
    const jsonpath::Path& p = *field.path;
    if (p.text() == "$") return result;
    Json target = *raw;
    if (!p.Assign(target, *result)) {
      return AslError{errors::kRuntime, "Invalid path '" + p.text() +
                                            "' : Unable to apply ResultPath to input " +
                                            jsonpath::ToAwsJson(*raw)};
    }
    return std::make_shared<const Json>(std::move(target));
  }

  Result<JsonPtr> EvalTemplate(const jsonpath::Template& t, const jsonpath::Env& env) {
    Result<Json> r = t.Evaluate(env);
    if (!r.ok()) return r.error();
    return std::make_shared<const Json>(std::move(r).value());
  }

  /// Runs an Assign template (VAR-03/04) and stores the values.
  Result<JsonPtr> DoAssign(Activity& a, const State& s, const StateInfo& info,
                           const jsonpath::Template& assign, const Json* dollar) {
    jsonpath::Env env = MakeEnv(a, s, info, dollar);
    Result<Json> r = assign.Evaluate(env);
    if (!r.ok()) return r.error();
    if (auto too_large = CheckAssignSize(r.value())) return *too_large;
    auto values = std::make_shared<const Json>(std::move(r).value());
    if (values->is_object()) {
      for (const auto& [k, v] : values->items()) {
        a.vars.Set(k, std::make_shared<const Json>(v));
      }
    }
    return values;
  }

  /// VAR-08: one variable, and all the values of one Assign together, are
  /// limited to 256 KiB of JSON text. AWS documents the limits but no
  /// recorded run shows the error it raises; States.DataLimitExceeded, its
  /// error for every other size limit, is the chosen one [verify].
  static std::optional<AslError> CheckAssignSize(const Json& values) {
    constexpr std::size_t kVariableLimit = 262144;
    if (!values.is_object()) return std::nullopt;
    for (const auto& [name, value] : values.items()) {
      if (ExceedsSize(value, kVariableLimit)) {
        return AslError{errors::kDataLimitExceeded,
                        "The value assigned to the variable '" + name +
                            "' exceeds the maximum size of 262144 bytes."};
      }
    }
    if (ExceedsSize(values, kVariableLimit)) {
      return AslError{errors::kDataLimitExceeded,
                      "The values of one Assign together exceed the maximum size of 262144 "
                      "bytes."};
    }
    return std::nullopt;
  }

  std::int64_t NextInvocation(const State* s) {
    for (auto& [k, n] : invocations_) {
      if (k == s) return n++;
    }
    invocations_.emplace_back(s, 1);
    return 0;
  }

  bool IsAlive(std::uint32_t id) const {
    return id == 0 || (id < alive_.size() && alive_[id] != 0);
  }

  bool TooLarge(const Json& v) const { return ExceedsSize(v, options_.limits.max_payload_bytes); }

  AslError DataLimit(std::string_view what) const {
    return AslError{errors::kDataLimitExceeded, "The state/task '" + std::string(what) +
                                                    "' returned a result with a size exceeding the "
                                                    "maximum number of bytes service limit."};
  }

  // ---- JSONata (JSONATA) --------------------------------------------------
  jsonata::Bindings Bind(Activity& a, const State& s, const Json* input) {
    jsonata::Bindings b;
    b.input = input;
    b.context = Context(a, s);
    b.variables = &a.vars;
    b.rng = &rng_;
    b.now = clock_.now();
    return b;
  }

  /// Assign then Output of a JSONata state (JSONATA-08, VAR-03): both see
  /// the entry-time variables, so the new values are stored only after both
  /// have been evaluated.
  std::optional<AslError> JsonataLeave(Activity& a, const jsonata::Bindings& b,
                                       const JsonataState::Field& assign,
                                       const JsonataState::Field& output, JsonPtr fallback,
                                       JsonPtr* out, JsonPtr* assigned) {
    JsonPtr values;
    if (assign) {
      Result<Json> r = assign->Evaluate(b, "Assign");
      if (!r.ok()) return r.error();
      if (auto too_large = CheckAssignSize(r.value())) return too_large;
      values = std::make_shared<const Json>(std::move(r).value());
    }
    if (output) {
      Result<Json> r = output->Evaluate(b, "Output");
      if (!r.ok()) return r.error();
      *out = std::make_shared<const Json>(std::move(r).value());
    } else {
      *out = std::move(fallback);
    }
    if (values && values->is_object()) {
      for (const auto& [k, v] : values->items()) {
        a.vars.Set(k, std::make_shared<const Json>(v));
      }
    }
    *assigned = std::move(values);
    return std::nullopt;
  }

  /// A JSONata number field (TimeoutSeconds, MaxConcurrency, ...).
  static Result<std::optional<double>> JsonataNumber(const JsonataState::Field& f,
                                                     const jsonata::Bindings& b,
                                                     std::string_view field, bool integer) {
    if (!f) return std::optional<double>();
    Result<Json> r = f->Evaluate(b, field);
    if (!r.ok()) return r.error();
    const Json& v = r.value();
    if (!v.is_number() || (integer && v.get<double>() != std::floor(v.get<double>()))) {
      return AslError{errors::kQueryEvaluationError,
                      f->UnexpectedTypeCause(field, integer ? "integer" : "number", v)};
    }
    return std::optional<double>(v.get<double>());
  }

  /// TimeoutSeconds / HeartbeatSeconds of a JSONata Task: a literal or an
  /// expression giving a positive integer.
  Result<std::optional<std::int64_t>> JsonataSeconds(Activity& a, const State& s,
                                                     const JsonataState::Field& f,
                                                     const asl::NumberField& field,
                                                     const JsonPtr& input, std::string_view name) {
    if (field.literal) {
      return std::optional<std::int64_t>(static_cast<std::int64_t>(*field.literal));
    }
    if (!f) return std::optional<std::int64_t>();
    auto r = JsonataNumber(f, Bind(a, s, input.get()), name, true);
    if (!r.ok()) return r.error();
    if (*r.value() <= 0) {
      return AslError{errors::kQueryEvaluationError, "The value of the field '" +
                                                         std::string(name) +
                                                         "' must be a positive integer, but was " +
                                                         jsonpath::ToAwsJson(Json(*r.value()))};
    }
    return std::optional<std::int64_t>(static_cast<std::int64_t>(*r.value()));
  }

  Step JsonataFailed(const State& s, std::int64_t entered, AslError e) {
    return Failed(ErrorOutcome(Prefixed(s, entered, std::move(e))));
  }

  Co<Step> RunJsonata(Activity& a, const State& s, const StateInfo& info, JsonPtr input,
                      std::int64_t entered);
  Step RunJsonataChoice(Activity& a, const State& s, const JsonataState& j, const JsonPtr& input,
                        std::int64_t entered);
  Result<Millis> JsonataWaitDelay(Activity& a, const State& s, const JsonataState& j,
                                  const JsonPtr& input);

  // ---- states -----------------------------------------------------------
  Co<Outcome> RunScope(Activity& a, const Scope& scope, JsonPtr input);
  Co<Step> RunRetryable(Activity& a, const State& s, const StateInfo& info, JsonPtr input,
                        std::int64_t entered);
  Co<Outcome> RunParallel(Activity& a, const State& s, const StateInfo& info, JsonPtr eff,
                          std::int64_t entered);
  Co<Outcome> RunMap(Activity& a, const State& s, const StateInfo& info, JsonPtr eff,
                     std::int64_t entered);
  Co<Outcome> RunChild(Activity& kid, const Scope& scope, JsonPtr input, Join& join,
                       std::size_t index);

  Step RunPass(Activity& a, const State& s, const StateInfo& info, const JsonPtr& input,
               std::int64_t entered);
  Step RunChoice(Activity& a, const State& s, const StateInfo& info, const JsonPtr& input,
                 std::int64_t entered);
  Step RunFail(Activity& a, const State& s, const StateInfo& info, const JsonPtr& input,
               std::int64_t entered);
  Result<Millis> WaitDelay(Activity& a, const State& s, const StateInfo& info, const JsonPtr& eff);
  Step CatchOrFail(Activity& a, const State& s, const StateInfo& info, const JsonPtr& raw,
                   Outcome o, std::int64_t entered);
  Result<std::optional<std::int64_t>> Seconds(Activity& a, const State& s, const StateInfo& info,
                                              const asl::NumberField& f, const JsonPtr& eff);
  void Abort(Activity& a);
  void AbortChildren(Activity& a, const State& s,
                     const std::vector<std::unique_ptr<Activity>>& kids);

  const Program& program_;
  const Options& options_;
  Execution* out_;
  Rng rng_;
  VirtualClock clock_;
  VirtualTime deadline_;
  std::size_t history_limit_;
  std::priority_queue<Wakeup, std::vector<Wakeup>, WakeupLater> queue_;
  std::uint64_t seq_ = 0;
  std::vector<char> alive_;
  std::uint32_t current_ = 0;
  bool timed_out_ = false;
  std::optional<AslError> stop_;
  std::exception_ptr exception_;
  std::int64_t event_count_ = 0;
  std::int64_t transitions_ = 0;
  // Few task states per run: a flat list beats a hash map here.
  std::vector<std::pair<const State*, std::int64_t>> invocations_;
  JsonPtr input_;
  Json context_;
  Json* ctx_name_ = nullptr;
  Json* ctx_entered_ = nullptr;
  // The current attempt's task token while a .waitForTaskToken Task builds
  // its parameters and is invoked (`$$.Task.Token`).
  const std::string* task_token_ = nullptr;
};

// ---------------------------------------------------------------------------

Co<Outcome> Runtime::RunScope(Activity& a, const Scope& scope, JsonPtr input) {
  const std::vector<StateInfo>& infos = program_.Infos(&scope);
  std::size_t idx = scope.start_index;
  for (;;) {
    if (stop_) co_return Outcome::Fatal(*stop_);
    const State& s = scope.states[idx];
    const StateInfo& info = infos[idx];
    if (++transitions_ > options_.limits.max_state_transitions) {
      stop_ = AslError{errors::kRuntime,
                       "The execution entered more than " +
                           std::to_string(options_.limits.max_state_transitions) +
                           " states (stepsim loop guard, Limits::max_state_transitions); "
                           "the workflow probably loops forever. Last state: '" +
                           s.name + "'."};
      co_return Outcome::Fatal(*stop_);
    }
    a.running = &s;
    a.scope = &scope;
    a.entered_time = clock_.now();
    a.retry_count = 0;
    const std::int64_t entered = Emit(a, StateEvent(info.entered, s, input, true));
    out_->visited_states.push_back(s.name);

    Step st;
    if (info.jsonata) {
      st = co_await RunJsonata(a, s, info, input, entered);
    } else {
      switch (s.type) {
        case StateType::kPass:
          st = RunPass(a, s, info, input, entered);
          break;
        case StateType::kChoice:
          st = RunChoice(a, s, info, input, entered);
          break;
        case StateType::kSucceed: {
          jsonpath::Env env = MakeEnv(a, s, info, input.get());
          auto eff = SelectPath(s.input_path, input, env);
          if (!eff.ok()) {
            st = Failed(ErrorOutcome(Prefixed(s, entered, eff.error())));
            break;
          }
          env.input = eff.value().get();
          auto outp = SelectPath(s.output_path, eff.value(), env);
          if (!outp.ok()) {
            st = Failed(ErrorOutcome(Prefixed(s, entered, outp.error())));
            break;
          }
          st = Leave(s, std::move(outp).value());
          st.end = true;
          st.kind = TransitionKind::kEnd;
          break;
        }
        case StateType::kFail:
          st = RunFail(a, s, info, input, entered);
          break;
        case StateType::kWait: {
          jsonpath::Env env = MakeEnv(a, s, info, input.get());
          auto eff = SelectPath(s.input_path, input, env);
          if (!eff.ok()) {
            st = Failed(ErrorOutcome(Prefixed(s, entered, eff.error())));
            break;
          }
          auto delay = WaitDelay(a, s, info, eff.value());
          if (!delay.ok()) {
            st = Failed(ErrorOutcome(Prefixed(s, entered, delay.error())));
            break;
          }
          co_await Sleep{this, delay.value()};
          env = MakeEnv(a, s, info, eff.value().get());
          JsonPtr assigned;
          if (s.assign) {
            auto r = DoAssign(a, s, info, *s.assign, eff.value().get());
            if (!r.ok()) {
              st = Failed(ErrorOutcome(Prefixed(s, entered, r.error())));
              break;
            }
            assigned = std::move(r).value();
          }
          auto outp = SelectPath(s.output_path, eff.value(), env);
          if (!outp.ok()) {
            st = Failed(ErrorOutcome(Prefixed(s, entered, outp.error())));
            break;
          }
          st = Leave(s, std::move(outp).value());
          st.assigned = std::move(assigned);
          break;
        }
        case StateType::kTask:
        case StateType::kParallel:
        case StateType::kMap:
          st = co_await RunRetryable(a, s, info, input, entered);
          break;
      }
    }
    a.running = nullptr;
    if (st.out.ok() && st.out.value != input && TooLarge(*st.out.value)) {
      st = Failed(Outcome::Fatal(DataLimit(s.name)));
    }
    if (!st.out.ok()) {
      Transit(a, s, scope, nullptr, TransitionKind::kErrorOut, -1, &st.out.error, st.out.heartbeat,
              st.out.exhausted_retrier);
      co_return std::move(st.out);
    }
    HistoryEvent exited = StateEvent(info.exited, s, st.out.value, false);
    exited.assigned_variables = std::move(st.assigned);
    Emit(a, std::move(exited));
    Transit(a, s, scope, st.end ? nullptr : &scope.states[st.next], st.kind, st.index,
            st.caught ? &*st.caught : nullptr, st.heartbeat, st.exhausted_retrier);
    if (st.end) co_return std::move(st.out);
    idx = st.next;
    input = std::move(st.out.value);
  }
}

Step Runtime::RunPass(Activity& a, const State& s, const StateInfo& info, const JsonPtr& input,
                      std::int64_t entered) {
  // Fast path: a Pass with no data-flow fields passes its input through.
  if (s.input_path.absent() && !s.parameters && !info.pass_result && s.result_path.absent() &&
      s.output_path.absent() && !s.assign) {
    return Leave(s, input);
  }
  jsonpath::Env env = MakeEnv(a, s, info, input.get());
  auto eff = SelectPath(s.input_path, input, env);
  if (!eff.ok()) return Failed(ErrorOutcome(Prefixed(s, entered, eff.error())));
  JsonPtr result = eff.value();
  if (info.pass_result) {
    result = info.pass_result;
  } else if (s.parameters) {
    env.input = result.get();
    auto p = EvalTemplate(*s.parameters, env);
    if (!p.ok()) return Failed(ErrorOutcome(Prefixed(s, entered, p.error())));
    result = std::move(p).value();
  }
  JsonPtr assigned;
  if (s.assign) {
    auto r = DoAssign(a, s, info, *s.assign, result.get());
    if (!r.ok()) return Failed(ErrorOutcome(Prefixed(s, entered, r.error())));
    assigned = std::move(r).value();
  }
  auto placed = PlaceResult(s.result_path, input, std::move(result));
  if (!placed.ok()) {
    return Failed(ErrorOutcome(Prefixed(s, entered, placed.error())));
  }
  env.input = placed.value().get();
  auto outp = SelectPath(s.output_path, placed.value(), env);
  if (!outp.ok()) {
    return Failed(ErrorOutcome(Prefixed(s, entered, outp.error())));
  }
  Step st = Leave(s, std::move(outp).value());
  st.assigned = std::move(assigned);
  return st;
}

Step Runtime::RunChoice(Activity& a, const State& s, const StateInfo& info, const JsonPtr& input,
                        std::int64_t entered) {
  jsonpath::Env env = MakeEnv(a, s, info, input.get());
  auto eff = SelectPath(s.input_path, input, env);
  if (!eff.ok()) return Failed(ErrorOutcome(Prefixed(s, entered, eff.error())));
  env.input = eff.value().get();
  Step st;
  const jsonpath::Template* assign = nullptr;
  bool matched = false;
  for (std::size_t i = 0; i < s.choices.size(); ++i) {
    Result<bool> r = EvaluateChoiceRule(s.choices[i], env);
    if (!r.ok()) return Failed(ErrorOutcome(Prefixed(s, entered, r.error())));
    if (r.value()) {
      st.next = s.choices[i].next_index;
      st.kind = TransitionKind::kChoiceRule;
      st.index = static_cast<int>(i);
      if (s.choices[i].assign) assign = &*s.choices[i].assign;
      matched = true;
      break;
    }
  }
  if (!matched) {
    if (!s.default_next) {
      return Failed(Outcome::Error(AslError{errors::kNoChoiceMatched, "No Matches!"}));
    }
    st.next = s.default_index;
    st.kind = TransitionKind::kDefault;
    if (s.assign) assign = &*s.assign;
  }
  if (assign != nullptr) {
    auto r = DoAssign(a, s, info, *assign, eff.value().get());
    if (!r.ok()) return Failed(ErrorOutcome(Prefixed(s, entered, r.error())));
    st.assigned = std::move(r).value();
  }
  auto outp = SelectPath(s.output_path, eff.value(), env);
  if (!outp.ok()) {
    return Failed(ErrorOutcome(Prefixed(s, entered, outp.error())));
  }
  st.out = Outcome::Ok(std::move(outp).value());
  return st;
}

Step Runtime::RunFail(Activity& a, const State& s, const StateInfo& info, const JsonPtr& input,
                      std::int64_t entered) {
  AslError e{s.error.value_or(""), s.cause.value_or("")};
  jsonpath::Env env = MakeEnv(a, s, info, input.get());
  auto resolve = [&](const asl::PathOrCall& pc, const char* field,
                     std::string* out) -> std::optional<AslError> {
    if (pc.call) {
      Result<Json> r = pc.call->Evaluate(env);
      if (!r.ok()) return Prefixed(s, entered, r.error());
      *out = r.value().is_string() ? r.value().get<std::string>() : jsonpath::ToAwsJson(r.value());
      return std::nullopt;
    }
    std::optional<Json> v = pc.path->Select(env);
    if (!v || !v->is_string()) {
      return Prefixed(
          s, entered,
          AslError{errors::kRuntime,
                   "The JSONPath '" + pc.path->text() + "' specified for the field '" + field +
                       "' could not be found in the input '" + jsonpath::ToAwsJson(*input) + "'"});
    }
    *out = v->get<std::string>();
    return std::nullopt;
  };
  if (s.error_path) {
    if (auto err = resolve(*s.error_path, "ErrorPath", &e.error)) {
      return Failed(ErrorOutcome(std::move(*err)));
    }
  }
  if (s.cause_path) {
    if (auto err = resolve(*s.cause_path, "CausePath", &e.cause)) {
      return Failed(ErrorOutcome(std::move(*err)));
    }
  }
  Outcome o = Outcome::Error(std::move(e));
  return Failed(std::move(o));
}

Result<Millis> Runtime::WaitDelay(Activity& a, const State& s, const StateInfo& info,
                                  const JsonPtr& eff) {
  const VirtualTime now = clock_.now();
  auto until = [&](VirtualTime target) -> Result<Millis> {
    // AWS waits to the whole second (WAIT-03).
    const std::int64_t ms = target.time_since_epoch().count();
    const std::int64_t floored = ms - ((ms % 1000) + 1000) % 1000;
    const Millis d = VirtualTime{Millis{floored}} - now;
    if (d.count() > kMaxWaitSeconds * 1000) {
      return AslError{errors::kRuntime, "Wait state delay is too long."};
    }
    return d.count() < 0 ? Millis{0} : d;
  };
  if (s.seconds) return Millis{*s.seconds * 1000};
  if (s.timestamp) {
    VirtualTime t;
    if (!ParseTimestamp(*s.timestamp, &t)) {
      return AslError{errors::kRuntime,
                      "The Timestamp field cannot be parsed as an ISO-8601 "
                      "extended offset date-time format string: " +
                          *s.timestamp};
    }
    return until(t);
  }
  jsonpath::Env env = MakeEnv(a, s, info, eff.get());
  if (s.seconds_path) {
    const std::string& p = s.seconds_path->text();
    std::optional<Json> v = s.seconds_path->Select(env);
    if (!v || !v->is_number()) {
      return AslError{errors::kRuntime,
                      "The SecondsPath parameter does not reference an input "
                      "value: " +
                          p};
    }
    const double secs = v->get<double>();
    if (secs < 0) {
      return AslError{errors::kRuntime, "The SecondsPath parameter references a negative value: " +
                                            p + " == " + jsonpath::ToAwsJson(*v)};
    }
    if (secs > static_cast<double>(kMaxWaitSeconds)) {
      return AslError{errors::kRuntime, "Wait state delay is too long."};
    }
    return Millis{static_cast<std::int64_t>(secs) * 1000};
  }
  if (s.timestamp_path) {
    const std::string& p = s.timestamp_path->text();
    std::optional<Json> v = s.timestamp_path->Select(env);
    if (!v) {
      return AslError{errors::kRuntime,
                      "The TimestampPath parameter does not reference an "
                      "input value: " +
                          p};
    }
    VirtualTime t;
    if (!v->is_string() || !ParseTimestamp(v->get<std::string>(), &t)) {
      const std::string shown = v->is_string() ? v->get<std::string>() : jsonpath::ToAwsJson(*v);
      return AslError{errors::kRuntime,
                      "The TimestampPath parameter does not reference a valid "
                      "ISO-8601 extended offset date-time format string: " +
                          p + " == " + shown};
    }
    return until(t);
  }
  return Millis{0};
}

Co<Step> Runtime::RunJsonata(Activity& a, const State& s, const StateInfo& info, JsonPtr input,
                             std::int64_t entered) {
  const JsonataState& j = *info.jsonata;
  if (j.compile_error) {
    co_return JsonataFailed(s, entered, AslError{errors::kQueryEvaluationError, *j.compile_error});
  }
  switch (s.type) {
    case StateType::kTask:
    case StateType::kParallel:
    case StateType::kMap:
      co_return co_await RunRetryable(a, s, info, std::move(input), entered);
    case StateType::kChoice:
      co_return RunJsonataChoice(a, s, j, input, entered);
    case StateType::kFail: {
      AslError e{s.error.value_or(""), s.cause.value_or("")};
      if (j.error || j.cause) {
        const jsonata::Bindings b = Bind(a, s, input.get());
        const std::pair<const JsonataState::Field*, std::string*> fields[] = {{&j.error, &e.error},
                                                                              {&j.cause, &e.cause}};
        for (std::size_t i = 0; i < 2; ++i) {
          const auto& [f, out] = fields[i];
          if (!*f) continue;
          Result<Json> r = (*f)->Evaluate(b, i == 0 ? "Error" : "Cause");
          if (!r.ok()) co_return JsonataFailed(s, entered, r.error());
          *out =
              r.value().is_string() ? r.value().get<std::string>() : jsonpath::ToAwsJson(r.value());
        }
      }
      co_return Failed(Outcome::Error(std::move(e)));
    }
    case StateType::kWait: {
      auto delay = JsonataWaitDelay(a, s, j, input);
      if (!delay.ok()) co_return JsonataFailed(s, entered, delay.error());
      co_await Sleep{this, delay.value()};
      break;
    }
    case StateType::kPass:
    case StateType::kSucceed:
      break;
  }
  const jsonata::Bindings b = Bind(a, s, input.get());
  JsonPtr output;
  JsonPtr assigned;
  if (auto err = JsonataLeave(a, b, j.assign, j.output, input, &output, &assigned)) {
    co_return JsonataFailed(s, entered, std::move(*err));
  }
  Step st = Leave(s, std::move(output));
  st.assigned = std::move(assigned);
  if (s.type == StateType::kSucceed) {
    st.end = true;
    st.kind = TransitionKind::kEnd;
  }
  co_return st;
}

Step Runtime::RunJsonataChoice(Activity& a, const State& s, const JsonataState& j,
                               const JsonPtr& input, std::int64_t entered) {
  const jsonata::Bindings b = Bind(a, s, input.get());
  Step st;
  const JsonataState::Field* assign = &j.assign;
  const JsonataState::Field* output = &j.output;
  bool matched = false;
  for (std::size_t i = 0; i < s.choices.size() && i < j.choices.size(); ++i) {
    const JsonataState::Rule& rule = j.choices[i];
    if (!rule.condition) continue;
    Result<jsonata::Value> r = rule.condition->EvaluateValue(b, "Condition");
    if (!r.ok()) return JsonataFailed(s, entered, r.error());
    const jsonata::Value& v = r.value();
    if (v.kind != jsonata::Value::Kind::kJson || !v.json.is_boolean()) {
      std::string cause =
          v.kind == jsonata::Value::Kind::kJson
              ? rule.condition->UnexpectedTypeCause("Condition", "boolean", v.json)
              : "The JSONata expression '" + rule.condition->expression_text() +
                    "' specified for the field 'Condition' returned " +
                    (v.is_undefined() ? "nothing (undefined)." : "an unsupported result type.");
      return JsonataFailed(s, entered, AslError{errors::kQueryEvaluationError, std::move(cause)});
    }
    if (v.json.get<bool>()) {
      st.next = s.choices[i].next_index;
      st.kind = TransitionKind::kChoiceRule;
      st.index = static_cast<int>(i);
      assign = &rule.assign;
      output = &rule.output;
      matched = true;
      break;
    }
  }
  if (!matched) {
    if (!s.default_next) {
      return Failed(Outcome::Error(AslError{errors::kNoChoiceMatched, "No Matches!"}));
    }
    st.next = s.default_index;
    st.kind = TransitionKind::kDefault;
  }
  JsonPtr out;
  if (auto err = JsonataLeave(a, b, *assign, *output, input, &out, &st.assigned)) {
    return JsonataFailed(s, entered, std::move(*err));
  }
  st.out = Outcome::Ok(std::move(out));
  return st;
}

Result<Millis> Runtime::JsonataWaitDelay(Activity& a, const State& s, const JsonataState& j,
                                         const JsonPtr& input) {
  std::optional<std::string> timestamp = s.timestamp;
  if (j.seconds || j.timestamp) {
    const jsonata::Bindings b = Bind(a, s, input.get());
    const JsonataState::Field& f = j.seconds ? j.seconds : j.timestamp;
    const char* field = j.seconds ? "Seconds" : "Timestamp";
    Result<Json> r = f->Evaluate(b, field);
    if (!r.ok()) return r.error();
    const Json& v = r.value();
    if (j.seconds) {
      if (!v.is_number() || v.get<double>() != std::floor(v.get<double>())) {
        return AslError{errors::kQueryEvaluationError, f->UnexpectedTypeCause(field, "integer", v)};
      }
      const double secs = v.get<double>();
      if (secs < 0 || secs > static_cast<double>(kMaxWaitSeconds)) {
        return AslError{errors::kQueryEvaluationError, "The Seconds field must be between 0 and " +
                                                           std::to_string(kMaxWaitSeconds) +
                                                           ", but was " + jsonpath::ToAwsJson(v)};
      }
      return Millis{static_cast<std::int64_t>(secs) * 1000};
    }
    if (!v.is_string()) {
      return AslError{errors::kQueryEvaluationError, f->UnexpectedTypeCause(field, "string", v)};
    }
    timestamp = v.get<std::string>();
  }
  if (s.seconds) return Millis{*s.seconds * 1000};
  if (!timestamp) return Millis{0};
  VirtualTime t;
  if (!ParseTimestamp(*timestamp, &t)) {
    return AslError{errors::kQueryEvaluationError,
                    "The Timestamp field cannot be parsed as an ISO-8601 "
                    "extended offset date-time format string: " +
                        *timestamp};
  }
  // AWS waits to the whole second (WAIT-03).
  const std::int64_t ms = t.time_since_epoch().count();
  const std::int64_t floored = ms - ((ms % 1000) + 1000) % 1000;
  const Millis d = VirtualTime{Millis{floored}} - clock_.now();
  if (d.count() > kMaxWaitSeconds * 1000) {
    return AslError{errors::kQueryEvaluationError, "Wait state delay is too long."};
  }
  return d.count() < 0 ? Millis{0} : d;
}

Result<std::optional<std::int64_t>> Runtime::Seconds(Activity& a, const State& s,
                                                     const StateInfo& info,
                                                     const asl::NumberField& f,
                                                     const JsonPtr& eff) {
  if (f.literal) return std::optional<std::int64_t>(static_cast<std::int64_t>(*f.literal));
  if (f.path) {
    jsonpath::Env env = MakeEnv(a, s, info, eff.get());
    std::optional<Json> v = f.path->Select(env);
    if (!v)
      return AslError{errors::kRuntime, jsonpath::InvalidPathCause(*f.path, f.path->RootIn(env))};
    if (!v->is_number() || v->get<double>() <= 0) {
      return AslError{errors::kRuntime, "The value of " + f.path->text() +
                                            " must be a positive integer, but was " +
                                            jsonpath::ToAwsJson(*v)};
    }
    return std::optional<std::int64_t>(v->get<std::int64_t>());
  }
  return std::optional<std::int64_t>();
}

Step Runtime::CatchOrFail(Activity& a, const State& s, const StateInfo& info, const JsonPtr& raw,
                          Outcome o, std::int64_t entered) {
  if (o.kind == Outcome::Kind::kFatal) return Failed(std::move(o));
  for (std::size_t i = 0; i < s.catch_.size(); ++i) {
    const asl::Catcher& c = s.catch_[i];
    if (!Matches(c.error_equals, o)) continue;
    auto error_output =
        std::make_shared<const Json>(Json{{"Error", o.error.error}, {"Cause", o.error.cause}});
    Step st;
    if (info.jsonata && i < info.jsonata->catchers.size()) {
      // Catcher Output defaults to the Error Output (CAT-03, CAT-04).
      const JsonataState::Rule& rule = info.jsonata->catchers[i];
      jsonata::Bindings b = Bind(a, s, raw.get());
      b.error_output = error_output.get();
      JsonPtr output;
      if (auto err =
              JsonataLeave(a, b, rule.assign, rule.output, error_output, &output, &st.assigned)) {
        return Failed(ErrorOutcome(Prefixed(s, entered, std::move(*err))));
      }
      st.caught = o.error;
      st.heartbeat = o.heartbeat;
      st.exhausted_retrier = o.exhausted_retrier;
      st.out = Outcome::Ok(std::move(output));
      st.next = c.next_index;
      st.kind = TransitionKind::kCatch;
      st.index = static_cast<int>(i);
      return st;
    }
    if (c.assign) {
      auto r = DoAssign(a, s, info, *c.assign, error_output.get());
      if (!r.ok()) return Failed(ErrorOutcome(Prefixed(s, entered, r.error())));
      st.assigned = std::move(r).value();
    }
    auto placed = PlaceResult(c.result_path, raw, error_output);
    if (!placed.ok()) {
      return Failed(ErrorOutcome(Prefixed(s, entered, placed.error())));
    }
    st.caught = o.error;
    st.heartbeat = o.heartbeat;
    st.exhausted_retrier = o.exhausted_retrier;
    st.out = Outcome::Ok(std::move(placed).value());
    st.next = c.next_index;
    st.kind = TransitionKind::kCatch;
    st.index = static_cast<int>(i);
    return st;
  }
  return Failed(std::move(o));
}

Co<Step> Runtime::RunRetryable(Activity& a, const State& s, const StateInfo& info, JsonPtr input,
                               std::int64_t entered) {
  std::vector<std::int64_t> attempts;
  for (;;) {
    if (stop_) co_return Failed(Outcome::Fatal(*stop_));
    Outcome o;
    JsonPtr raw_result;  // `$` of the state-level Assign (VAR-04)
    {
      jsonpath::Env env = MakeEnv(a, s, info, input.get());
      auto eff = SelectPath(s.input_path, input, env);
      if (!eff.ok()) {
        o = ErrorOutcome(Prefixed(s, entered, eff.error()));
      } else if (s.type == StateType::kMap) {
        // Map applies ItemSelector per item instead of Parameters.
        o = co_await RunMap(a, s, info, eff.value(), entered);
      } else {
        JsonPtr params = eff.value();
        std::optional<std::string> token;
        if (s.type == StateType::kTask && (info.wait_for_token || info.sync)) {
          std::string t(32, '0');
          for (int half = 0; half < 2; ++half) {
            std::uint64_t v = rng_.Next();
            for (int k = 15; k >= 0; --k) {
              t[static_cast<std::size_t>(half * 16 + k)] = "0123456789abcdef"[v & 15];
              v >>= 4;
            }
          }
          token = std::move(t);
          task_token_ = &*token;
          if (info.uses_context) env.context = Context(a, s);
        }
        if (s.parameters) {
          env.input = params.get();
          auto p = EvalTemplate(*s.parameters, env);
          if (!p.ok()) {
            o = ErrorOutcome(Prefixed(s, entered, p.error()));
            params = nullptr;
          } else {
            params = std::move(p).value();
          }
        } else if (info.jsonata && info.jsonata->arguments) {
          const jsonata::Bindings b = Bind(a, s, input.get());
          Result<Json> p = info.jsonata->arguments->Evaluate(b, "Arguments");
          if (!p.ok()) {
            o = ErrorOutcome(Prefixed(s, entered, p.error()));
            params = nullptr;
          } else {
            params = std::make_shared<const Json>(std::move(p).value());
          }
        }
        if (!params) {
          // `o` holds the Parameters error.
        } else if (s.type == StateType::kParallel) {
          o = co_await RunParallel(a, s, info, params, entered);
        } else {
          // ---- one Task attempt (TASK, HIST-05/06) ----
          auto timeout = info.jsonata ? JsonataSeconds(a, s, info.jsonata->timeout_seconds,
                                                       s.timeout_seconds, input, "TimeoutSeconds")
                                      : Seconds(a, s, info, s.timeout_seconds, eff.value());
          auto heartbeat = info.jsonata
                               ? JsonataSeconds(a, s, info.jsonata->heartbeat_seconds,
                                                s.heartbeat_seconds, input, "HeartbeatSeconds")
                               : Seconds(a, s, info, s.heartbeat_seconds, eff.value());
          JsonPtr credentials;
          if (!timeout.ok()) {
            o = ErrorOutcome(Prefixed(s, entered, timeout.error()));
          } else if (!heartbeat.ok()) {
            o = ErrorOutcome(Prefixed(s, entered, heartbeat.error()));
          } else if (s.credentials) {
            env.input = eff.value().get();
            auto c = EvalTemplate(*s.credentials, env);
            if (!c.ok())
              o = ErrorOutcome(Prefixed(s, entered, c.error()));
            else
              credentials = std::move(c).value();
          } else if (info.jsonata && info.jsonata->credentials) {
            const jsonata::Bindings b = Bind(a, s, input.get());
            Result<Json> c = info.jsonata->credentials->Evaluate(b, "Credentials");
            if (!c.ok()) {
              o = ErrorOutcome(Prefixed(s, entered, c.error()));
            } else {
              credentials = std::make_shared<const Json>(std::move(c).value());
            }
          }
          if (o.ok()) {
            const bool lambda = info.kind == ResourceKind::kLambdaArn;
            const bool activity = info.kind == ResourceKind::kActivity;
            HistoryEvent sched;
            sched.type = lambda     ? EventType::kLambdaFunctionScheduled
                         : activity ? EventType::kActivityScheduled
                                    : EventType::kTaskScheduled;
            sched.state = &s;
            sched.resource_type = info.resource_type;
            sched.resource = info.resource;
            sched.region = options_.region;
            sched.input = params;
            sched.timeout_in_seconds = timeout.value();
            sched.heartbeat_in_seconds = heartbeat.value();
            sched.credentials = credentials;
            Emit(a, std::move(sched));
            HistoryEvent started;
            started.type = lambda     ? EventType::kLambdaFunctionStarted
                           : activity ? EventType::kActivityStarted
                                      : EventType::kTaskStarted;
            started.state = &s;
            started.resource_type = info.resource_type;
            started.resource = info.resource;
            Emit(a, std::move(started));
            if ((info.sync || info.wait_for_token) && !lambda && !activity) {
              // The service's answer to the submission is not modelled; AWS
              // shows its response here (HIST-06).
              HistoryEvent submitted;
              submitted.type = EventType::kTaskSubmitted;
              submitted.state = &s;
              submitted.resource_type = info.resource_type;
              submitted.resource = info.resource;
              submitted.output = program_.empty_object;
              Emit(a, std::move(submitted));
            }

            TaskInvocation call;
            call.state = &s;
            call.resource = s.resource;
            call.parameters = params.get();
            call.invocation = NextInvocation(&s);
            call.retry_count = a.retry_count;
            call.now = clock_.now();
            call.task_token = token;
            call.iteration = a.iteration;
            const bool with_context = info.uses_context || options_.task_context;
            if (with_context) call.context = Context(a, s);
            std::optional<TaskOutcome> outcome;
            const int deliveries = options_.duplicate_task_delivery ? 2 : 1;
            for (int d = 0; d < deliveries; ++d) {
              outcome.reset();
              for (TaskHandler* h : options_.task_handlers) {
                outcome = h->Invoke(call);
                if (outcome) break;
              }
              if (!outcome && options_.task_function) {
                outcome = options_.task_function(call);
              }
            }
            task_token_ = nullptr;
            if (!outcome) {
              o = Outcome::Fatal(AslError{errors::kRuntime,
                                          "No outcome configured for Task state '" + s.name +
                                              "' (resource " + s.resource + ", invocation " +
                                              std::to_string(call.invocation) +
                                              "): give the run a TaskHandler or task_function that "
                                              "answers it, or a MockConfigFile response for this "
                                              "state."});
            } else {
              // Virtual duration, bounded by TimeoutSeconds and
              // HeartbeatSeconds (TASK-02..04).
              Millis duration = outcome->latency;
              bool timed_out = outcome->kind == TaskOutcome::Kind::kTimedOut;
              bool heartbeat_lapse = false;
              if (heartbeat.value()) {
                const Millis h{*heartbeat.value() * 1000};
                std::vector<Millis> beats = outcome->heartbeats;
                std::sort(beats.begin(), beats.end());
                beats.push_back(outcome->latency);
                Millis last{0};
                for (Millis b : beats) {
                  if (b > outcome->latency) break;
                  if (b - last > h) {
                    duration = last + h;
                    heartbeat_lapse = true;
                    timed_out = true;
                    break;
                  }
                  last = b;
                }
              }
              if (timeout.value()) {
                const Millis t{*timeout.value() * 1000};
                if (t < duration) {
                  duration = t;
                  timed_out = true;
                  heartbeat_lapse = false;
                }
              }
              if (duration.count() > 0) co_await Sleep{this, duration};
              if (timed_out) {
                HistoryEvent ev;
                ev.type = lambda     ? EventType::kLambdaFunctionTimedOut
                          : activity ? EventType::kActivityTimedOut
                                     : EventType::kTaskTimedOut;
                ev.state = &s;
                ev.resource_type = info.resource_type;
                ev.resource = info.resource;
                ev.error = errors::kTimeout;
                if (outcome->kind == TaskOutcome::Kind::kTimedOut &&
                    !outcome->error.cause.empty()) {
                  ev.cause = outcome->error.cause;
                }
                Emit(a, std::move(ev));
                o = Outcome::Error(
                    AslError{errors::kTimeout, outcome->kind == TaskOutcome::Kind::kTimedOut
                                                   ? outcome->error.cause
                                                   : std::string()});
                o.heartbeat = heartbeat_lapse;
              } else if (outcome->kind == TaskOutcome::Kind::kFailed) {
                HistoryEvent ev;
                ev.type = lambda     ? EventType::kLambdaFunctionFailed
                          : activity ? EventType::kActivityFailed
                                     : EventType::kTaskFailed;
                ev.state = &s;
                ev.resource_type = info.resource_type;
                ev.resource = info.resource;
                ev.error = outcome->error.error;
                ev.cause = outcome->error.cause;
                Emit(a, std::move(ev));
                o = ErrorOutcome(std::move(outcome->error));
              } else {
                raw_result = std::make_shared<const Json>(std::move(outcome->result));
                HistoryEvent ev;
                ev.type = lambda     ? EventType::kLambdaFunctionSucceeded
                          : activity ? EventType::kActivitySucceeded
                                     : EventType::kTaskSucceeded;
                ev.state = &s;
                ev.resource_type = info.resource_type;
                ev.resource = info.resource;
                ev.output = raw_result;
                Emit(a, std::move(ev));
                if (TooLarge(*raw_result)) {
                  o = Outcome::Error(
                      DataLimit(lambda ? std::string_view(s.resource) : std::string_view(s.name)));
                  raw_result = nullptr;
                } else {
                  o = Outcome::Ok(raw_result);
                }
              }
            }
          }
        }
      }
    }
    task_token_ = nullptr;
    if (o.ok() && info.jsonata) {
      // Assign and Output see $states.result (JSONATA-04, JSONATA-08).
      jsonata::Bindings b = Bind(a, s, input.get());
      b.result = o.value.get();
      JsonPtr output;
      JsonPtr assigned;
      auto err = JsonataLeave(a, b, info.jsonata->assign, info.jsonata->output, o.value, &output,
                              &assigned);
      if (!err) {
        Step st = Leave(s, std::move(output));
        st.assigned = std::move(assigned);
        co_return st;
      }
      o = ErrorOutcome(Prefixed(s, entered, std::move(*err)));
    }
    if (o.ok()) {
      if (!raw_result) raw_result = o.value;
      // ResultSelector -> ResultPath -> OutputPath, then Assign (IO-02).
      JsonPtr result = o.value;
      std::optional<AslError> err;
      if (s.result_selector) {
        jsonpath::Env env = MakeEnv(a, s, info, result.get());
        auto r = EvalTemplate(*s.result_selector, env);
        if (!r.ok())
          err = Prefixed(s, entered, r.error());
        else
          result = std::move(r).value();
      }
      JsonPtr assigned;
      if (!err && s.assign) {
        auto r = DoAssign(a, s, info, *s.assign, raw_result.get());
        if (!r.ok())
          err = Prefixed(s, entered, r.error());
        else
          assigned = std::move(r).value();
      }
      JsonPtr output;
      if (!err) {
        auto placed = PlaceResult(s.result_path, input, std::move(result));
        if (!placed.ok()) {
          err = Prefixed(s, entered, placed.error());
        } else {
          jsonpath::Env env = MakeEnv(a, s, info, placed.value().get());
          auto outp = SelectPath(s.output_path, placed.value(), env);
          if (!outp.ok())
            err = Prefixed(s, entered, outp.error());
          else
            output = std::move(outp).value();
        }
      }
      if (!err) {
        Step st = Leave(s, std::move(output));
        st.assigned = std::move(assigned);
        co_return st;
      }
      o = ErrorOutcome(std::move(*err));
    }
    if (o.kind == Outcome::Kind::kFatal) co_return Failed(std::move(o));
    // Retry (RTY-01..06).
    bool retried = false;
    for (std::size_t i = 0; i < s.retry.size(); ++i) {
      const asl::Retrier& r = s.retry[i];
      if (!Matches(r.error_equals, o)) continue;
      if (attempts.empty()) attempts.assign(s.retry.size(), 0);
      if (attempts[i] >= r.max_attempts) {  // RTY-06
        o.exhausted_retrier = static_cast<int>(i);
        break;
      }
      ++attempts[i];
      double delay = static_cast<double>(r.interval_seconds) *
                     std::pow(r.backoff_rate, static_cast<double>(attempts[i] - 1));
      if (r.max_delay_seconds) {
        delay = std::min(delay, static_cast<double>(*r.max_delay_seconds));
      }
      if (r.jitter == asl::Retrier::Jitter::kFull) {
        delay *= rng_.NextDouble();
      }
      const auto ms = static_cast<std::int64_t>(std::llround(delay * 1000.0));
      if (!options_.listeners.empty()) {
        Transition t;
        t.from = &s;
        t.to = &s;
        t.kind = TransitionKind::kRetry;
        t.scope = a.scope;
        t.index = static_cast<int>(i);
        t.iteration = a.iteration;
        t.error = &o.error;
        t.heartbeat = o.heartbeat;
        t.time = clock_.now();
        for (ExecutionListener* l : options_.listeners) l->OnTransition(t);
      }
      ++a.retry_count;
      co_await Sleep{this, Millis{ms}};
      retried = true;
      break;
    }
    if (retried) continue;
    co_return CatchOrFail(a, s, info, input, std::move(o), entered);
  }
}

Co<Outcome> Runtime::RunChild(Activity& kid, const Scope& scope, JsonPtr input, Join& join,
                              std::size_t index) {
  Outcome o;
  try {
    o = co_await RunScope(kid, scope, std::move(input));
  } catch (...) {
    exception_ = std::current_exception();
    o = Outcome::Fatal(AslError{errors::kRuntime, "exception"});
  }
  Finished(join, index);
  co_return o;
}

void Runtime::Abort(Activity& a) {
  if (!IsAlive(a.id)) return;
  if (a.running != nullptr) {
    const State& s = *a.running;
    HistoryEvent e;
    e.state = &s;
    switch (s.type) {
      case StateType::kTask:
        e.type = EventType::kTaskStateAborted;
        Emit(a, std::move(e));
        break;
      case StateType::kWait:
        e.type = EventType::kWaitStateAborted;
        Emit(a, std::move(e));
        break;
      case StateType::kParallel:
        for (Activity* c : a.children) Abort(*c);
        e.type = EventType::kParallelStateAborted;
        Emit(a, std::move(e));
        break;
      case StateType::kMap:
        for (Activity* c : a.children) {
          Abort(*c);
          if (!s.distributed) {
            HistoryEvent it;
            it.type = EventType::kMapIterationAborted;
            it.state = &s;
            it.name = s.name;
            it.index = c->iteration;
            Emit(a, std::move(it));
          }
        }
        e.type = EventType::kMapStateAborted;
        Emit(a, std::move(e));
        break;
      default:
        break;
    }
  }
  a.children.clear();
  alive_[a.id] = 0;
}

Co<Outcome> Runtime::RunParallel(Activity& a, const State& s, const StateInfo& /*info*/,
                                 JsonPtr eff, std::int64_t /*entered*/) {
  HistoryEvent started;
  started.type = EventType::kParallelStateStarted;
  started.state = &s;
  Emit(a, std::move(started));
  const std::size_t n = s.branches.size();
  Join join;
  std::vector<std::unique_ptr<Activity>> kids;
  std::vector<Co<Outcome>> cos;
  kids.reserve(n);
  cos.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    kids.push_back(NewActivity(a, static_cast<std::int64_t>(i), false));
    cos.push_back(RunChild(*kids[i], *s.branches[i], eff, join, i));
    a.children.push_back(kids[i].get());
    Push(clock_.now(), cos[i].handle(), kids[i]->id);
  }
  std::size_t done = 0;
  std::optional<Outcome> failure;
  while (done < n && !failure) {
    co_await WaitJoin{this, &join};
    for (std::size_t i : join.finished) {
      ++done;
      alive_[kids[i]->id] = 0;
      std::erase(a.children, kids[i].get());
      Outcome& r = cos[i].result();
      if (!r.ok() && !failure) failure = r;
    }
    join.finished.clear();
    if (exception_) {
      co_return Outcome::Fatal(AslError{errors::kRuntime, "exception"});
    }
  }
  if (failure) {
    for (Activity* c : std::vector<Activity*>(a.children)) Abort(*c);
    a.children.clear();
    HistoryEvent ev;
    ev.type = EventType::kParallelStateFailed;
    ev.state = &s;
    Emit(a, std::move(ev));
    co_return std::move(*failure);
  }
  a.children.clear();
  Json results = Json::array();
  for (auto& c : cos) results.push_back(*c.result().value);
  HistoryEvent ev;
  ev.type = EventType::kParallelStateSucceeded;
  ev.state = &s;
  Emit(a, std::move(ev));
  co_return Outcome::Ok(std::make_shared<const Json>(std::move(results)));
}

Co<Outcome> Runtime::RunMap(Activity& a, const State& s, const StateInfo& info, JsonPtr eff,
                            std::int64_t entered) {
  jsonpath::Env env = MakeEnv(a, s, info, eff.get());
  // Items (MAP-02, DMAP-04).
  JsonPtr items = eff;
  if (s.item_reader) {
    if (!options_.item_reader) {
      co_return Outcome::Error(AslError{
          errors::kItemReaderFailed,
          "No ItemReader data for Map state '" + s.name + "': give the run Options::item_reader."});
    }
    Json reader_params = Json::object();
    if (s.item_reader->parameters) {
      auto p = s.item_reader->parameters->Evaluate(env);
      if (!p.ok()) co_return ErrorOutcome(Prefixed(s, entered, p.error()));
      reader_params = std::move(p).value();
    } else if (info.jsonata && info.jsonata->reader_arguments) {
      auto p =
          info.jsonata->reader_arguments->Evaluate(Bind(a, s, eff.get()), "ItemReader/Arguments");
      if (!p.ok()) co_return ErrorOutcome(Prefixed(s, entered, p.error()));
      reader_params = std::move(p).value();
    }
    Result<Json> data = options_.item_reader(s, reader_params);
    if (!data.ok()) co_return Outcome::Error(data.error());
    items = std::make_shared<const Json>(std::move(data).value());
  }
  if (s.items_path && s.items_path->text() != "$") {
    jsonpath::Env ienv = env;
    ienv.input = items.get();
    std::optional<Json> v = s.items_path->Select(ienv);
    if (!v) {
      co_return ErrorOutcome(Prefixed(
          s, entered,
          AslError{errors::kRuntime,
                   jsonpath::InvalidPathCause(*s.items_path, s.items_path->RootIn(ienv))}));
    }
    items = std::make_shared<const Json>(std::move(*v));
  }
  const JsonataState* jfields = info.jsonata.get();
  if (jfields != nullptr && jfields->items) {
    // Items (MAP-02): the expression must give an array.
    const jsonata::Bindings b = Bind(a, s, eff.get());
    Result<jsonata::Value> r = jfields->items->EvaluateValue(b, "Items");
    if (!r.ok()) co_return ErrorOutcome(Prefixed(s, entered, r.error()));
    jsonata::Value& v = r.value();
    if (v.kind != jsonata::Value::Kind::kJson || !v.json.is_array()) {
      std::string cause =
          v.kind == jsonata::Value::Kind::kJson
              ? jfields->items->UnexpectedTypeCause("Items", "array", v.json)
              : "The JSONata expression '" + jfields->items->expression_text() +
                    "' specified for the field 'Items' returned " +
                    (v.is_undefined() ? "nothing (undefined)." : "an unsupported result type.");
      co_return ErrorOutcome(
          Prefixed(s, entered, AslError{errors::kQueryEvaluationError, std::move(cause)}));
    }
    items = std::make_shared<const Json>(std::move(v.json));
  }
  if (!items->is_array()) {
    co_return ErrorOutcome(Prefixed(
        s, entered,
        AslError{jfields != nullptr ? errors::kQueryEvaluationError : errors::kRuntime,
                 "Map state input must be an array but was: " + jsonpath::ToAwsJson(*items)}));
  }
  // MaxConcurrency and tolerated failures (MAP-04, DMAP-07).
  std::size_t limit = s.distributed ? kDistributedMapConcurrency : kInlineMapConcurrency;
  auto number = [&](const asl::NumberField& f, const char* name,
                    bool integer) -> Result<std::optional<double>> {
    if (f.literal) return std::optional<double>(*f.literal);
    if (jfields != nullptr && f.jsonata) {
      const JsonataState::Field* cf =
          &f == &s.max_concurrency                ? &jfields->max_concurrency
          : &f == &s.tolerated_failure_count      ? &jfields->tolerated_failure_count
          : &f == &s.tolerated_failure_percentage ? &jfields->tolerated_failure_percentage
          : s.item_batcher && &f == &s.item_batcher->max_items_per_batch
              ? &jfields->max_items_per_batch
              : nullptr;
      if (cf == nullptr || !*cf) return std::optional<double>();
      return JsonataNumber(*cf, Bind(a, s, eff.get()), name, integer);
    }
    if (!f.path) return std::optional<double>();
    std::optional<Json> v = f.path->Select(env);
    if (!v) {
      return AslError{errors::kRuntime, jsonpath::InvalidPathCause(*f.path, f.path->RootIn(env))};
    }
    if (v->is_string()) {
      // AWS accepts numbers written as strings ("1").
      const std::string& text = v->get_ref<const std::string&>();
      char* end = nullptr;
      const double parsed = std::strtod(text.c_str(), &end);
      if (!text.empty() && end == text.c_str() + text.size() &&
          (!integer || parsed == std::floor(parsed))) {
        return std::optional<double>(parsed);
      }
    }
    if (!v->is_number() || (integer && !v->is_number_integer())) {
      const std::string shown = v->is_string() ? v->get<std::string>() : jsonpath::ToAwsJson(*v);
      return AslError{errors::kRuntime,
                      std::string("The ") + name + "Path field refers to value \"" + shown +
                          "\" which is not a valid " + (integer ? "integer" : "float") + ": " +
                          f.path->text()};
    }
    return std::optional<double>(v->get<double>());
  };
  auto mc = number(s.max_concurrency, "MaxConcurrency", true);
  if (!mc.ok()) co_return ErrorOutcome(Prefixed(s, entered, mc.error()));
  if (mc.value() && *mc.value() > 0) {
    limit = std::min(limit, static_cast<std::size_t>(*mc.value()));
  }
  auto tcount = number(s.tolerated_failure_count, "ToleratedFailureCount", true);
  if (!tcount.ok()) co_return ErrorOutcome(Prefixed(s, entered, tcount.error()));
  auto tpct = number(s.tolerated_failure_percentage, "ToleratedFailurePercentage", false);
  if (!tpct.ok()) co_return ErrorOutcome(Prefixed(s, entered, tpct.error()));
  const char* range_error = jfields != nullptr ? errors::kQueryEvaluationError : errors::kRuntime;
  if (tcount.value() && *tcount.value() < 0) {
    co_return ErrorOutcome(
        Prefixed(s, entered, AslError{range_error, "ToleratedFailureCount cannot be negative."}));
  }
  if (tpct.value() && (*tpct.value() < 0 || *tpct.value() > 100)) {
    co_return ErrorOutcome(
        Prefixed(s, entered,
                 AslError{range_error, "ToleratedFailurePercentage must be between 0 and 100."}));
  }
  const bool tolerance = tcount.value().has_value() || tpct.value().has_value();

  // Batching (DMAP-05): each child gets {"Items": [...], "BatchInput": ...}.
  std::vector<Json> batches;
  const Json* inputs = items.get();
  Json batched;
  if (s.item_batcher) {
    auto mi = number(s.item_batcher->max_items_per_batch, "MaxItemsPerBatch", true);
    if (!mi.ok()) co_return ErrorOutcome(Prefixed(s, entered, mi.error()));
    const std::size_t per = mi.value() && *mi.value() > 0 ? static_cast<std::size_t>(*mi.value())
                                                          : std::max<std::size_t>(items->size(), 1);
    Json batch_input;
    if (s.item_batcher->batch_input) {
      auto b = s.item_batcher->batch_input->Evaluate(env);
      if (!b.ok()) co_return ErrorOutcome(Prefixed(s, entered, b.error()));
      batch_input = std::move(b).value();
    } else if (jfields != nullptr && jfields->batch_input) {
      auto b = jfields->batch_input->Evaluate(Bind(a, s, eff.get()), "ItemBatcher/BatchInput");
      if (!b.ok()) co_return ErrorOutcome(Prefixed(s, entered, b.error()));
      batch_input = std::move(b).value();
    }
    batched = Json::array();
    for (std::size_t i = 0; i < items->size(); i += per) {
      Json group = Json::array();
      for (std::size_t j = i; j < std::min(items->size(), i + per); ++j) {
        group.push_back((*items)[j]);
      }
      Json child = {{"Items", std::move(group)}};
      if (!batch_input.is_null()) child["BatchInput"] = batch_input;
      batched.push_back(std::move(child));
    }
    inputs = &batched;
  }
  const std::size_t n = inputs->size();

  HistoryEvent started;
  started.type = EventType::kMapStateStarted;
  started.state = &s;
  started.index = static_cast<std::int64_t>(n);
  Emit(a, std::move(started));
  const std::string map_run_arn =
      s.distributed ? "arn:aws:states:" + options_.region + ":" + options_.account +
                          ":mapRun:" + options_.state_machine_name + "/" +
                          s.label.value_or(s.name) + ":" + options_.execution_name
                    : std::string();
  if (s.distributed) {
    HistoryEvent run;
    run.type = EventType::kMapRunStarted;
    run.state = &s;
    run.text = map_run_arn;
    Emit(a, std::move(run));
  }

  Join join;
  std::vector<std::unique_ptr<Activity>> kids(n);
  std::vector<Co<Outcome>> cos(n);
  std::size_t next = 0;
  std::size_t running = 0;
  std::size_t done = 0;
  std::size_t failures = 0;
  std::optional<Outcome> failure;
  Json results = Json::array();
  std::vector<JsonPtr> outputs(n);
  while ((done < n || next < n) && !failure && !exception_) {
    while (running < limit && next < n && !failure) {
      const std::size_t i = next++;
      // Iteration input: ItemSelector with $$.Map.Item (MAP-03).
      JsonPtr item_input;
      const asl::State& ms = s;
      const jsonpath::Template* selector =
          s.item_selector ? &*s.item_selector : (s.parameters ? &*s.parameters : nullptr);
      if (jfields != nullptr && jfields->item_selector) {
        // ItemSelector sees $states.context.Map.Item (MAP-03).
        jsonata::Bindings b = Bind(a, ms, eff.get());
        context_["Map"] = {{"Item", {{"Index", i}, {"Value", (*inputs)[i]}}}};
        Result<Json> r = jfields->item_selector->Evaluate(b, "ItemSelector");
        context_.erase("Map");
        if (!r.ok()) {
          failure = ErrorOutcome(Prefixed(s, entered, r.error()));
          break;
        }
        item_input = std::make_shared<const Json>(std::move(r).value());
      } else if (selector != nullptr) {
        const Json* ctx = Context(a, ms);
        context_["Map"] = {{"Item", {{"Index", i}, {"Value", (*inputs)[i]}}}};
        jsonpath::Env senv = env;
        senv.context = ctx;
        auto r = selector->Evaluate(senv);
        context_.erase("Map");
        if (!r.ok()) {
          failure = ErrorOutcome(Prefixed(s, entered, r.error()));
          break;
        }
        item_input = std::make_shared<const Json>(std::move(r).value());
      } else {
        item_input = std::make_shared<const Json>((*inputs)[i]);
      }
      kids[i] = NewActivity(a, static_cast<std::int64_t>(i), s.distributed);
      if (!s.distributed) {
        HistoryEvent it;
        it.type = EventType::kMapIterationStarted;
        it.state = &s;
        it.name = s.name;
        it.index = static_cast<std::int64_t>(i);
        Emit(a, std::move(it));
        kids[i]->last_event_id = a.last_event_id;
      }
      cos[i] = RunChild(*kids[i], *s.item_processor, std::move(item_input), join, i);
      a.children.push_back(kids[i].get());
      Push(clock_.now(), cos[i].handle(), kids[i]->id);
      ++running;
    }
    if (failure || (running == 0 && next >= n)) break;
    co_await WaitJoin{this, &join};
    for (std::size_t i : join.finished) {
      --running;
      ++done;
      alive_[kids[i]->id] = 0;
      std::erase(a.children, kids[i].get());
      Outcome& r = cos[i].result();
      HistoryEvent it;
      it.state = &s;
      it.name = s.name;
      it.index = static_cast<std::int64_t>(i);
      if (r.ok()) {
        outputs[i] = r.value;
        it.type = EventType::kMapIterationSucceeded;
      } else {
        it.type = EventType::kMapIterationFailed;
        outputs[i] =
            std::make_shared<const Json>(Json{{"Error", r.error.error}, {"Cause", r.error.cause}});
        ++failures;
        const bool fatal = r.kind == Outcome::Kind::kFatal;
        bool exceeded = true;
        if (tolerance && !fatal) {
          const double count = tcount.value().value_or(0);
          const double pct = tpct.value().value_or(0);
          exceeded = static_cast<double>(failures) > count &&
                     static_cast<double>(failures) * 100.0 > pct * static_cast<double>(n);
        }
        if (exceeded && !failure) {
          if (tolerance && !fatal) {
            failure =
                Outcome::Error(AslError{errors::kExceedToleratedFailureThreshold,
                                        "The specified tolerated failure threshold was exceeded"});
          } else {
            failure = r;
          }
        }
      }
      if (!s.distributed) Emit(a, std::move(it));
    }
    join.finished.clear();
  }
  if (failure) {
    for (Activity* c : std::vector<Activity*>(a.children)) {
      Abort(*c);
      if (!s.distributed) {
        HistoryEvent it;
        it.type = EventType::kMapIterationAborted;
        it.state = &s;
        it.name = s.name;
        it.index = c->iteration;
        Emit(a, std::move(it));
      }
    }
    a.children.clear();
    HistoryEvent ev;
    ev.type = EventType::kMapStateFailed;
    ev.state = &s;
    Emit(a, std::move(ev));
    if (s.distributed) {
      HistoryEvent run;
      run.type = EventType::kMapRunFailed;
      run.state = &s;
      run.error = failure->error.error;
      run.cause = failure->error.cause;
      Emit(a, std::move(run));
    }
    co_return std::move(*failure);
  }
  a.children.clear();
  for (auto& o : outputs) results.push_back(o ? *o : Json());
  if (s.distributed) {
    HistoryEvent run;
    run.type = EventType::kMapRunSucceeded;
    run.state = &s;
    Emit(a, std::move(run));
  }
  HistoryEvent ev;
  ev.type = EventType::kMapStateSucceeded;
  ev.state = &s;
  Emit(a, std::move(ev));
  if (s.result_writer) {
    Json details = Json::object();
    Result<Json> p = Json();
    if (s.result_writer->parameters) {
      p = s.result_writer->parameters->Evaluate(env);
    } else if (jfields != nullptr && jfields->writer_arguments) {
      p = jfields->writer_arguments->Evaluate(Bind(a, s, eff.get()), "ResultWriter/Arguments");
    }
    if (p.ok() && p.value().is_object()) {
      details["Bucket"] = p.value().value("Bucket", "");
      details["Key"] = p.value().value("Prefix", "") + "/manifest.json";
    }
    co_return Outcome::Ok(std::make_shared<const Json>(
        Json{{"MapRunArn", map_run_arn}, {"ResultWriterDetails", details}}));
  }
  co_return Outcome::Ok(std::make_shared<const Json>(std::move(results)));
}

void Runtime::Run(const Json& input) {
  out_->start_time = options_.start_time;
  input_ = std::make_shared<const Json>(input);
  Activity root(nullptr);
  root.id = 0;
  {
    HistoryEvent e;
    e.type = EventType::kExecutionStarted;
    e.input = input_;
    e.text = options_.role_arn;
    Emit(root, std::move(e), true);
    root.last_event_id = 0;  // AWS: the first state's event points at 0
  }
  Outcome result;
  const asl::Definition& def = *program_.definition;
  if (TooLarge(*input_)) {
    result =
        Outcome::Fatal(AslError{errors::kDataLimitExceeded,
                                "The execution input exceeds the maximum number of bytes service "
                                "limit."});
  } else {
    Co<Outcome> co = RunScope(root, def.root(), input_);
    current_ = 0;
    co.handle().resume();
    while (!co.done() && !exception_ && !timed_out_) {
      if (queue_.empty()) break;
      Wakeup w = queue_.top();
      queue_.pop();
      if (!IsAlive(w.activity)) continue;
      if (w.time > deadline_) {
        timed_out_ = true;
        break;
      }
      clock_.AdvanceTo(w.time);
      current_ = w.activity;
      w.handle.resume();
    }
    if (exception_) std::rethrow_exception(exception_);
    if (co.done()) {
      if (co.exception()) std::rethrow_exception(co.exception());
      result = std::move(co.result());
    } else if (!timed_out_ && !stop_) {
      STEPSIM_CHECK(false && "scheduler ran dry before the execution ended");
    }
  }
  if (timed_out_) {
    clock_.AdvanceTo(deadline_);
    out_->status = ExecutionStatus::kTimedOut;
    out_->error = errors::kTimeout;
    HistoryEvent e;
    e.type = EventType::kExecutionTimedOut;
    e.error = errors::kTimeout;
    Emit(root, std::move(e), true);
  } else if (stop_ || !result.ok()) {
    const AslError& err = stop_ ? *stop_ : result.error;
    out_->status = ExecutionStatus::kFailed;
    if (!err.error.empty()) out_->error = err.error;
    if (!err.cause.empty()) out_->cause = err.cause;
    HistoryEvent e;
    e.type = EventType::kExecutionFailed;
    e.error = out_->error;
    e.cause = out_->cause;
    Emit(root, std::move(e), true);
  } else if (TooLarge(*result.value)) {
    out_->status = ExecutionStatus::kFailed;
    out_->error = errors::kDataLimitExceeded;
    out_->cause =
        "The execution output exceeds the maximum number of bytes service "
        "limit.";
    HistoryEvent e;
    e.type = EventType::kExecutionFailed;
    e.error = out_->error;
    e.cause = out_->cause;
    Emit(root, std::move(e), true);
  } else {
    out_->status = ExecutionStatus::kSucceeded;
    out_->output = *result.value;
    HistoryEvent e;
    e.type = EventType::kExecutionSucceeded;
    e.output = result.value;
    Emit(root, std::move(e), true);
  }
  out_->end_time = clock_.now();
  out_->state_transitions = transitions_;
}

}  // namespace internal

Interpreter::Interpreter(std::shared_ptr<const asl::Definition> definition) {
  if (!definition) throw UsageError("Interpreter needs a definition");
  auto program = std::make_shared<internal::Program>();
  program->definition = std::move(definition);
  program->Add(program->definition->root());
  program_ = std::move(program);
}

Interpreter::~Interpreter() = default;
Interpreter::Interpreter(const Interpreter&) = default;
Interpreter& Interpreter::operator=(const Interpreter&) = default;
Interpreter::Interpreter(Interpreter&&) noexcept = default;
Interpreter& Interpreter::operator=(Interpreter&&) noexcept = default;

const asl::Definition& Interpreter::definition() const { return *program_->definition; }

Execution Interpreter::Run(const Json& input, const Options& options) const {
  Execution out;
  Run(input, options, &out);
  return out;
}

void Interpreter::Run(const Json& input, const Options& options, Execution* out) const {
  if (out == nullptr) throw UsageError("Run needs an Execution to fill");
  out->status = ExecutionStatus::kSucceeded;
  out->output.reset();
  out->error.reset();
  out->cause.reset();
  out->history.clear();
  out->visited_states.clear();
  out->state_transitions = 0;
  out->keep_alive = program_;
  internal::Runtime runtime(*program_, options, out);
  runtime.Run(input);
}

}  // namespace stepsim::sim
