#include "sim/runtime.h"

#include <stepsim/sim/error_match.h>

#include <algorithm>
#include <string>
#include <utility>

#include "sim/engine_util.h"
#include "sim/runners.h"

namespace stepsim::sim::internal {

using asl::Scope;
using asl::State;
using asl::StateType;

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

Outcome ErrorOutcome(AslError e) {
  if (e.error == errors::kRuntime) return Outcome::Fatal(std::move(e));
  return Outcome::Error(std::move(e));
}

bool Matches(const std::vector<std::string>& names, const Outcome& o) {
  return MatchesErrorEquals(names, o.error.error, o.heartbeat);
}

AslError StateRun::Prefixed(AslError e) const {
  e.cause = "An error occurred while executing the state '" + s.name +
            "' (entered at the event id #" + std::to_string(entered) + "). " + e.cause;
  return e;
}

Runtime::Runtime(const Program& program, const Options& options, Execution* out)
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

// ---- scheduling -------------------------------------------------------------

bool Runtime::Sleep::await_suspend(std::coroutine_handle<> h) {
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

std::unique_ptr<Activity> Runtime::NewActivity(Activity& parent, std::int64_t index,
                                               bool isolated) {
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

Co<Outcome> Runtime::RunChild(Activity& kid, const Scope& scope, JsonPtr input, Join& join,
                              std::size_t index) {
  Outcome o;
  try {
    o = co_await RunScope(kid, scope, std::move(input));
  } catch (...) {
    exception_ = std::current_exception();
    o = Outcome::Fatal(AslError{errors::kRuntime, "exception"});
  }
  join.finished.push_back(index);
  if (join.waiter && !join.wake_pending) {
    join.wake_pending = true;
    Push(clock_.now(), join.waiter, join.waiter_activity);
  }
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

// ---- events -----------------------------------------------------------------

std::int64_t Runtime::Emit(Activity& a, HistoryEvent e, bool terminal) {
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

HistoryEvent Runtime::StateEvent(EventType type, const State& s, JsonPtr payload, bool is_input) {
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

void Runtime::Transit(Activity& a, const State& from, const Scope& scope, const State* to,
                      TransitionKind kind, int index, const AslError* error, bool heartbeat,
                      int exhausted_retrier) {
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

// ---- what expressions see ---------------------------------------------------

const Json* Runtime::Context(const Activity& a, const State& s) {
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
  if (task_token_) {
    context_["Task"] = {{"Token", *task_token_}};
  } else if (context_.contains("Task")) {
    context_.erase("Task");
  }
  return &context_;
}

void Runtime::BuildContext() {
  Json execution = {{"Id", options_.execution_id},
                    {"Input", *input_},
                    {"Name", options_.execution_name},
                    {"RoleArn", options_.role_arn},
                    {"StartTime", FormatTimestamp(options_.start_time)}};
  if (options_.type == StateMachineType::kStandard) {
    execution["RedriveCount"] = 0;
  }
  context_ = {
      {"Execution", std::move(execution)},
      {"State", {{"EnteredTime", ""}, {"Name", ""}}},
      {"StateMachine", {{"Id", options_.state_machine_id}, {"Name", options_.state_machine_name}}}};
  Json& st = context_["State"];
  ctx_name_ = &st["Name"];
  ctx_entered_ = &st["EnteredTime"];
}

void Runtime::SetMapItem(std::size_t index, const Json& value) {
  context_["Map"] = {{"Item", {{"Index", index}, {"Value", value}}}};
}

const std::string& Runtime::BeginTaskToken() {
  std::string t(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t v = rng_.Next();
    for (int k = 15; k >= 0; --k) {
      t[static_cast<std::size_t>(half * 16 + k)] = "0123456789abcdef"[v & 15];
      v >>= 4;
    }
  }
  task_token_ = std::move(t);
  return *task_token_;
}

jsonpath::Env Runtime::MakeEnv(const Activity& a, const State& s, const StateInfo& info,
                               const Json* input) {
  jsonpath::Env env;
  env.input = input;
  env.context = info.uses_context ? Context(a, s) : nullptr;
  env.variables = &a.vars;
  env.rng = &rng_;
  return env;
}

jsonata::Bindings Runtime::Bind(const Activity& a, const State& s, const Json* input) {
  jsonata::Bindings b;
  b.input = input;
  b.context = Context(a, s);
  b.variables = &a.vars;
  b.rng = &rng_;
  b.now = clock_.now();
  return b;
}

// ---- limits -------------------------------------------------------------------

std::int64_t Runtime::NextInvocation(const State* s) {
  for (auto& [k, n] : invocations_) {
    if (k == s) return n++;
  }
  invocations_.emplace_back(s, 1);
  return 0;
}

bool Runtime::TooLarge(const Json& v) const {
  return ExceedsSize(v, options_.limits.max_payload_bytes);
}

AslError Runtime::DataLimit(std::string_view what) const {
  return AslError{errors::kDataLimitExceeded, "The state/task '" + std::string(what) +
                                                  "' returned a result with a size exceeding the "
                                                  "maximum number of bytes service limit."};
}

// ---- running ------------------------------------------------------------------

bool Runtime::CountTransition(const State& s) {
  if (++transitions_ <= options_.limits.max_state_transitions) return true;
  stop_ =
      AslError{errors::kRuntime, "The execution entered more than " +
                                     std::to_string(options_.limits.max_state_transitions) +
                                     " states (stepsim loop guard, Limits::max_state_transitions); "
                                     "the workflow probably loops forever. Last state: '" +
                                     s.name + "'."};
  return false;
}

Co<Outcome> Runtime::RunScope(Activity& a, const Scope& scope, JsonPtr input) {
  const std::vector<StateInfo>& infos = program_.Infos(&scope);
  std::size_t idx = scope.start_index;
  for (;;) {
    if (stop_) co_return Outcome::Fatal(*stop_);
    const State& s = scope.states[idx];
    const StateInfo& info = infos[idx];
    if (!CountTransition(s)) co_return Outcome::Fatal(*stop_);
    a.running = &s;
    a.scope = &scope;
    a.entered_time = clock_.now();
    a.retry_count = 0;
    const StateRun r{*this, a, s, info, Emit(a, StateEvent(info.entered, s, input, true))};
    out_->visited_states.push_back(s.name);
    r.Observe(DataFlowStep::kInput, input);

    Step st;
    if (const std::string* error = info.compile_error()) {
      st = r.Fail(AslError{errors::kQueryEvaluationError, *error});
    } else {
      switch (s.type) {
        case StateType::kPass:
          st = RunPass(r, input);
          break;
        case StateType::kChoice:
          st = RunChoice(r, input);
          break;
        case StateType::kSucceed:
          st = RunSucceed(r, input);
          break;
        case StateType::kFail:
          st = RunFail(r, input);
          break;
        case StateType::kWait: {
          Result<Waiting> w = StartWait(r, input);
          if (!w.ok()) {
            st = r.Fail(w.error());
            break;
          }
          co_await SleepFor(w.value().delay);
          st = FinishWait(r, input, w.value().effective);
          break;
        }
        case StateType::kTask:
        case StateType::kParallel:
        case StateType::kMap:
          st = co_await RunRetryable(r, input);
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
    r.Observe(DataFlowStep::kOutput, st.out.value);
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

void Runtime::Schedule(Co<Outcome>& root) {
  current_ = 0;
  root.handle().resume();
  while (!root.done() && !exception_ && !timed_out_) {
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
  if (root.done() && root.exception()) std::rethrow_exception(root.exception());
}

void Runtime::Fail(Activity& root, std::string error, std::string cause) {
  out_->status = ExecutionStatus::kFailed;
  if (!error.empty()) out_->error = std::move(error);
  if (!cause.empty()) out_->cause = std::move(cause);
  HistoryEvent e;
  e.type = EventType::kExecutionFailed;
  e.error = out_->error;
  e.cause = out_->cause;
  Emit(root, std::move(e), true);
}

void Runtime::Finish(Activity& root, const Outcome& result) {
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
    Fail(root, err.error, err.cause);
  } else if (TooLarge(*result.value)) {
    Fail(root, errors::kDataLimitExceeded,
         "The execution output exceeds the maximum number of bytes service "
         "limit.");
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
  if (TooLarge(*input_)) {
    result =
        Outcome::Fatal(AslError{errors::kDataLimitExceeded,
                                "The execution input exceeds the maximum number of bytes service "
                                "limit."});
  } else {
    Co<Outcome> co = RunScope(root, program_.definition->root(), input_);
    Schedule(co);
    if (co.done()) {
      result = std::move(co.result());
    } else if (!timed_out_ && !stop_) {
      STEPSIM_CHECK(false && "scheduler ran dry before the execution ended");
    }
  }
  Finish(root, result);
}

}  // namespace stepsim::sim::internal
