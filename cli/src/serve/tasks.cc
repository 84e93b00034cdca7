// Held tasks (`.waitForTaskToken` and activities): the task handler that holds
// them, SendTaskSuccess/Failure/Heartbeat, and the activity operations.

#include <stepsim/jsonpath/json_text.h>
#include <stepsim/report/coverage.h>
#include <stepsim/sim/mock_config.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "serve/service_internal.h"

namespace stepsim::cli::serve::internal {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kActivityPoll = std::chrono::seconds(60);  // AWS's long poll

std::string ActivityToken(const std::string& execution_arn, const sim::TaskInvocation& call) {
  // Deterministic per (execution, state, invocation), unique across them.
  const std::string digest =
      report::Sha256Digest(execution_arn + "\n" + call.state->name + "\n" +
                           std::to_string(call.invocation) + "\n" + std::to_string(call.iteration));
  return digest.substr(digest.find(':') + 1, 32);
}

std::string CheckedToken(const Json& request) {
  std::string token = RequiredString(request, "taskToken");
  const bool printable = std::all_of(token.begin(), token.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (token.empty() || token.size() > 1024 || !printable) {
    throw ApiError{"InvalidToken", "Invalid token"};
  }
  return token;
}

// The held task for `token`, or the AWS error for a token that is not held.
std::shared_ptr<HeldTask> FindHeld(ServiceState& s, const std::string& token) {
  std::lock_guard lock(s.tasks_mutex);
  if (const auto it = s.held_tasks.find(token); it != s.held_tasks.end()) return it->second;
  if (s.answered_tokens.count(token) != 0) {
    throw ApiError{"TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'"};
  }
  throw ApiError{"TaskDoesNotExist", "Task Does Not Exist: '" + token + "'"};
}

void Answer(ServiceState& s, const std::string& token, HeldTask::Answer answer, Json output,
            std::string error, std::string cause) {
  const std::shared_ptr<HeldTask> task = FindHeld(s, token);
  std::lock_guard lock(task->mutex);
  if (task->answer != HeldTask::Answer::kNone) {
    throw ApiError{"TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'"};
  }
  task->answer = answer;
  task->output = std::move(output);
  task->error = std::move(error);
  task->cause = std::move(cause);
  task->changed.notify_all();
}

void CheckErrorCause(const std::string& error, const std::string& cause) {
  if (error.size() > 256) {
    ThrowValidation(
        "Value at 'error' failed to satisfy constraint: Member must have length less "
        "than or equal to 256");
  }
  if (cause.size() > 32768) {
    ThrowValidation(
        "Value at 'cause' failed to satisfy constraint: Member must have length less "
        "than or equal to 32768");
  }
}

Activity& FindActivity(ServiceState& s, const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0 || arn.find(":activity:") == std::string::npos) {
    throw ApiError{"InvalidArn", "Invalid Arn: '" + arn + "'"};
  }
  const auto it = s.activities.find(arn);
  if (it == s.activities.end()) {
    throw ApiError{"ActivityDoesNotExist", "Activity Does Not Exist: '" + arn + "'"};
  }
  return it->second;
}

}  // namespace

void HoldingTaskHandler::OnEvent(const sim::HistoryEvent& event) {
  if (event.type == sim::EventType::kTaskScheduled ||
      event.type == sim::EventType::kActivityScheduled ||
      event.type == sim::EventType::kLambdaFunctionScheduled) {
    timeout_seconds_ = event.timeout_in_seconds;
    heartbeat_seconds_ = event.heartbeat_in_seconds;
  }
}

