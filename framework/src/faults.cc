#include <stepsim/test/faults.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace stepsim::test {
namespace {

// AWS's largest TimeoutSeconds: a lost heartbeat whose interval is given by
// a path is noticed long before this.
constexpr sim::Millis kNeverAnswers{99999999LL * 1000};
// More heartbeats than this per attempt are not generated (the timeout is
// then reported as a heartbeat lapse instead).
constexpr std::int64_t kMaxHeartbeats = 100000;

std::optional<std::int64_t> LiteralMillis(const asl::NumberField& field) {
  if (!field.literal) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(*field.literal * 1000.0));
}

std::string StateNamesOfType(const asl::Definition& definition, asl::StateType type) {
  std::string names;
  for (const asl::State* s : definition.AllStates()) {
    if (s->type != type) continue;
    if (!names.empty()) names += ", ";
    names += "\"" + s->name + "\"";
  }
  return names.empty() ? "none" : names;
}

// Task states of `scope`; descends into nested Parallel/Map scopes only when
// `nested` is set.
void CollectTasks(const asl::Scope& scope, bool nested, std::vector<const asl::State*>* out) {
  for (const asl::State& s : scope.states) {
    if (s.type == asl::StateType::kTask) out->push_back(&s);
    if (!nested) continue;
    for (const auto& b : s.branches) CollectTasks(*b, nested, out);
    if (s.item_processor) CollectTasks(*s.item_processor, nested, out);
  }
}

bool DecidesAlone(Fault::Kind kind) {
  return kind == Fault::Kind::kError || kind == Fault::Kind::kTaskTimeout ||
         kind == Fault::Kind::kMapIteration || kind == Fault::Kind::kBranch;
}

// A fault on one Task state, for the attempts `when` selects.
Fault TaskFault(Fault::Kind kind, const asl::State& s, AttemptFilter when) {
  Fault f;
  f.kind = kind;
  f.state = s.name;
  f.when = when;
  return f;
}

}  // namespace

// ---- answers --------------------------------------------------------------

std::optional<sim::TaskOutcome> TaskAnswer::Resolve(const asl::State& state) const {
  if (until_timeout) return TimeoutOutcome(state);
  return outcome;
}

bool operator==(const TaskAnswer& a, const TaskAnswer& b) {
  if (a.until_timeout != b.until_timeout || a.outcome.has_value() != b.outcome.has_value()) {
    return false;
  }
  if (!a.outcome) return true;
  const sim::TaskOutcome& x = *a.outcome;
  const sim::TaskOutcome& y = *b.outcome;
  return x.kind == y.kind && x.result == y.result && x.error == y.error && x.latency == y.latency &&
         x.heartbeats == y.heartbeats;
}

sim::TaskOutcome TimeoutOutcome(const asl::State& state) {
  sim::TaskOutcome o;
  o.kind = sim::TaskOutcome::Kind::kTimedOut;
  o.error = AslError{errors::kTimeout, ""};
  const std::optional<std::int64_t> timeout = LiteralMillis(state.timeout_seconds);
  if (timeout && *timeout > 0) {
    o.latency = sim::Millis{*timeout};
    const std::optional<std::int64_t> beat = LiteralMillis(state.heartbeat_seconds);
    if (beat && *beat > 0 && *timeout / *beat <= kMaxHeartbeats) {
      for (std::int64_t t = *beat; t < *timeout; t += *beat) o.heartbeats.emplace_back(t);
    }
  }
  return o;
}

TaskAnswer TimeoutAnswer() {
  TaskAnswer a;
  a.until_timeout = true;
  return a;
}

void to_json(Json& j, const TaskAnswer& answer) {
  if (answer.until_timeout) {
    j = Json{{"kind", "TimedOut"}, {"latency", "TimeoutSeconds"}};
    return;
  }
  if (!answer.outcome) {
    j = nullptr;
    return;
  }
  const sim::TaskOutcome& o = *answer.outcome;
  j = Json::object();
  switch (o.kind) {
    case sim::TaskOutcome::Kind::kSucceeded:
      j["kind"] = "Succeeded";
      j["result"] = o.result;
      break;
    case sim::TaskOutcome::Kind::kFailed:
      j["kind"] = "Failed";
      j["error"] = o.error.error;
      j["cause"] = o.error.cause;
      break;
    case sim::TaskOutcome::Kind::kTimedOut:
      j["kind"] = "TimedOut";
      break;
  }
  j["latencyMillis"] = o.latency.count();
  if (!o.heartbeats.empty()) {
    Json beats = Json::array();
    for (sim::Millis b : o.heartbeats) beats.push_back(b.count());
    j["heartbeatsMillis"] = std::move(beats);
  }
}

