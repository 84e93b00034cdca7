#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/json_source.h>
#include <stepsim/asl/loader.h>
#include <stepsim/report/coverage.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/execution.h>
#include <stepsim/sim/history.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/listener.h>
#include <stepsim/sim/mock_config.h>
#include <stepsim/sim/options.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iomanip>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli_util.h"
#include "commands.h"

namespace stepsim::cli {
namespace {

using Json = nlohmann::json;

constexpr const char* kRunUsage =
    "usage: stepsim run DEFINITION [options]\n"
    "\n"
    "Runs one execution of DEFINITION on the virtual clock.\n"
    "\n"
    "options:\n"
    "  --input FILE          execution input, any JSON value (default: {})\n"
    "  --input-json TEXT     execution input given inline\n"
    "  --mock-config FILE    Step Functions Local MockConfigFile (default: $SFN_MOCK_CONFIG,\n"
    "                        else ./MockConfigFile.json when --test-case is given)\n"
    "  --test-case NAME      test case of the mock file; NAME may be MACHINE#CASE or\n"
    "                        STATE_MACHINE_ARN#CASE to pick the state machine too\n"
    "  --state-machine NAME  state machine key in the mock file (default: the context's\n"
    "                        StateMachine.Name, else the file's only state machine)\n"
    "  --context FILE        execution identity: {Execution: {Id, Name, StartTime, RoleArn},\n"
    "                        StateMachine: {Id, Name}, StateMachineType, Account, Region};\n"
    "                        unknown keys are ignored\n"
    "  --seed N              seed for jitter, random intrinsics and interleavings (default 0)\n"
    "  --history FILE        also write the AWS-shaped history JSON to FILE\n"
    "  --coverage-out FILE   also write the run's coverage file (reports/COVERAGE.md; the\n"
    "                        test case, if any, is its test name; merge several with\n"
    "                        'stepsim coverage merge')\n"
    "  --trace               print a readable trace of the run on stderr\n"
    "  --format text|json    text: a short summary (default); json: {status, output, error,\n"
    "                        cause, history, ...} on one line\n"
    "\n"
    "Context defaults: account 111111111111, region us-east-1, STANDARD, start time\n"
    "2025-01-01T00:00:00.000Z, execution name \"execution\", role\n"
    "arn:aws:iam::111111111111:role/StepFunctionsRole, state machine name from the\n"
    "mock selection or \"StateMachine\"; ARNs are derived from these.\n"
    "\n"
    "Exit status: 0 when the execution reached a terminal status (FAILED included),\n"
    "2 for bad usage or an input, definition, context or mock file that cannot be loaded.\n";

struct RunArgs {
  std::string definition;
  std::optional<std::string> input_file;
  std::optional<std::string> input_json;
  std::optional<std::string> mock_config;
  std::optional<std::string> test_case;
  std::optional<std::string> state_machine;
  std::optional<std::string> context_file;
  std::optional<std::string> history_file;
  std::optional<std::string> coverage_out;
  std::uint64_t seed = 0;
  bool trace = false;
  bool json = false;
};

bool FileExists(const std::string& path) {
  std::ifstream in(path);
  return static_cast<bool>(in);
}

void Report(std::ostream& err, const std::string& file, const char* code, std::string message,
            asl::TextPosition position = {}, std::string pointer = "") {
  asl::Diagnostic d;
  d.file = file;
  d.code = code;
  d.message = std::move(message);
  d.position = position;
  d.pointer = std::move(pointer);
  err << asl::FormatDiagnostic(d) << '\n';
}

// Parses JSON text into `out`; reports a positioned error and returns false
// on malformed text.
bool ParseJsonText(std::string_view text, const std::string& file, std::ostream& err, Json* out) {
  try {
    asl::ParsedJson parsed = asl::ParseJsonWithPositions(text);
    *out = Json(parsed.value);
    return true;
  } catch (const asl::JsonSyntaxError& e) {
    Report(err, file, "INVALID_JSON", std::string("not valid JSON: ") + e.what(), e.position());
    return false;
  }
}

bool LoadJsonFile(const std::string& path, std::ostream& err, Json* out) {
  std::string text;
  if (!internal::ReadFile(path, &text)) {
    Report(err, path, "FILE_NOT_READABLE", "cannot read the file");
    return false;
  }
  return ParseJsonText(text, path, err, out);
}

// Returns 0 when parsed, 2 after printing a usage error, 1 for --help.
int ParseArgs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              RunArgs* run) {
  std::vector<std::string> positional;
  internal::ArgParser p("stepsim run", kRunUsage, args, out, err);
  while (p.Next()) {
    const std::string& flag = p.flag();
    if (p.Help()) return 1;
    if (flag == "--trace" || flag == "--no-trace") {
      if (!p.NoValue()) return 2;
      run->trace = flag == "--trace";
      continue;
    }
    bool ok = true;
    if (flag == "--input") {
      ok = p.Value(&run->input_file);
    } else if (flag == "--input-json") {
      ok = p.Value(&run->input_json);
    } else if (flag == "--mock-config") {
      ok = p.Value(&run->mock_config);
    } else if (flag == "--test-case") {
      ok = p.Value(&run->test_case);
    } else if (flag == "--state-machine") {
      ok = p.Value(&run->state_machine);
    } else if (flag == "--context") {
      ok = p.Value(&run->context_file);
    } else if (flag == "--history") {
      ok = p.Value(&run->history_file);
    } else if (flag == "--coverage-out") {
      ok = p.Value(&run->coverage_out);
    } else if (flag == "--format") {
      std::string format;
      if (!p.FormatValue("text", "json", &format)) return 2;
      run->json = format == "json";
    } else if (flag == "--seed") {
      std::string seed;
      ok = p.Value(&seed);
      if (ok && !internal::ParseNumber(seed, &run->seed)) {
        err << "stepsim run: --seed needs a non-negative integer, got \"" << seed << "\"\n";
        return 2;
      }
    } else if (p.IsLongOption()) {
      p.UnknownOption(flag);
      return 2;
    } else {
      positional.push_back(flag);
    }
    if (!ok) return 2;
  }
  if (!p.OneDefinition(positional, &run->definition)) return 2;
  if (run->input_file && run->input_json) {
    err << "stepsim run: give either --input or --input-json, not both\n";
    return 2;
  }
  return 0;
}

// Reads a string member of `object` into `target`; false (reported) when it
// is present with another type.
bool ContextString(const Json& object, const char* key, const std::string& pointer,
                   const std::string& file, std::ostream& err, std::optional<std::string>* target) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_string()) {
    Report(err, file, "CONTEXT_INVALID", std::string("must be a string, got ") + it->type_name(),
           {}, pointer + "/" + key);
    return false;
  }
  *target = it->get<std::string>();
  return true;
}

