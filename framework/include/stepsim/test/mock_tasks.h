#pragma once

#include <gmock/gmock.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/task_handler.h>
#include <stepsim/test/faults.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace stepsim::test {

/// Task answers from GoogleMock expectations:
///
///     MockTasks tasks;
///     EXPECT_CALL(tasks, Invoke("ProcessPayment", _))
///         .WillOnce(Throw("PaymentGatewayTimeout"))
///         .WillOnce(Return(Json{{"paymentId", "p-1"}}));
///     harness.UseMockTasks(tasks);
///
/// The mocked method is `Invoke(state name, effective parameters)` (the
/// JSON after InputPath/Parameters, TaskInvocation::parameters), returning
/// a TaskAnswer. A state without a matching expectation is not answered
/// (a catch-all expectation installed by the constructor returns "no
/// answer", as a NiceMock would), so the next answer source decides: gmock
/// tasks mix with MockState scripts and a MockConfigFile test case in one
/// run. A state with expectations that is called more often than they allow
/// fails the test as gmock does. Calling testing::Mock::VerifyAndClear on a
/// MockTasks also removes the catch-all; call AllowUnexpectedStates() to put
/// it back.
///
/// Actions: stepsim::test::Return, Throw, TimeOut and ReturnWithHeartbeats
/// below. `testing::Return(json)` also works (a Json converts to a
/// succeeding TaskAnswer). With both `using namespace testing;` and
/// `using namespace stepsim::test;`, `Return(json)` with a Json argument and
/// `Throw("E")` with string arguments pick stepsim's (a non-template beats
/// gmock's templates); write `stepsim::test::Return(...)` when the argument
/// is anything else (a string literal, a number).
///
/// While an action runs, call() gives the whole TaskInvocation (retry
/// count, invocation number, context, iteration).
///
/// An expectation whose parameter matcher rejects a call does not report
/// "unexpected call" (the catch-all answers it); it is reported at the end
/// of the test as unsatisfied. One MockTasks serves one run at a time.
class MockTasks : public sim::TaskHandler {
 public:
  MockTasks();
  ~MockTasks() override;
  MockTasks(const MockTasks&) = delete;
  MockTasks& operator=(const MockTasks&) = delete;

  MOCK_METHOD(TaskAnswer, Invoke, (const std::string& state, const Json& parameters));

  /// The sim::TaskHandler seam: forwards to the mocked Invoke.
  std::optional<sim::TaskOutcome> Invoke(const sim::TaskInvocation& call) override;

  /// The invocation being answered; throws UsageError outside an action.
  [[nodiscard]] const sim::TaskInvocation& call() const;
  /// call().retry_count (`$$.State.RetryCount`).
  [[nodiscard]] std::int64_t retry_count() const { return call().retry_count; }
  /// call().invocation (the per-run invocation number, MOCK-06).
  [[nodiscard]] std::int64_t invocation() const { return call().invocation; }
  /// Names of the states invoked so far through this object, in order
  /// (duplicate deliveries included).
  [[nodiscard]] const std::vector<std::string>& calls() const { return calls_; }

  /// (Re)installs the catch-all "no answer" expectation.
  void AllowUnexpectedStates();

 private:
  const sim::TaskInvocation* current_ = nullptr;
  std::vector<std::string> calls_;
};

/// {"calls": [state names invoked so far]}.
void PrintTo(const MockTasks& tasks, std::ostream* os);

namespace internal {
/// A gmock action answering a fixed TaskAnswer, whatever the arguments.
struct AnswerAction {
  TaskAnswer answer;
  TaskAnswer operator()(const std::string& /*state*/, const Json& /*parameters*/) const {
    return answer;
  }
};
}  // namespace internal

/// Action: the attempt succeeds with `result` after `latency`.
internal::AnswerAction Return(Json result, sim::Millis latency = sim::Millis{0});
/// Action: the attempt fails with `error`/`cause` after `latency`.
internal::AnswerAction Throw(const char* error, const char* cause = "",
                             sim::Millis latency = sim::Millis{0});
internal::AnswerAction Throw(const std::string& error, const std::string& cause = "",
                             sim::Millis latency = sim::Millis{0});
/// Action: the attempt never answers; it ends with States.Timeout after the
/// state's TimeoutSeconds (see TimeoutOutcome, TASK-04).
internal::AnswerAction TimeOut();
/// Action: the attempt sends heartbeats at `beats` (offsets from its start)
/// and succeeds with `result` after `latency`; a gap longer than the state's
/// HeartbeatSeconds is a heartbeat lapse (TASK-04).
internal::AnswerAction ReturnWithHeartbeats(Json result, sim::Millis latency,
                                            std::vector<sim::Millis> beats);
/// Action: no answer, the next source decides.
internal::AnswerAction NoAnswer();

}  // namespace stepsim::test
