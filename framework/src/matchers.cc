#include <stepsim/asl/json_source.h>
#include <stepsim/test/matchers.h>
#include <stepsim/test/print.h>

#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace stepsim::test {
namespace internal {

/// What a check reads: the execution, the RunResult when there is one
/// (transitions, definition), and the visited state names.
struct RunFacts {
  const sim::Execution& execution;
  const RunResult* run = nullptr;
  const std::vector<std::string>& visited;
};

}  // namespace internal

namespace {

using internal::RunFacts;

std::string Quoted(std::string_view s) { return Json(std::string(s)).dump(); }

template <typename T>
std::string Describe(const testing::Matcher<T>& m) {
  std::ostringstream os;
  m.DescribeTo(&os);
  return os.str();
}

template <typename T, typename V>
std::string ExplainInner(const testing::Matcher<T>& m, const V& value) {
  testing::StringMatchResultListener l;
  m.MatchAndExplain(value, &l);
  return l.str();
}

// A check from a predicate that also phrases what the run did.
class FnCheck : public internal::RunCheck {
 public:
  // `fn(run, phrase)` returns whether the run matches; when `phrase` is not
  // null it also writes what the run did (the text after "which ").
  using Fn = std::function<bool(const RunFacts&, std::string*)>;
  FnCheck(std::string description, std::string negation, Fn fn)
      : description_(std::move(description)), negation_(std::move(negation)), fn_(std::move(fn)) {}

  bool Check(const RunFacts& run, std::ostream* why) const override {
    if (why == nullptr) return fn_(run, nullptr);
    std::string phrase;
    const bool ok = fn_(run, &phrase);
    *why << "which " << phrase
         << (run.run != nullptr ? FormatDetails(*run.run) : FormatDetails(run.execution));
    return ok;
  }
  void Describe(std::ostream* os) const override { *os << description_; }
  void DescribeNegation(std::ostream* os) const override { *os << negation_; }

