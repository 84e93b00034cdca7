#include <stepsim/sim/mock_config.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>

namespace stepsim::sim {
namespace {

using OrderedJson = nlohmann::ordered_json;

std::string Quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

std::string QuotedList(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += Quote(names[i]);
  }
  return out;
}

// Parses a decimal invocation number; 18 digits at most keeps it in int64.
bool ParseInvocationNumber(std::string_view text, std::int64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

bool ParseInvocationKey(std::string_view key, std::int64_t* first, std::int64_t* last) {
  const auto dash = key.find('-');
  if (dash == std::string_view::npos) {
    if (!ParseInvocationNumber(key, first)) return false;
    *last = *first;
    return true;
  }
  return ParseInvocationNumber(key.substr(0, dash), first) &&
         ParseInvocationNumber(key.substr(dash + 1), last);
}

std::string RangeText(std::int64_t first, std::int64_t last) {
  if (first == last) return std::to_string(first);
  return std::to_string(first) + "-" + std::to_string(last);
}

class Checker {
 public:
  Checker(const asl::ParsedJson& parsed, std::string file)
      : parsed_(parsed), file_(std::move(file)) {}

  void Error(const std::string& pointer, const char* code, std::string message,
             bool at_key = false) {
    asl::Diagnostic d;
    d.pointer = pointer;
    d.code = code;
    d.severity = asl::Severity::kError;
    d.message = std::move(message);
    d.file = file_;
    d.position =
        at_key ? parsed_.positions.KeyPosition(pointer) : parsed_.positions.ValuePosition(pointer);
    diagnostics_.push_back(std::move(d));
  }

  // Reports members other than `allowed`; true when `value` is an object.
  bool ExpectObject(const OrderedJson& value, const std::string& pointer, const std::string& what) {
    if (value.is_object()) return true;
    Error(pointer, mock_codes::kSchemaInvalid, "must be " + what + ", got " + value.type_name());
    return false;
  }

  void RejectUnknown(const OrderedJson& object, const std::string& pointer,
                     std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, unused] : object.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
        continue;
      }
      Error(asl::AppendPointer(pointer, key), mock_codes::kSchemaInvalid,
            "unknown field " + Quote(key), /*at_key=*/true);
    }
  }

  const OrderedJson* Require(const OrderedJson& object, const std::string& pointer,
                             const char* key) {
    const auto it = object.find(key);
    if (it != object.end()) return &*it;
    Error(pointer, mock_codes::kSchemaInvalid, std::string("missing required field ") + Quote(key));
    return nullptr;
  }

  std::vector<asl::Diagnostic>& diagnostics() { return diagnostics_; }

 private:
  const asl::ParsedJson& parsed_;
  std::string file_;
  std::vector<asl::Diagnostic> diagnostics_;
};

struct KeyRange {
  std::int64_t first;
  std::int64_t last;
  std::string key;
  std::size_t answer;  // index into the unsorted answers
};