void PrintTo(const TaskAnswer& answer, std::ostream* os) { *os << Json(answer).dump(); }

// ---- attempts -------------------------------------------------------------

bool AttemptFilter::Matches(const sim::TaskInvocation& call) const {
  const std::int64_t n = counter == Counter::kAttempt ? call.retry_count + 1 : call.invocation;
  return n >= first && n <= last;
}

AttemptFilter Attempt(std::int64_t k) { return Attempts(k, k); }

AttemptFilter Attempts(std::int64_t first, std::int64_t last) {
  if (first < 1 || last < first) {
    throw UsageError("Attempts(" + std::to_string(first) + ", " + std::to_string(last) +
                     "): attempts are numbered from 1 and the range must not be empty");
  }
  AttemptFilter f;
  f.first = first;
  f.last = last;
  return f;
}

AttemptFilter AttemptsFrom(std::int64_t k) {
  return Attempts(k, std::numeric_limits<std::int64_t>::max());
}

AttemptFilter EveryAttempt() { return AttemptFilter{}; }

AttemptFilter Invocation(std::int64_t n) {
  if (n < 0) {
    throw UsageError("Invocation(" + std::to_string(n) +
                     "): invocation numbers start at 0 (MockConfig numbering)");
  }
  AttemptFilter f;
  f.counter = AttemptFilter::Counter::kInvocation;
  f.first = n;
  f.last = n;
  return f;
}

void to_json(Json& j, const AttemptFilter& filter) {
  const bool attempt = filter.counter == AttemptFilter::Counter::kAttempt;
  j = Json{{"counter", attempt ? "attempt" : "invocation"}, {"first", filter.first}};
  if (filter.last != std::numeric_limits<std::int64_t>::max()) {
    j["last"] = filter.last;
  } else {
    j["last"] = nullptr;
  }
}

void PrintTo(const AttemptFilter& filter, std::ostream* os) { *os << Json(filter).dump(); }

// ---- faults ---------------------------------------------------------------

std::string_view ToString(Fault::Kind kind) {
  switch (kind) {
    case Fault::Kind::kError:
      return "Error";
    case Fault::Kind::kLatency:
      return "Latency";
    case Fault::Kind::kHeartbeatLoss:
      return "HeartbeatLoss";
    case Fault::Kind::kTaskTimeout:
      return "TaskTimeout";
    case Fault::Kind::kMapIteration:
      return "MapIterationFailure";
    case Fault::Kind::kBranch:
      return "BranchFailure";
  }
  return "Error";
}

void to_json(Json& j, const Fault& fault) {
  j = Json{{"kind", std::string(ToString(fault.kind))}, {"state", fault.state}};
  switch (fault.kind) {
    case Fault::Kind::kError:
    case Fault::Kind::kMapIteration:
    case Fault::Kind::kBranch:
      j["error"] = fault.error.error;
      j["cause"] = fault.error.cause;
      break;
    case Fault::Kind::kLatency:
      j["latencyMillis"] = fault.latency.count();
      break;
    default:
      break;
  }
  if (fault.kind == Fault::Kind::kMapIteration) {
    j["iterations"] = fault.iterations;
  } else if (fault.kind == Fault::Kind::kBranch) {
    j["branch"] = fault.branch;
  } else {
    j["when"] = fault.when;
  }
}

void PrintTo(const Fault& fault, std::ostream* os) { *os << Json(fault).dump(); }

FaultInjector::FaultInjector(std::shared_ptr<const asl::Definition> definition)
    : definition_(std::move(definition)) {
  if (definition_ == nullptr) throw UsageError("FaultInjector: the definition is null");
}

