#include <stepsim/analysis/obligations.h>
#include <stepsim/error.h>
#include <stepsim/sim/history.h>

#include <algorithm>
#include <sstream>
#include <tuple>
#include <utility>

namespace stepsim::analysis {
namespace {

using asl::State;
using asl::StateType;

constexpr std::string_view kCriterionNames[] = {"states",  "transitions", "choices",
                                                "retries", "catches",     "errors"};

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out + "]";
}

bool HasAllCatcher(const State& s) {
  return std::any_of(s.catch_.begin(), s.catch_.end(), [](const asl::Catcher& c) {
    return std::find(c.error_equals.begin(), c.error_equals.end(), errors::kAll) !=
           c.error_equals.end();
  });
}

bool CanFailWithTaskError(const State& s) {
  return s.type == StateType::kTask || s.type == StateType::kParallel || s.type == StateType::kMap;
}

// Builds the list for one definition; keeps the (state, kind, index, target)
// keys in step with the list.
class Builder {
 public:
  Builder(const asl::Definition& definition, std::vector<Obligation>* out)
      : definition_(definition), out_(out) {
    Visit(definition.root(), [&](const asl::Scope& scope) {
      for (const State& st : scope.states) scope_of_.emplace(&st, &scope);
    });
  }

  void AddState(const State& s) {
    Add(s, ObligationKind::kState, Criterion::kStates, "state:" + s.name, s.source,
        s.name + ": entered");
    AddTransitions(s);
    for (std::size_t i = 0; i < s.choices.size(); ++i) {
      const int index = static_cast<int>(i);
      Add(s, ObligationKind::kChoiceRule, Criterion::kChoices,
          "choice:" + s.name + "#" + std::to_string(i), s.choices[i].source,
          s.name + ": rule " + std::to_string(i) + " matched (-> " + s.choices[i].next + ")",
          index);
    }
    if (s.type == StateType::kChoice) {
      if (s.default_next) {
        Add(s, ObligationKind::kChoiceDefault, Criterion::kChoices, "choice:" + s.name + "#default",
            Ref(s, "/Default"),
            s.name + ": no rule matched, Default taken (-> " + *s.default_next + ")");
      } else {
        Add(s, ObligationKind::kNoChoiceMatched, Criterion::kChoices,
            "choice:" + s.name + "#nomatch", s.source,
            s.name + ": no rule matched and no Default: States.NoChoiceMatched");
      }
    }
    for (std::size_t i = 0; i < s.retry.size(); ++i) {
      const asl::Retrier& r = s.retry[i];
      const int index = static_cast<int>(i);
      const std::string head =
          s.name + ": retrier " + std::to_string(i) + " " + JoinNames(r.error_equals);
      if (r.max_attempts > 0) {
        Add(s, ObligationKind::kRetried, Criterion::kRetries,
            "retry:" + s.name + "#" + std::to_string(i) + ":retried", r.source, head + " retried",
            index);
      }
      Add(s, ObligationKind::kRetryExhausted, Criterion::kRetries,
          "retry:" + s.name + "#" + std::to_string(i) + ":exhausted", r.source,
          head + " exhausted after " + std::to_string(r.max_attempts) + " retries", index);
    }
    for (std::size_t i = 0; i < s.catch_.size(); ++i) {
      const asl::Catcher& c = s.catch_[i];
      Add(s, ObligationKind::kCatch, Criterion::kCatches,
          "catch:" + s.name + "#" + std::to_string(i), c.source,
          s.name + ": catcher " + std::to_string(i) + " " + JoinNames(c.error_equals) +
              " caught (-> " + c.next + ")",
          static_cast<int>(i));
    }
    if (CanFailWithTaskError(s) && !HasAllCatcher(s)) {
      Add(s, ObligationKind::kUncaught, Criterion::kErrors, "uncaught:" + s.name, s.source,
          s.name + ": an error no catcher handles fails the " +
              (ScopeOf(s) == &definition_.root() ? "execution" : "enclosing branch"));
    }
    if (s.type == StateType::kTask && s.timeout_seconds.present()) {
      Add(s, ObligationKind::kTimeout, Criterion::kErrors, "timeout:" + s.name,
          s.timeout_seconds.source, s.name + ": TimeoutSeconds passes (States.Timeout)");
    }
    if (s.type == StateType::kTask && s.heartbeat_seconds.present()) {
      Add(s, ObligationKind::kHeartbeatTimeout, Criterion::kErrors, "heartbeat:" + s.name,
          s.heartbeat_seconds.source, s.name + ": heartbeats stop (States.Timeout by heartbeat)");
    }
    if (s.type == StateType::kParallel || s.type == StateType::kMap) {
      const std::string what = s.type == StateType::kMap ? "iterations" : "branches";
      Add(s, ObligationKind::kBranchesSucceeded, Criterion::kStates,
          "branches:" + s.name + ":succeeded", s.source, s.name + ": all " + what + " succeeded");
      Add(s, ObligationKind::kBranchesFailed, Criterion::kErrors, "branches:" + s.name + ":failed",
          s.source, s.name + ": failed because of its " + what);
    }
  }