void ParseAnswer(Checker& check, const OrderedJson& value, MockAnswer& answer) {
  const std::string& pointer = answer.pointer;
  if (!check.ExpectObject(value, pointer, R"(an object with "Return" or "Throw")")) {
    return;
  }
  check.RejectUnknown(value, pointer, {"Return", "Throw", "LatencySeconds"});
  const auto ret = value.find("Return");
  const auto thr = value.find("Throw");
  if (ret != value.end() && thr != value.end()) {
    check.Error(pointer, mock_codes::kSchemaInvalid,
                R"(must have exactly one of "Return" or "Throw", got both)");
  } else if (ret == value.end() && thr == value.end()) {
    check.Error(pointer, mock_codes::kSchemaInvalid,
                R"(must have exactly one of "Return" or "Throw", got neither)");
  } else if (ret != value.end()) {
    answer.kind = MockAnswer::Kind::kReturn;
    answer.result = *ret;
  } else {
    answer.kind = MockAnswer::Kind::kThrow;
    const std::string throw_pointer = asl::AppendPointer(pointer, "Throw");
    if (check.ExpectObject(*thr, throw_pointer, R"(an object with string "Error" and "Cause")")) {
      check.RejectUnknown(*thr, throw_pointer, {"Error", "Cause"});
      const OrderedJson* error = check.Require(*thr, throw_pointer, "Error");
      const OrderedJson* cause = check.Require(*thr, throw_pointer, "Cause");
      if (error != nullptr) {
        if (error->is_string()) {
          answer.error.error = error->get<std::string>();
        } else {
          check.Error(asl::AppendPointer(throw_pointer, "Error"), mock_codes::kSchemaInvalid,
                      std::string("must be a string, got ") + error->type_name());
        }
      }
      if (cause != nullptr) {
        if (cause->is_string()) {
          answer.error.cause = cause->get<std::string>();
        } else {
          check.Error(asl::AppendPointer(throw_pointer, "Cause"), mock_codes::kSchemaInvalid,
                      std::string("must be a string, got ") + cause->type_name());
        }
      }
    }
  }
  const auto latency = value.find("LatencySeconds");
  if (latency != value.end()) {
    const double seconds = latency->is_number() ? latency->get<double>() : -1.0;
    if (!latency->is_number() || !std::isfinite(seconds) || seconds < 0 || seconds > 1e12) {
      std::string found = latency->is_number() ? latency->dump() : latency->type_name();
      check.Error(asl::AppendPointer(pointer, "LatencySeconds"), mock_codes::kSchemaInvalid,
                  "must be a non-negative number of seconds, got " + found);
    } else {
      answer.latency = Millis{static_cast<std::int64_t>(std::llround(seconds * 1000.0))};
    }
  }
}

MockedResponse ParseResponse(Checker& check, const std::string& name, const OrderedJson& value,
                             const std::string& pointer) {
  MockedResponse response;
  response.name = name;
  if (!check.ExpectObject(value, pointer,
                          R"(an object keyed by invocation numbers ("0", "1-2"))")) {
    return response;
  }
  std::vector<MockAnswer> answers;
  std::vector<KeyRange> ranges;
  for (const auto& [key, entry] : value.items()) {
    MockAnswer answer;
    answer.pointer = asl::AppendPointer(pointer, key);
    std::int64_t first = 0;
    std::int64_t last = 0;
    if (!ParseInvocationKey(key, &first, &last)) {
      check.Error(answer.pointer, mock_codes::kInvalidInvocationKey,
                  "invocation key must be a non-negative integer \"N\" or an "
                  "inclusive range \"N-M\", got " +
                      Quote(key),
                  /*at_key=*/true);
      ParseAnswer(check, entry, answer);
      continue;
    }
    if (last < first) {
      check.Error(answer.pointer, mock_codes::kInvalidInvocationKey,
                  "invocation range " + Quote(key) + " ends before it starts",
                  /*at_key=*/true);
      ParseAnswer(check, entry, answer);
      continue;
    }
    answer.first = first;
    answer.last = last;
    ParseAnswer(check, entry, answer);
    ranges.push_back(KeyRange{first, last, key, answers.size()});
    answers.push_back(std::move(answer));
  }
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const KeyRange& a, const KeyRange& b) { return a.first < b.first; });
  std::int64_t next = 0;
  const KeyRange* previous = nullptr;
  for (const KeyRange& range : ranges) {
    const std::string key_pointer = asl::AppendPointer(pointer, range.key);
    if (range.first < next) {
      check.Error(key_pointer, mock_codes::kOverlappingRange,
                  "invocations " + Quote(range.key) + " overlap " + Quote(previous->key),
                  /*at_key=*/true);
    } else if (range.first > next) {
      check.Error(
          key_pointer, mock_codes::kRangeGap,
          (next + 1 == range.first ? "invocation " + std::to_string(next) + " is"
                                   : "invocations " + RangeText(next, range.first - 1) + " are") +
              " not covered before " + Quote(range.key) +
              ": keys must cover consecutive numbers from 0",
          /*at_key=*/true);
    }
    if (range.last + 1 > next) {
      next = range.last + 1;
      previous = &range;
    }
    response.answers.push_back(std::move(answers[range.answer]));
  }
  return response;
}

}  // namespace