struct ContextFields {
  std::optional<std::string> execution_id, execution_name, start_time, role_arn;
  std::optional<std::string> machine_id, machine_name, machine_type, account, region;
};

bool ParseContext(const Json& context, const std::string& file, std::ostream& err,
                  ContextFields* fields) {
  if (!context.is_object()) {
    Report(err, file, "CONTEXT_INVALID",
           std::string("must be an object, got ") + context.type_name());
    return false;
  }
  bool ok = true;
  auto section = [&](const char* key) -> const Json* {
    const auto it = context.find(key);
    if (it == context.end() || it->is_null()) return nullptr;
    if (!it->is_object()) {
      Report(err, file, "CONTEXT_INVALID", std::string("must be an object, got ") + it->type_name(),
             {}, std::string("/") + key);
      ok = false;
      return nullptr;
    }
    return &*it;
  };
  if (const Json* execution = section("Execution")) {
    ok = ContextString(*execution, "Id", "/Execution", file, err, &fields->execution_id) && ok;
    ok = ContextString(*execution, "Name", "/Execution", file, err, &fields->execution_name) && ok;
    ok = ContextString(*execution, "StartTime", "/Execution", file, err, &fields->start_time) && ok;
    ok = ContextString(*execution, "RoleArn", "/Execution", file, err, &fields->role_arn) && ok;
  }
  if (const Json* machine = section("StateMachine")) {
    ok = ContextString(*machine, "Id", "/StateMachine", file, err, &fields->machine_id) && ok;
    ok = ContextString(*machine, "Name", "/StateMachine", file, err, &fields->machine_name) && ok;
  }
  ok = ContextString(context, "StateMachineType", "", file, err, &fields->machine_type) && ok;
  ok = ContextString(context, "Account", "", file, err, &fields->account) && ok;
  ok = ContextString(context, "Region", "", file, err, &fields->region) && ok;
  return ok;
}

