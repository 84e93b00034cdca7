// StartExecution, StartSyncExecution, DescribeExecution, ListExecutions,
// StopExecution, GetExecutionHistory and DescribeStateMachineForExecution.

#include <stepsim/jsonpath/json_text.h>
#include <stepsim/report/coverage.h>
#include <stepsim/sim/execution.h>
#include <stepsim/sim/options.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "serve/service_internal.h"

namespace stepsim::cli::serve::internal {
namespace {

constexpr std::size_t kMaxInputBytes = 262144;  // AWS's payload quota (256 KB)

// Appends every event of the run to the record as it happens, so that
// GetExecutionHistory of a held execution shows where it holds.
class RecordListener : public sim::ExecutionListener {
 public:
  explicit RecordListener(ExecutionRecord& record) : record_(record) {}
  void OnEvent(const sim::HistoryEvent& event) override {
    std::lock_guard lock(record_.mutex);
    if (!record_.stopped) record_.events.push_back(event);
  }

 private:
  ExecutionRecord& record_;
};

// Buffers a run's events and transitions; replayed into the definition's
// collector under its lock when the run ends, so that concurrent executions
// are each attributed to their own test.
class CoverageBuffer : public sim::ExecutionListener {
 public:
  void OnEvent(const sim::HistoryEvent& event) override {
    items_.push_back(Item{event, {}, std::nullopt, false, false});
  }
  void OnTransition(const sim::Transition& t) override {
    Item item{{}, t, std::nullopt, true, false};
    if (t.error != nullptr) item.error = *t.error;
    items_.push_back(std::move(item));
  }
  void OnChildExecutionEvent(const sim::HistoryEvent& event) override {
    items_.push_back(Item{event, {}, std::nullopt, false, true});
  }

  void ReplayInto(CoverageSink& sink, const std::string& test) {
    std::lock_guard lock(sink.mutex);
    sink.collector.BeginTest(test);
    for (Item& item : items_) {
      if (item.transition) {
        item.t.error = item.error ? &*item.error : nullptr;
        sink.collector.OnTransition(item.t);
      } else if (item.child) {
        sink.collector.OnChildExecutionEvent(item.event);
      } else {
        sink.collector.OnEvent(item.event);
      }
    }
    sink.collector.BeginTest("");
  }