const MockAnswer* MockedResponse::Find(std::int64_t invocation) const {
  // Answers are consecutive from 0, so a binary search on `last` finds it.
  const auto it = std::lower_bound(answers.begin(), answers.end(), invocation,
                                   [](const MockAnswer& a, std::int64_t n) { return a.last < n; });
  if (it == answers.end() || it->first > invocation) return nullptr;
  return &*it;
}

MockConfig MockConfig::Parse(std::string_view text, const std::string& file) {
  asl::ParsedJson parsed;
  try {
    parsed = asl::ParseJsonWithPositions(text);
  } catch (const asl::JsonSyntaxError& e) {
    asl::Diagnostic d;
    d.code = mock_codes::kInvalidJson;
    d.message = std::string("not valid JSON: ") + e.what();
    d.file = file;
    d.position = e.position();
    throw asl::DefinitionError({std::move(d)});
  }
  Checker check(parsed, file);
  for (const std::string& pointer : parsed.duplicate_keys) {
    const auto slash = pointer.rfind('/');
    std::string key;
    for (std::size_t i = slash + 1; i < pointer.size(); ++i) {
      if (pointer[i] == '~' && i + 1 < pointer.size()) {
        key += pointer[++i] == '0' ? '~' : '/';
      } else {
        key += pointer[i];
      }
    }
    check.Error(pointer, mock_codes::kDuplicateKey,
                "duplicate key " + Quote(key) + ": keys must be unique",
                /*at_key=*/true);
  }

  MockConfig config;
  config.file_ = file;
  const OrderedJson& root = parsed.value;
  if (check.ExpectObject(root, "", R"(an object with "StateMachines" and "MockedResponses")")) {
    check.RejectUnknown(root, "", {"StateMachines", "MockedResponses"});
    const OrderedJson* responses = check.Require(root, "", "MockedResponses");
    if (responses != nullptr &&
        check.ExpectObject(*responses, "/MockedResponses", "an object of mocked responses")) {
      for (const auto& [name, value] : responses->items()) {
        config.responses_.emplace(
            name, ParseResponse(check, name, value, asl::AppendPointer("/MockedResponses", name)));
      }
    }
    const OrderedJson* machines = check.Require(root, "", "StateMachines");
    if (machines != nullptr &&
        check.ExpectObject(*machines, "/StateMachines", "an object of state machines")) {
      for (const auto& [machine, machine_value] : machines->items()) {
        const std::string machine_pointer = asl::AppendPointer("/StateMachines", machine);
        if (!check.ExpectObject(machine_value, machine_pointer, "an object with \"TestCases\"")) {
          continue;
        }
        check.RejectUnknown(machine_value, machine_pointer, {"TestCases"});
        const OrderedJson* cases = check.Require(machine_value, machine_pointer, "TestCases");
        const std::string cases_pointer = asl::AppendPointer(machine_pointer, "TestCases");
        if (cases == nullptr ||
            !check.ExpectObject(*cases, cases_pointer, "an object of test cases")) {
          continue;
        }
        for (const auto& [case_name, case_value] : cases->items()) {
          MockTestCase test_case;
          test_case.state_machine = machine;
          test_case.name = case_name;
          test_case.pointer = asl::AppendPointer(cases_pointer, case_name);
          if (!check.ExpectObject(case_value, test_case.pointer,
                                  "an object mapping state names to response names")) {
            continue;
          }
          for (const auto& [state, response] : case_value.items()) {
            const std::string state_pointer = asl::AppendPointer(test_case.pointer, state);
            if (!response.is_string()) {
              check.Error(state_pointer, mock_codes::kSchemaInvalid,
                          std::string("must be the name of a mocked response, got ") +
                              response.type_name());
              continue;
            }
            const auto& response_name = response.get_ref<const std::string&>();
            if (responses != nullptr && responses->is_object() &&
                !responses->contains(response_name)) {
              check.Error(
                  state_pointer, mock_codes::kUnknownResponse,
                  "no mocked response named " + Quote(response_name) + " under /MockedResponses");
            }
            test_case.states.emplace_back(state, response_name);
          }
          config.test_cases_.push_back(std::move(test_case));
        }
      }
    }
  }

  auto& diagnostics = check.diagnostics();
  if (!diagnostics.empty()) {
    std::stable_sort(diagnostics.begin(), diagnostics.end(),
                     [](const asl::Diagnostic& a, const asl::Diagnostic& b) {
                       return std::pair(a.position.line, a.position.column) <
                              std::pair(b.position.line, b.position.column);
                     });
    throw asl::DefinitionError(std::move(diagnostics));
  }
  config.positions_ = std::make_shared<const asl::SourceMap>(std::move(parsed.positions));
  return config;
}