std::string Seconds(sim::Millis ms) {
  const long long total = ms.count();
  std::ostringstream s;
  s << (total < 0 ? "-" : "") << (total < 0 ? -total : total) / 1000 << '.' << std::setw(3)
    << std::setfill('0') << (total < 0 ? -total : total) % 1000 << 's';
  return s.str();
}

std::string Compact(const Json& value, std::size_t limit = 200) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > limit) {
    text.resize(limit);
    text += "...";
  }
  return text;
}

// The --trace listener: one line per state step, task outcome, retry, catch
// and execution end, stamped with the virtual time since the start.
class TraceListener : public sim::ExecutionListener {
 public:
  TraceListener(std::ostream& err, sim::VirtualTime start) : err_(err), start_(start) {}

  void OnEvent(const sim::HistoryEvent& event) override {
    using sim::EventType;
    const std::string_view type = event.type_name();
    switch (event.type) {
      case EventType::kExecutionStarted:
        Line(event.timestamp) << "execution started, input "
                              << (event.input ? Compact(*event.input) : "null") << '\n';
        return;
      case EventType::kExecutionSucceeded:
        Line(event.timestamp) << "execution SUCCEEDED, output "
                              << (event.output ? Compact(*event.output) : "null") << '\n';
        return;
      case EventType::kExecutionFailed:
      case EventType::kExecutionTimedOut:
      case EventType::kExecutionAborted:
        Line(event.timestamp) << type << ErrorText(event) << '\n';
        return;
      default:
        break;
    }
    if (type.ends_with("StateEntered")) {
      Line(event.timestamp) << "enter " << event.name << " (" << type.substr(0, type.size() - 12)
                            << "), input " << (event.input ? Compact(*event.input) : "null")
                            << '\n';
      return;
    }
    if (type.ends_with("StateExited")) {
      Line(event.timestamp) << "exit  " << event.name << ", output "
                            << (event.output ? Compact(*event.output) : "null") << '\n';
      return;
    }
    if (type.ends_with("Scheduled")) {
      Line(event.timestamp) << "  " << type;
      if (!event.resource_type.empty()) {
        err_ << ' ' << event.resource_type << ':' << event.resource;
      }
      if (event.input) err_ << ", parameters " << Compact(*event.input);
      err_ << '\n';
      return;
    }
    if (type.ends_with("Succeeded") &&
        (type.starts_with("Task") || type.starts_with("LambdaFunction") ||
         type.starts_with("Activity"))) {
      Line(event.timestamp) << "  " << type << ", result "
                            << (event.output ? Compact(*event.output) : "null") << '\n';
      return;
    }
    if (event.error || event.cause) {
      Line(event.timestamp) << "  " << type << ErrorText(event) << '\n';
      return;
    }
    if (type == "MapIterationStarted" || type == "ParallelStateStarted" ||
        type == "MapStateStarted") {
      Line(event.timestamp) << "  " << type;
      if (event.index >= 0) err_ << " #" << event.index;
      err_ << '\n';
    }
  }

  void OnTransition(const sim::Transition& t) override {
    using sim::TransitionKind;
    const std::string_view from = t.from ? std::string_view(t.from->name) : "?";
    switch (t.kind) {
      case TransitionKind::kRetry:
        Line(t.time) << "  retry " << from << " (Retry[" << t.index << "])"
                     << (t.error ? " after " + t.error->error : "") << '\n';
        return;
      case TransitionKind::kCatch:
        Line(t.time) << "  caught by " << from << " Catch[" << t.index << "]"
                     << (t.error ? " (" + t.error->error + ")" : "") << " -> "
                     << (t.to ? std::string_view(t.to->name) : "?") << '\n';
        return;
      case TransitionKind::kChoiceRule:
        Line(t.time) << "  Choices[" << t.index << "] matched -> "
                     << (t.to ? std::string_view(t.to->name) : "?") << '\n';
        return;
      case TransitionKind::kDefault:
        Line(t.time) << "  no rule matched, Default -> "
                     << (t.to ? std::string_view(t.to->name) : "?") << '\n';
        return;
      case TransitionKind::kErrorOut:
        Line(t.time) << "  " << from << " fails" << (t.error ? " with " + t.error->error : "")
                     << '\n';
        return;
      case TransitionKind::kNext:
      case TransitionKind::kEnd:
        return;
    }
  }