  std::map<std::tuple<const State*, ObligationKind, int, const State*>, std::size_t> TakeKeys() {
    return std::move(keys_);
  }

 private:
  asl::SourceRef Ref(const State& s, std::string_view member) const {
    asl::SourceRef ref;
    ref.pointer = s.source.pointer + std::string(member);
    ref.position = definition_.positions().ValuePosition(ref.pointer);
    return ref;
  }

  const State* Target(const State& s, std::size_t index) const {
    const asl::Scope* scope = ScopeOf(s);
    return scope == nullptr ? nullptr : &scope->states[index];
  }

  const asl::Scope* ScopeOf(const State& s) const {
    auto it = scope_of_.find(&s);
    return it == scope_of_.end() ? nullptr : it->second;
  }

  template <typename F>
  static void Visit(const asl::Scope& scope, const F& f) {
    f(scope);
    for (const State& st : scope.states) {
      for (const auto& b : st.branches) Visit(*b, f);
      if (st.item_processor) Visit(*st.item_processor, f);
    }
  }

  void AddTransition(const State& s, const State* target, asl::SourceRef ref,
                     std::vector<const State*>* seen, bool* end_seen) {
    if (target == nullptr) {
      if (*end_seen) return;
      *end_seen = true;
      Add(s, ObligationKind::kTransition, Criterion::kTransitions,
          "transition:" + s.name + "->(end)", std::move(ref), s.name + " -> end of scope", -1,
          nullptr);
      return;
    }
    if (std::find(seen->begin(), seen->end(), target) != seen->end()) return;
    seen->push_back(target);
    Add(s, ObligationKind::kTransition, Criterion::kTransitions,
        "transition:" + s.name + "->" + target->name, std::move(ref),
        s.name + " -> " + target->name, -1, target);
  }

  void AddTransitions(const State& s) {
    std::vector<const State*> seen;
    bool end_seen = false;
    if (s.type == StateType::kChoice) {
      for (const asl::ChoiceRule& rule : s.choices) {
        AddTransition(s, Target(s, rule.next_index), rule.source, &seen, &end_seen);
      }
      if (s.default_next) {
        AddTransition(s, Target(s, s.default_index), Ref(s, "/Default"), &seen, &end_seen);
      }
    } else if (s.type == StateType::kSucceed) {
      AddTransition(s, nullptr, s.source, &seen, &end_seen);
    } else if (s.type != StateType::kFail) {
      if (s.end) {
        AddTransition(s, nullptr, Ref(s, "/End"), &seen, &end_seen);
      } else if (s.next) {
        AddTransition(s, Target(s, s.next_index), Ref(s, "/Next"), &seen, &end_seen);
      }
    }
    for (const asl::Catcher& c : s.catch_) {
      AddTransition(s, Target(s, c.next_index), c.source, &seen, &end_seen);
    }
  }

  void Add(const State& s, ObligationKind kind, Criterion criterion, std::string id,
           asl::SourceRef source, std::string description, int index = -1,
           const State* target = nullptr) {
    Obligation o;
    o.id = std::move(id);
    o.kind = kind;
    o.criterion = criterion;
    o.state = &s;
    o.target = target;
    o.index = index;
    o.source = std::move(source);
    o.description = std::move(description);
    keys_.emplace(std::make_tuple(&s, kind, index, target), out_->size());
    out_->push_back(std::move(o));
  }