MockConfig MockConfig::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in) {
    asl::Diagnostic d;
    d.code = mock_codes::kFileNotReadable;
    d.message = "cannot read mock config file " + Quote(path);
    d.file = path;
    throw asl::DefinitionError({std::move(d)});
  }
  return Parse(text.str(), path);
}

std::vector<std::string> MockConfig::StateMachineNames() const {
  std::vector<std::string> names;
  for (const MockTestCase& test_case : test_cases_) {
    if (names.empty() || names.back() != test_case.state_machine) {
      names.push_back(test_case.state_machine);
    }
  }
  return names;
}

std::vector<std::string> MockConfig::TestCaseNames(std::string_view state_machine) const {
  std::vector<std::string> names;
  for (const MockTestCase& test_case : test_cases_) {
    if (test_case.state_machine == state_machine) names.push_back(test_case.name);
  }
  return names;
}

const MockTestCase* MockConfig::FindTestCase(std::string_view state_machine,
                                             std::string_view test_case) const {
  for (const MockTestCase& candidate : test_cases_) {
    if (candidate.state_machine == state_machine && candidate.name == test_case) {
      return &candidate;
    }
  }
  return nullptr;
}

const MockTestCase& MockConfig::GetTestCase(std::string_view state_machine,
                                            std::string_view test_case) const {
  if (const MockTestCase* found = FindTestCase(state_machine, test_case)) return *found;
  asl::Diagnostic d;
  d.file = file_;
  const std::vector<std::string> cases = TestCaseNames(state_machine);
  const bool machine_known =
      !cases.empty() || std::ranges::count(StateMachineNames(), std::string(state_machine)) > 0;
  if (!machine_known) {
    d.pointer = "/StateMachines";
    d.code = mock_codes::kUnknownStateMachine;
    d.message = "no state machine named " + Quote(state_machine) + " (the file has " +
                QuotedList(StateMachineNames()) + ")";
  } else {
    d.pointer =
        asl::AppendPointer(asl::AppendPointer("/StateMachines", state_machine), "TestCases");
    d.code = mock_codes::kUnknownTestCase;
    d.message = "no test case named " + Quote(test_case) + " for state machine " +
                Quote(state_machine) + " (it has " + QuotedList(cases) + ")";
  }
  d.position = Position(d.pointer);
  throw asl::DefinitionError({std::move(d)});
}

const MockedResponse* MockConfig::FindResponse(std::string_view name) const {
  const auto it = responses_.find(name);
  return it == responses_.end() ? nullptr : &it->second;
}

