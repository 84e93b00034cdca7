#include "analysis/witness_plan.h"

#include <stepsim/error.h>
#include <stepsim/sim/error_match.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <set>
#include <utility>

namespace stepsim::analysis::internal {
namespace {

using asl::Scope;
using asl::State;
using asl::StateType;
using Steps = std::vector<std::pair<std::size_t, Exit>>;

constexpr const char* kGenericError = "Witness.Error";
constexpr std::size_t kSearchBudget = 20000;  // DFS node visits per enumeration

bool HasAllCatcher(const State& s) {
  for (const asl::Catcher& c : s.catch_) {
    if (std::find(c.error_equals.begin(), c.error_equals.end(), errors::kAll) !=
        c.error_equals.end()) {
      return true;
    }
  }
  return false;
}

bool CanFail(const State& s) {
  return s.type == StateType::kTask || s.type == StateType::kParallel || s.type == StateType::kMap;
}

int FirstRetrier(const State& s, const std::string& error, bool heartbeat) {
  for (std::size_t i = 0; i < s.retry.size(); ++i) {
    if (sim::MatchesErrorEquals(s.retry[i].error_equals, error, heartbeat)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int FirstCatcher(const State& s, const std::string& error, bool heartbeat) {
  for (std::size_t i = 0; i < s.catch_.size(); ++i) {
    if (sim::MatchesErrorEquals(s.catch_[i].error_equals, error, heartbeat)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

Exit SuccessExit(const State& s) {
  Exit e;
  if (s.end || s.type == StateType::kSucceed) {
    e.kind = ExitKind::kEnd;
  } else {
    e.kind = ExitKind::kNext;
    e.target = s.next_index;
  }
  return e;
}

bool SameExit(const Exit& a, const Exit& b) {
  return a.kind == b.kind && a.index == b.index && a.target == b.target;
}

void CollectNestedErrors(const State& s, std::vector<std::string>* out) {
  auto visit = [&](const Scope& scope, const auto& self) -> void {
    for (const State& st : scope.states) {
      if (st.type == StateType::kFail && st.error) out->push_back(*st.error);
      if (st.type == StateType::kChoice && !st.default_next) {
        out->push_back(errors::kNoChoiceMatched);
      }
      for (const auto& b : st.branches) self(*b, self);
      if (st.item_processor) self(*st.item_processor, self);
    }
  };
  for (const auto& b : s.branches) visit(*b, visit);
  if (s.item_processor) visit(*s.item_processor, visit);
}

// The error a failing path ends with: the Fail state's, States.NoChoiceMatched
// for a Choice without a match, else the last attempt's.
void SetTerminalError(ScopePath* path) {
  if (!path->fails()) return;
  const Step& last = path->steps.back();
  const State& s = path->scope->states[last.state];
  if (last.exit.kind == ExitKind::kFailState) {
    path->error = s.error;
  } else if (last.exit.kind == ExitKind::kNoMatch) {
    path->error = errors::kNoChoiceMatched;
  } else if (!last.attempts.empty()) {
    path->error = last.attempts.back().error;
  }
}

}  // namespace

Planner::Planner(const asl::Definition& definition) : definition_(definition) {
  auto visit = [&](const Scope& scope, const auto& self) -> void {
    for (std::size_t i = 0; i < scope.states.size(); ++i) {
      const State& st = scope.states[i];
      where_[&st] = {&scope, i};
      for (const auto& b : st.branches) self(*b, self);
      if (st.item_processor) self(*st.item_processor, self);
    }
  };
  visit(definition.root(), visit);
}

const Scope* Planner::ScopeOf(const State* s) const {
  auto it = where_.find(s);
  return it == where_.end() ? nullptr : it->second.first;
}

std::size_t Planner::IndexOf(const State* s) const {
  auto it = where_.find(s);
  return it == where_.end() ? 0 : it->second.second;
}

std::vector<Exit> Planner::ExitsOf(const State& s) const {
  std::vector<Exit> out;
  switch (s.type) {
    case StateType::kTask:
    case StateType::kParallel:
    case StateType::kMap:
      out.push_back(SuccessExit(s));
      for (std::size_t i = 0; i < s.catch_.size(); ++i) {
        Exit e;
        e.kind = ExitKind::kCatch;
        e.index = static_cast<int>(i);
        e.target = s.catch_[i].next_index;
        out.push_back(e);
      }
      if (!HasAllCatcher(s)) {
        Exit e;
        e.kind = ExitKind::kUncaught;
        out.push_back(e);
      }
      break;
    case StateType::kPass:
    case StateType::kWait:
    case StateType::kSucceed:
      out.push_back(SuccessExit(s));
      break;
    case StateType::kChoice:
      for (std::size_t i = 0; i < s.choices.size(); ++i) {
        Exit e;
        e.kind = ExitKind::kRule;
        e.index = static_cast<int>(i);
        e.target = s.choices[i].next_index;
        out.push_back(e);
      }
      if (s.default_next) {
        Exit e;
        e.kind = ExitKind::kDefault;
        e.target = s.default_index;
        out.push_back(e);
      } else {
        Exit e;
        e.kind = ExitKind::kNoMatch;
        out.push_back(e);
      }
      break;
    case StateType::kFail: {
      Exit e;
      e.kind = ExitKind::kFailState;
      out.push_back(e);
      break;
    }
  }
  return out;
}

namespace {

// A breadth-first search tree: per state, the step that first reached it.
using Parents = std::vector<std::optional<std::pair<std::size_t, Exit>>>;

// The tree's steps from `start` to `v` in order, then `last` when given.
Steps TreePath(const Parents& parent, std::size_t start, std::size_t v,
               const std::optional<std::pair<std::size_t, Exit>>& last) {
  Steps p;
  if (last) p.push_back(*last);
  for (; v != start; v = parent[v]->first) p.push_back(*parent[v]);
  std::reverse(p.begin(), p.end());
  return p;
}

void SortUnique(std::vector<Steps>* paths, std::size_t limit) {
  std::stable_sort(paths->begin(), paths->end(),
                   [](const Steps& a, const Steps& b) { return a.size() < b.size(); });
  std::vector<Steps> out;
  for (Steps& p : *paths) {
    const bool dup = std::any_of(out.begin(), out.end(), [&](const Steps& q) {
      if (q.size() != p.size()) return false;
      for (std::size_t i = 0; i < q.size(); ++i) {
        if (q[i].first != p[i].first || !SameExit(q[i].second, p[i].second)) return false;
      }
      return true;
    });
    if (!dup) out.push_back(std::move(p));
    if (out.size() >= limit) break;
  }
  *paths = std::move(out);
}

}  // namespace

std::vector<Steps> Planner::Prefixes(const Scope& scope, std::size_t target,
                                     std::size_t limit) const {
  const std::size_t n = scope.states.size();
  if (scope.start_index == target) return {Steps{}};
  std::vector<Steps> paths;
  // Shortest first: BFS tree.
  {
    Parents parent(n);
    std::vector<bool> seen(n, false);
    std::deque<std::size_t> queue{scope.start_index};
    seen[scope.start_index] = true;
    while (!queue.empty() && !seen[target]) {
      const std::size_t v = queue.front();
      queue.pop_front();
      for (const Exit& e : ExitsOf(scope.states[v])) {
        if (!e.target || seen[*e.target]) continue;
        seen[*e.target] = true;
        parent[*e.target] = std::make_pair(v, e);
        queue.push_back(*e.target);
      }
    }
    if (!seen[target]) return {};
    paths.push_back(TreePath(parent, scope.start_index, target, std::nullopt));
  }
  // Alternatives: simple paths, depth first.
  std::vector<bool> on_path(n, false);
  Steps current;
  std::size_t budget = kSearchBudget;
  std::function<void(std::size_t)> dfs = [&](std::size_t v) {
    if (paths.size() >= limit * 2 || budget == 0) return;
    --budget;
    on_path[v] = true;
    for (const Exit& e : ExitsOf(scope.states[v])) {
      if (!e.target || on_path[*e.target]) continue;
      current.emplace_back(v, e);
      if (*e.target == target) {
        paths.push_back(current);
      } else {
        dfs(*e.target);
      }
      current.pop_back();
    }
    on_path[v] = false;
  };
  dfs(scope.start_index);
  SortUnique(&paths, limit);
  return paths;
}

std::vector<Steps> Planner::Suffixes(const Scope& scope, std::optional<std::size_t> from,
                                     bool must_fail, std::size_t limit) const {
  if (!from) return {Steps{}};
  const std::size_t n = scope.states.size();
  std::vector<Steps> paths;
  // Shortest ending (succeeding first unless must_fail), by BFS.
  for (int pass = 0; pass < 2; ++pass) {
    const bool want_fail = must_fail || pass == 1;
    Parents parent(n);
    std::vector<bool> seen(n, false);
    std::deque<std::size_t> queue{*from};
    seen[*from] = true;
    std::optional<std::pair<std::size_t, Exit>> end;
    while (!queue.empty() && !end) {
      const std::size_t v = queue.front();
      queue.pop_front();
      for (const Exit& e : ExitsOf(scope.states[v])) {
        if (!e.target) {
          if (e.fails() == want_fail) {
            end = std::make_pair(v, e);
            break;
          }
          continue;
        }
        if (seen[*e.target]) continue;
        seen[*e.target] = true;
        parent[*e.target] = std::make_pair(v, e);
        queue.push_back(*e.target);
      }
    }
    if (end) paths.push_back(TreePath(parent, *from, end->first, end));
    if (must_fail) break;
  }
  std::vector<bool> on_path(n, false);
  Steps current;
  std::size_t budget = kSearchBudget;
  std::function<void(std::size_t)> dfs = [&](std::size_t v) {
    if (paths.size() >= limit * 2 || budget == 0) return;
    --budget;
    on_path[v] = true;
    for (const Exit& e : ExitsOf(scope.states[v])) {
      current.emplace_back(v, e);
      if (!e.target) {
        if (!must_fail || e.fails()) paths.push_back(current);
      } else if (!on_path[*e.target]) {
        dfs(*e.target);
      }
      current.pop_back();
    }
    on_path[v] = false;
  };
  dfs(*from);
  SortUnique(&paths, limit);
  return paths;
}

bool Planner::Uncovered(const State& s, ObligationKind kind, int index, const State* target) const {
  if (obligations_ == nullptr || covered_ == nullptr) return false;
  const auto i = obligations_->Lookup(s, kind, index, target);
  return i && !(*covered_)[*i];
}

int Planner::Gain(const Scope& scope, const State& s, const Exit& exit) const {
  int gain = 0;
  const State* target = exit.target ? &scope.states[*exit.target] : nullptr;
  if (!exit.fails() && Uncovered(s, ObligationKind::kTransition, -1, target)) ++gain;
  if (target != nullptr && Uncovered(*target, ObligationKind::kState)) ++gain;
  switch (exit.kind) {
    case ExitKind::kRule:
      gain += Uncovered(s, ObligationKind::kChoiceRule, exit.index) ? 1 : 0;
      break;
    case ExitKind::kDefault:
      gain += Uncovered(s, ObligationKind::kChoiceDefault) ? 1 : 0;
      break;
    case ExitKind::kNoMatch:
      gain += Uncovered(s, ObligationKind::kNoChoiceMatched) ? 1 : 0;
      break;
    case ExitKind::kCatch:
      gain += Uncovered(s, ObligationKind::kCatch, exit.index) ? 1 : 0;
      break;
    case ExitKind::kUncaught:
      gain += Uncovered(s, ObligationKind::kUncaught) ? 1 : 0;
      break;
    default:
      break;
  }
  return gain;
}

bool Planner::Reaches(const Scope& scope, std::size_t from, std::optional<std::size_t> to,
                      const std::vector<bool>& blocked) const {
  std::vector<bool> seen = blocked;
  std::deque<std::size_t> queue{from};
  seen[from] = true;
  while (!queue.empty()) {
    const std::size_t v = queue.front();
    queue.pop_front();
    if (to && v == *to) return true;
    for (const Exit& e : ExitsOf(scope.states[v])) {
      if (!e.target) {
        if (!to) return true;
        continue;
      }
      if (!seen[*e.target] || (to && *e.target == *to)) {
        if (to && *e.target == *to) return true;
        seen[*e.target] = true;
        queue.push_back(*e.target);
      }
    }
  }
  return false;
}

std::optional<Steps> Planner::Guided(const Scope& scope, std::size_t from,
                                     std::optional<std::size_t> to) const {
  if (obligations_ == nullptr) return std::nullopt;
  if (to && from == *to) return Steps{};
  std::vector<bool> visited(scope.states.size(), false);
  Steps steps;
  std::size_t cur = from;
  visited[cur] = true;
  for (std::size_t guard = 0; guard <= scope.states.size(); ++guard) {
    const State& s = scope.states[cur];
    std::optional<Exit> best;
    int best_gain = -1;
    bool best_ends = true;
    for (const Exit& e : ExitsOf(s)) {
      bool ok = false;
      bool ends = false;
      if (!e.target) {
        ok = !to;
        ends = true;
      } else if (to && *e.target == *to) {
        ok = true;
        ends = true;
      } else if (!visited[*e.target]) {
        ok = Reaches(scope, *e.target, to, visited);
      }
      if (!ok) continue;
      const int gain = Gain(scope, s, e);
      // More new obligations first; on a tie keep going rather than end.
      if (gain > best_gain || (gain == best_gain && best_ends && !ends)) {
        best = e;
        best_gain = gain;
        best_ends = ends;
      }
    }
    if (!best) return std::nullopt;
    steps.emplace_back(cur, *best);
    if (!best->target || (to && *best->target == *to)) return steps;
    cur = *best->target;
    visited[cur] = true;
  }
  return std::nullopt;
}

std::vector<std::string> Planner::ErrorCandidates(const State& s) const {
  std::vector<std::string> names;
  auto add = [&](const std::string& name) {
    if (name == errors::kAll || name == errors::kTaskFailed || name == errors::kRuntime ||
        name == errors::kHeartbeatTimeout) {
      return;
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const asl::Retrier& r : s.retry) {
    for (const std::string& n : r.error_equals) add(n);
  }
  for (const asl::Catcher& c : s.catch_) {
    for (const std::string& n : c.error_equals) add(n);
  }
  if (s.type == StateType::kParallel || s.type == StateType::kMap) {
    std::vector<std::string> nested;
    CollectNestedErrors(s, &nested);
    for (const std::string& n : nested) {
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
  }
  add(kGenericError);
  // A Task may raise States.Timeout, which States.TaskFailed does not match.
  if (s.type == StateType::kTask) add(errors::kTimeout);
  // Parallel/Map without a failing branch: a data error (see kDataError).
  if (s.type == StateType::kMap && s.item_reader) {
    names.emplace_back(errors::kItemReaderFailed);
  } else if ((s.type == StateType::kParallel || s.type == StateType::kMap) &&
             s.query_language == asl::QueryLanguage::kJsonPath) {
    names.emplace_back(errors::kRuntime);
  }
  return names;
}

std::optional<Attempt> Planner::SucceedAttempt(const State& s) {
  Attempt a;
  a.kind = Attempt::Kind::kReturn;
  if (s.type == StateType::kMap && s.item_reader) return std::nullopt;  // no item data
  if (s.type == StateType::kParallel) {
    for (const auto& b : s.branches) {
      auto p = SucceedingPath(*b);
      if (!p) return std::nullopt;
      a.branches.push_back(std::move(*p));
    }
  } else if (s.type == StateType::kMap && s.item_processor) {
    auto p = SucceedingPath(*s.item_processor);
    if (!p) return std::nullopt;
    a.branches.push_back(std::move(*p));
  }
  return a;
}

std::optional<Attempt> Planner::FailAttempt(const State& s, const std::string& error) {
  Attempt a;
  a.kind = Attempt::Kind::kThrow;
  a.error = error;
  if ((s.type == StateType::kMap && s.item_reader && error == errors::kItemReaderFailed) ||
      ((s.type == StateType::kParallel || s.type == StateType::kMap) && !s.item_reader &&
       error == errors::kRuntime)) {
    a.kind = Attempt::Kind::kDataError;
    return a;
  }
  if (s.type == StateType::kParallel) {
    std::optional<std::size_t> failing;
    std::vector<ScopePath> branches;
    for (std::size_t b = 0; b < s.branches.size(); ++b) {
      std::optional<ScopePath> p;
      if (!failing) {
        p = FailingPath(*s.branches[b], error);
        if (p) failing = b;
      }
      if (!p) p = SucceedingPath(*s.branches[b]);
      if (!p) return std::nullopt;
      branches.push_back(std::move(*p));
    }
    if (!failing) return std::nullopt;
    a.branches = std::move(branches);
  } else if (s.type == StateType::kMap && s.item_processor) {
    auto p = FailingPath(*s.item_processor, error);
    if (!p) return std::nullopt;
    a.branches.push_back(std::move(*p));
  }
  return a;
}

std::optional<LocalPlan> Planner::ErrorPlan(const State& s, const std::string& error,
                                            bool heartbeat, Attempt::Kind first_kind,
                                            bool retry_then_succeed, int want_retrier) {
  const int r = FirstRetrier(s, error, heartbeat);
  if (want_retrier >= 0 && r != want_retrier) return std::nullopt;
  auto failing = [&]() -> std::optional<Attempt> {
    if (first_kind == Attempt::Kind::kThrow) return FailAttempt(s, error);
    Attempt a;
    a.kind = first_kind;
    a.error = error;
    return a;
  };
  LocalPlan plan;
  if (retry_then_succeed) {
    if (r < 0 || s.retry[static_cast<std::size_t>(r)].max_attempts <= 0) return std::nullopt;
    auto first = failing();
    auto then = SucceedAttempt(s);
    if (!first || !then) return std::nullopt;
    plan.exit = SuccessExit(s);
    plan.attempts = {std::move(*first), std::move(*then)};
    return plan;
  }
  const std::int64_t tries =
      r >= 0 ? std::max<std::int64_t>(0, s.retry[static_cast<std::size_t>(r)].max_attempts) + 1 : 1;
  if (tries > 64) return std::nullopt;  // a witness should stay readable
  auto one = failing();
  if (!one) return std::nullopt;
  for (std::int64_t i = 0; i < tries; ++i) plan.attempts.push_back(*one);
  const int c = FirstCatcher(s, error, heartbeat);
  if (c >= 0) {
    plan.exit.kind = ExitKind::kCatch;
    plan.exit.index = c;
    plan.exit.target = s.catch_[static_cast<std::size_t>(c)].next_index;
  } else {
    plan.exit.kind = ExitKind::kUncaught;
  }
  return plan;
}

std::optional<std::vector<Attempt>> Planner::DefaultAttempts(
    const State& s, const Exit& exit, const std::optional<std::string>& error) {
  if (!CanFail(s)) return std::vector<Attempt>{};
  if (exit.kind == ExitKind::kNext || exit.kind == ExitKind::kEnd) {
    auto a = SucceedAttempt(s);
    if (!a) return std::nullopt;
    return std::vector<Attempt>{std::move(*a)};
  }
  std::vector<std::string> candidates =
      error ? std::vector<std::string>{*error} : ErrorCandidates(s);
  // Fewest attempts, unless exhausting a retrier covers something new.
  std::optional<LocalPlan> best;
  bool best_new = false;
  for (const std::string& e : candidates) {
    auto plan = ErrorPlan(s, e, false, Attempt::Kind::kThrow, false, -1);
    if (!plan || !SameExit(plan->exit, exit)) continue;
    const int r = FirstRetrier(s, e, false);
    const bool fresh = r >= 0 && Uncovered(s, ObligationKind::kRetryExhausted, r);
    if (!best || (fresh && !best_new) ||
        (fresh == best_new && plan->attempts.size() < best->attempts.size())) {
      best = std::move(plan);
      best_new = fresh;
    }
  }
  if (!best) return std::nullopt;
  return std::move(best->attempts);
}

std::optional<ScopePath> Planner::Complete(const Scope& scope, const Steps& steps,
                                           const std::optional<std::string>& terminal_error) {
  ScopePath path;
  path.scope = &scope;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const State& s = scope.states[steps[i].first];
    const bool last = i + 1 == steps.size();
    Step step;
    step.state = steps[i].first;
    step.exit = steps[i].second;
    const std::optional<std::string> forced =
        last && steps[i].second.fails() ? terminal_error : std::nullopt;
    if (step.exit.kind == ExitKind::kFailState && forced && s.error != forced) return std::nullopt;
    if (step.exit.kind == ExitKind::kNoMatch && forced && *forced != errors::kNoChoiceMatched) {
      return std::nullopt;
    }
    auto attempts = DefaultAttempts(s, step.exit, forced);
    if (attempts && s.type == StateType::kTask && !step.exit.fails() &&
        step.exit.kind != ExitKind::kCatch) {
      // Take an uncovered retrier on the way (it retries, then succeeds).
      for (std::size_t r = 0; r < s.retry.size(); ++r) {
        if (s.retry[r].max_attempts <= 0 ||
            !Uncovered(s, ObligationKind::kRetried, static_cast<int>(r))) {
          continue;
        }
        auto plan = std::optional<LocalPlan>();
        for (const std::string& e : ErrorCandidates(s)) {
          plan = ErrorPlan(s, e, false, Attempt::Kind::kThrow, true, static_cast<int>(r));
          if (plan) break;
        }
        if (plan) {
          attempts = std::move(plan->attempts);
          break;
        }
      }
    }
    if (!attempts) {
      if (step.exit.kind == ExitKind::kCatch) {
        last_failure_ =
            "catcher " + std::to_string(step.exit.index) + " of " + s.name + " never fires";
      } else if (step.exit.kind == ExitKind::kUncaught) {
        last_failure_ = "no error leaves " + s.name + " uncaught";
      } else {
        last_failure_ = s.name + " cannot succeed";
      }
      return std::nullopt;
    }
    step.attempts = std::move(*attempts);
    path.steps.push_back(std::move(step));
  }
  SetTerminalError(&path);
  return path;
}

std::optional<ScopePath> Planner::SucceedingPath(const Scope& scope) {
  auto it = succeeding_.find(&scope);
  if (it != succeeding_.end()) return it->second;
  succeeding_[&scope] = std::nullopt;  // guards against recursion
  std::optional<ScopePath> found;
  if (depth_ < 8) {
    ++depth_;
    for (const Steps& steps : Suffixes(scope, scope.start_index, false, 8)) {
      if (steps.empty() || steps.back().second.fails()) continue;
      found = Complete(scope, steps, std::nullopt);
      if (found) break;
    }
    --depth_;
  }
  succeeding_[&scope] = found;
  return found;
}

std::optional<ScopePath> Planner::FailingPath(const Scope& scope, const std::string& error) {
  if (depth_ >= 8) return std::nullopt;
  ++depth_;
  std::optional<ScopePath> found;
  for (const Steps& steps : Suffixes(scope, scope.start_index, true, 8)) {
    found = Complete(scope, steps, error);
    if (found && found->error == error) break;
    found.reset();
  }
  --depth_;
  return found;
}

std::vector<LocalPlan> Planner::LocalPlans(const Obligation& o, std::string* reason) {
  const State& s = *o.state;
  std::vector<LocalPlan> plans;
  last_failure_.clear();
  auto add_exit = [&](const Exit& e) {
    auto attempts = DefaultAttempts(s, e, std::nullopt);
    if (attempts) {
      plans.push_back(LocalPlan{e, std::move(*attempts)});
    } else if (e.kind == ExitKind::kCatch) {
      last_failure_ = "catcher " + std::to_string(e.index) + " of " + s.name + " never fires";
    }
  };
  auto by_error = [&](bool retry_then_succeed, int want_retrier,
                      const std::function<bool(const LocalPlan&)>& accept) {
    for (const std::string& e : ErrorCandidates(s)) {
      auto plan = ErrorPlan(s, e, false, Attempt::Kind::kThrow, retry_then_succeed, want_retrier);
      if (plan && accept(*plan)) plans.push_back(std::move(*plan));
    }
  };
  switch (o.kind) {
    case ObligationKind::kState:
      for (const Exit& e : ExitsOf(s)) add_exit(e);
      break;
    case ObligationKind::kTransition: {
      for (const Exit& e : ExitsOf(s)) {
        const bool match = o.target == nullptr
                               ? e.kind == ExitKind::kEnd
                               : e.target && *e.target == IndexOf(o.target) && !e.fails();
        if (match) add_exit(e);
      }
      break;
    }
    case ObligationKind::kChoiceRule:
    case ObligationKind::kChoiceDefault:
    case ObligationKind::kNoChoiceMatched: {
      const ExitKind want = o.kind == ObligationKind::kChoiceRule      ? ExitKind::kRule
                            : o.kind == ObligationKind::kChoiceDefault ? ExitKind::kDefault
                                                                       : ExitKind::kNoMatch;
      for (const Exit& e : ExitsOf(s)) {
        if (e.kind == want && (want != ExitKind::kRule || e.index == o.index)) add_exit(e);
      }
      break;
    }
    case ObligationKind::kRetried:
      by_error(true, o.index, [](const LocalPlan&) { return true; });
      if (plans.empty()) {
        *reason = "infeasible: retrier " + std::to_string(o.index) +
                  " never fires (every error it names is taken by an earlier retrier)";
      }
      break;
    case ObligationKind::kRetryExhausted:
      by_error(false, o.index, [](const LocalPlan&) { return true; });
      if (plans.empty()) {
        *reason = "infeasible: retrier " + std::to_string(o.index) +
                  " never fires (every error it names is taken by an earlier retrier)";
      }
      break;
    case ObligationKind::kCatch:
      by_error(false, -1, [&](const LocalPlan& p) {
        return p.exit.kind == ExitKind::kCatch && p.exit.index == o.index;
      });
      if (plans.empty()) {
        *reason = "infeasible: catcher " + std::to_string(o.index) +
                  " never fires (every error it names is caught by an earlier catcher)";
      }
      break;
    case ObligationKind::kUncaught:
      by_error(false, -1, [](const LocalPlan& p) { return p.exit.kind == ExitKind::kUncaught; });
      if (plans.empty()) *reason = "infeasible: every error is caught";
      break;
    case ObligationKind::kTimeout:
    case ObligationKind::kHeartbeatTimeout: {
      const bool heartbeat = o.kind == ObligationKind::kHeartbeatTimeout;
      const asl::NumberField& field = heartbeat ? s.heartbeat_seconds : s.timeout_seconds;
      Attempt::Kind kind = heartbeat ? Attempt::Kind::kHeartbeat : Attempt::Kind::kTimeout;
      // A latency past TimeoutSeconds would lapse the heartbeat first, and
      // the answer formats cannot send heartbeats: throw States.Timeout.
      if (!field.literal || (!heartbeat && s.heartbeat_seconds.present())) {
        if (heartbeat) {
          *reason = "unsupported: HeartbeatSeconds given by a path or expression";
          break;
        }
        kind = Attempt::Kind::kThrow;  // a thrown States.Timeout counts as the timeout
      }
      for (bool retry : {false, true}) {
        auto plan = ErrorPlan(s, errors::kTimeout, heartbeat, kind, retry, -1);
        if (plan) plans.push_back(std::move(*plan));
      }
      break;
    }
    case ObligationKind::kBranchesSucceeded:
      add_exit(SuccessExit(s));
      break;
    case ObligationKind::kBranchesFailed: {
      // A data error fails the state before any branch or iteration runs.
      const auto ran = [](const LocalPlan& p) {
        return p.attempts.empty() || p.attempts.front().kind != Attempt::Kind::kDataError;
      };
      by_error(false, -1, ran);
      by_error(true, -1, ran);
      if (plans.empty()) {
        *reason = std::string("infeasible: no ") +
                  (s.type == StateType::kMap ? "iteration" : "branch") + " can fail";
      }
      break;
    }
  }
  std::stable_sort(plans.begin(), plans.end(), [](const LocalPlan& a, const LocalPlan& b) {
    return a.attempts.size() < b.attempts.size();
  });
  if (plans.size() > 6) plans.resize(6);
  if (plans.empty() && reason->empty()) {
    *reason = "infeasible: no way through " + s.name + " takes it" +
              (last_failure_.empty() ? "" : " (" + last_failure_ + ")");
  }
  return plans;
}

std::vector<ScopePath> Planner::PathsThrough(const Scope& scope, std::size_t target,
                                             const std::vector<LocalPlan>& plans,
                                             std::size_t limit) {
  std::vector<Steps> prefixes = Prefixes(scope, target, limit);
  if (prefixes.empty()) return {};
  // With coverage guidance, the first candidate of each plan walks through
  // uncovered obligations before and after the target.
  const auto guided_prefix = Guided(scope, scope.start_index, target);
  if (guided_prefix) prefixes.insert(prefixes.begin(), *guided_prefix);
  struct Combo {
    std::size_t prefix, plan, suffix, length;
  };
  std::vector<std::vector<Steps>> suffixes;
  std::vector<Combo> combos;
  std::vector<Combo> first;
  for (std::size_t p = 0; p < plans.size(); ++p) {
    suffixes.push_back(Suffixes(scope, plans[p].exit.target, false, limit));
    if (plans[p].exit.target) {
      if (auto g = Guided(scope, *plans[p].exit.target, std::nullopt)) {
        suffixes[p].insert(suffixes[p].begin(), *g);
      }
    }
    for (std::size_t a = 0; a < prefixes.size(); ++a) {
      for (std::size_t b = 0; b < suffixes[p].size(); ++b) {
        const Combo c{a, p, b, prefixes[a].size() + suffixes[p][b].size()};
        if (obligations_ != nullptr && a == 0 && b == 0) {
          first.push_back(c);
        } else {
          combos.push_back(c);
        }
      }
    }
  }
  std::stable_sort(combos.begin(), combos.end(),
                   [](const Combo& x, const Combo& y) { return x.length < y.length; });
  combos.insert(combos.begin(), first.begin(), first.end());
  std::vector<ScopePath> out;
  for (const Combo& c : combos) {
    if (out.size() >= limit) break;
    auto head = Complete(scope, prefixes[c.prefix], std::nullopt);
    if (!head) continue;
    auto tail = Complete(scope, suffixes[c.plan][c.suffix], std::nullopt);
    if (!tail) continue;
    ScopePath path = std::move(*head);
    Step step;
    step.state = target;
    step.exit = plans[c.plan].exit;
    step.attempts = plans[c.plan].attempts;
    path.steps.push_back(std::move(step));
    for (Step& s : tail->steps) path.steps.push_back(std::move(s));
    path.error.reset();
    if (path.fails()) {
      const Step& last = path.steps.back();
      const State& st = scope.states[last.state];
      if (last.exit.kind == ExitKind::kFailState) {
        path.error = st.error;
      } else if (last.exit.kind == ExitKind::kNoMatch) {
        path.error = errors::kNoChoiceMatched;
      } else if (!last.attempts.empty()) {
        path.error = last.attempts.back().error;
      }
    }
    out.push_back(std::move(path));
  }
  return out;
}

std::vector<ScopePath> Planner::PlansFor(const Obligation& o, std::size_t limit,
                                         std::string* reason) {
  std::vector<ScopePath> paths = PlansForImpl(o, limit, reason);
  if (paths.empty()) {
    // Inside (or the success of) a Map reading its items with an ItemReader:
    // a scenario cannot supply that data.
    const bool own = o.kind != ObligationKind::kUncaught && o.kind != ObligationKind::kCatch &&
                     o.kind != ObligationKind::kRetried &&
                     o.kind != ObligationKind::kRetryExhausted && o.kind != ObligationKind::kState;
    const Scope* home = ScopeOf(o.state);
    const State* start = own ? o.state : (home != nullptr ? home->parent_state : nullptr);
    for (const State* s = start; s != nullptr;
         s = ScopeOf(s) != nullptr ? ScopeOf(s)->parent_state : nullptr) {
      if (s->type == StateType::kMap && s->item_reader) {
        *reason = "unsupported: " + s->name +
                  " reads its items with an ItemReader, which a scenario cannot supply "
                  "(only its States.ItemReaderFailed failure is witnessed)";
        break;
      }
    }
  }
  return paths;
}

std::vector<ScopePath> Planner::PlansForImpl(const Obligation& o, std::size_t limit,
                                             std::string* reason) {
  const Scope* scope = ScopeOf(o.state);
  if (scope == nullptr) {
    *reason = "infeasible: state not found";
    return {};
  }
  std::vector<LocalPlan> plans = LocalPlans(o, reason);
  if (plans.empty()) return {};
  if (Prefixes(*scope, IndexOf(o.state), 1).empty()) {
    *reason = "infeasible: no path from StartAt reaches " + o.state->name;
    return {};
  }
  std::vector<ScopePath> paths = PathsThrough(*scope, IndexOf(o.state), plans, limit);
  while (scope->parent_state != nullptr) {
    const State& owner = *scope->parent_state;
    const Scope* outer = ScopeOf(&owner);
    if (outer == nullptr) break;
    std::size_t branch = 0;
    for (std::size_t b = 0; b < owner.branches.size(); ++b) {
      if (owner.branches[b].get() == scope) branch = b;
    }
    std::vector<LocalPlan> outer_plans;
    for (const ScopePath& inner : paths) {
      if (!inner.fails()) {
        auto a = SucceedAttempt(owner);
        if (!a || a->branches.size() <= branch) continue;
        a->branches[branch] = inner;
        outer_plans.push_back(LocalPlan{SuccessExit(owner), {std::move(*a)}});
        continue;
      }
      const std::string error = inner.error.value_or(kGenericError);
      auto a = FailAttempt(owner, error);
      if (!a) {
        // Build the failing attempt around the inner path directly.
        a = SucceedAttempt(owner);
        if (!a || a->branches.size() <= branch) continue;
        a->kind = Attempt::Kind::kThrow;
        a->error = error;
      }
      if (a->branches.size() <= branch) continue;
      a->branches[branch] = inner;
      const int r = FirstRetrier(owner, error, false);
      const std::int64_t tries =
          r >= 0
              ? std::max<std::int64_t>(0, owner.retry[static_cast<std::size_t>(r)].max_attempts) + 1
              : 1;
      if (r >= 0 && owner.retry[static_cast<std::size_t>(r)].max_attempts > 0) {
        auto then = SucceedAttempt(owner);
        if (then) outer_plans.push_back(LocalPlan{SuccessExit(owner), {*a, std::move(*then)}});
      }
      if (tries > 64) continue;
      LocalPlan plan;
      for (std::int64_t i = 0; i < tries; ++i) plan.attempts.push_back(*a);
      const int c = FirstCatcher(owner, error, false);
      if (c >= 0) {
        plan.exit.kind = ExitKind::kCatch;
        plan.exit.index = c;
        plan.exit.target = owner.catch_[static_cast<std::size_t>(c)].next_index;
      } else {
        plan.exit.kind = ExitKind::kUncaught;
      }
      outer_plans.push_back(std::move(plan));
    }
    if (outer_plans.empty()) {
      *reason = "infeasible: no path of " + owner.name + " runs the branch through it";
      return {};
    }
    if (Prefixes(*outer, IndexOf(&owner), 1).empty()) {
      *reason = "infeasible: no path from StartAt reaches " + owner.name;
      return {};
    }
    paths = PathsThrough(*outer, IndexOf(&owner), outer_plans, limit);
    scope = outer;
  }
  if (paths.empty() && reason->empty()) {
    *reason = "infeasible: no complete path through " + o.state->name +
              (last_failure_.empty() ? "" : " (" + last_failure_ + ")");
  }
  return paths;
}

std::optional<ScopePath> Planner::PlanFromSteps(const std::vector<RootStep>& steps,
                                                std::string* reason) {
  const Scope& scope = definition_.root();
  ScopePath path;
  path.scope = &scope;
  for (const RootStep& rs : steps) {
    const State& s = scope.states[rs.state];
    Step step;
    step.state = rs.state;
    step.exit = rs.exit;
    if (CanFail(s)) {
      auto error_for_retrier = [&](std::size_t i) -> std::optional<std::string> {
        for (const std::string& e : ErrorCandidates(s)) {
          if (FirstRetrier(s, e, false) == static_cast<int>(i)) return e;
        }
        return std::nullopt;
      };
      for (std::size_t i = 0; i < rs.retries.size(); ++i) {
        if (rs.retries[i] <= 0) continue;
        const auto e = error_for_retrier(i);
        if (!e) {
          *reason = "infeasible: retrier " + std::to_string(i) + " of " + s.name + " never fires";
          return std::nullopt;
        }
        auto a = FailAttempt(s, *e);
        if (!a) {
          *reason = "infeasible: " + s.name + " cannot fail with " + *e;
          return std::nullopt;
        }
        for (std::int64_t k = 0; k < rs.retries[i]; ++k) step.attempts.push_back(*a);
      }
      if (!rs.exit.fails() && rs.exit.kind != ExitKind::kCatch) {
        auto a = SucceedAttempt(s);
        if (!a) {
          *reason = "infeasible: " + s.name + " cannot succeed";
          return std::nullopt;
        }
        step.attempts.push_back(std::move(*a));
      } else {
        std::optional<Attempt> final_attempt;
        for (const std::string& e : ErrorCandidates(s)) {
          const int r = FirstRetrier(s, e, false);
          if (rs.exhausted >= 0
                  ? r != rs.exhausted
                  : (r >= 0 && s.retry[static_cast<std::size_t>(r)].max_attempts > 0)) {
            continue;
          }
          const int c = FirstCatcher(s, e, false);
          const bool ok = rs.exit.kind == ExitKind::kCatch ? c == rs.exit.index : c < 0;
          if (!ok) continue;
          final_attempt = FailAttempt(s, e);
          if (final_attempt) break;
        }
        if (!final_attempt) {
          *reason = "infeasible: no error takes " + s.name + " out by this edge";
          return std::nullopt;
        }
        step.attempts.push_back(std::move(*final_attempt));
      }
    }
    path.steps.push_back(std::move(step));
  }
  SetTerminalError(&path);
  return path;
}

}  // namespace stepsim::analysis::internal
