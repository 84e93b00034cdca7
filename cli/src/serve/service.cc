#include "serve/service.h"

#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>
#include <stepsim/sim/mock_config.h>

#include <algorithm>
#include <array>
#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "serve/service_internal.h"

namespace stepsim::cli::serve {

Response ErrorResponse(std::string_view type, std::string message, int status) {
  Response r;
  r.status = status;
  r.body = {{"__type", std::string(type)}, {"message", std::move(message)}};
  return r;
}

namespace internal {

std::string_view ToString(Status status) {
  switch (status) {
    case Status::kRunning:
      return "RUNNING";
    case Status::kSucceeded:
      return "SUCCEEDED";
    case Status::kFailed:
      return "FAILED";
    case Status::kTimedOut:
      return "TIMED_OUT";
    case Status::kAborted:
      return "ABORTED";
  }
  return "RUNNING";
}

void ThrowValidation(const std::string& message) {
  throw ApiError{"ValidationException", "1 validation error detected: " + message};
}

std::optional<std::string> OptionalString(const Json& request, const char* key) {
  const auto it = request.find(key);
  if (it == request.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    throw ApiError{"SerializationException",
                   std::string("member '") + key + "' must be a string, got " + it->type_name()};
  }
  return it->get<std::string>();
}

std::string RequiredString(const Json& request, const char* key) {
  std::optional<std::string> value = OptionalString(request, key);
  if (!value) {
    ThrowValidation(std::string("Value null at '") + key +
                    "' failed to satisfy constraint: Member must not be null");
  }
  return *value;
}

std::optional<bool> OptionalBool(const Json& request, const char* key) {
  const auto it = request.find(key);
  if (it == request.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) {
    throw ApiError{"SerializationException",
                   std::string("member '") + key + "' must be a boolean, got " + it->type_name()};
  }
  return it->get<bool>();
}

std::optional<std::int64_t> OptionalInt(const Json& request, const char* key) {
  const auto it = request.find(key);
  if (it == request.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) {
    throw ApiError{"SerializationException",
                   std::string("member '") + key + "' must be an integer, got " + it->type_name()};
  }
  return it->get<std::int64_t>();
}

Json EpochSeconds(sim::VirtualTime t) {
  return static_cast<double>(t.time_since_epoch().count()) / 1000.0;
}

bool ParseJsonLimited(std::string_view text, Json* out) {
  // Deeper documents are refused before parsing: rendering and evaluating
  // them recurses once per level.
  constexpr int kMaxDepth = 512;
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  *out = Json::parse(text, nullptr, false);
  return !out->is_discarded();
}

std::size_t PageSize(const Json& request, std::size_t fallback) {
  const std::optional<std::int64_t> max = OptionalInt(request, "maxResults");
  if (!max || *max == 0) return fallback;
  if (*max < 0 || *max > 1000) {
    ThrowValidation("Value '" + std::to_string(*max) +
                    "' at 'maxResults' failed to satisfy constraint: Member must have value "
                    "less than or equal to 1000 and greater than or equal to 0");
  }
  return static_cast<std::size_t>(*max);
}

std::string PageToken(std::size_t offset, std::string_view scope) {
  return "stepsim:" + std::string(scope) + ":" + std::to_string(offset);
}

std::size_t PageStart(const Json& request, std::string_view scope) {
  const std::optional<std::string> token = OptionalString(request, "nextToken");
  if (!token) return 0;
  const std::string prefix = "stepsim:" + std::string(scope) + ":";
  std::size_t offset = 0;
  if (token->rfind(prefix, 0) != 0 || token->size() == prefix.size() ||
      token->size() > prefix.size() + 18 ||
      !std::all_of(token->begin() + static_cast<std::ptrdiff_t>(prefix.size()), token->end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    throw ApiError{"InvalidToken", "Invalid pagination token: " + *token};
  }
  offset = std::stoull(token->substr(prefix.size()));
  return offset;
}

void CheckName(const std::string& name) {
  // AWS: 1-80 characters; no whitespace, brackets, wildcards, special or
  // control characters.
  static constexpr std::string_view kForbidden = " <>{}[]?*\"#%\\^|~`$&,;:/";
  bool ok = !name.empty() && name.size() <= 80;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || kForbidden.find(c) != std::string_view::npos) ok = false;
  }
  if (!ok) throw ApiError{"InvalidName", "Invalid Name: '" + name + "'"};
}

namespace {

using Operation = Json (*)(ServiceState&, const Json&);

void CheckArn(const std::string& arn, std::string_view kind) {
  const std::string marker = ":" + std::string(kind) + ":";
  if (arn.rfind("arn:", 0) != 0 || arn.find(":states:") == std::string::npos ||
      arn.find(marker) == std::string::npos) {
    throw ApiError{"InvalidArn", "Invalid Arn: '" + arn + "'"};
  }
}

void CheckRoleArn(const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0 || arn.find(":iam:") == std::string::npos) {
    throw ApiError{"InvalidArn", "Invalid Arn: '" + arn + "'"};
  }
}

StateMachine& FindMachine(ServiceState& s, const std::string& arn) {
  CheckArn(arn, "stateMachine");
  const auto it = s.machines.find(arn);
  if (it == s.machines.end()) {
    throw ApiError{"StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'"};
  }
  return it->second;
}

std::string DiagnosticsText(const std::vector<asl::Diagnostic>& diagnostics) {
  std::string text;
  for (const asl::Diagnostic& d : diagnostics) {
    if (d.severity != asl::Severity::kError) continue;
    if (!text.empty()) text += "; ";
    text += d.code + ": " + d.message + " at " + (d.pointer.empty() ? "/" : d.pointer);
  }
  return text;
}

bool MayHold(const asl::Definition& definition) {
  for (const asl::State* state : definition.AllStates()) {
    if (state->type != asl::StateType::kTask) continue;
    if (state->resource.ends_with(".waitForTaskToken") || sim::IsActivityResource(state->resource))
      return true;
  }
  return false;
}

std::shared_ptr<const MachineVersion> Prepare(ServiceState& s, const std::string& name,
                                              const std::string& text) {
  auto version = std::make_shared<MachineVersion>();
  version->definition_text = text;
  try {
    version->definition = asl::Load(text);
  } catch (const asl::DefinitionError& e) {
    throw ApiError{"InvalidDefinition",
                   "Invalid State Machine Definition: '" + DiagnosticsText(e.diagnostics()) + "'"};
  }
  version->interpreter = std::make_shared<const sim::Interpreter>(version->definition);
  version->may_hold = MayHold(*version->definition);
  if (s.options.coverage) {
    version->coverage = std::make_shared<CoverageSink>(version->definition, name, text);
  }
  return version;
}

std::string MachineType(const Json& request) {
  std::string type = OptionalString(request, "type").value_or("STANDARD");
  if (type != "STANDARD" && type != "EXPRESS") {
    ThrowValidation("Value '" + type +
                    "' at 'type' failed to satisfy constraint: Member must satisfy enum value "
                    "set: [STANDARD, EXPRESS]");
  }
  return type;
}

std::map<std::string, std::string> ReadTags(const Json& request) {
  std::map<std::string, std::string> tags;
  const auto it = request.find("tags");
  if (it == request.end() || it->is_null()) return tags;
  if (!it->is_array()) throw ApiError{"SerializationException", "member 'tags' must be a list"};
  for (const Json& tag : *it) {
    if (!tag.is_object()) throw ApiError{"SerializationException", "a tag must be an object"};
    tags[RequiredString(tag, "key")] = OptionalString(tag, "value").value_or("");
  }
  return tags;
}

Json CreateStateMachine(ServiceState& s, const Json& request) {
  const std::string name = RequiredString(request, "name");
  const std::string definition = RequiredString(request, "definition");
  const std::string role = RequiredString(request, "roleArn");
  const std::string type = MachineType(request);
  CheckName(name);
  CheckRoleArn(role);
  std::map<std::string, std::string> tags = ReadTags(request);
  const std::string arn = s.arn_prefix + "stateMachine:" + name;
  {
    std::shared_lock lock(s.mutex);
    const auto it = s.machines.find(arn);
    if (it != s.machines.end()) {
      const StateMachine& m = it->second;
      if (m.version->definition_text == definition && m.role_arn == role && m.type == type) {
        return {{"stateMachineArn", arn}, {"creationDate", EpochSeconds(m.creation_date)}};
      }
      throw ApiError{"StateMachineAlreadyExists", "State Machine Already Exists: '" + arn + "'"};
    }
  }
  std::shared_ptr<const MachineVersion> version = Prepare(s, name, definition);
  std::unique_lock lock(s.mutex);
  if (s.machines.count(arn) != 0) {
    throw ApiError{"StateMachineAlreadyExists", "State Machine Already Exists: '" + arn + "'"};
  }
  StateMachine m;
  m.arn = arn;
  m.name = name;
  m.type = type;
  m.role_arn = role;
  m.creation_date = s.Now();
  m.logging_configuration = request.value("loggingConfiguration",
                                          Json{{"level", "OFF"}, {"includeExecutionData", false}});
  m.tracing_configuration = request.value("tracingConfiguration", Json{{"enabled", false}});
  m.version = version;
  m.tags = std::move(tags);
  if (version->coverage) s.coverage_sinks.push_back(version->coverage);
  Json response = {{"stateMachineArn", arn}, {"creationDate", EpochSeconds(m.creation_date)}};
  s.machines.emplace(arn, std::move(m));
  return response;
}

Json DescribeStateMachine(ServiceState& s, const Json& request) {
  const std::string arn = RequiredString(request, "stateMachineArn");
  std::shared_lock lock(s.mutex);
  const StateMachine& m = FindMachine(s, arn);
  Json out = {{"stateMachineArn", m.arn},
              {"name", m.name},
              {"status", "ACTIVE"},
              {"definition", m.version->definition_text},
              {"roleArn", m.role_arn},
              {"type", m.type},
              {"creationDate", EpochSeconds(m.creation_date)},
              {"loggingConfiguration", m.logging_configuration},
              {"tracingConfiguration", m.tracing_configuration}};
  return out;
}

Json ListStateMachines(ServiceState& s, const Json& request) {
  const std::size_t size = PageSize(request, 100);
  const std::size_t start = PageStart(request, "machines");
  std::shared_lock lock(s.mutex);
  Json list = Json::array();
  std::size_t index = 0;
  for (const auto& [arn, m] : s.machines) {
    if (index++ < start) continue;
    if (list.size() == size) break;
    list.push_back({{"stateMachineArn", m.arn},
                    {"name", m.name},
                    {"type", m.type},
                    {"creationDate", EpochSeconds(m.creation_date)}});
  }
  Json out = {{"stateMachines", std::move(list)}};
  if (start + size < s.machines.size()) out["nextToken"] = PageToken(start + size, "machines");
  return out;
}

Json UpdateStateMachine(ServiceState& s, const Json& request) {
  const std::string arn = RequiredString(request, "stateMachineArn");
  const std::optional<std::string> definition = OptionalString(request, "definition");
  const std::optional<std::string> role = OptionalString(request, "roleArn");
  const bool logging = request.contains("loggingConfiguration");
  const bool tracing = request.contains("tracingConfiguration");
  if (!definition && !role && !logging && !tracing) {
    throw ApiError{"MissingRequiredParameter",
                   "Either the definition, the roleArn, the loggingConfiguration or the "
                   "tracingConfiguration must be specified"};
  }
  if (role) CheckRoleArn(*role);
  std::string name;
  {
    std::shared_lock lock(s.mutex);
    name = FindMachine(s, arn).name;
  }
  std::shared_ptr<const MachineVersion> version;
  if (definition) version = Prepare(s, name, *definition);
  std::unique_lock lock(s.mutex);
  StateMachine& m = FindMachine(s, arn);
  if (version) {
    m.version = version;
    if (version->coverage) s.coverage_sinks.push_back(version->coverage);
  }
  if (role) m.role_arn = *role;
  if (logging) m.logging_configuration = request["loggingConfiguration"];
  if (tracing) m.tracing_configuration = request["tracingConfiguration"];
  m.update_date = s.Now();
  return {{"updateDate", EpochSeconds(*m.update_date)}};
}

Json DeleteStateMachine(ServiceState& s, const Json& request) {
  const std::string arn = RequiredString(request, "stateMachineArn");
  CheckArn(arn, "stateMachine");
  std::unique_lock lock(s.mutex);
  s.machines.erase(arn);  // AWS: deleting an unknown machine succeeds
  return Json::object();
}

Json ValidateStateMachineDefinition(ServiceState& s, const Json& request) {
  (void)s;
  const std::string definition = RequiredString(request, "definition");
  (void)MachineType(request);
  const std::size_t max = PageSize(request, 100);
  Json diagnostics = Json::array();
  bool failed = false;
  bool truncated = false;
  for (const asl::Diagnostic& d : asl::Validate(definition)) {
    if (d.severity == asl::Severity::kInfo) continue;
    const bool error = d.severity == asl::Severity::kError;
    failed = failed || error;
    if (diagnostics.size() == max) {
      truncated = true;
      continue;
    }
    diagnostics.push_back({{"severity", error ? "ERROR" : "WARNING"},
                           {"code", d.code},
                           {"message", d.message},
                           {"location", d.pointer.empty() ? "/" : d.pointer}});
  }
  return {{"result", failed ? "FAIL" : "OK"},
          {"diagnostics", std::move(diagnostics)},
          {"truncated", truncated}};
}

std::map<std::string, std::string>& TagsOf(ServiceState& s, const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0) throw ApiError{"InvalidArn", "Invalid Arn: '" + arn + "'"};
  if (auto it = s.machines.find(arn); it != s.machines.end()) return it->second.tags;
  if (auto it = s.activities.find(arn); it != s.activities.end()) return it->second.tags;
  throw ApiError{"ResourceNotFound", "Resource not found: '" + arn + "'"};
}

