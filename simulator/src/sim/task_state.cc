// Task states (TASK, HIST-05/06) and the Retry and Catch of every work state
// (RTY-01..06, CAT-01..04).
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "sim/data_flow.h"
#include "sim/runners.h"
#include "sim/try.h"

namespace stepsim::sim::internal {
namespace {

using asl::State;
using asl::StateType;

/// What one Task attempt asks for, after its fields are evaluated.
struct TaskRequest {
  JsonPtr parameters;
  std::optional<std::int64_t> timeout;    // seconds
  std::optional<std::int64_t> heartbeat;  // seconds
  JsonPtr credentials;
};

/// How long an attempt lasts on the virtual clock, and how it ends there:
/// the answer's latency, cut short by TimeoutSeconds or a missing heartbeat
/// (TASK-02..04, TASK-06).
struct TaskTiming {
  Millis duration{0};
  bool timed_out = false;
  bool heartbeat_lapse = false;
};

/// One Task attempt until its answer; `ended` holds the outcome when the
/// attempt ended before running (a field error, no answer).
struct TaskAttempt {
  std::optional<Outcome> ended;
  TaskOutcome answer;
  TaskTiming timing;
};

Result<std::optional<std::int64_t>> Seconds(const StateRun& r, NumberField field,
                                            const JsonPtr& effective) {
  if (const auto& literal = FieldOf(r.s, field).literal) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(*literal));
  }
  return r.flow().Seconds(r, field, effective);
}

// Every field is evaluated before the first error is reported, in AWS's
// order (an expression may draw from the run's random numbers).
Result<TaskRequest> EvaluateRequest(const StateRun& r, const JsonPtr& effective) {
  TaskRequest req;
  STEPSIM_TRY(req.parameters, r.flow().Parameters(r, effective));
  auto timeout = Seconds(r, NumberField::kTimeoutSeconds, effective);
  auto heartbeat = Seconds(r, NumberField::kHeartbeatSeconds, effective);
  STEPSIM_TRY(req.timeout, std::move(timeout));
  STEPSIM_TRY(req.heartbeat, std::move(heartbeat));
  STEPSIM_TRY(req.credentials, r.flow().Credentials(r, effective));
  return req;
}

HistoryEvent TaskEvent(const StateRun& r, EventType integration, EventType lambda,
                       EventType activity) {
  HistoryEvent e;
  e.type = r.info.kind == ResourceKind::kLambdaArn  ? lambda
           : r.info.kind == ResourceKind::kActivity ? activity
                                                    : integration;
  e.state = &r.s;
  e.resource_type = r.info.resource_type;
  e.resource = r.info.resource;
  return e;
}

/// Scheduled, Started and (for .sync and .waitForTaskToken integrations)
/// Submitted (HIST-05, HIST-06).
void EmitScheduled(const StateRun& r, const TaskRequest& req) {
  HistoryEvent sched = TaskEvent(r, EventType::kTaskScheduled, EventType::kLambdaFunctionScheduled,
                                 EventType::kActivityScheduled);
  sched.region = r.rt.options().region;
  sched.input = req.parameters;
  sched.timeout_in_seconds = req.timeout;
  sched.heartbeat_in_seconds = req.heartbeat;
  sched.credentials = req.credentials;
  r.rt.Emit(r.a, std::move(sched));
  r.rt.Emit(r.a, TaskEvent(r, EventType::kTaskStarted, EventType::kLambdaFunctionStarted,
                           EventType::kActivityStarted));
  if ((r.info.sync || r.info.wait_for_token) && r.info.kind == ResourceKind::kIntegration) {
    // The service's answer to the submission is not modelled; AWS shows its
    // response here (HIST-06).
    HistoryEvent submitted = TaskEvent(r, EventType::kTaskSubmitted, EventType::kTaskSubmitted,
                                       EventType::kTaskSubmitted);
    submitted.output = r.rt.program().empty_object;
    r.rt.Emit(r.a, std::move(submitted));
  }
}

TaskInvocation MakeCall(const StateRun& r, const TaskRequest& req) {
  TaskInvocation call;
  call.state = &r.s;
  call.resource = r.s.resource;
  call.parameters = req.parameters.get();
  call.invocation = r.rt.NextInvocation(&r.s);
  call.retry_count = r.a.retry_count;
  call.now = r.rt.now();
  call.task_token = r.rt.task_token();
  call.iteration = r.a.iteration;
  if (r.info.uses_context || r.rt.options().task_context) call.context = r.rt.Context(r.a, r.s);
  return call;
}

/// Asks the handlers, then the task function (Options), for the answer.
std::optional<TaskOutcome> Invoke(const Options& options, const TaskInvocation& call) {
  std::optional<TaskOutcome> outcome;
  const int deliveries = options.duplicate_task_delivery ? 2 : 1;
  for (int d = 0; d < deliveries; ++d) {
    outcome.reset();
    for (TaskHandler* h : options.task_handlers) {
      outcome = h->Invoke(call);
      if (outcome) break;
    }
    if (!outcome && options.task_function) outcome = options.task_function(call);
  }
  return outcome;
}

