#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/error.h>
#include <stepsim/sim/clock.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::sim {

using Json = nlohmann::json;

/// What a Task state asks of the outside world, once per attempt.
struct TaskInvocation {
  const asl::State* state = nullptr;
  std::string_view resource;         ///< the state's Resource ARN
  const Json* parameters = nullptr;  ///< effective payload (after InputPath/Parameters)
  /// The Context object at this attempt (`$$`), valid during Invoke only.
  /// Building it costs time, so it is null unless the state references `$$`
  /// or Options::task_context is set.
  const Json* context = nullptr;
  /// Per-(execution, state name) counter over every invocation: first
  /// attempt, retries, loop re-entries, Map iterations (MOCK-06).
  std::int64_t invocation = 0;
  /// Retries of this state entry so far (`$$.State.RetryCount`).
  std::int64_t retry_count = 0;
  /// `$$.Task.Token` of .waitForTaskToken and .sync tasks.
  std::optional<std::string> task_token;
  VirtualTime now;
  /// Parallel branch index or Map iteration index of the innermost
  /// enclosing branch/iteration (as Transition::iteration); -1 at the top
  /// level. Lets fault injection target one Map iteration or branch.
  std::int64_t iteration = -1;
};

/// How one task attempt ends, and after how much virtual time.
struct TaskOutcome {
  enum class Kind { kSucceeded, kFailed, kTimedOut };
  Kind kind = Kind::kSucceeded;
  Json result;     ///< raw result, when kSucceeded
  AslError error;  ///< when kFailed (kTimedOut: States.Timeout)
  Millis latency{0};
  /// Heartbeats sent, as offsets from the start of the attempt.
  std::vector<Millis> heartbeats;

  static TaskOutcome Succeed(Json result, Millis latency = Millis{0}) {
    TaskOutcome o;
    o.result = std::move(result);
    o.latency = latency;
    return o;
  }
  static TaskOutcome Fail(std::string error, std::string cause, Millis latency = Millis{0}) {
    TaskOutcome o;
    o.kind = Kind::kFailed;
    o.error = AslError{std::move(error), std::move(cause)};
    o.latency = latency;
    return o;
  }
};

/// The seam between the simulator and whatever decides task outcomes: a
/// MockConfigFile test case, a C++ callable, a gmock mock, a generator.
class TaskHandler {
 public:
  virtual ~TaskHandler() = default;
  /// The outcome of one attempt; nullopt when this handler has nothing
  /// configured for it (the next handler is asked, and when none answers the
  /// run fails with a cause naming the state and what to configure).
  virtual std::optional<TaskOutcome> Invoke(const TaskInvocation& call) = 0;
};

}  // namespace stepsim::sim