Json TagResource(ServiceState& s, const Json& request) {
  const std::string arn = RequiredString(request, "resourceArn");
  std::map<std::string, std::string> tags = ReadTags(request);
  std::unique_lock lock(s.mutex);
  auto& target = TagsOf(s, arn);
  for (auto& [k, v] : tags) target[k] = std::move(v);
  return Json::object();
}

Json UntagResource(ServiceState& s, const Json& request) {
  const std::string arn = RequiredString(request, "resourceArn");
  const auto keys = request.find("tagKeys");
  if (keys == request.end() || !keys->is_array()) {
    ThrowValidation(
        "Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
  }
  std::unique_lock lock(s.mutex);
  auto& target = TagsOf(s, arn);
  for (const Json& key : *keys) {
    if (key.is_string()) target.erase(key.get<std::string>());
  }
  return Json::object();
}

Json ListTagsForResource(ServiceState& s, const Json& request) {
  const std::string arn = RequiredString(request, "resourceArn");
  std::shared_lock lock(s.mutex);
  Json tags = Json::array();
  for (const auto& [k, v] : TagsOf(s, arn)) tags.push_back({{"key", k}, {"value", v}});
  return {{"tags", std::move(tags)}};
}

Json TestState(ServiceState& /*s*/, const Json& /*request*/) {
  throw ApiError{"UnsupportedOperation",
                 "TestState is not supported by stepsim serve yet; use 'stepsim run' with "
                 "a one-state definition"};
}

Json StartExecutionOp(ServiceState& s, const Json& request) {
  return StartExecution(s, request, false);
}
Json StartSyncExecutionOp(ServiceState& s, const Json& request) {
  return StartExecution(s, request, true);
}

struct Entry {
  std::string_view name;
  Operation run;
};

constexpr std::array<Entry, 25> kOperations = {{
    {"CreateStateMachine", CreateStateMachine},
    {"DescribeStateMachine", DescribeStateMachine},
    {"ListStateMachines", ListStateMachines},
    {"UpdateStateMachine", UpdateStateMachine},
    {"DeleteStateMachine", DeleteStateMachine},
    {"ValidateStateMachineDefinition", ValidateStateMachineDefinition},
    {"StartExecution", StartExecutionOp},
    {"StartSyncExecution", StartSyncExecutionOp},
    {"DescribeExecution", DescribeExecution},
    {"DescribeStateMachineForExecution", DescribeStateMachineForExecution},
    {"ListExecutions", ListExecutions},
    {"StopExecution", StopExecution},
    {"GetExecutionHistory", GetExecutionHistory},
    {"SendTaskSuccess", SendTaskSuccess},
    {"SendTaskFailure", SendTaskFailure},
    {"SendTaskHeartbeat", SendTaskHeartbeat},
    {"CreateActivity", CreateActivity},
    {"DescribeActivity", DescribeActivity},
    {"ListActivities", ListActivities},
    {"DeleteActivity", DeleteActivity},
    {"GetActivityTask", GetActivityTask},
    {"TagResource", TagResource},
    {"UntagResource", UntagResource},
    {"ListTagsForResource", ListTagsForResource},
    {"TestState", TestState},
}};

}  // namespace
}  // namespace internal