 private:
  std::ostream& Line(sim::VirtualTime time) {
    err_ << '[' << std::setw(10) << std::setfill(' ') << Seconds(time - start_) << "] ";
    return err_;
  }
  static std::string ErrorText(const sim::HistoryEvent& event) {
    std::string text;
    if (event.error) text += ": " + *event.error;
    if (event.cause && !event.cause->empty()) text += " (" + *event.cause + ")";
    return text;
  }

  std::ostream& err_;
  sim::VirtualTime start_;
};

void PrintSummary(const sim::Execution& execution, std::ostream& out) {
  out << "status:  " << sim::ToString(execution.status) << '\n';
  if (execution.succeeded()) {
    out << "output:  "
        << (execution.output
                ? execution.output->dump(-1, ' ', false, Json::error_handler_t::replace)
                : "null")
        << '\n';
  } else {
    out << "error:   " << (execution.error ? *execution.error : "(none)") << '\n';
    out << "cause:   " << (execution.cause ? *execution.cause : "(none)") << '\n';
  }
  out << "elapsed: " << Seconds(execution.elapsed()) << " (virtual), "
      << execution.state_transitions << " states entered\n";
}

}  // namespace

int RunCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  RunArgs run;
  if (const int parsed = ParseArgs(args, out, err, &run); parsed != 0) {
    return parsed == 1 ? 0 : parsed;
  }

  // Execution input (IO-01: {} when none is given).
  Json input = Json::object();
  if (run.input_file) {
    if (!LoadJsonFile(*run.input_file, err, &input)) return 2;
  } else if (run.input_json) {
    if (!ParseJsonText(*run.input_json, "--input-json", err, &input)) return 2;
  }

  ContextFields context;
  if (run.context_file) {
    Json document;
    if (!LoadJsonFile(*run.context_file, err, &document)) return 2;
    if (!ParseContext(document, *run.context_file, err, &context)) return 2;
  }

  const auto definition = internal::LoadDefinitionOrReport(run.definition, err);
  if (definition == nullptr) return 2;

  // The mock file (MOCK-12): the flag, else SFN_MOCK_CONFIG, else
  // ./MockConfigFile.json; only used with a test case.
  std::optional<std::string> mock_path = run.mock_config;
  if (!mock_path && run.test_case) {
    if (const char* env = std::getenv("SFN_MOCK_CONFIG"); env != nullptr && *env != '\0') {
      mock_path = env;
    } else if (FileExists("MockConfigFile.json")) {
      mock_path = "MockConfigFile.json";
    }
  }
  if (mock_path && !run.test_case) {
    err << "stepsim run: --mock-config needs --test-case NAME\n";
    return 2;
  }
  if (run.test_case && !mock_path) {
    err << "stepsim run: --test-case needs a mock file: --mock-config FILE, SFN_MOCK_CONFIG "
           "or ./MockConfigFile.json\n";
    return 2;
  }

  std::string test_case_name;
  std::optional<std::string> mock_machine = run.state_machine;
  if (run.test_case) {
    test_case_name = *run.test_case;
    if (const auto selector = sim::ParseTestCaseSelector(*run.test_case)) {
      mock_machine = selector->state_machine;
      test_case_name = selector->test_case;
    }
  }
  if (!mock_machine) mock_machine = context.machine_name;

  std::shared_ptr<const sim::MockConfig> mocks;
  std::optional<sim::MockTaskHandler> mock_handler;
  if (mock_path) {
    try {
      mocks = std::make_shared<const sim::MockConfig>(sim::MockConfig::LoadFile(*mock_path));
      if (!mock_machine) {
        const std::vector<std::string> machines = mocks->StateMachineNames();
        if (machines.size() != 1) {
          err << "stepsim run: " << *mock_path << " has " << machines.size()
              << " state machines; pick one with --state-machine NAME, --context or "
                 "--test-case MACHINE#CASE\n";
          return 2;
        }
        mock_machine = machines[0];
      }
      mock_handler.emplace(mocks, *mock_machine, test_case_name);
      for (const asl::Diagnostic& warning :
           mocks->CheckAgainst(*definition, mock_handler->test_case())) {
        err << asl::FormatDiagnostic(warning) << '\n';
      }
    } catch (const asl::DefinitionError& e) {
      internal::PrintDiagnostics(e.diagnostics(), err);
      return 2;
    }
  }

  sim::Options options;
  options.seed = run.seed;
  if (context.region) options.region = *context.region;
  if (context.account) options.account = *context.account;
  if (context.machine_type) {
    if (*context.machine_type == "STANDARD") {
      options.type = sim::StateMachineType::kStandard;
    } else if (*context.machine_type == "EXPRESS") {
      options.type = sim::StateMachineType::kExpress;
    } else {
      Report(err, *run.context_file, "CONTEXT_INVALID",
             R"(must be "STANDARD" or "EXPRESS", got ")" + *context.machine_type + "\"", {},
             "/StateMachineType");
      return 2;
    }
  }
  if (context.start_time) {
    sim::VirtualTime start;
    if (!sim::ParseTimestamp(*context.start_time, &start)) {
      Report(err, *run.context_file, "CONTEXT_INVALID",
             "must be an RFC 3339 timestamp, got \"" + *context.start_time + "\"", {},
             "/Execution/StartTime");
      return 2;
    }
    options.start_time = start;
  }
  options.state_machine_name = context.machine_name
                                   ? *context.machine_name
                                   : (mock_machine ? *mock_machine : options.state_machine_name);
  const std::string arn_prefix = "arn:aws:states:" + options.region + ":" + options.account + ":";
  options.state_machine_id = context.machine_id
                                 ? *context.machine_id
                                 : arn_prefix + "stateMachine:" + options.state_machine_name;
  if (context.execution_name) options.execution_name = *context.execution_name;
  options.execution_id =
      context.execution_id
          ? *context.execution_id
          : arn_prefix + "execution:" + options.state_machine_name + ":" + options.execution_name;
  if (context.role_arn) {
    options.role_arn = *context.role_arn;
  } else {
    options.role_arn = "arn:aws:iam::" + options.account + ":role/StepFunctionsRole";
  }
  if (mock_handler) options.task_handlers.push_back(&*mock_handler);

  std::optional<report::CoverageCollector> coverage;
  if (run.coverage_out) {
    // The digest is of the file's text, as every stepsim collector makes it,
    // so coverage of this run merges with coverage from tests.
    std::string text;
    if (!internal::ReadFile(run.definition, &text)) {
      Report(err, run.definition, "FILE_NOT_READABLE", "cannot read the file");
      return 2;
    }
    coverage.emplace(definition, run.definition, text);
    if (run.test_case) coverage->BeginTest(test_case_name);
    options.listeners.push_back(&*coverage);
  }

  std::optional<TraceListener> trace;
  if (run.trace) {
    trace.emplace(err, options.start_time);
    options.listeners.push_back(&*trace);
  }

  sim::Execution execution;
  try {
    const sim::Interpreter interpreter(definition);
    interpreter.Run(input, options, &execution);
  } catch (const UsageError& e) {
    err << "stepsim run: " << e.what() << '\n';
    return 2;
  }

  if (run.history_file) {
    if (!internal::WriteFile(
            *run.history_file,
            sim::ToAwsJson(execution.history).dump(2, ' ', false, Json::error_handler_t::replace) +
                '\n')) {
      err << "stepsim run: cannot write the history to \"" << *run.history_file << "\"\n";
      return 2;
    }
  }

  if (coverage) {
    if (!internal::WriteCoverageOrReport(*run.coverage_out, coverage->Data(), "stepsim run", err))
      return 2;
  }

  if (run.json) {
    Json result;
    sim::to_json(result, execution);
    out << result.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
  } else {
    PrintSummary(execution, out);
  }
  out.flush();
  return 0;
}

}  // namespace stepsim::cli
