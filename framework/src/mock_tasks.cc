#include <stepsim/test/mock_tasks.h>

#include <string>
#include <utility>

namespace stepsim::test {

MockTasks::MockTasks() { AllowUnexpectedStates(); }

MockTasks::~MockTasks() = default;

void MockTasks::AllowUnexpectedStates() {
  // gmock tries the newest expectation first, so the user's expectations,
  // declared after this one, win; a state none of them matches gets "no
  // answer" instead of an "unexpected call" failure.
  EXPECT_CALL(*this, Invoke(testing::_, testing::_))
      .Times(testing::AnyNumber())
      .WillRepeatedly(testing::Return(TaskAnswer()));
}

std::optional<sim::TaskOutcome> MockTasks::Invoke(const sim::TaskInvocation& call) {
  const sim::TaskInvocation* previous = current_;
  current_ = &call;
  calls_.push_back(call.state->name);
  static const Json kNull;
  TaskAnswer answer;
  try {
    answer = Invoke(call.state->name, call.parameters != nullptr ? *call.parameters : kNull);
  } catch (...) {
    current_ = previous;
    throw;
  }
  current_ = previous;
  return answer.Resolve(*call.state);
}

const sim::TaskInvocation& MockTasks::call() const {
  if (current_ == nullptr) {
    throw UsageError(
        "MockTasks::call(): no task invocation is being answered; call it from an "
        "action");
  }
  return *current_;
}

void PrintTo(const MockTasks& tasks, std::ostream* os) {
  *os << Json{{"calls", tasks.calls()}}.dump();
}

internal::AnswerAction Return(Json result, sim::Millis latency) {
  return {TaskAnswer(sim::TaskOutcome::Succeed(std::move(result), latency))};
}

internal::AnswerAction Throw(const char* error, const char* cause, sim::Millis latency) {
  return {TaskAnswer(sim::TaskOutcome::Fail(error, cause, latency))};
}

internal::AnswerAction Throw(const std::string& error, const std::string& cause,
                             sim::Millis latency) {
  return {TaskAnswer(sim::TaskOutcome::Fail(error, cause, latency))};
}

internal::AnswerAction TimeOut() { return {TimeoutAnswer()}; }

internal::AnswerAction ReturnWithHeartbeats(Json result, sim::Millis latency,
                                            std::vector<sim::Millis> beats) {
  sim::TaskOutcome o = sim::TaskOutcome::Succeed(std::move(result), latency);
  o.heartbeats = std::move(beats);
  return {TaskAnswer(std::move(o))};
}

internal::AnswerAction NoAnswer() { return {TaskAnswer()}; }

}  // namespace stepsim::test