Service::Service(ServiceOptions options) : state_(std::make_shared<internal::ServiceState>()) {
  state_->options = std::move(options);
  state_->arn_prefix =
      "arn:aws:states:" + state_->options.region + ":" + state_->options.account + ":";
}

Service::~Service() { Shutdown(); }

Response Service::Handle(std::string_view operation, std::string_view body) {
  const internal::Operation* run = nullptr;
  for (const internal::Entry& entry : internal::kOperations) {
    if (entry.name == operation) run = &entry.run;
  }
  if (run == nullptr) {
    return ErrorResponse("UnknownOperationException",
                         "unknown operation \"" + std::string(operation) + "\"");
  }
  if (body.size() > kMaxRequestBytes) {
    return ErrorResponse("RequestEntityTooLargeException",
                         "request body is " + std::to_string(body.size()) +
                             " bytes; the limit is " + std::to_string(kMaxRequestBytes),
                         413);
  }
  Json request = Json::object();
  if (!body.empty() && !internal::ParseJsonLimited(body, &request)) {
    return ErrorResponse("SerializationException", "the request body is not valid JSON");
  }
  if (!request.is_object()) {
    return ErrorResponse("SerializationException", "the request body must be a JSON object");
  }
  {
    std::lock_guard lock(state_->running_mutex);
    if (state_->shutting_down) {
      return ErrorResponse("ServiceUnavailable", "stepsim serve is shutting down", 503);
    }
  }
  try {
    Response r;
    r.body = (*run)(*state_, request);
    return r;
  } catch (const internal::ApiError& e) {
    return ErrorResponse(e.type, e.message, e.status);
  } catch (const std::exception& e) {
    return ErrorResponse("InternalFailure", std::string("internal error: ") + e.what(), 500);
  }
}

void Service::Shutdown() {
  {
    std::lock_guard lock(state_->running_mutex);
    state_->shutting_down = true;
  }
  {
    std::lock_guard lock(state_->tasks_mutex);
    for (auto& [token, task] : state_->held_tasks) {
      std::lock_guard task_lock(task->mutex);
      if (task->answer == internal::HeldTask::Answer::kNone) {
        task->answer = internal::HeldTask::Answer::kAbandoned;
      }
      task->changed.notify_all();
    }
    state_->activity_ready.notify_all();
  }
  std::unique_lock lock(state_->running_mutex);
  state_->running_changed.wait(lock, [&] { return state_->running == 0; });
}

report::CoverageData Service::Coverage() const {
  std::vector<std::shared_ptr<internal::CoverageSink>> sinks;
  {
    std::shared_lock lock(state_->mutex);
    sinks = state_->coverage_sinks;
  }
  report::CoverageData data;
  for (const auto& sink : sinks) {
    std::lock_guard lock(sink->mutex);
    report::MergeInto(data, sink->collector.Data());
  }
  return data;
}

}  // namespace stepsim::cli::serve