 private:
  std::string description_;
  std::string negation_;
  Fn fn_;
};

RunMatcherType MakeRun(std::string description, std::string negation, FnCheck::Fn fn) {
  return testing::MakePolymorphicMatcher(internal::RunMatcher(
      std::make_shared<FnCheck>(std::move(description), std::move(negation), std::move(fn))));
}

TransitionMatcherType MakeTransition(std::string description, std::string negation,
                                     FnCheck::Fn fn) {
  return testing::MakePolymorphicMatcher(internal::TransitionMatcher(
      std::make_shared<FnCheck>(std::move(description), std::move(negation), std::move(fn))));
}

// "; the definition has no state named "X" (states: ...)" when `name` is no
// state of the run's definition.
std::string UnknownStateHint(const RunFacts& run, const std::string& name) {
  if (run.run == nullptr || run.run->definition().FindState(name) != nullptr) return "";
  std::string names;
  for (const asl::State* s : run.run->definition().AllStates()) {
    if (!names.empty()) names += ", ";
    names += Quoted(s->name);
  }
  return "; note: the definition has no state named " + Quoted(name) + " (states: " + names + ")";
}

std::size_t CountVisits(const RunFacts& run, const std::string& state) {
  std::size_t n = 0;
  for (const std::string& v : run.visited) n += v == state ? 1 : 0;
  return n;
}

// Where a transition leads, for listing what a state did instead.
std::string Destination(const RecordedTransition& t) {
  const std::string err = t.error ? t.error->error : std::string();
  switch (t.kind) {
    case sim::TransitionKind::kNext:
      return Quoted(t.to_name()) + " (Next)";
    case sim::TransitionKind::kChoiceRule:
      return Quoted(t.to_name()) + " (rule " + std::to_string(t.index) + ")";
    case sim::TransitionKind::kDefault:
      return Quoted(t.to_name()) + " (Default)";
    case sim::TransitionKind::kCatch:
      return Quoted(t.to_name()) + " (catcher " + std::to_string(t.index) + ": " + err + ")";
    case sim::TransitionKind::kRetry:
      return Quoted(t.to_name()) + " (retry " + std::to_string(t.index) + ": " + err + ")";
    case sim::TransitionKind::kEnd:
      return "(end)";
    case sim::TransitionKind::kErrorOut:
      return "(error out: " + err + ")";
  }
  return "";
}

// The distinct destinations of `state`'s transitions, in order.
std::string Destinations(const RunResult& run, const std::string& state) {
  std::vector<std::string> seen;
  for (const RecordedTransition& t : run.transitions()) {
    if (t.from_name() != state) continue;
    std::string d = Destination(t);
    bool dup = false;
    for (const std::string& s : seen) dup = dup || s == d;
    if (!dup) seen.push_back(std::move(d));
  }
  std::string out;
  for (const std::string& s : seen) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string At(const std::string& pointer, const std::string& message) {
  return pointer.empty() ? message : pointer + ": " + message;
}

std::optional<std::string> Mismatch(const Json& actual, const Json& expected, bool subset,
                                    const std::string& pointer) {
  constexpr std::size_t kMax = 120;
  if (expected.is_object()) {
    if (!actual.is_object()) {
      return At(pointer, "expected an object, got " + JsonText(actual, kMax));
    }
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      const std::string p = asl::AppendPointer(pointer, it.key());
      auto found = actual.find(it.key());
      if (found == actual.end()) {
        return At(p, "missing (expected " + JsonText(it.value(), kMax) + ")");
      }
      if (auto m = Mismatch(*found, it.value(), subset, p)) return m;
    }
    if (!subset) {
      for (auto it = actual.begin(); it != actual.end(); ++it) {
        if (!expected.contains(it.key())) {
          return At(asl::AppendPointer(pointer, it.key()),
                    "unexpected member with value " + JsonText(it.value(), kMax));
        }
      }
    }
    return std::nullopt;
  }
  if (expected.is_array()) {
    if (!actual.is_array()) {
      return At(pointer, "expected an array, got " + JsonText(actual, kMax));
    }
    if (actual.size() != expected.size()) {
      return At(pointer, "expected " + std::to_string(expected.size()) + " elements, got " +
                             std::to_string(actual.size()) + ": " + JsonText(actual, kMax));
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (auto m = Mismatch(actual[i], expected[i], subset, asl::AppendPointer(pointer, i))) {
        return m;
      }
    }
    return std::nullopt;
  }
  if (actual != expected) {
    return At(pointer, "expected " + JsonText(expected, kMax) + ", got " + JsonText(actual, kMax));
  }
  return std::nullopt;
}

RunMatcherType OutputMatcher(Json expected, bool subset) {
  const std::string text = JsonText(expected);
  std::string description =
      subset ? "succeeded with an output containing " + text : "succeeded with output " + text;
  std::string negation = subset ? "did not succeed with an output containing " + text
                                : "did not succeed with output " + text;
  return MakeRun(
      std::move(description), std::move(negation),
      [expected = std::move(expected), subset](const RunFacts& run, std::string* phrase) {
        const sim::Execution& e = run.execution;
        if (!e.succeeded() || !e.output) {
          if (phrase != nullptr) *phrase = StatusPhrase(e);
          return false;
        }
        std::optional<std::string> m = Mismatch(*e.output, expected, subset, "");
        if (phrase != nullptr) {
          *phrase = StatusPhrase(e);
          if (m) *phrase += ", which differs at " + *m;
        }
        return !m;
      });
}

}  // namespace

// ---- gmock adapters -------------------------------------------------------