const asl::State& FaultInjector::Require(std::string_view name, asl::StateType type,
                                         std::string_view fault) const {
  const asl::State* s = definition_->FindState(name);
  const std::string kind(asl::ToString(type));
  const std::string prefix = std::string(fault) + "(\"" + std::string(name) + "\"): ";
  const std::string names = " (" + kind + " states: " + StateNamesOfType(*definition_, type) + ")";
  if (s == nullptr)
    throw UsageError(prefix + "no state is named \"" + std::string(name) + "\"" + names);
  if (s->type != type) {
    throw UsageError(prefix + "\"" + s->name + "\" is a " + std::string(asl::ToString(s->type)) +
                     " state, not a " + kind + " state" + names);
  }
  return *s;
}

FaultInjector& FaultInjector::Add(Fault fault, std::vector<const asl::State*> reach) {
  faults_.push_back(std::move(fault));
  reach_.push_back(std::move(reach));
  return *this;
}

FaultInjector& FaultInjector::ErrorAt(std::string_view state, std::string error, std::string cause,
                                      AttemptFilter when) {
  const asl::State& s = Require(state, asl::StateType::kTask, "ErrorAt");
  Fault f = TaskFault(Fault::Kind::kError, s, when);
  f.error = AslError{std::move(error), std::move(cause)};
  return Add(std::move(f), {&s});
}

FaultInjector& FaultInjector::LatencyAt(std::string_view state, sim::Millis latency,
                                        AttemptFilter when) {
  const asl::State& s = Require(state, asl::StateType::kTask, "LatencyAt");
  if (latency < sim::Millis{0}) {
    throw UsageError("LatencyAt(\"" + s.name + "\"): the latency must not be negative, got " +
                     std::to_string(latency.count()) + " ms");
  }
  Fault f = TaskFault(Fault::Kind::kLatency, s, when);
  f.latency = latency;
  return Add(std::move(f), {&s});
}

FaultInjector& FaultInjector::HeartbeatLoss(std::string_view state, AttemptFilter when) {
  const asl::State& s = Require(state, asl::StateType::kTask, "HeartbeatLoss");
  if (!s.heartbeat_seconds.present()) {
    throw UsageError("HeartbeatLoss(\"" + s.name +
                     "\"): the state has no HeartbeatSeconds, so a lost heartbeat is never "
                     "noticed; use TaskTimeout to time it out");
  }
  return Add(TaskFault(Fault::Kind::kHeartbeatLoss, s, when), {&s});
}

FaultInjector& FaultInjector::TaskTimeout(std::string_view state, AttemptFilter when) {
  const asl::State& s = Require(state, asl::StateType::kTask, "TaskTimeout");
  return Add(TaskFault(Fault::Kind::kTaskTimeout, s, when), {&s});
}

FaultInjector& FaultInjector::DuplicateDelivery() {
  duplicate_delivery_ = true;
  return *this;
}

FaultInjector& FaultInjector::MapIterationFailure(std::string_view map_state,
                                                  std::initializer_list<std::int64_t> indices,
                                                  std::string error, std::string cause) {
  return MapIterationFailure(map_state, std::vector<std::int64_t>(indices), std::move(error),
                             std::move(cause));
}

FaultInjector& FaultInjector::MapIterationFailure(std::string_view map_state,
                                                  const std::vector<std::int64_t>& indices,
                                                  std::string error, std::string cause) {
  const asl::State& s = Require(map_state, asl::StateType::kMap, "MapIterationFailure");
  std::vector<const asl::State*> tasks;
  if (s.item_processor) CollectTasks(*s.item_processor, false, &tasks);
  if (tasks.empty()) {
    throw UsageError("MapIterationFailure(\"" + s.name +
                     "\"): the Map's ItemProcessor has no Task state of its own to fail "
                     "(Task states nested in an inner Parallel or Map are not reached)");
  }
  Fault f;
  f.kind = Fault::Kind::kMapIteration;
  f.state = s.name;
  f.error = AslError{std::move(error), std::move(cause)};
  for (std::int64_t i : indices) {
    if (i < 0) {
      throw UsageError("MapIterationFailure(\"" + s.name +
                       "\"): iteration indices start at 0, got " + std::to_string(i));
    }
    f.iterations.insert(i);
  }
  std::sort(tasks.begin(), tasks.end());
  return Add(std::move(f), std::move(tasks));
}