std::vector<asl::Diagnostic> MockConfig::CheckAgainst(const asl::Definition& definition,
                                                      const MockTestCase& test_case) const {
  std::vector<asl::Diagnostic> warnings;
  for (const auto& [state_name, response] : test_case.states) {
    const asl::State* state = definition.FindState(state_name);
    if (state != nullptr && state->type == asl::StateType::kTask) continue;
    asl::Diagnostic d;
    d.pointer = asl::AppendPointer(test_case.pointer, state_name);
    d.severity = asl::Severity::kWarning;
    d.file = file_;
    d.position = positions_ ? positions_->KeyPosition(d.pointer) : asl::TextPosition{};
    if (state == nullptr) {
      d.code = mock_codes::kUnknownState;
      d.message = "no state named " + Quote(state_name) + " in the definition";
    } else {
      d.code = mock_codes::kNotATask;
      d.message = "state " + Quote(state_name) + " is a " +
                  std::string(asl::ToString(state->type)) + " state, not a Task";
    }
    warnings.push_back(std::move(d));
  }
  return warnings;
}

asl::TextPosition MockConfig::Position(std::string_view pointer) const {
  if (!positions_) return {};
  return positions_->ValuePosition(pointer);
}

std::optional<TestCaseSelector> ParseTestCaseSelector(std::string_view text) {
  const auto hash = text.rfind('#');
  if (hash == std::string_view::npos) return std::nullopt;
  std::string_view machine = text.substr(0, hash);
  const std::string_view test_case = text.substr(hash + 1);
  const auto colon = machine.rfind(':');
  if (colon != std::string_view::npos) machine = machine.substr(colon + 1);
  if (machine.empty() || test_case.empty()) return std::nullopt;
  return TestCaseSelector{std::string(machine), std::string(test_case)};
}

bool IsActivityResource(std::string_view resource) {
  // arn:<partition>:states:<region>:<account>:activity:<name>
  if (!resource.starts_with("arn:")) return false;
  std::size_t field = 0;
  std::size_t start = 0;
  while (field < 5) {
    const auto colon = resource.find(':', start);
    if (colon == std::string_view::npos) return false;
    if (field == 2 && resource.substr(start, colon - start) != "states") return false;
    start = colon + 1;
    ++field;
  }
  return resource.substr(start).starts_with("activity:");
}

MockTaskHandler::MockTaskHandler(std::shared_ptr<const MockConfig> config,
                                 std::string_view state_machine, std::string_view test_case)
    : config_(std::move(config)) {
  if (!config_) throw UsageError("MockTaskHandler needs a MockConfig");
  test_case_ = &config_->GetTestCase(state_machine, test_case);
  for (const auto& [state, response] : test_case_->states) {
    // Parse() rejected unknown response names, so the lookup succeeds.
    by_state_[state] = config_->FindResponse(response);
  }
}

bool MockTaskHandler::Mocks(std::string_view state_name) const {
  return by_state_.find(state_name) != by_state_.end();
}

std::optional<TaskOutcome> MockTaskHandler::Invoke(const TaskInvocation& call) {
  if (call.state == nullptr) return std::nullopt;
  const auto it = by_state_.find(call.state->name);
  if (it == by_state_.end()) return std::nullopt;
  if (IsActivityResource(call.resource)) {
    return TaskOutcome::Fail(errors::kRuntime, kActivityCannotBeMockedCause);
  }
  const MockedResponse* response = it->second;
  const MockAnswer* answer = response == nullptr ? nullptr : response->Find(call.invocation);
  if (answer == nullptr) {
    std::string cause = "no mocked response for invocation " + std::to_string(call.invocation) +
                        " of state " + Quote(call.state->name) + ": response " +
                        Quote(response == nullptr ? std::string() : response->name) +
                        " of test case " + Quote(test_case_->name);
    if (response == nullptr || response->answers.empty()) {
      cause += " has no entries";
    } else {
      cause += " covers invocations " + RangeText(0, response->covered() - 1);
    }
    return TaskOutcome::Fail(errors::kRuntime, std::move(cause));
  }
  if (answer->kind == MockAnswer::Kind::kReturn) {
    return TaskOutcome::Succeed(answer->result, answer->latency);
  }
  return TaskOutcome::Fail(answer->error.error, answer->error.cause, answer->latency);
}

}  // namespace stepsim::sim