 private:
  struct Item {
    sim::HistoryEvent event;
    sim::Transition t;
    std::optional<AslError> error;
    bool transition;
    bool child;
  };
  std::vector<Item> items_;
};

std::uint64_t SeedOf(const std::string& execution_arn) {
  // The seed (task tokens, jitter) follows from the execution's ARN: the same
  // execution gives the same history whatever else runs.
  const std::string digest = report::Sha256Digest(execution_arn);
  return std::stoull(digest.substr(digest.find(':') + 1, 15), nullptr, 16);
}

std::string GeneratedName(ServiceState& s) {
  // A UUID-shaped name from a counter: unique within this server.
  const std::uint64_t n = ++s.name_counter;
  const std::uint64_t t = static_cast<std::uint64_t>(s.Now().time_since_epoch().count());
  std::array<char, 40> text{};
  std::snprintf(text.data(), text.size(), "%08llx-%04llx-4%03llx-8%03llx-%012llx",
                static_cast<unsigned long long>(t & 0xffffffffULL),
                static_cast<unsigned long long>((t >> 32) & 0xffff),
                static_cast<unsigned long long>((n >> 48) & 0xfff),
                static_cast<unsigned long long>((n >> 36) & 0xfff),
                static_cast<unsigned long long>(n & 0xffffffffffffULL));
  return text.data();
}

std::shared_ptr<sim::MockTaskHandler> MockHandler(ServiceState& s, const std::string& machine_name,
                                                  const std::string& test_case) {
  if (!s.options.mocks) {
    ThrowValidation("'#" + test_case +
                    "' selects a MockConfigFile test case, but stepsim serve was started "
                    "without --mock-config or SFN_MOCK_CONFIG");
  }
  const std::string key = machine_name + "#" + test_case;
  std::lock_guard lock(s.tasks_mutex);
  auto& handler = s.mock_handlers[key];
  if (!handler) {
    try {
      handler = std::make_shared<sim::MockTaskHandler>(s.options.mocks, machine_name, test_case);
    } catch (const asl::DefinitionError& e) {
      s.mock_handlers.erase(key);
      std::string message;
      for (const asl::Diagnostic& d : e.diagnostics()) {
        if (!message.empty()) message += "; ";
        message += asl::FormatDiagnostic(d);
      }
      throw ApiError{"ValidationException", message};
    }
  }
  return handler;
}

void Finish(ServiceState& s, ExecutionRecord& record, const sim::Execution& result) {
  std::lock_guard lock(record.mutex);
  record.keep_alive = result.keep_alive;
  if (record.stopped) return;
  switch (result.status) {
    case sim::ExecutionStatus::kSucceeded:
      record.status = Status::kSucceeded;
      break;
    case sim::ExecutionStatus::kFailed:
      record.status = Status::kFailed;
      break;
    case sim::ExecutionStatus::kTimedOut:
      record.status = Status::kTimedOut;
      break;
    case sim::ExecutionStatus::kAborted:
      record.status = Status::kAborted;
      break;
  }
  record.stop = result.end_time;
  if (result.output) record.output = jsonpath::ToAwsJson(*result.output);
  record.error = result.error;
  record.cause = result.cause;
  (void)s;
}

// Runs the execution to its end on the calling thread.
void Run(ServiceState& s, const std::shared_ptr<ExecutionRecord>& record, const Json& input,
         sim::MockTaskHandler* mock, bool keep_history) {
  sim::Options o;
  o.seed = SeedOf(record->arn);
  o.execution_id = record->arn;
  o.execution_name = record->name;
  o.start_time = record->start;
  o.state_machine_id = record->machine_arn;
  o.state_machine_name = record->machine_name;
  o.type = record->machine_type == "EXPRESS" ? sim::StateMachineType::kExpress
                                             : sim::StateMachineType::kStandard;
  o.region = s.options.region;
  o.account = s.options.account;
  o.record_history = false;
  if (mock != nullptr) o.task_handlers.push_back(mock);
  RecordListener recorder(*record);
  if (keep_history) o.listeners.push_back(&recorder);
  std::optional<HoldingTaskHandler> holding;
  if (record->version->may_hold) {
    holding.emplace(s, record);
    o.task_handlers.push_back(&*holding);
    o.listeners.push_back(&*holding);
  }
  std::optional<CoverageBuffer> coverage;
  if (record->version->coverage) {
    coverage.emplace();
    o.listeners.push_back(&*coverage);
  }
  o.role_arn = record->role_arn;
  sim::Execution result;
  try {
    record->version->interpreter->Run(input, o, &result);
  } catch (const std::exception& e) {
    // Never expected; the execution fails rather than the server.
    result = sim::Execution();
    result.status = sim::ExecutionStatus::kFailed;
    result.error = "States.Runtime";
    result.cause = std::string("stepsim could not run the execution: ") + e.what();
    result.start_time = result.end_time = record->start;
  }
  Finish(s, *record, result);
  if (coverage) {
    coverage->ReplayInto(*record->version->coverage,
                         record->test_case.empty() ? record->name : record->test_case);
  }
}

}  // namespace
}  // namespace stepsim::cli::serve::internal