AslError NoAnswer(const TaskInvocation& call) {
  return AslError{errors::kRuntime, "No outcome configured for Task state '" + call.state->name +
                                        "' (resource " + call.state->resource + ", invocation " +
                                        std::to_string(call.invocation) +
                                        "): give the run a TaskHandler or task_function that "
                                        "answers it, or a MockConfigFile response for this "
                                        "state."};
}

TaskTiming Time(const TaskOutcome& answer, const TaskRequest& req) {
  TaskTiming t;
  t.duration = answer.latency;
  t.timed_out = answer.kind == TaskOutcome::Kind::kTimedOut;
  if (req.heartbeat) {
    const Millis h{*req.heartbeat * 1000};
    std::vector<Millis> beats = answer.heartbeats;
    std::sort(beats.begin(), beats.end());
    beats.push_back(answer.latency);
    Millis last{0};
    for (Millis b : beats) {
      if (b > answer.latency) break;
      if (b - last > h) {
        t.duration = last + h;
        t.heartbeat_lapse = true;
        t.timed_out = true;
        break;
      }
      last = b;
    }
  }
  if (req.timeout) {
    const Millis limit{*req.timeout * 1000};
    if (limit < t.duration) {
      t.duration = limit;
      t.timed_out = true;
      t.heartbeat_lapse = false;
    }
  }
  return t;
}

/// Everything of an attempt before its virtual duration passes.
TaskAttempt StartTask(const StateRun& r, const JsonPtr& effective) {
  TaskAttempt attempt;
  if (r.info.wait_for_token || r.info.sync) r.rt.BeginTaskToken();
  Result<TaskRequest> req = EvaluateRequest(r, effective);
  if (!req.ok()) {
    attempt.ended = r.Error(req.error());
    return attempt;
  }
  EmitScheduled(r, req.value());
  const TaskInvocation call = MakeCall(r, req.value());
  std::optional<TaskOutcome> answer = Invoke(r.rt.options(), call);
  if (!answer) {
    attempt.ended = Outcome::Fatal(NoAnswer(call));
    return attempt;
  }
  attempt.timing = Time(*answer, req.value());
  attempt.answer = std::move(*answer);
  return attempt;
}

/// The attempt's last event and outcome, once its duration has passed.
Outcome FinishTask(const StateRun& r, TaskAttempt attempt) {
  TaskOutcome& answer = attempt.answer;
  if (attempt.timing.timed_out) {
    HistoryEvent ev = TaskEvent(r, EventType::kTaskTimedOut, EventType::kLambdaFunctionTimedOut,
                                EventType::kActivityTimedOut);
    ev.error = errors::kTimeout;
    const bool answered_timeout = answer.kind == TaskOutcome::Kind::kTimedOut;
    if (answered_timeout && !answer.error.cause.empty()) ev.cause = answer.error.cause;
    r.rt.Emit(r.a, std::move(ev));
    Outcome o =
        Outcome::Error(AslError{errors::kTimeout, answered_timeout ? answer.error.cause : ""});
    o.heartbeat = attempt.timing.heartbeat_lapse;
    return o;
  }
  if (answer.kind == TaskOutcome::Kind::kFailed) {
    HistoryEvent ev = TaskEvent(r, EventType::kTaskFailed, EventType::kLambdaFunctionFailed,
                                EventType::kActivityFailed);
    ev.error = answer.error.error;
    ev.cause = answer.error.cause;
    r.rt.Emit(r.a, std::move(ev));
    return ErrorOutcome(std::move(answer.error));
  }
  auto result = std::make_shared<const Json>(std::move(answer.result));
  HistoryEvent ev = TaskEvent(r, EventType::kTaskSucceeded, EventType::kLambdaFunctionSucceeded,
                              EventType::kActivitySucceeded);
  ev.output = result;
  r.rt.Emit(r.a, std::move(ev));
  if (r.rt.TooLarge(*result)) {
    const bool lambda = r.info.kind == ResourceKind::kLambdaArn;
    return Outcome::Error(r.rt.DataLimit(lambda ? r.s.resource : r.s.name));
  }
  return Outcome::Ok(std::move(result));
}

/// A successful attempt's result through the state's output processing.
Step LeaveAttempt(const StateRun& r, const JsonPtr& input, const Outcome& o) {
  STEPSIM_TRY_OR(Leaving leaving, r.flow().LeaveWithResult(r, input, o.value), r.Fail);
  Step st = Leave(r.s, std::move(leaving.output));
  st.assigned = std::move(leaving.assigned);
  return st;
}