  const asl::Definition& definition_;
  std::vector<Obligation>* out_;
  std::map<std::tuple<const State*, ObligationKind, int, const State*>, std::size_t> keys_;
  std::map<const State*, const asl::Scope*> scope_of_;
};

bool IsEnteredEvent(sim::EventType type) {
  switch (type) {
    case sim::EventType::kTaskStateEntered:
    case sim::EventType::kPassStateEntered:
    case sim::EventType::kChoiceStateEntered:
    case sim::EventType::kWaitStateEntered:
    case sim::EventType::kSucceedStateEntered:
    case sim::EventType::kFailStateEntered:
    case sim::EventType::kParallelStateEntered:
    case sim::EventType::kMapStateEntered:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string_view ToString(Criterion criterion) {
  return kCriterionNames[static_cast<std::size_t>(criterion)];
}

std::optional<Criterion> ParseCriterion(std::string_view text) {
  for (Criterion c : kAllCriteria) {
    if (ToString(c) == text) return c;
  }
  return std::nullopt;
}

std::string_view ToString(ObligationKind kind) {
  switch (kind) {
    case ObligationKind::kState:
      return "State";
    case ObligationKind::kTransition:
      return "Transition";
    case ObligationKind::kChoiceRule:
      return "ChoiceRule";
    case ObligationKind::kChoiceDefault:
      return "ChoiceDefault";
    case ObligationKind::kNoChoiceMatched:
      return "NoChoiceMatched";
    case ObligationKind::kRetried:
      return "Retried";
    case ObligationKind::kRetryExhausted:
      return "RetryExhausted";
    case ObligationKind::kCatch:
      return "Catch";
    case ObligationKind::kUncaught:
      return "Uncaught";
    case ObligationKind::kTimeout:
      return "Timeout";
    case ObligationKind::kHeartbeatTimeout:
      return "HeartbeatTimeout";
    case ObligationKind::kBranchesSucceeded:
      return "BranchesSucceeded";
    case ObligationKind::kBranchesFailed:
      return "BranchesFailed";
  }
  return "?";
}

void to_json(nlohmann::json& j, const Obligation& o) {
  j = nlohmann::json{{"id", o.id},
                     {"kind", ToString(o.kind)},
                     {"criterion", ToString(o.criterion)},
                     {"state", o.state ? o.state->name : std::string()},
                     {"pointer", o.source.pointer},
                     {"line", o.source.position.line},
                     {"column", o.source.position.column},
                     {"description", o.description}};
}

void PrintTo(const Obligation& o, std::ostream* os) {
  *os << o.id << " (" << o.source.position.line << ":" << o.source.position.column << " "
      << o.source.pointer << ": " << o.description << ")";
}

Obligations Obligations::For(const asl::Definition& definition) {
  Obligations result;
  result.definition_ = &definition;
  Builder builder(definition, &result.all_);
  for (const State* s : definition.AllStates()) builder.AddState(*s);
  result.by_key_ = builder.TakeKeys();
  for (std::size_t i = 0; i < result.all_.size(); ++i) {
    const bool inserted = result.by_id_.emplace(result.all_[i].id, i).second;
    STEPSIM_CHECK(inserted);  // state names are unique (TOP-04)
  }
  return result;
}

std::optional<std::size_t> Obligations::Find(std::string_view id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::size_t Obligations::Count(Criterion criterion) const {
  return static_cast<std::size_t>(std::count_if(
      all_.begin(), all_.end(), [&](const Obligation& o) { return o.criterion == criterion; }));
}

std::optional<std::size_t> Obligations::Lookup(const asl::State& state, ObligationKind kind,
                                               int index, const asl::State* target) const {
  auto it = by_key_.find(std::make_tuple(&state, kind, index, target));
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

// ---- tracker ---------------------------------------------------------------

// Dense per-state slots so a hit costs a hash lookup and an index, not a map
// search per obligation kind (collection runs inside every execution).
struct ObligationTracker::Slots {
  static constexpr std::int32_t kNone = -1;
  std::int32_t state = kNone;
  std::vector<std::pair<const State*, std::int32_t>> transitions;  // target (null = end)
  std::int32_t first_rule = kNone;
  std::int32_t choice_default = kNone;
  std::int32_t no_match = kNone;
  std::vector<std::int32_t> retried;    // by retrier index
  std::vector<std::int32_t> exhausted;  // by retrier index
  std::int32_t first_catch = kNone;
  std::int32_t uncaught = kNone;
  std::int32_t timeout = kNone;
  std::int32_t heartbeat = kNone;
  std::int32_t succeeded = kNone;
  std::int32_t failed = kNone;
};

ObligationTracker::ObligationTracker(const Obligations& obligations)
    : obligations_(&obligations), hits_(obligations.size(), 0), fresh_(obligations.size(), false) {
  const auto& all = obligations.all();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Obligation& o = all[i];
    auto [it, inserted] = index_.try_emplace(o.state, slots_.size());
    if (inserted) {
      slots_.emplace_back();
      slots_.back().retried.assign(o.state->retry.size(), Slots::kNone);
      slots_.back().exhausted.assign(o.state->retry.size(), Slots::kNone);
    }
    Slots& slot = slots_[it->second];
    const auto n = static_cast<std::int32_t>(i);
    switch (o.kind) {
      case ObligationKind::kState:
        slot.state = n;
        break;
      case ObligationKind::kTransition:
        slot.transitions.emplace_back(o.target, n);
        break;
      case ObligationKind::kChoiceRule:
        if (o.index == 0) slot.first_rule = n;
        break;
      case ObligationKind::kChoiceDefault:
        slot.choice_default = n;
        break;
      case ObligationKind::kNoChoiceMatched:
        slot.no_match = n;
        break;
      case ObligationKind::kRetried:
        slot.retried[static_cast<std::size_t>(o.index)] = n;
        break;
      case ObligationKind::kRetryExhausted:
        slot.exhausted[static_cast<std::size_t>(o.index)] = n;
        break;
      case ObligationKind::kCatch:
        if (o.index == 0) slot.first_catch = n;
        break;
      case ObligationKind::kUncaught:
        slot.uncaught = n;
        break;
      case ObligationKind::kTimeout:
        slot.timeout = n;
        break;
      case ObligationKind::kHeartbeatTimeout:
        slot.heartbeat = n;
        break;
      case ObligationKind::kBranchesSucceeded:
        slot.succeeded = n;
        break;
      case ObligationKind::kBranchesFailed:
        slot.failed = n;
        break;
    }
  }
}

ObligationTracker::~ObligationTracker() = default;
ObligationTracker::ObligationTracker(ObligationTracker&&) noexcept = default;

const ObligationTracker::Slots* ObligationTracker::SlotsOf(const State* state) const {
  auto it = index_.find(state);
  return it == index_.end() ? nullptr : &slots_[it->second];
}

void ObligationTracker::Hit(std::int32_t index) {
  if (index < 0) return;
  const auto i = static_cast<std::size_t>(index);
  ++hits_[i];
  if (!fresh_[i]) {
    fresh_[i] = true;
    newly_hit_.push_back(i);
  }
}

void ObligationTracker::OnEvent(const sim::HistoryEvent& event) {
  if (event.state == nullptr) return;
  const Slots* slot = SlotsOf(event.state);
  if (slot == nullptr) return;
  if (IsEnteredEvent(event.type)) {
    Hit(slot->state);
    return;
  }
  switch (event.type) {
    case sim::EventType::kParallelStateSucceeded:
    case sim::EventType::kMapStateSucceeded:
      Hit(slot->succeeded);
      break;
    case sim::EventType::kParallelStateFailed:
    case sim::EventType::kMapStateFailed:
      Hit(slot->failed);
      break;
    default:
      break;
  }
}

void ObligationTracker::OnTransition(const sim::Transition& t) {
  if (t.from == nullptr) return;
  const Slots* slot = SlotsOf(t.from);
  if (slot == nullptr) return;
  const auto by_index = [](std::int32_t first, int index) {
    return first < 0 || index < 0 ? Slots::kNone : first + index;
  };
  switch (t.kind) {
    case sim::TransitionKind::kChoiceRule:
      Hit(by_index(slot->first_rule, t.index));
      break;
    case sim::TransitionKind::kDefault:
      Hit(slot->choice_default);
      break;
    case sim::TransitionKind::kCatch:
      Hit(by_index(slot->first_catch, t.index));
      break;
    case sim::TransitionKind::kRetry:
      if (t.index >= 0 && static_cast<std::size_t>(t.index) < slot->retried.size()) {
        Hit(slot->retried[static_cast<std::size_t>(t.index)]);
      }
      break;
    case sim::TransitionKind::kErrorOut:
      if (t.from->type == StateType::kChoice) {
        if (t.error != nullptr && t.error->error == errors::kNoChoiceMatched) Hit(slot->no_match);
      } else if (CanFailWithTaskError(*t.from)) {
        Hit(slot->uncaught);
      }
      break;
    case sim::TransitionKind::kNext:
    case sim::TransitionKind::kEnd:
      break;
  }
  if (t.kind != sim::TransitionKind::kRetry && t.kind != sim::TransitionKind::kErrorOut) {
    for (const auto& [target, index] : slot->transitions) {
      if (target == t.to) {
        Hit(index);
        break;
      }
    }
  }
  if ((t.kind == sim::TransitionKind::kCatch || t.kind == sim::TransitionKind::kErrorOut) &&
      t.exhausted_retrier >= 0 &&
      static_cast<std::size_t>(t.exhausted_retrier) < slot->exhausted.size()) {
    Hit(slot->exhausted[static_cast<std::size_t>(t.exhausted_retrier)]);
  }
  if (t.error != nullptr && t.error->error == errors::kTimeout) {
    Hit(t.heartbeat ? slot->heartbeat : slot->timeout);
  }
}

std::vector<std::size_t> ObligationTracker::TakeNewlyHit() {
  std::vector<std::size_t> out = std::move(newly_hit_);
  newly_hit_.clear();
  std::sort(out.begin(), out.end());
  for (std::size_t i : out) fresh_[i] = false;
  return out;
}

void ObligationTracker::Reset() {
  std::fill(hits_.begin(), hits_.end(), 0);
  std::fill(fresh_.begin(), fresh_.end(), false);
  newly_hit_.clear();
}

}  // namespace stepsim::analysis