namespace stepsim::cli::serve::internal {
namespace {

std::shared_ptr<ExecutionRecord> FindExecution(ServiceState& s, const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0 || arn.find(":states:") == std::string::npos ||
      (arn.find(":execution:") == std::string::npos &&
       arn.find(":express:") == std::string::npos)) {
    throw ApiError{"InvalidArn", "Invalid Arn: '" + arn + "'"};
  }
  std::shared_lock lock(s.mutex);
  const auto it = s.executions.find(arn);
  if (it == s.executions.end()) {
    throw ApiError{"ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'"};
  }
  return it->second;
}

// The virtual time of a running execution now: where its clock stands, plus
// the real time a held task has been holding, divided by the time scale.
sim::VirtualTime VirtualNow(const ServiceState& s, const ExecutionRecord& record) {
  if (record.held) {
    const auto real = std::chrono::steady_clock::now() - record.held_since_real;
    const double ms =
        std::chrono::duration<double, std::milli>(real).count() / s.options.time_scale;
    return record.held_since_virtual + sim::Millis(static_cast<std::int64_t>(ms));
  }
  return record.events.empty() ? record.start : record.events.back().timestamp;
}

Json SyncResponse(const ExecutionRecord& r) {
  Json out = {{"executionArn", r.arn},
              {"stateMachineArn", r.machine_arn},
              {"name", r.name},
              {"startDate", EpochSeconds(r.start)},
              {"stopDate", EpochSeconds(r.stop.value_or(r.start))},
              {"status", ToString(r.status)},
              {"input", r.input_text},
              {"inputDetails", {{"included", true}}}};
  if (r.output) {
    out["output"] = *r.output;
    out["outputDetails"] = {{"included", true}};
  }
  if (r.error) out["error"] = *r.error;
  if (r.cause) out["cause"] = *r.cause;
  const std::int64_t billed = (r.stop.value_or(r.start) - r.start).count();
  out["billingDetails"] = {{"billedMemoryUsedInMB", 64},
                           {"billedDurationInMilliseconds", std::max<std::int64_t>(100, billed)}};
  return out;
}

// Renders one history event as GetExecutionHistory returns it.
Json EventJson(const sim::HistoryEvent& event, HistoryDialect dialect, bool include_data) {
  Json j = sim::ToAwsJson(event);
  j["timestamp"] = EpochSeconds(event.timestamp);
  for (auto& [key, details] : j.items()) {
    if (!details.is_object() || !key.ends_with("EventDetails")) continue;
    if (dialect == HistoryDialect::kSfnLocal) {
      // Step Functions Local names an AWS SDK integration by the SDK alone,
      // puts the service into the resource ("comprehend:detectSentiment"),
      // and leaves both out of TaskFailed (AWS's sample histories).
      const auto type = details.find("resourceType");
      if (type != details.end() && type->is_string()) {
        const std::string t = type->get<std::string>();
        if (t.rfind("aws-sdk:", 0) == 0 && event.type == sim::EventType::kTaskFailed) {
          details.erase("resourceType");
          details.erase("resource");
        } else if (t.rfind("aws-sdk:", 0) == 0) {
          details["resource"] = t.substr(8) + ":" + details.value("resource", std::string());
          details["resourceType"] = "aws-sdk";
        }
      }
    }
    if (!include_data) {
      for (const char* field : {"input", "output", "parameters", "assignedVariables"}) {
        details.erase(field);
      }
    }
  }
  return j;
}

// Forgets the oldest ended executions past max_stored_executions (caller
// holds s.mutex).
void Evict(ServiceState& s) {
  while (s.stored.size() > s.options.max_stored_executions) {
    const std::shared_ptr<ExecutionRecord> oldest = s.stored.front();
    {
      std::lock_guard lock(oldest->mutex);
      if (oldest->status == Status::kRunning) return;
    }
    s.stored.pop_front();
    s.executions.erase(oldest->arn);
    auto& list = s.by_machine[oldest->machine_arn];
    if (!list.empty() && list.front() == oldest) list.pop_front();
  }
}

}  // namespace

void AbortExecution(ExecutionRecord& record, sim::VirtualTime at, const std::string& error,
                    const std::string& cause) {
  // Caller holds record.mutex.
  sim::HistoryEvent event;
  event.id = static_cast<std::int64_t>(record.events.size()) + 1;
  event.previous_event_id = record.events.empty() ? 0 : record.events.back().id;
  event.timestamp = at;
  event.type = sim::EventType::kExecutionAborted;
  if (!error.empty()) event.error = error;
  if (!cause.empty()) event.cause = cause;
  record.events.push_back(std::move(event));
  record.stopped = true;
  record.status = Status::kAborted;
  record.stop = at;
  if (!error.empty()) record.error = error;
  if (!cause.empty()) record.cause = cause;
}