/// The first retrier matching the error decides (RTY-01..05): the delay
/// before the next attempt, or nullopt when none retries (an exhausted
/// match is recorded for RTY-06).
std::optional<Millis> NextRetry(const StateRun& r, Outcome& o,
                                std::vector<std::int64_t>& attempts) {
  const State& s = r.s;
  for (std::size_t i = 0; i < s.retry.size(); ++i) {
    const asl::Retrier& retrier = s.retry[i];
    if (!Matches(retrier.error_equals, o)) continue;
    if (attempts.empty()) attempts.assign(s.retry.size(), 0);
    if (attempts[i] >= retrier.max_attempts) {  // RTY-06
      o.exhausted_retrier = static_cast<int>(i);
      return std::nullopt;
    }
    ++attempts[i];
    double delay = static_cast<double>(retrier.interval_seconds) *
                   std::pow(retrier.backoff_rate, static_cast<double>(attempts[i] - 1));
    if (retrier.max_delay_seconds) {
      delay = std::min(delay, static_cast<double>(*retrier.max_delay_seconds));
    }
    if (retrier.jitter == asl::Retrier::Jitter::kFull) delay *= r.rt.rng().NextDouble();
    const Millis ms{static_cast<std::int64_t>(std::llround(delay * 1000.0))};
    if (!r.rt.options().listeners.empty()) {
      Transition t;
      t.from = &s;
      t.to = &s;
      t.kind = TransitionKind::kRetry;
      t.scope = r.a.scope;
      t.index = static_cast<int>(i);
      t.iteration = r.a.iteration;
      t.error = &o.error;
      t.heartbeat = o.heartbeat;
      t.time = r.rt.now();
      for (ExecutionListener* l : r.rt.options().listeners) l->OnTransition(t);
    }
    if (DataFlowObserver* observer = r.rt.observer()) {
      ErrorHandledRecord record{&s, r.a.iteration, &o.error};
      record.retry_index = static_cast<int>(i);
      record.retry_attempt = attempts[i];
      record.retry_backoff = ms;
      observer->OnErrorHandled(record);
    }
    return ms;
  }
  return std::nullopt;
}

/// The first catcher matching the error handles it (CAT-01..04); else the
/// state fails with it.
Step CatchOrFail(const StateRun& r, const JsonPtr& input, Outcome o) {
  if (o.kind == Outcome::Kind::kFatal) return Failed(std::move(o));
  for (std::size_t i = 0; i < r.s.catch_.size(); ++i) {
    const asl::Catcher& c = r.s.catch_[i];
    if (!Matches(c.error_equals, o)) continue;
    auto error_output =
        std::make_shared<const Json>(Json{{"Error", o.error.error}, {"Cause", o.error.cause}});
    STEPSIM_TRY_OR(Leaving leaving, r.flow().Catch(r, i, input, error_output), r.Fail);
    if (DataFlowObserver* observer = r.rt.observer()) {
      ErrorHandledRecord record{&r.s, r.a.iteration, &o.error};
      record.catch_index = static_cast<int>(i);
      observer->OnErrorHandled(record);
    }
    Step st;
    st.out = Outcome::Ok(std::move(leaving.output));
    st.assigned = std::move(leaving.assigned);
    st.caught = o.error;
    st.heartbeat = o.heartbeat;
    st.exhausted_retrier = o.exhausted_retrier;
    st.next = c.next_index;
    st.kind = TransitionKind::kCatch;
    st.index = static_cast<int>(i);
    return st;
  }
  return Failed(std::move(o));
}

}  // namespace

Co<Step> RunRetryable(const StateRun& r, JsonPtr input) {
  std::vector<std::int64_t> attempts;  // per retrier
  for (;;) {
    if (r.rt.stop()) co_return Failed(Outcome::Fatal(*r.rt.stop()));
    Outcome o;
    Result<JsonPtr> effective = r.flow().EffectiveInput(r, input);
    if (!effective.ok()) {
      o = r.Error(effective.error());
    } else if (r.s.type == StateType::kMap) {
      // Map applies ItemSelector per item instead of Parameters.
      o = co_await RunMap(r, effective.value());
    } else if (r.s.type == StateType::kParallel) {
      Result<JsonPtr> parameters = r.flow().Parameters(r, effective.value());
      if (parameters.ok()) {
        o = co_await RunParallel(r, parameters.value());
      } else {
        o = r.Error(parameters.error());
      }
    } else {
      TaskAttempt attempt = StartTask(r, effective.value());
      r.rt.EndTaskToken();
      if (attempt.ended) {
        o = std::move(*attempt.ended);
      } else {
        if (attempt.timing.duration.count() > 0) co_await r.rt.SleepFor(attempt.timing.duration);
        o = FinishTask(r, std::move(attempt));
      }
    }
    Step st = o.ok() ? LeaveAttempt(r, input, o) : Failed(std::move(o));
    if (st.out.ok() || st.out.kind == Outcome::Kind::kFatal) co_return st;
    const std::optional<Millis> delay = NextRetry(r, st.out, attempts);
    if (!delay) co_return CatchOrFail(r, input, std::move(st.out));
    ++r.a.retry_count;
    co_await r.rt.SleepFor(*delay);
  }
}

}  // namespace stepsim::sim::internal