namespace internal {

namespace {

// Builds the explanation only when gmock will print it, so that property
// loops pay nothing for it.
bool CheckAndExplain(const RunCheck& check, const RunFacts& facts,
                     testing::MatchResultListener* listener) {
  if (!listener->IsInterested()) return check.Check(facts, nullptr);
  std::ostringstream why;
  const bool ok = check.Check(facts, &why);
  *listener << why.str();
  return ok;
}

}  // namespace

bool RunMatcher::MatchAndExplain(const RunResult& run,
                                 testing::MatchResultListener* listener) const {
  const RunFacts facts{run.execution(), &run, run.visited_states()};
  return CheckAndExplain(*check_, facts, listener);
}

bool RunMatcher::MatchAndExplain(const sim::Execution& execution,
                                 testing::MatchResultListener* listener) const {
  std::vector<std::string> visited(execution.visited_states.begin(),
                                   execution.visited_states.end());
  const RunFacts facts{execution, nullptr, visited};
  return CheckAndExplain(*check_, facts, listener);
}

bool TransitionMatcher::MatchAndExplain(const RunResult& run,
                                        testing::MatchResultListener* listener) const {
  const RunFacts facts{run.execution(), &run, run.visited_states()};
  return CheckAndExplain(*check_, facts, listener);
}

bool JsonContainsMatcher::MatchAndExplain(const Json& actual,
                                          testing::MatchResultListener* listener) const {
  std::optional<std::string> m = Mismatch(actual, expected_, true, "");
  if (m) *listener << "which differs at " + *m;
  return !m;
}

void JsonContainsMatcher::DescribeTo(std::ostream* os) const {
  *os << "is JSON containing " << JsonText(expected_);
}

void JsonContainsMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "is not JSON containing " << JsonText(expected_);
}

}  // namespace internal

std::optional<std::string> FindJsonMismatch(const Json& actual, const Json& expected, bool subset) {
  return Mismatch(actual, expected, subset, "");
}

testing::PolymorphicMatcher<internal::JsonContainsMatcher> JsonContains(Json expected) {
  return testing::MakePolymorphicMatcher(internal::JsonContainsMatcher(std::move(expected)));
}

// ---- status ---------------------------------------------------------------

RunMatcherType Succeeded() {
  return MakeRun("succeeded", "did not succeed", [](const RunFacts& run, std::string* phrase) {
    if (phrase != nullptr) *phrase = StatusPhrase(run.execution);
    return run.execution.succeeded();
  });
}

RunMatcherType Failed() {
  return MakeRun("failed", "did not fail", [](const RunFacts& run, std::string* phrase) {
    if (phrase != nullptr) *phrase = StatusPhrase(run.execution);
    return run.execution.status == sim::ExecutionStatus::kFailed;
  });
}

RunMatcherType FailedWith(std::string error) {
  const std::string q = Quoted(error);
  return MakeRun("failed with error " + q, "did not fail with error " + q,
                 [error = std::move(error)](const RunFacts& run, std::string* phrase) {
                   const sim::Execution& e = run.execution;
                   if (phrase != nullptr) *phrase = StatusPhrase(e);
                   return e.status == sim::ExecutionStatus::kFailed && e.error == error;
                 });
}

RunMatcherType FailedWith(std::string error, const testing::Matcher<const std::string&>& cause) {
  const std::string q = Quoted(error);
  const std::string c = Describe(cause);
  return MakeRun(
      "failed with error " + q + " and a cause that " + c,
      "did not fail with error " + q + " and a cause that " + c,
      [error = std::move(error), cause](const RunFacts& run, std::string* phrase) {
        const sim::Execution& e = run.execution;
        const std::string actual_cause = e.cause.value_or("");
        const bool error_ok = e.status == sim::ExecutionStatus::kFailed && e.error == error;
        const bool cause_ok = cause.Matches(actual_cause);
        if (phrase != nullptr) {
          *phrase = StatusPhrase(e);
          if (error_ok && !cause_ok) {
            const std::string inner = ExplainInner(cause, actual_cause);
            *phrase += "; the cause does not match" + (inner.empty() ? "" : " (" + inner + ")");
          }
        }
        return error_ok && cause_ok;
      });
}

RunMatcherType HasCause(const testing::Matcher<const std::string&>& cause) {
  const std::string c = Describe(cause);
  return MakeRun("has a cause that " + c, "does not have a cause that " + c,
                 [cause](const RunFacts& run, std::string* phrase) {
                   const sim::Execution& e = run.execution;
                   const bool ok = e.cause.has_value() && cause.Matches(*e.cause);
                   if (phrase != nullptr) {
                     *phrase = StatusPhrase(e);
                     if (e.cause && !ok) {
                       const std::string inner = ExplainInner(cause, *e.cause);
                       if (!inner.empty()) *phrase += "; the cause " + inner;
                     }
                   }
                   return ok;
                 });
}

