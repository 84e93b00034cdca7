#pragma once

// What the Service's operations share: the state machines, the executions,
// the held tasks, and the request helpers (field readers, AWS errors).

#include <stepsim/asl/definition.h>
#include <stepsim/error.h>
#include <stepsim/report/coverage.h>
#include <stepsim/sim/history.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/listener.h>
#include <stepsim/sim/mock_config.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "serve/service.h"

namespace stepsim::cli::serve::internal {

/// An AWS error answer: thrown inside an operation, turned into
/// ErrorResponse by Service::Handle.
struct ApiError {
  std::string type;
  std::string message;
  int status = 400;
};

/// Coverage of one definition version, shared by its executions.
struct CoverageSink {
  std::mutex mutex;
  report::CoverageCollector collector;
  CoverageSink(std::shared_ptr<const asl::Definition> definition, std::string file,
               std::string_view text)
      : collector(std::move(definition), std::move(file), text) {}
};

/// One version of a state machine's definition, prepared once.
struct MachineVersion {
  std::string definition_text;
  std::shared_ptr<const asl::Definition> definition;
  std::shared_ptr<const sim::Interpreter> interpreter;
  /// Has a `.waitForTaskToken` or activity Task: its executions run on their
  /// own thread, since they may hold for an answer from a client.
  bool may_hold = false;
  std::shared_ptr<CoverageSink> coverage;  // null when not collecting
};

struct StateMachine {
  std::string arn;
  std::string name;
  std::string type;  // "STANDARD" / "EXPRESS"
  std::string role_arn;
  sim::VirtualTime creation_date;
  std::optional<sim::VirtualTime> update_date;
  Json logging_configuration;
  Json tracing_configuration;
  std::shared_ptr<const MachineVersion> version;
  std::map<std::string, std::string> tags;
};

/// A task held for SendTaskSuccess/Failure/Heartbeat.
struct HeldTask {
  std::mutex mutex;
  std::condition_variable changed;
  enum class Answer { kNone, kSuccess, kFailure, kAbandoned } answer = Answer::kNone;
  Json output;
  std::string error;
  std::string cause;
  /// Real times of heartbeats received.
  std::vector<std::chrono::steady_clock::time_point> heartbeats;
  std::string execution_arn;
  /// Activity tasks: the activity ARN and the input handed to a worker.
  std::string activity_arn;
  std::string input_text;
  std::string token;
};

struct Activity {
  std::string arn;
  std::string name;
  sim::VirtualTime creation_date;
  std::map<std::string, std::string> tags;
};

enum class Status { kRunning, kSucceeded, kFailed, kTimedOut, kAborted };
std::string_view ToString(Status status);

/// One execution: its identity, its live history and its result.
struct ExecutionRecord {
  std::string arn;
  std::string name;
  std::string machine_arn;
  std::string machine_name;
  std::string machine_type;
  std::string role_arn;
  std::string test_case;  // "" without `#TestCase`
  std::int64_t sequence = 0;
  std::shared_ptr<const MachineVersion> version;
  std::string input_text;
  sim::VirtualTime start;

  mutable std::mutex mutex;
  Status status = Status::kRunning;
  std::optional<sim::VirtualTime> stop;
  std::optional<std::string> output;
  std::optional<std::string> error;
  std::optional<std::string> cause;
  std::vector<sim::HistoryEvent> events;
  /// Set by StopExecution: later events of the run are dropped.
  bool stopped = false;
  /// The held task, while one is held.
  std::shared_ptr<HeldTask> held;
  /// Virtual and real time the held task started holding.
  sim::VirtualTime held_since_virtual;
  std::chrono::steady_clock::time_point held_since_real;
  /// Keeps what the events borrow alive after the run.
  std::shared_ptr<const void> keep_alive;
};

struct ServiceState {
  ServiceOptions options;
  std::string arn_prefix;  // "arn:aws:states:<region>:<account>:"

  mutable std::shared_mutex mutex;  // machines, executions, activities
  std::map<std::string, StateMachine, std::less<>> machines;
  std::map<std::string, std::shared_ptr<ExecutionRecord>, std::less<>> executions;
  std::map<std::string, Activity, std::less<>> activities;
  /// Each state machine ARN's executions, oldest first.
  std::map<std::string, std::deque<std::shared_ptr<ExecutionRecord>>, std::less<>> by_machine;
  /// Every stored execution, oldest first (for evicting the oldest).
  std::deque<std::shared_ptr<ExecutionRecord>> stored;
  std::int64_t next_sequence = 0;
  /// Coverage sinks of every version ever run (versions replaced by
  /// UpdateStateMachine keep theirs).
  std::vector<std::shared_ptr<CoverageSink>> coverage_sinks;