std::optional<sim::TaskOutcome> HoldingTaskHandler::Invoke(const sim::TaskInvocation& call) {
  const bool activity = sim::IsActivityResource(call.resource);
  if (!activity && !call.resource.ends_with(".waitForTaskToken")) return std::nullopt;
  const std::string token =
      activity || !call.task_token ? ActivityToken(record_->arn, call) : *call.task_token;

  auto task = std::make_shared<HeldTask>();
  task->execution_arn = record_->arn;
  task->token = token;
  if (activity) {
    task->activity_arn = std::string(call.resource);
    task->input_text = call.parameters != nullptr ? jsonpath::ToAwsJson(*call.parameters) : "{}";
  }
  {
    std::lock_guard lock(state_.tasks_mutex);
    {
      std::lock_guard running_lock(state_.running_mutex);
      if (state_.shutting_down) {
        return sim::TaskOutcome::Fail("States.Runtime", "stepsim serve is shutting down");
      }
    }
    state_.held_tasks[token] = task;
    if (activity) {
      state_.activity_queues[task->activity_arn].push_back(token);
      state_.activity_ready.notify_all();
    }
  }
  const Clock::time_point real_start = Clock::now();
  {
    std::lock_guard lock(record_->mutex);
    if (record_->stopped) task->answer = HeldTask::Answer::kAbandoned;
    record_->held = task;
    record_->held_since_virtual = call.now;
    record_->held_since_real = real_start;
  }

  const double scale = state_.options.time_scale;
  const auto to_virtual = [&](Clock::time_point t) {
    const double ms = std::chrono::duration<double, std::milli>(t - real_start).count() / scale;
    return sim::Millis(static_cast<std::int64_t>(ms));
  };
  bool timed_out = false;
  std::optional<sim::Millis> deadline;
  std::unique_lock lock(task->mutex);
  while (task->answer == HeldTask::Answer::kNone) {
    // HeartbeatSeconds counts from the last heartbeat, TimeoutSeconds from
    // the start; both in virtual time, waited for in real time * scale.
    deadline.reset();
    if (heartbeat_seconds_) {
      const sim::Millis last =
          task->heartbeats.empty() ? sim::Millis{0} : to_virtual(task->heartbeats.back());
      deadline = last + sim::Millis{*heartbeat_seconds_ * 1000};
    }
    if (timeout_seconds_) {
      const sim::Millis t{*timeout_seconds_ * 1000};
      deadline = deadline ? std::min(*deadline, t) : t;
    }
    if (!deadline) {
      task->changed.wait(lock);
      continue;
    }
    // At most a year of real time per wait (the loop waits again).
    const double real_ms = std::min(static_cast<double>(deadline->count()) * scale, 3.15e10);
    const auto real_deadline = real_start + std::chrono::duration_cast<Clock::duration>(
                                                std::chrono::duration<double, std::milli>(real_ms));
    if (task->changed.wait_until(lock, real_deadline) == std::cv_status::timeout &&
        task->answer == HeldTask::Answer::kNone && Clock::now() >= real_deadline &&
        real_ms < 3.15e10) {
      timed_out = true;
      break;
    }
  }
  const HeldTask::Answer answer = task->answer;
  sim::Millis latency = to_virtual(Clock::now());
  if (deadline) latency = std::min(latency, *deadline);
  std::vector<sim::Millis> beats;
  for (const Clock::time_point t : task->heartbeats)
    beats.push_back(std::min(to_virtual(t), latency));
  Json output = std::move(task->output);
  std::string error = std::move(task->error);
  std::string cause = std::move(task->cause);
  lock.unlock();

  {
    std::lock_guard tasks_lock(state_.tasks_mutex);
    state_.held_tasks.erase(token);
    state_.answered_tokens.insert(token);
    if (activity) {
      auto& queue = state_.activity_queues[task->activity_arn];
      queue.erase(std::remove(queue.begin(), queue.end(), token), queue.end());
    }
  }
  {
    std::lock_guard record_lock(record_->mutex);
    record_->held = nullptr;
  }

  sim::TaskOutcome outcome;
  if (timed_out) {
    // One millisecond past the deadline: the simulator sees the lapse and
    // records the timeout at the deadline itself.
    outcome = sim::TaskOutcome::Succeed(Json(), *deadline + sim::Millis{1});
  } else if (answer == HeldTask::Answer::kSuccess) {
    outcome = sim::TaskOutcome::Succeed(std::move(output), latency);
  } else if (answer == HeldTask::Answer::kFailure) {
    outcome = sim::TaskOutcome::Fail(std::move(error), std::move(cause), latency);
  } else {
    outcome = sim::TaskOutcome::Fail("States.Runtime", "the execution was stopped");
    beats.clear();
  }
  outcome.heartbeats = std::move(beats);
  return outcome;
}