FaultInjector& FaultInjector::BranchFailure(std::string_view parallel_state, std::int64_t branch,
                                            std::string error, std::string cause) {
  const asl::State& s = Require(parallel_state, asl::StateType::kParallel, "BranchFailure");
  if (branch < 0 || static_cast<std::size_t>(branch) >= s.branches.size()) {
    throw UsageError("BranchFailure(\"" + s.name + "\", " + std::to_string(branch) +
                     "): the Parallel has " + std::to_string(s.branches.size()) +
                     " branches, numbered from 0");
  }
  std::vector<const asl::State*> tasks;
  CollectTasks(*s.branches[static_cast<std::size_t>(branch)], true, &tasks);
  if (tasks.empty()) {
    throw UsageError("BranchFailure(\"" + s.name + "\", " + std::to_string(branch) +
                     "): the branch has no Task state to fail");
  }
  Fault f;
  f.kind = Fault::Kind::kBranch;
  f.state = s.name;
  f.error = AslError{std::move(error), std::move(cause)};
  f.branch = branch;
  std::sort(tasks.begin(), tasks.end());
  return Add(std::move(f), std::move(tasks));
}

FaultInjector& FaultInjector::Clear() {
  faults_.clear();
  reach_.clear();
  duplicate_delivery_ = false;
  return *this;
}

void FaultInjector::Configure(sim::Options* options) const {
  if (duplicate_delivery_) options->duplicate_task_delivery = true;
}

bool FaultInjector::Targets(const Fault& fault, std::size_t i,
                            const sim::TaskInvocation& call) const {
  const std::vector<const asl::State*>& reach = reach_[i];
  if (!std::binary_search(reach.begin(), reach.end(), call.state)) return false;
  switch (fault.kind) {
    case Fault::Kind::kMapIteration:
      return fault.iterations.count(call.iteration) != 0;
    case Fault::Kind::kBranch:
      return true;
    default:
      return fault.when.Matches(call);
  }
}

std::optional<sim::TaskOutcome> FaultInjector::Answer(
    const sim::TaskInvocation& call,
    const std::function<std::optional<sim::TaskOutcome>()>& rest) const {
  const Fault* decider = nullptr;
  sim::Millis extra{0};
  bool heartbeat_loss = false;
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    const Fault& f = faults_[i];
    if (!Targets(f, i, call)) continue;
    if (DecidesAlone(f.kind)) {
      if (decider == nullptr) decider = &f;
    } else if (f.kind == Fault::Kind::kLatency) {
      extra += f.latency;
    } else {
      heartbeat_loss = true;
    }
  }
  std::optional<sim::TaskOutcome> outcome;
  if (decider == nullptr) {
    outcome = rest();
  } else if (decider->kind == Fault::Kind::kTaskTimeout) {
    outcome = TimeoutOutcome(*call.state);
  } else {
    outcome = sim::TaskOutcome::Fail(decider->error.error, decider->error.cause);
  }
  if (!outcome && heartbeat_loss) outcome = sim::TaskOutcome::Succeed(Json::object());
  if (!outcome) return std::nullopt;
  outcome->latency += extra;
  if (heartbeat_loss) {
    // The worker goes silent: no heartbeat arrives, and it answers (if ever)
    // only after HeartbeatSeconds has passed.
    outcome->heartbeats.clear();
    const std::optional<std::int64_t> beat = LiteralMillis(call.state->heartbeat_seconds);
    const sim::Millis silent = beat ? sim::Millis{*beat + 1} : kNeverAnswers;
    outcome->latency = std::max(outcome->latency, silent);
  }
  return outcome;
}

void to_json(Json& j, const FaultInjector& faults) {
  j = Json{{"faults", faults.faults()}, {"duplicateDelivery", faults.duplicate_delivery()}};
}

void PrintTo(const FaultInjector& faults, std::ostream* os) { *os << Json(faults).dump(); }

}  // namespace stepsim::test