Json StartExecution(ServiceState& s, const Json& request, bool sync) {
  std::string machine_arn = RequiredString(request, "stateMachineArn");
  std::string test_case;
  if (const auto hash = machine_arn.find('#'); hash != std::string::npos) {
    test_case = machine_arn.substr(hash + 1);
    machine_arn.resize(hash);
    if (test_case.empty()) {
      throw ApiError{"InvalidArn", "Invalid Arn: '" + machine_arn + "#' names no test case"};
    }
  }
  if (machine_arn.rfind("arn:", 0) != 0 ||
      machine_arn.find(":stateMachine:") == std::string::npos) {
    throw ApiError{"InvalidArn", "Invalid Arn: '" + machine_arn + "'"};
  }
  const std::optional<std::string> given_name = OptionalString(request, "name");
  if (given_name) CheckName(*given_name);
  const std::string input_text = OptionalString(request, "input").value_or("{}");
  if (input_text.size() > kMaxInputBytes) {
    throw ApiError{"InvalidExecutionInput", "Invalid State Machine Execution Input: the input is " +
                                                std::to_string(input_text.size()) +
                                                " bytes; the limit is 262144"};
  }
  Json input;
  if (!ParseJsonLimited(input_text, &input)) {
    throw ApiError{"InvalidExecutionInput", "Invalid State Machine Execution Input: '" +
                                                input_text.substr(0, 200) + "' is not JSON text"};
  }

  auto record = std::make_shared<ExecutionRecord>();
  {
    std::shared_lock lock(s.mutex);
    const auto it = s.machines.find(machine_arn);
    if (it == s.machines.end()) {
      throw ApiError{"StateMachineDoesNotExist",
                     "State Machine Does Not Exist: '" + machine_arn + "'"};
    }
    const StateMachine& m = it->second;
    record->machine_arn = m.arn;
    record->machine_name = m.name;
    record->machine_type = m.type;
    record->role_arn = m.role_arn;
    record->version = m.version;
  }
  if (sync && record->machine_type != "EXPRESS") {
    throw ApiError{"StateMachineTypeNotSupported",
                   "This operation is not supported by this type of state machine"};
  }
  std::shared_ptr<sim::MockTaskHandler> mock;
  if (!test_case.empty()) mock = MockHandler(s, record->machine_name, test_case);
  record->name = given_name ? *given_name : GeneratedName(s);
  record->test_case = test_case;
  record->input_text = input_text;
  record->start = s.Now();
  record->arn = s.arn_prefix + (record->machine_type == "EXPRESS" ? "express:" : "execution:") +
                record->machine_name + ":" + record->name;

  if (sync) {
    Run(s, record, input, mock.get(), false);
    std::lock_guard lock(record->mutex);
    return SyncResponse(*record);
  }

  const bool threaded = record->version->may_hold;
  {
    std::unique_lock lock(s.mutex);
    const auto it = s.executions.find(record->arn);
    if (it != s.executions.end()) {
      const ExecutionRecord& old = *it->second;
      std::lock_guard old_lock(old.mutex);
      if (old.status == Status::kRunning && old.input_text == input_text) {
        return {{"executionArn", old.arn}, {"startDate", EpochSeconds(old.start)}};
      }
      throw ApiError{"ExecutionAlreadyExists", "Execution Already Exists: '" + record->arn + "'"};
    }
    if (threaded) {
      std::lock_guard running_lock(s.running_mutex);
      if (s.shutting_down) {
        throw ApiError{"ServiceUnavailable", "stepsim serve is shutting down", 503};
      }
      if (s.running >= s.options.max_running_executions) {
        throw ApiError{
            "ExecutionLimitExceeded",
            "Execution Limit Exceeded: " + std::to_string(s.running) + " executions are running"};
      }
      ++s.running;
    }
    record->sequence = s.next_sequence++;
    s.executions.emplace(record->arn, record);
    s.by_machine[record->machine_arn].push_back(record);
    s.stored.push_back(record);
    Evict(s);
  }
  Json response = {{"executionArn", record->arn}, {"startDate", EpochSeconds(record->start)}};
  if (!threaded) {
    Run(s, record, input, mock.get(), true);
    return response;
  }
  try {
    std::thread([&s, record, input, mock] {
      Run(s, record, input, mock.get(), true);
      std::lock_guard lock(s.running_mutex);
      --s.running;
      s.running_changed.notify_all();
    }).detach();
  } catch (const std::system_error& e) {
    {
      std::lock_guard lock(record->mutex);
      AbortExecution(*record, record->start, "States.Runtime",
                     std::string("stepsim serve could not start a thread: ") + e.what());
    }
    std::lock_guard lock(s.running_mutex);
    --s.running;
    s.running_changed.notify_all();
  }
  return response;
}

Json DescribeExecution(ServiceState& s, const Json& request) {
  const auto record = FindExecution(s, RequiredString(request, "executionArn"));
  std::lock_guard lock(record->mutex);
  const ExecutionRecord& r = *record;
  Json out = {{"executionArn", r.arn},
              {"stateMachineArn", r.machine_arn},
              {"name", r.name},
              {"status", ToString(r.status)},
              {"startDate", EpochSeconds(r.start)},
              {"input", r.input_text},
              {"inputDetails", {{"included", true}}}};
  if (r.stop) out["stopDate"] = EpochSeconds(*r.stop);
  if (r.output) {
    out["output"] = *r.output;
    out["outputDetails"] = {{"included", true}};
  }
  if (r.error) out["error"] = *r.error;
  if (r.cause) out["cause"] = *r.cause;
  return out;
}

Json DescribeStateMachineForExecution(ServiceState& s, const Json& request) {
  const auto record = FindExecution(s, RequiredString(request, "executionArn"));
  Json out = {{"stateMachineArn", record->machine_arn},
              {"name", record->machine_name},
              {"definition", record->version->definition_text},
              {"roleArn", record->role_arn},
              {"updateDate", EpochSeconds(record->start)}};
  std::shared_lock lock(s.mutex);
  if (const auto it = s.machines.find(record->machine_arn); it != s.machines.end()) {
    out["loggingConfiguration"] = it->second.logging_configuration;
    out["tracingConfiguration"] = it->second.tracing_configuration;
    const StateMachine& m = it->second;
    out["updateDate"] = EpochSeconds(m.update_date.value_or(m.creation_date));
  }
  return out;
}

