#pragma once

#include <gmock/gmock.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/execution.h>
#include <stepsim/test/harness.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace stepsim::test {

namespace internal {

struct RunFacts;

/// One check of a run: its verb-phrase description, and a match that writes
/// "which ..." to `why` (null when nobody reads the explanation, so that
/// property loops pay nothing for it).
class RunCheck {
 public:
  virtual ~RunCheck() = default;
  virtual bool Check(const RunFacts& run, std::ostream* why) const = 0;
  virtual void Describe(std::ostream* os) const = 0;
  virtual void DescribeNegation(std::ostream* os) const = 0;
};

/// gmock polymorphic matcher usable on RunResult and sim::Execution.
class RunMatcher {
 public:
  explicit RunMatcher(std::shared_ptr<const RunCheck> check) : check_(std::move(check)) {}
  bool MatchAndExplain(const RunResult& run, testing::MatchResultListener* listener) const;
  bool MatchAndExplain(const sim::Execution& execution,
                       testing::MatchResultListener* listener) const;
  void DescribeTo(std::ostream* os) const { check_->Describe(os); }
  void DescribeNegationTo(std::ostream* os) const { check_->DescribeNegation(os); }

 private:
  std::shared_ptr<const RunCheck> check_;
};

/// gmock polymorphic matcher usable on RunResult only: it reads the
/// recorded transitions, which a bare sim::Execution lacks.
class TransitionMatcher {
 public:
  explicit TransitionMatcher(std::shared_ptr<const RunCheck> check) : check_(std::move(check)) {}
  bool MatchAndExplain(const RunResult& run, testing::MatchResultListener* listener) const;
  void DescribeTo(std::ostream* os) const { check_->Describe(os); }
  void DescribeNegationTo(std::ostream* os) const { check_->DescribeNegation(os); }

 private:
  std::shared_ptr<const RunCheck> check_;
};

/// gmock polymorphic matcher on a JSON value: recursive subset.
class JsonContainsMatcher {
 public:
  explicit JsonContainsMatcher(Json expected) : expected_(std::move(expected)) {}
  bool MatchAndExplain(const Json& actual, testing::MatchResultListener* listener) const;
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  Json expected_;
};

}  // namespace internal

using RunMatcherType = testing::PolymorphicMatcher<internal::RunMatcher>;
using TransitionMatcherType = testing::PolymorphicMatcher<internal::TransitionMatcher>;

/// The run SUCCEEDED.
RunMatcherType Succeeded();
/// The run FAILED (any error).
RunMatcherType Failed();
/// The run FAILED with error `error`.
RunMatcherType FailedWith(std::string error);
/// The run FAILED with error `error` and a cause `cause` matches (a string
/// or a string matcher such as testing::HasSubstr).
RunMatcherType FailedWith(std::string error, const testing::Matcher<const std::string&>& cause);
/// The run ended with a cause (FAILED or TIMED_OUT) that `cause` matches.
RunMatcherType HasCause(const testing::Matcher<const std::string&>& cause);
/// The run TIMED_OUT (the execution's own timeout, EXE-02).
RunMatcherType TimedOut();
/// The names of the states entered, in order, repeats included, match
/// `states` (compose with ElementsAre, Contains, IsSupersetOf...).
RunMatcherType VisitedStates(const testing::Matcher<const std::vector<std::string>&>& states);
/// The run entered `state` at least once.
RunMatcherType Visited(std::string state);
/// Control moved from `from` to `to` at least once (by Next, a Choice rule
/// or Default, or a catcher).
TransitionMatcherType TookTransition(std::string from, std::string to);
/// Choice `choice` matched rule `rule` (0-based) at least once.
TransitionMatcherType TookChoiceRule(std::string choice, int rule);
/// Choice `choice` took its Default at least once.
TransitionMatcherType TookDefault(std::string choice);
/// `state` was retried exactly `times` times over the run (RTY-08).
TransitionMatcherType Retried(std::string state, int times);
/// `state`'s number of retries over the run matches `times`.
TransitionMatcherType Retried(std::string state, const testing::Matcher<int>& times);
/// Catcher `catcher` (0-based) of `state` handled an error at least once.
TransitionMatcherType CaughtBy(std::string state, int catcher);
/// The run SUCCEEDED with exactly `expected` as output.
RunMatcherType HasOutput(Json expected);
/// The run SUCCEEDED with an output containing `expected` (see
/// JsonContains).
RunMatcherType OutputContains(Json expected);
/// The virtual time from start to end matches `elapsed`.
RunMatcherType ElapsedVirtualTime(const testing::Matcher<sim::Millis>& elapsed);
/// The virtual time from start to end is exactly `elapsed` (in ms).
template <typename Rep, typename Period>
RunMatcherType ElapsedVirtualTime(std::chrono::duration<Rep, Period> elapsed) {
  return ElapsedVirtualTime(
      testing::Matcher<sim::Millis>(std::chrono::duration_cast<sim::Millis>(elapsed)));
}

/// A JSON value containing `expected`: an object has every member of
/// `expected` with a containing value (other members are ignored); an array
/// has the same length and each element contains the expected one; any
/// other value is equal. Usable on task parameters in EXPECT_CALL.
testing::PolymorphicMatcher<internal::JsonContainsMatcher> JsonContains(Json expected);

/// The first JSON Pointer where `actual` does not contain `expected`, with
/// what differs ("/inventory/status: expected \"available\", got
/// \"sold_out\""); nullopt when it does.
std::optional<std::string> FindJsonMismatch(const Json& actual, const Json& expected, bool subset);

}  // namespace stepsim::test