Json SendTaskSuccess(ServiceState& s, const Json& request) {
  const std::string token = CheckedToken(request);
  const std::string text = RequiredString(request, "output");
  if (text.size() > 262144) {
    throw ApiError{"InvalidOutput", "Invalid Output: the output is " + std::to_string(text.size()) +
                                        " bytes; the limit is 262144"};
  }
  Json output;
  if (!ParseJsonLimited(text, &output)) {
    throw ApiError{"InvalidOutput",
                   "Invalid Output: '" + text.substr(0, 200) + "' is not JSON text"};
  }
  Answer(s, token, HeldTask::Answer::kSuccess, std::move(output), "", "");
  return Json::object();
}

Json SendTaskFailure(ServiceState& s, const Json& request) {
  const std::string token = CheckedToken(request);
  std::string error = OptionalString(request, "error").value_or("");
  std::string cause = OptionalString(request, "cause").value_or("");
  CheckErrorCause(error, cause);
  Answer(s, token, HeldTask::Answer::kFailure, Json(), std::move(error), std::move(cause));
  return Json::object();
}

Json SendTaskHeartbeat(ServiceState& s, const Json& request) {
  const std::string token = CheckedToken(request);
  const std::shared_ptr<HeldTask> task = FindHeld(s, token);
  std::lock_guard lock(task->mutex);
  if (task->answer != HeldTask::Answer::kNone) {
    throw ApiError{"TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'"};
  }
  task->heartbeats.push_back(Clock::now());
  task->changed.notify_all();
  return Json::object();
}

Json CreateActivity(ServiceState& s, const Json& request) {
  const std::string name = RequiredString(request, "name");
  CheckName(name);
  const std::string arn = s.arn_prefix + "activity:" + name;
  std::unique_lock lock(s.mutex);
  auto [it, inserted] = s.activities.try_emplace(arn);
  if (inserted) {
    it->second.arn = arn;
    it->second.name = name;
    it->second.creation_date = s.Now();
  }
  return {{"activityArn", arn}, {"creationDate", EpochSeconds(it->second.creation_date)}};
}

Json DescribeActivity(ServiceState& s, const Json& request) {
  const std::string arn = RequiredString(request, "activityArn");
  std::shared_lock lock(s.mutex);
  const Activity& a = FindActivity(s, arn);
  return {
      {"activityArn", a.arn}, {"name", a.name}, {"creationDate", EpochSeconds(a.creation_date)}};
}

Json ListActivities(ServiceState& s, const Json& request) {
  const std::size_t size = PageSize(request, 100);
  const std::size_t start = PageStart(request, "activities");
  std::shared_lock lock(s.mutex);
  Json list = Json::array();
  std::size_t index = 0;
  for (const auto& [arn, a] : s.activities) {
    if (index++ < start) continue;
    if (list.size() == size) break;
    list.push_back({{"activityArn", a.arn},
                    {"name", a.name},
                    {"creationDate", EpochSeconds(a.creation_date)}});
  }
  Json out = {{"activities", std::move(list)}};
  if (start + size < s.activities.size()) out["nextToken"] = PageToken(start + size, "activities");
  return out;
}

Json DeleteActivity(ServiceState& s, const Json& request) {
  const std::string arn = RequiredString(request, "activityArn");
  if (arn.rfind("arn:", 0) != 0 || arn.find(":activity:") == std::string::npos) {
    throw ApiError{"InvalidArn", "Invalid Arn: '" + arn + "'"};
  }
  std::unique_lock lock(s.mutex);
  s.activities.erase(arn);
  return Json::object();
}

Json GetActivityTask(ServiceState& s, const Json& request) {
  const std::string arn = RequiredString(request, "activityArn");
  {
    std::shared_lock lock(s.mutex);
    (void)FindActivity(s, arn);
  }
  const auto until = Clock::now() + kActivityPoll;
  std::unique_lock lock(s.tasks_mutex);
  while (true) {
    auto& queue = s.activity_queues[arn];
    if (!queue.empty()) {
      const std::string token = queue.front();
      queue.pop_front();
      const auto it = s.held_tasks.find(token);
      if (it == s.held_tasks.end()) continue;
      return {{"taskToken", token}, {"input", it->second->input_text}};
    }
    {
      std::lock_guard running_lock(s.running_mutex);
      if (s.shutting_down) return Json::object();
    }
    if (s.activity_ready.wait_until(lock, until) == std::cv_status::timeout) return Json::object();
  }
}

}  // namespace stepsim::cli::serve::internal