  std::mutex tasks_mutex;  // held_tasks, answered_tokens, activity hand-out
  std::condition_variable activity_ready;
  std::map<std::string, std::shared_ptr<HeldTask>, std::less<>> held_tasks;
  std::set<std::string, std::less<>> answered_tokens;
  /// Tokens of activity tasks not yet handed to a worker, by activity ARN.
  std::map<std::string, std::deque<std::string>, std::less<>> activity_queues;
  /// MockTaskHandlers by "<machine>#<test case>" (they are stateless).
  std::map<std::string, std::shared_ptr<sim::MockTaskHandler>, std::less<>> mock_handlers;

  std::mutex running_mutex;
  std::condition_variable running_changed;
  std::size_t running = 0;  // executions on their own thread
  bool shutting_down = false;
  std::atomic<std::uint64_t> name_counter{0};

  sim::VirtualTime Now() const { return options.now(); }
};

// ---- request helpers (service.cc) ----

/// The member `key` of `request` as a string; nullopt when absent or null;
/// ValidationException when it has another type.
std::optional<std::string> OptionalString(const Json& request, const char* key);
/// Same, ValidationException when absent.
std::string RequiredString(const Json& request, const char* key);
std::optional<bool> OptionalBool(const Json& request, const char* key);
std::optional<std::int64_t> OptionalInt(const Json& request, const char* key);
/// AWS's "1 validation error detected" ValidationException.
[[noreturn]] void ThrowValidation(const std::string& message);
/// Epoch seconds with milliseconds, as the JSON protocol writes timestamps.
Json EpochSeconds(sim::VirtualTime t);
/// Parses `text` as JSON with a nesting limit; false when it is not JSON.
bool ParseJsonLimited(std::string_view text, Json* out);
/// `maxResults` (0 or absent: `fallback`; more than 1000: ValidationException).
std::size_t PageSize(const Json& request, std::size_t fallback);
/// The offset a `nextToken` stands for (InvalidToken when malformed).
std::size_t PageStart(const Json& request, std::string_view scope);
std::string PageToken(std::size_t offset, std::string_view scope);

/// Validates a state machine / execution / activity name (InvalidName).
void CheckName(const std::string& name);

// ---- executions (executions.cc) ----

Json StartExecution(ServiceState& s, const Json& request, bool sync);
Json DescribeExecution(ServiceState& s, const Json& request);
Json DescribeStateMachineForExecution(ServiceState& s, const Json& request);
Json ListExecutions(ServiceState& s, const Json& request);
Json StopExecution(ServiceState& s, const Json& request);
Json GetExecutionHistory(ServiceState& s, const Json& request);

// ---- held tasks and activities (tasks.cc) ----

Json SendTaskSuccess(ServiceState& s, const Json& request);
Json SendTaskFailure(ServiceState& s, const Json& request);
Json SendTaskHeartbeat(ServiceState& s, const Json& request);
Json CreateActivity(ServiceState& s, const Json& request);
Json DescribeActivity(ServiceState& s, const Json& request);
Json ListActivities(ServiceState& s, const Json& request);
Json DeleteActivity(ServiceState& s, const Json& request);
Json GetActivityTask(ServiceState& s, const Json& request);

/// The execution's task handler for held tasks: `.waitForTaskToken` Tasks
/// and activities that no mock answers hold until a client answers, a timer
/// (HeartbeatSeconds, TimeoutSeconds on real time times the time scale)
/// fires, the execution is stopped or the service shuts down.
class HoldingTaskHandler : public sim::TaskHandler, public sim::ExecutionListener {
 public:
  HoldingTaskHandler(ServiceState& state, std::shared_ptr<ExecutionRecord> record)
      : state_(state), record_(std::move(record)) {}
  std::optional<sim::TaskOutcome> Invoke(const sim::TaskInvocation& call) override;
  /// Remembers the timeouts of the task about to be invoked.
  void OnEvent(const sim::HistoryEvent& event) override;

 private:
  ServiceState& state_;
  std::shared_ptr<ExecutionRecord> record_;
  std::optional<std::int64_t> timeout_seconds_;
  std::optional<std::int64_t> heartbeat_seconds_;
};

/// Marks the execution ABORTED with ExecutionAborted at virtual time `at`.
void AbortExecution(ExecutionRecord& record, sim::VirtualTime at, const std::string& error,
                    const std::string& cause);

}  // namespace stepsim::cli::serve::internal