RunMatcherType TimedOut() {
  return MakeRun("timed out", "did not time out", [](const RunFacts& run, std::string* phrase) {
    if (phrase != nullptr) *phrase = StatusPhrase(run.execution);
    return run.execution.status == sim::ExecutionStatus::kTimedOut;
  });
}

// ---- states ---------------------------------------------------------------

RunMatcherType VisitedStates(const testing::Matcher<const std::vector<std::string>&>& states) {
  const std::string d = Describe(states);
  return MakeRun("visited states that " + d, "visited states that do not match: " + d,
                 [states](const RunFacts& run, std::string* phrase) {
                   const bool ok = states.Matches(run.visited);
                   if (phrase != nullptr) {
                     *phrase = "visited " + Json(run.visited).dump();
                     const std::string inner = ExplainInner(states, run.visited);
                     if (!inner.empty() && !ok) *phrase += ", " + inner;
                   }
                   return ok;
                 });
}

RunMatcherType Visited(std::string state) {
  const std::string q = Quoted(state);
  return MakeRun("visited state " + q, "never visited state " + q,
                 [state = std::move(state)](const RunFacts& run, std::string* phrase) {
                   const std::size_t n = CountVisits(run, state);
                   if (phrase != nullptr) {
                     *phrase = n == 0 ? "never entered " + Quoted(state)
                                      : "entered " + Quoted(state) + " " + std::to_string(n) +
                                            (n == 1 ? " time" : " times");
                     *phrase += UnknownStateHint(run, state);
                   }
                   return n > 0;
                 });
}

// ---- transitions ----------------------------------------------------------

TransitionMatcherType TookTransition(std::string from, std::string to) {
  const std::string d = "went from " + Quoted(from) + " to " + Quoted(to);
  return MakeTransition(
      d, "never " + d,
      [from = std::move(from), to = std::move(to)](const RunFacts& run, std::string* phrase) {
        bool ok = false;
        for (const RecordedTransition& t : run.run->transitions()) {
          ok = ok || (t.from_name() == from && t.to != nullptr && t.to_name() == to);
        }
        if (phrase != nullptr) {
          const std::string where = Destinations(*run.run, from);
          *phrase = where.empty() ? "never left " + Quoted(from)
                                  : "went from " + Quoted(from) + " to " + where;
          *phrase += UnknownStateHint(run, from) + UnknownStateHint(run, to);
        }
        return ok;
      });
}

namespace {

TransitionMatcherType ChoiceMatcher(std::string choice, sim::TransitionKind kind, int rule) {
  const std::string q = Quoted(choice);
  const std::string what = kind == sim::TransitionKind::kDefault
                               ? "the Default of Choice " + q
                               : "rule " + std::to_string(rule) + " of Choice " + q;
  return MakeTransition(
      "took " + what, "never took " + what,
      [choice = std::move(choice), kind, rule](const RunFacts& run, std::string* phrase) {
        bool ok = false;
        for (const RecordedTransition& t : run.run->transitions()) {
          ok = ok || (t.from_name() == choice && t.kind == kind &&
                      (kind == sim::TransitionKind::kDefault || t.index == rule));
        }
        if (phrase != nullptr) {
          const std::string where = Destinations(*run.run, choice);
          *phrase = where.empty() ? "never left " + Quoted(choice)
                                  : "went from " + Quoted(choice) + " to " + where;
          *phrase += UnknownStateHint(run, choice);
        }
        return ok;
      });
}

}  // namespace

TransitionMatcherType TookChoiceRule(std::string choice, int rule) {
  return ChoiceMatcher(std::move(choice), sim::TransitionKind::kChoiceRule, rule);
}

TransitionMatcherType TookDefault(std::string choice) {
  return ChoiceMatcher(std::move(choice), sim::TransitionKind::kDefault, -1);
}

