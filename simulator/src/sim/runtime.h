#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/error.h>
#include <stepsim/jsonata/jsonata.h>
#include <stepsim/jsonpath/env.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/data_flow.h>
#include <stepsim/sim/execution.h>
#include <stepsim/sim/options.h>
#include <stepsim/sim/rng.h>

#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/coroutine.h"
#include "sim/program.h"

namespace stepsim::sim::internal {

/// The variables one activity sees: its own, then its parent's (VAR-05/06).
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
  const asl::State* running = nullptr;
  const asl::Scope* scope = nullptr;
  VirtualTime entered_time;
  std::int64_t retry_count = 0;
  std::vector<Activity*> children;  // live children of the running state

  explicit Activity(const VarScope* parent_vars) : vars(parent_vars) {}
};

/// How a piece of work ended: a value, an error Retry and Catch may handle,
/// or a fatal error that ends the execution (ERR-04, ERR-05).
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

/// The state ends with `output` and goes on to its Next (or ends its scope).
Step Leave(const asl::State& s, JsonPtr output);

/// The state ends with an error.
Step Failed(Outcome o);

/// Errors that are neither retried nor caught (ERR-04, ERR-05).
Outcome ErrorOutcome(AslError e);

bool Matches(const std::vector<std::string>& names, const Outcome& o);

/// Where a Parallel or Map state learns which of its children finished.
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

/// The state of one run: the virtual clock and the scheduler of its
/// activities, the history, the Context object. The runners of the state
/// families (runners.h) and the data flows (data_flow.h) work through it.
class Runtime {
 public:
  Runtime(const Program& program, const Options& options, Execution* out);

  void Run(const Json& input);

  const Program& program() const { return program_; }
  const Options& options() const { return options_; }
  Rng& rng() { return rng_; }
  VirtualTime now() const { return clock_.now(); }
  /// Set when the run must end (history or transition limit reached).
  const std::optional<AslError>& stop() const { return stop_; }
  /// An exception escaped an activity; the run rethrows it.
  bool crashed() const { return exception_ != nullptr; }
  DataFlowObserver* observer() const { return options_.data_flow; }

  // ---- scheduling -------------------------------------------------------
  /// Suspends the calling activity for `delay` of virtual time.
  struct Sleep {
    Runtime* rt;
    Millis delay;
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> h);
    void await_resume() const noexcept {}
  };
  Sleep SleepFor(Millis delay) { return Sleep{this, delay}; }

  /// Suspends the calling activity until a child reports to `join`.
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
  WaitJoin WaitFor(Join& join) { return WaitJoin{this, &join}; }

  /// Starts `h` as activity `activity` at virtual time `t`.
  void Push(VirtualTime t, std::coroutine_handle<> h, std::uint32_t activity) {
    queue_.push(Wakeup{t, rng_.Next(), seq_++, h, activity});
  }
  std::unique_ptr<Activity> NewActivity(Activity& parent, std::int64_t index, bool isolated);
  /// A child activity ended: it is never resumed again.
  void Retire(const Activity& child) { alive_[child.id] = 0; }
  /// Runs `scope` as the child activity `kid`, reporting to `join` when done.
  Co<Outcome> RunChild(Activity& kid, const asl::Scope& scope, JsonPtr input, Join& join,
                       std::size_t index);
  /// Stops `a` and its children, with their Aborted events.
  void Abort(Activity& a);

  // ---- events -----------------------------------------------------------
  std::int64_t Emit(Activity& a, HistoryEvent e, bool terminal = false);
  static HistoryEvent StateEvent(EventType type, const asl::State& s, JsonPtr payload,
                                 bool is_input);
  void Transit(Activity& a, const asl::State& from, const asl::Scope& scope, const asl::State* to,
               TransitionKind kind, int index, const AslError* error, bool heartbeat = false,
               int exhausted_retrier = -1);

  // ---- what expressions see ---------------------------------------------
  /// The Context object (`$$`) as `s` in `a` sees it (CTX-01).
  const Json* Context(const Activity& a, const asl::State& s);
  /// Adds `$$.Map.Item` to the Context object (MAP-03) until ClearMapItem.
  void SetMapItem(std::size_t index, const Json& value);
  void ClearMapItem() { context_.erase("Map"); }
  /// A fresh `$$.Task.Token` for the current attempt, in the Context object
  /// until EndTaskToken.
  const std::string& BeginTaskToken();
  void EndTaskToken() { task_token_.reset(); }
  const std::optional<std::string>& task_token() const { return task_token_; }
  jsonpath::Env MakeEnv(const Activity& a, const asl::State& s, const StateInfo& info,
                        const Json* input);
  jsonata::Bindings Bind(const Activity& a, const asl::State& s, const Json* input);

  // ---- limits -----------------------------------------------------------
  std::int64_t NextInvocation(const asl::State* s);
  bool TooLarge(const Json& v) const;
  AslError DataLimit(std::string_view what) const;

 private:
  Co<Outcome> RunScope(Activity& a, const asl::Scope& scope, JsonPtr input);
  bool CountTransition(const asl::State& s);
  void Schedule(Co<Outcome>& root);
  void Finish(Activity& root, const Outcome& result);
  void BuildContext();
  void Fail(Activity& root, std::string error, std::string cause);
  bool IsAlive(std::uint32_t id) const {
    return id == 0 || (id < alive_.size() && alive_[id] != 0);
  }

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
  std::vector<std::pair<const asl::State*, std::int64_t>> invocations_;
  JsonPtr input_;
  Json context_;
  Json* ctx_name_ = nullptr;
  Json* ctx_entered_ = nullptr;
  // The current attempt's task token while a .waitForTaskToken Task builds
  // its parameters and is invoked (`$$.Task.Token`).
  std::optional<std::string> task_token_;
};

/// One entry of one state: what its runner and its data flow work on.
struct StateRun {
  Runtime& rt;
  Activity& a;
  const asl::State& s;
  const StateInfo& info;
  /// Id of the state's Entered event.
  std::int64_t entered = 0;

  const DataFlow& flow() const { return *info.flow; }

  /// The error as AWS reports a state's failure: the cause names the state
  /// and its Entered event.
  AslError Prefixed(AslError e) const;
  /// The state's error outcome (States.Runtime is fatal: ERR-04, ERR-05).
  Outcome Error(const AslError& e) const { return ErrorOutcome(Prefixed(e)); }
  /// The state ends with that error.
  Step Fail(const AslError& e) const { return Failed(Error(e)); }

  jsonpath::Env Env(const Json* input) const { return rt.MakeEnv(a, s, info, input); }
  jsonata::Bindings Bind(const Json* input) const { return rt.Bind(a, s, input); }

  /// Whether anyone sees intermediate values (Options::data_flow).
  bool observed() const { return rt.observer() != nullptr; }
  void Observe(DataFlowStep step, const JsonPtr& value) const {
    if (DataFlowObserver* o = rt.observer(); o != nullptr && value) {
      o->OnStep(DataFlowRecord{&s, a.iteration, step, value.get()});
    }
  }
};

}  // namespace stepsim::sim::internal