Json ListExecutions(ServiceState& s, const Json& request) {
  if (request.contains("mapRunArn")) {
    throw ApiError{"ValidationException", "stepsim serve does not list the executions of map runs"};
  }
  const std::string machine_arn = RequiredString(request, "stateMachineArn");
  const std::optional<std::string> filter = OptionalString(request, "statusFilter");
  if (filter && *filter != "RUNNING" && *filter != "SUCCEEDED" && *filter != "FAILED" &&
      *filter != "TIMED_OUT" && *filter != "ABORTED" && *filter != "PENDING_REDRIVE") {
    ThrowValidation("Value '" + *filter +
                    "' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum "
                    "value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]");
  }
  const std::size_t size = PageSize(request, 100);
  const std::size_t start = PageStart(request, "executions");
  std::vector<std::shared_ptr<ExecutionRecord>> records;
  {
    std::shared_lock lock(s.mutex);
    if (machine_arn.rfind("arn:", 0) != 0 ||
        machine_arn.find(":stateMachine:") == std::string::npos) {
      throw ApiError{"InvalidArn", "Invalid Arn: '" + machine_arn + "'"};
    }
    if (s.machines.count(machine_arn) == 0) {
      throw ApiError{"StateMachineDoesNotExist",
                     "State Machine Does Not Exist: '" + machine_arn + "'"};
    }
    if (const auto it = s.by_machine.find(machine_arn); it != s.by_machine.end()) {
      records.assign(it->second.rbegin(), it->second.rend());  // newest first
    }
  }
  Json list = Json::array();
  std::size_t matched = 0;
  bool more = false;
  for (const auto& record : records) {
    std::lock_guard lock(record->mutex);
    if (filter && ToString(record->status) != *filter) continue;
    if (matched++ < start) continue;
    if (list.size() == size) {
      more = true;
      break;
    }
    Json item = {{"executionArn", record->arn},
                 {"stateMachineArn", record->machine_arn},
                 {"name", record->name},
                 {"status", ToString(record->status)},
                 {"startDate", EpochSeconds(record->start)}};
    if (record->stop) item["stopDate"] = EpochSeconds(*record->stop);
    list.push_back(std::move(item));
  }
  Json out = {{"executions", std::move(list)}};
  if (more) out["nextToken"] = PageToken(start + size, "executions");
  return out;
}

Json StopExecution(ServiceState& s, const Json& request) {
  const auto record = FindExecution(s, RequiredString(request, "executionArn"));
  const std::string error = OptionalString(request, "error").value_or("");
  const std::string cause = OptionalString(request, "cause").value_or("");
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
  std::shared_ptr<HeldTask> held;
  sim::VirtualTime at;
  {
    std::lock_guard lock(record->mutex);
    if (record->status != Status::kRunning) {
      return {{"stopDate", EpochSeconds(record->stop.value_or(record->start))}};
    }
    at = VirtualNow(s, *record);
    AbortExecution(*record, at, error, cause);
    held = record->held;
  }
  if (held) {
    std::lock_guard lock(held->mutex);
    if (held->answer == HeldTask::Answer::kNone) held->answer = HeldTask::Answer::kAbandoned;
    held->changed.notify_all();
  }
  return {{"stopDate", EpochSeconds(at)}};
}

Json GetExecutionHistory(ServiceState& s, const Json& request) {
  const auto record = FindExecution(s, RequiredString(request, "executionArn"));
  const std::size_t size = PageSize(request, 100);
  const bool reverse = OptionalBool(request, "reverseOrder").value_or(false);
  const bool include_data = OptionalBool(request, "includeExecutionData").value_or(true);
  const std::string scope = reverse ? "history-reverse" : "history";
  const std::size_t start = PageStart(request, scope);
  Json events = Json::array();
  std::lock_guard lock(record->mutex);
  const std::size_t total = record->events.size();
  for (std::size_t i = start; i < total && events.size() < size; ++i) {
    const sim::HistoryEvent& event = record->events[reverse ? total - 1 - i : i];
    events.push_back(EventJson(event, s.options.dialect, include_data));
  }
  Json out = {{"events", std::move(events)}};
  if (start + size < total) out["nextToken"] = PageToken(start + size, scope);
  return out;
}

}  // namespace stepsim::cli::serve::internal