namespace {

TransitionMatcherType RetriedImpl(std::string state, const testing::Matcher<int>& times,
                                  std::string description, std::string negation) {
  return MakeTransition(
      std::move(description), std::move(negation),
      [state = std::move(state), times](const RunFacts& run, std::string* phrase) {
        int n = 0;
        std::string errors;
        std::string exhausted;
        for (const RecordedTransition& t : run.run->transitions()) {
          if (t.from_name() != state) continue;
          if (t.kind == sim::TransitionKind::kRetry) {
            ++n;
            errors += (errors.empty() ? "" : ", ") + (t.error ? t.error->error : std::string());
          } else if (t.exhausted_retrier >= 0) {
            exhausted = "; then retrier " + std::to_string(t.exhausted_retrier) +
                        " was exhausted by " + (t.error ? t.error->error : std::string());
          }
        }
        if (phrase != nullptr) {
          *phrase =
              "retried " + Quoted(state) + " " + std::to_string(n) + (n == 1 ? " time" : " times");
          if (n > 0) *phrase += " (after " + errors + ")";
          *phrase += exhausted;
          if (CountVisits(run, state) == 0) *phrase += "; it never entered " + Quoted(state);
          *phrase += UnknownStateHint(run, state);
        }
        return times.Matches(n);
      });
}

}  // namespace

TransitionMatcherType Retried(std::string state, int times) {
  const std::string q = Quoted(state);
  const std::string n = std::to_string(times) + (times == 1 ? " time" : " times");
  return RetriedImpl(std::move(state), testing::Matcher<int>(testing::Eq(times)),
                     "retried " + q + " exactly " + n, "did not retry " + q + " exactly " + n);
}

TransitionMatcherType Retried(std::string state, const testing::Matcher<int>& times) {
  const std::string q = Quoted(state);
  const std::string d = Describe(times);
  return RetriedImpl(std::move(state), times, "retried " + q + " a number of times that " + d,
                     "did not retry " + q + " a number of times that " + d);
}

TransitionMatcherType CaughtBy(std::string state, int catcher) {
  const std::string what =
      "an error at " + Quoted(state) + " with catcher " + std::to_string(catcher);
  return MakeTransition(
      "caught " + what, "never caught " + what,
      [state = std::move(state), catcher](const RunFacts& run, std::string* phrase) {
        bool ok = false;
        std::string did;
        for (const RecordedTransition& t : run.run->transitions()) {
          if (t.from_name() != state) continue;
          const std::string err = t.error ? Quoted(t.error->error) : std::string("\"\"");
          if (t.kind == sim::TransitionKind::kCatch) {
            ok = ok || t.index == catcher;
            did += (did.empty() ? "" : ", ") + std::string("caught ") + err + " with catcher " +
                   std::to_string(t.index);
          } else if (t.kind == sim::TransitionKind::kErrorOut) {
            did += (did.empty() ? "" : ", ") + std::string("let ") + err + " out uncaught";
          }
        }
        if (phrase != nullptr) {
          if (!did.empty()) {
            *phrase = "at " + Quoted(state) + " " + did;
          } else if (CountVisits(run, state) == 0) {
            *phrase = "never entered " + Quoted(state);
          } else {
            *phrase = "raised no error at " + Quoted(state) + " that left it";
          }
          *phrase += UnknownStateHint(run, state);
        }
        return ok;
      });
}

// ---- output and time ------------------------------------------------------

RunMatcherType HasOutput(Json expected) { return OutputMatcher(std::move(expected), false); }

RunMatcherType OutputContains(Json expected) { return OutputMatcher(std::move(expected), true); }

RunMatcherType ElapsedVirtualTime(const testing::Matcher<sim::Millis>& elapsed) {
  const std::string d = Describe(elapsed);
  return MakeRun("took a virtual time that " + d, "did not take a virtual time that " + d,
                 [elapsed](const RunFacts& run, std::string* phrase) {
                   const sim::Millis t = run.execution.elapsed();
                   if (phrase != nullptr) {
                     *phrase = "took " + std::to_string(t.count()) + " ms of virtual time";
                   }
                   return elapsed.Matches(t);
                 });
}

}  // namespace stepsim::test
