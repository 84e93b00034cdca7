#include <stepsim/asl/json_source.h>
#include <stepsim/asl/loader.h>
#include <stepsim/error.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/test/scenario.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <utility>

namespace stepsim::test {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;
namespace codes = scenario_codes;

constexpr const char* kFormat = "stepsim-scenarios/1";

bool ReadText(const std::string& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  text->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

std::string Compact(const Json& value, std::size_t limit = 300) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > limit) text = text.substr(0, limit) + "...";
  return text;
}

std::string SecondsText(sim::Millis ms) {
  std::ostringstream s;
  const long long total = ms.count();
  s << (total < 0 ? "-" : "") << std::llabs(total) / 1000 << '.' << std::setw(3)
    << std::setfill('0') << std::llabs(total) % 1000 << " s";
  return s.str();
}

std::string JoinStates(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    if (!text.empty()) text += " -> ";
    text += name;
  }
  return text.empty() ? "(no state entered)" : text;
}

std::vector<std::string> Visited(const sim::Execution& execution) {
  return {execution.visited_states.begin(), execution.visited_states.end()};
}

std::string Quote(const std::string& s) { return Json(s).dump(); }

// The first place where `actual` does not contain `expected`, as a message.
std::optional<std::string> FirstMismatch(const Json& actual, const Json& expected,
                                         const std::string& pointer) {
  const std::string where = pointer.empty() ? "the output" : pointer;
  if (expected.is_object()) {
    if (!actual.is_object()) {
      return where + " should be an object, got " + Compact(actual, 120);
    }
    for (const auto& [key, value] : expected.items()) {
      const std::string member = asl::AppendPointer(pointer, key);
      const auto it = actual.find(key);
      if (it == actual.end()) return "output has no member " + member;
      if (auto mismatch = FirstMismatch(*it, value, member)) return mismatch;
    }
    return std::nullopt;
  }
  if (expected.is_array()) {
    if (!actual.is_array()) return where + " should be an array, got " + Compact(actual, 120);
    if (actual.size() != expected.size()) {
      return where + " should have " + std::to_string(expected.size()) + " elements, got " +
             std::to_string(actual.size());
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (auto mismatch = FirstMismatch(actual[i], expected[i], asl::AppendPointer(pointer, i))) {
        return mismatch;
      }
    }
    return std::nullopt;
  }
  if (actual != expected) {
    return "at " + where + " expected " + Compact(expected, 120) + ", got " + Compact(actual, 120);
  }
  return std::nullopt;
}

std::optional<sim::ExecutionStatus> ParseStatus(const std::string& text) {
  for (const auto status : {sim::ExecutionStatus::kSucceeded, sim::ExecutionStatus::kFailed,
                            sim::ExecutionStatus::kTimedOut, sim::ExecutionStatus::kAborted}) {
    if (sim::ToString(status) == text) return status;
  }
  return std::nullopt;
}

// Turns a definition's diagnostics about an inline Definition into ones on
// the scenario file.
asl::Diagnostic Relocate(asl::Diagnostic d, const std::string& file,
                         const asl::SourceMap& positions) {
  d.pointer = "/Definition" + d.pointer;
  d.file = file;
  d.position = positions.ValuePosition(d.pointer);
  return d;
}

class Loader {
 public:
  Loader(std::string file, std::filesystem::path base)
      : file_(std::move(file)), base_(std::move(base)) {}

  ScenarioSuite Load(std::string_view text) {
    asl::ParsedJson parsed;
    try {
      parsed = asl::ParseJsonWithPositions(text);
    } catch (const asl::JsonSyntaxError& e) {
      asl::Diagnostic d;
      d.file = file_;
      d.code = codes::kInvalidJson;
      d.message = std::string("not valid JSON: ") + e.what();
      d.position = e.position();
      throw asl::DefinitionError({d});
    }
    positions_ = std::make_shared<asl::SourceMap>(std::move(parsed.positions));
    suite_.file = file_;
    suite_.positions = positions_;
    for (const std::string& pointer : parsed.duplicate_keys) {
      Add(pointer, codes::kDuplicateKey,
          "duplicate member \"" + LastToken(pointer) + "\" (the last one would win)", true);
    }
    const OrderedJson& root = parsed.value;
    if (!root.is_object()) {
      Add("", codes::kSchemaInvalid,
          std::string("a scenario file must be an object, got ") + root.type_name());
      Finish();
    }
    ReadTop(root);
    Finish();
    return std::move(suite_);
  }

 private:
  static std::string LastToken(const std::string& pointer) {
    const auto slash = pointer.rfind('/');
    return slash == std::string::npos ? pointer : pointer.substr(slash + 1);
  }

  void Add(const std::string& pointer, const char* code, std::string message, bool key = false) {
    asl::Diagnostic d;
    d.file = file_;
    d.pointer = pointer;
    d.code = code;
    d.message = std::move(message);
    if (positions_)
      d.position = key ? positions_->KeyPosition(pointer) : positions_->ValuePosition(pointer);
    diagnostics_.push_back(std::move(d));
  }

  void Finish() {
    // Problems of this file in reading order; those of the files it names
    // (definition, MockConfig) after them, as their loaders reported them.
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                     [this](const asl::Diagnostic& a, const asl::Diagnostic& b) {
                       const bool a_other = a.file != file_;
                       const bool b_other = b.file != file_;
                       if (a_other || b_other) return !a_other && b_other;
                       if (a.position.line != b.position.line) {
                         return a.position.line < b.position.line;
                       }
                       return a.position.column < b.position.column;
                     });
    if (asl::HasErrors(diagnostics_)) throw asl::DefinitionError(diagnostics_);
    suite_.warnings = diagnostics_;
  }

  bool Unknown(const OrderedJson& object, const std::string& pointer,
               const std::set<std::string, std::less<>>& allowed, const char* expected) {
    bool ok = true;
    for (const auto& [key, value] : object.items()) {
      if (allowed.count(key) == 0) {
        Add(asl::AppendPointer(pointer, key), codes::kSchemaInvalid,
            "unknown member \"" + key + "\" (expected " + expected + ")", true);
        ok = false;
      }
    }
    return ok;
  }

  const std::string* String(const OrderedJson& object, const char* key,
                            const std::string& pointer) {
    const auto it = object.find(key);
    if (it == object.end()) return nullptr;
    if (!it->is_string()) {
      Add(asl::AppendPointer(pointer, key), codes::kSchemaInvalid,
          std::string("must be a string, got ") + it->type_name());
      return nullptr;
    }
    return it->get_ptr<const std::string*>();
  }

  [[nodiscard]] std::string Resolve(const std::string& relative) const {
    const std::filesystem::path path(relative);
    if (path.is_absolute()) return path.lexically_normal().string();
    return (base_ / path).lexically_normal().string();
  }

  void ReadTop(const OrderedJson& root) {
    Unknown(
        root, "",
        {"Format", "Comment", "Definition", "MockConfig", "StateMachine", "Options", "Scenarios"},
        "Format, Comment, Definition, MockConfig, StateMachine, Options or Scenarios");
    if (const std::string* format = String(root, "Format", "")) {
      if (*format != kFormat) {
        Add("/Format", codes::kSchemaInvalid,
            std::string("must be \"") + kFormat + "\", got " + Quote(*format));
      }
    }
    if (const std::string* comment = String(root, "Comment", "")) suite_.comment = *comment;
    ReadDefinition(root);
    ReadMockConfig(root);
    ReadOptions(root);
    const auto scenarios = root.find("Scenarios");
    if (scenarios == root.end()) {
      Add("", codes::kSchemaInvalid, "missing the Scenarios member (an array of scenarios)");
      return;
    }
    if (!scenarios->is_array() || scenarios->empty()) {
      Add("/Scenarios", codes::kSchemaInvalid,
          "must be a non-empty array of scenarios, got " +
              (scenarios->is_array() ? std::string("[]") : std::string(scenarios->type_name())));
      return;
    }
    std::set<std::string, std::less<>> names;
    for (std::size_t i = 0; i < scenarios->size(); ++i) {
      ReadScenario((*scenarios)[i], asl::AppendPointer("/Scenarios", i), &names);
    }
  }

  void ReadDefinition(const OrderedJson& root) {
    const auto it = root.find("Definition");
    if (it == root.end()) {
      Add("", codes::kSchemaInvalid,
          "missing the Definition member (a path relative to this file, or the definition "
          "object)");
      return;
    }
    if (it->is_string()) {
      const std::string path = Resolve(it->get<std::string>());
      std::string text;
      if (!ReadText(path, &text)) {
        Add("/Definition", codes::kFileNotReadable,
            "cannot read the definition file " + Quote(path));
        return;
      }
      try {
        asl::LoadOptions options;
        options.file = path;
        suite_.definition = asl::Load(text, options);
        suite_.definition_file = path;
      } catch (const asl::DefinitionError& e) {
        for (const asl::Diagnostic& d : e.diagnostics()) diagnostics_.push_back(d);
      }
      return;
    }
    if (it->is_object()) {
      try {
        asl::LoadOptions options;
        options.file = file_;
        suite_.definition = asl::Load(it->dump(), options);
      } catch (const asl::DefinitionError& e) {
        for (const asl::Diagnostic& d : e.diagnostics()) {
          diagnostics_.push_back(Relocate(d, file_, *positions_));
        }
      }
      return;
    }
    Add("/Definition", codes::kSchemaInvalid,
        std::string("must be a path or the definition object, got ") + it->type_name());
  }

  void ReadMockConfig(const OrderedJson& root) {
    const std::string* machine = String(root, "StateMachine", "");
    if (machine != nullptr) suite_.state_machine = *machine;
    const std::string* mock = String(root, "MockConfig", "");
    if (mock == nullptr) {
      if (machine != nullptr) {
        Add("/StateMachine", codes::kSchemaInvalid,
            "StateMachine names a MockConfig state machine, but there is no MockConfig");
      }
      return;
    }
    const std::string path = Resolve(*mock);
    std::string text;
    if (!ReadText(path, &text)) {
      Add("/MockConfig", codes::kFileNotReadable, "cannot read the mock file " + Quote(path));
      return;
    }
    try {
      suite_.mock_config =
          std::make_shared<const sim::MockConfig>(sim::MockConfig::Parse(text, path));
    } catch (const asl::DefinitionError& e) {
      for (const asl::Diagnostic& d : e.diagnostics()) diagnostics_.push_back(d);
      return;
    }
    const std::vector<std::string> machines = suite_.mock_config->StateMachineNames();
    if (machine == nullptr) {
      if (machines.size() == 1) {
        suite_.state_machine = machines.front();
      } else {
        Add("", codes::kSchemaInvalid,
            "the MockConfig has " + std::to_string(machines.size()) +
                " state machines; name one with StateMachine");
      }
    } else if (std::find(machines.begin(), machines.end(), *machine) == machines.end()) {
      std::string known;
      for (const std::string& name : machines) known += (known.empty() ? "" : ", ") + Quote(name);
      Add("/StateMachine", codes::kUnknownTestCase,
          "no state machine " + Quote(*machine) + " in the MockConfig (it has " +
              (known.empty() ? std::string("none") : known) + ")");
    }
  }

  void ReadOptions(const OrderedJson& root) {
    const auto it = root.find("Options");
    if (it == root.end()) return;
    if (!it->is_object()) {
      Add("/Options", codes::kSchemaInvalid,
          std::string("must be an object, got ") + it->type_name());
      return;
    }
    Unknown(*it, "/Options", {"Seed", "Type"}, "Seed or Type");
    if (const auto seed = it->find("Seed"); seed != it->end()) {
      ReadSeed(*seed, "/Options/Seed", &seed_);
    }
    if (const std::string* type = String(*it, "Type", "/Options")) {
      if (*type == "STANDARD") {
        suite_.type = sim::StateMachineType::kStandard;
      } else if (*type == "EXPRESS") {
        suite_.type = sim::StateMachineType::kExpress;
      } else {
        Add("/Options/Type", codes::kSchemaInvalid,
            R"(must be "STANDARD" or "EXPRESS", got )" + Quote(*type));
      }
    }
  }

  void ReadSeed(const OrderedJson& value, const std::string& pointer, std::uint64_t* seed) {
    if (!value.is_number_unsigned()) {
      Add(pointer, codes::kSchemaInvalid, "must be a non-negative integer, got " + value.dump());
      return;
    }
    *seed = value.get<std::uint64_t>();
  }

  // Checks that Outcomes/DefaultOutcomes name Task states of the definition.
  void CheckStates(const OrderedJson& object, const std::string& pointer) {
    if (!suite_.definition || !object.is_object()) return;
    for (const auto& [name, value] : object.items()) {
      const asl::State* state = suite_.definition->FindState(name);
      if (state == nullptr) {
        Add(asl::AppendPointer(pointer, name), codes::kUnknownState,
            "no state named " + Quote(name) + " in the definition", true);
      } else if (state->type != asl::StateType::kTask) {
        Add(asl::AppendPointer(pointer, name), codes::kUnknownState,
            Quote(name) + " is a " + std::string(asl::ToString(state->type)) +
                " state, only Task states take outcomes",
            true);
      }
    }
  }

  void AddProblems(const std::vector<ScriptProblem>& problems) {
    for (const ScriptProblem& p : problems) Add(p.pointer, codes::kSchemaInvalid, p.message);
  }

  void ReadScenario(const OrderedJson& value, const std::string& pointer,
                    std::set<std::string, std::less<>>* names) {
    if (!value.is_object()) {
      Add(pointer, codes::kSchemaInvalid,
          std::string("a scenario must be an object, got ") + value.type_name());
      return;
    }
    Scenario scenario;
    scenario.seed = seed_;
    scenario.source.pointer = pointer;
    scenario.source.position = positions_->ValuePosition(pointer);
    Unknown(value, pointer,
            {"Name", "Comment", "Input", "InputFile", "MockTestCase", "Outcomes", "DefaultOutcomes",
             "Seed", "Expect"},
            "Name, Comment, Input, InputFile, MockTestCase, Outcomes, DefaultOutcomes, Seed or "
            "Expect");
    String(value, "Comment", pointer);
    if (const std::string* name = String(value, "Name", pointer)) {
      if (name->empty()) {
        Add(pointer + "/Name", codes::kSchemaInvalid, "must not be empty");
      } else if (!names->insert(*name).second) {
        Add(pointer + "/Name", codes::kDuplicateName,
            "another scenario is already named " + Quote(*name));
      }
      scenario.name = *name;
    } else if (value.find("Name") == value.end()) {
      Add(pointer, codes::kSchemaInvalid, "missing the Name member");
    }
    const auto input = value.find("Input");
    const auto input_file = value.find("InputFile");
    if (input != value.end() && input_file != value.end()) {
      Add(pointer + "/InputFile", codes::kSchemaInvalid,
          "give either Input or InputFile, not both");
    } else if (input != value.end()) {
      scenario.input = Json(*input);
    } else if (const std::string* file = String(value, "InputFile", pointer)) {
      const std::string path = Resolve(*file);
      std::string text;
      if (!ReadText(path, &text)) {
        Add(pointer + "/InputFile", codes::kInputInvalid,
            "cannot read the input file " + Quote(path));
      } else {
        try {
          scenario.input = Json(asl::ParseJsonWithPositions(text).value);
        } catch (const asl::JsonSyntaxError& e) {
          Add(pointer + "/InputFile", codes::kInputInvalid,
              "the input file " + Quote(path) + " is not valid JSON: line " +
                  std::to_string(e.position().line) + ", column " +
                  std::to_string(e.position().column) + ": " + e.what());
        }
      }
    }
    if (const std::string* test_case = String(value, "MockTestCase", pointer)) {
      scenario.mock_test_case = *test_case;
      if (!suite_.mock_config) {
        if (!missing_mock_reported_) {
          Add(pointer + "/MockTestCase", codes::kUnknownTestCase,
              "MockTestCase needs a MockConfig member at the top of the file");
          missing_mock_reported_ = true;
        }
      } else if (!suite_.state_machine.empty() &&
                 suite_.mock_config->FindTestCase(suite_.state_machine, *test_case) == nullptr) {
        std::string known;
        for (const std::string& name : suite_.mock_config->TestCaseNames(suite_.state_machine)) {
          known += (known.empty() ? "" : ", ") + name;
        }
        Add(pointer + "/MockTestCase", codes::kUnknownTestCase,
            "no test case " + Quote(*test_case) + " for state machine " +
                Quote(suite_.state_machine) + " (it has " + (known.empty() ? "none" : known) + ")");
      } else if (suite_.definition && !suite_.state_machine.empty()) {
        const sim::MockTestCase* tc =
            suite_.mock_config->FindTestCase(suite_.state_machine, *test_case);
        for (asl::Diagnostic& w : suite_.mock_config->CheckAgainst(*suite_.definition, *tc)) {
          diagnostics_.push_back(std::move(w));
        }
      }
    }
    if (const auto outcomes = value.find("Outcomes"); outcomes != value.end()) {
      std::vector<ScriptProblem> problems;
      if (auto script = ParseOutcomeScript(Json(*outcomes), pointer + "/Outcomes", &problems)) {
        scenario.outcomes = std::move(*script);
      }
      AddProblems(problems);
      CheckStates(*outcomes, pointer + "/Outcomes");
    }
    if (const auto defaults = value.find("DefaultOutcomes"); defaults != value.end()) {
      ReadDefaults(*defaults, pointer + "/DefaultOutcomes", &scenario);
    }
    if (const auto seed = value.find("Seed"); seed != value.end()) {
      ReadSeed(*seed, pointer + "/Seed", &scenario.seed);
    }
    scenario.expect.pointer = pointer + "/Expect";
    if (const auto expect = value.find("Expect"); expect != value.end()) {
      ReadExpect(*expect, pointer + "/Expect", &scenario.expect);
    }
    suite_.scenarios.push_back(std::move(scenario));
  }

  void ReadDefaults(const OrderedJson& value, const std::string& pointer, Scenario* scenario) {
    if (!value.is_object()) {
      Add(pointer, codes::kSchemaInvalid,
          std::string("must be an object mapping state names to one answer, got ") +
              value.type_name());
      return;
    }
    // Each default is one answer: read it as a one-answer script.
    for (const auto& [state, answer] : value.items()) {
      std::vector<ScriptProblem> problems;
      Json wrapped = Json::object();
      wrapped[state] = Json::array({Json(answer)});
      const auto script = ParseOutcomeScript(wrapped, "", &problems);
      const std::string member = asl::AppendPointer(pointer, state);
      for (ScriptProblem& p : problems) {
        // "/<state>/0/..." -> "<pointer>/<state>/..."
        const std::string prefix = asl::AppendPointer(asl::AppendPointer("", state), 0);
        p.pointer = member + p.pointer.substr(std::min(prefix.size(), p.pointer.size()));
      }
      AddProblems(problems);
      if (script) scenario->default_outcomes[state] = script->states().begin()->second.front();
    }
    CheckStates(value, pointer);
  }

  void ReadExpect(const OrderedJson& value, const std::string& pointer, Expectation* expect) {
    if (!value.is_object()) {
      Add(pointer, codes::kSchemaInvalid,
          std::string("must be an object, got ") + value.type_name());
      return;
    }
    Unknown(
        value, pointer,
        {"Status", "Error", "Cause", "Output", "OutputContains", "VisitedStates", "ElapsedSeconds"},
        "Status, Error, Cause, Output, OutputContains, VisitedStates or ElapsedSeconds");
    if (const std::string* status = String(value, "Status", pointer)) {
      expect->status = ParseStatus(*status);
      if (!expect->status) {
        Add(pointer + "/Status", codes::kSchemaInvalid,
            "must be SUCCEEDED, FAILED, TIMED_OUT or ABORTED, got " + Quote(*status));
      }
    }
    if (const std::string* error = String(value, "Error", pointer)) expect->error = *error;
    if (const std::string* cause = String(value, "Cause", pointer)) expect->cause = *cause;
    if (const auto output = value.find("Output"); output != value.end()) {
      expect->output = Json(*output);
    }
    if (const auto contains = value.find("OutputContains"); contains != value.end()) {
      expect->output_contains = Json(*contains);
    }
    if (const auto visited = value.find("VisitedStates"); visited != value.end()) {
      const std::string member = pointer + "/VisitedStates";
      if (!visited->is_array()) {
        Add(member, codes::kSchemaInvalid,
            std::string("must be an array of state names, got ") + visited->type_name());
      } else {
        std::vector<std::string> names;
        for (std::size_t i = 0; i < visited->size(); ++i) {
          const OrderedJson& name = (*visited)[i];
          if (!name.is_string()) {
            Add(asl::AppendPointer(member, i), codes::kSchemaInvalid,
                std::string("must be a state name, got ") + name.type_name());
            continue;
          }
          if (suite_.definition &&
              suite_.definition->FindState(name.get<std::string>()) == nullptr) {
            Add(asl::AppendPointer(member, i), codes::kUnknownState,
                "no state named " + name.dump() + " in the definition");
          }
          names.push_back(name.get<std::string>());
        }
        expect->visited_states = std::move(names);
      }
    }
    if (const auto elapsed = value.find("ElapsedSeconds"); elapsed != value.end()) {
      if (!elapsed->is_number() || elapsed->get<double>() < 0) {
        Add(pointer + "/ElapsedSeconds", codes::kSchemaInvalid,
            "must be a non-negative number of seconds, got " + elapsed->dump());
      } else {
        expect->elapsed =
            sim::Millis{static_cast<std::int64_t>(std::llround(elapsed->get<double>() * 1000.0))};
      }
    }
  }

  std::string file_;
  std::filesystem::path base_;
  std::shared_ptr<asl::SourceMap> positions_;
  std::vector<asl::Diagnostic> diagnostics_;
  ScenarioSuite suite_;
  std::uint64_t seed_ = 0;
  bool missing_mock_reported_ = false;
};

// Answers from a scenario's DefaultOutcomes, for any invocation.
class DefaultsHandler : public sim::TaskHandler {
 public:
  explicit DefaultsHandler(const std::map<std::string, sim::TaskOutcome, std::less<>>& defaults)
      : defaults_(defaults) {}
  std::optional<sim::TaskOutcome> Invoke(const sim::TaskInvocation& call) override {
    if (call.state == nullptr) return std::nullopt;
    const auto it = defaults_.find(call.state->name);
    if (it == defaults_.end()) return std::nullopt;
    return it->second;
  }

 private:
  const std::map<std::string, sim::TaskOutcome, std::less<>>& defaults_;
};

std::string Locate(const ScenarioSuite& suite, const std::string& pointer) {
  std::string text = suite.file.empty() ? std::string("<scenarios>") : suite.file;
  if (suite.positions) {
    const asl::TextPosition p = suite.positions->ValuePosition(pointer);
    if (p.line > 0) text += ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
  }
  return text + ": " + pointer;
}

}  // namespace

ScenarioSuite ParseScenarioSuite(std::string_view text, const std::string& file) {
  const std::filesystem::path base =
      file.empty() ? std::filesystem::path(".") : std::filesystem::path(file).parent_path();
  Loader loader(file, base.empty() ? std::filesystem::path(".") : base);
  return loader.Load(text);
}

ScenarioSuite LoadScenarioFile(const std::string& path) {
  std::string text;
  if (!ReadText(path, &text)) {
    asl::Diagnostic d;
    d.file = path;
    d.code = codes::kFileNotReadable;
    d.message = "cannot read the scenario file";
    throw asl::DefinitionError({d});
  }
  return ParseScenarioSuite(text, path);
}

ScenarioSuite SuiteFromMockConfig(const std::string& mock_config_path,
                                  const std::string& definition_path,
                                  const MockSuiteOptions& options) {
  ScenarioSuite suite;
  suite.file = mock_config_path;
  suite.definition_file = definition_path;
  suite.definition = asl::LoadFile(definition_path);
  suite.mock_config =
      std::make_shared<const sim::MockConfig>(sim::MockConfig::LoadFile(mock_config_path));
  const std::vector<std::string> machines = suite.mock_config->StateMachineNames();
  if (options.state_machine) {
    if (std::find(machines.begin(), machines.end(), *options.state_machine) == machines.end()) {
      std::string known;
      for (const std::string& name : machines) known += (known.empty() ? "" : ", ") + name;
      throw UsageError(mock_config_path + " has no state machine " + Quote(*options.state_machine) +
                       " (it has " + (known.empty() ? "none" : known) + ")");
    }
    suite.state_machine = *options.state_machine;
  } else if (machines.size() == 1) {
    suite.state_machine = machines.front();
  } else {
    throw UsageError(mock_config_path + " has " + std::to_string(machines.size()) +
                     " state machines; pick one with --state-machine NAME");
  }
  for (const std::string& name : suite.mock_config->TestCaseNames(suite.state_machine)) {
    Scenario scenario;
    scenario.name = name;
    if (options.input) scenario.input = *options.input;
    scenario.mock_test_case = name;
    const sim::MockTestCase* test_case = suite.mock_config->FindTestCase(suite.state_machine, name);
    scenario.source.pointer = test_case->pointer;
    scenario.source.position = suite.mock_config->Position(test_case->pointer);
    scenario.expect.pointer = test_case->pointer;
    for (asl::Diagnostic& w : suite.mock_config->CheckAgainst(*suite.definition, *test_case)) {
      suite.warnings.push_back(std::move(w));
    }
    suite.scenarios.push_back(std::move(scenario));
  }
  return suite;
}

bool JsonContains(const Json& actual, const Json& expected) {
  return !FirstMismatch(actual, expected, "").has_value();
}

std::vector<ExpectationFailure> CheckExpectation(const Expectation& expect,
                                                 const sim::Execution& execution) {
  std::vector<ExpectationFailure> failures;
  auto fail = [&](const char* member, std::string message) {
    failures.push_back({expect.pointer + "/" + member, std::move(message)});
  };
  if (expect.status && *expect.status != execution.status) {
    fail("Status", "expected " + std::string(sim::ToString(*expect.status)) + ", got " +
                       std::string(sim::ToString(execution.status)));
  }
  if (expect.error && execution.error != expect.error) {
    fail("Error", "expected error " + Quote(*expect.error) + ", got " +
                      (execution.error ? Quote(*execution.error) : std::string("none")));
  }
  if (expect.cause && execution.cause.value_or("") != *expect.cause) {
    fail("Cause", "expected cause " + Quote(*expect.cause) + ", got " +
                      (execution.cause ? Quote(*execution.cause) : std::string("none")));
  }
  if (expect.output) {
    if (!execution.output) {
      fail("Output", "expected output " + Compact(*expect.output, 120) +
                         ", got none (the execution did not succeed)");
    } else if (*execution.output != *expect.output) {
      const auto mismatch = FirstMismatch(*execution.output, *expect.output, "");
      fail("Output", "expected output " + Compact(*expect.output, 120) + ", got " +
                         Compact(*execution.output, 120) +
                         (mismatch ? " (" + *mismatch + ")" : std::string(" (extra members)")));
    }
  }
  if (expect.output_contains) {
    if (!execution.output) {
      fail("OutputContains", "expected an output containing " +
                                 Compact(*expect.output_contains, 120) +
                                 ", got none (the execution did not succeed)");
    } else if (const auto mismatch =
                   FirstMismatch(*execution.output, *expect.output_contains, "")) {
      fail("OutputContains", "expected an output containing " +
                                 Compact(*expect.output_contains, 120) + ", but " + *mismatch);
    }
  }
  if (expect.visited_states) {
    const std::vector<std::string> actual = Visited(execution);
    if (actual != *expect.visited_states) {
      std::size_t i = 0;
      while (i < actual.size() && i < expect.visited_states->size() &&
             actual[i] == (*expect.visited_states)[i]) {
        ++i;
      }
      std::string detail;
      if (i < actual.size() && i < expect.visited_states->size()) {
        detail = "state " + std::to_string(i + 1) + " is " + Quote(actual[i]) + ", expected " +
                 Quote((*expect.visited_states)[i]);
      } else if (i < actual.size()) {
        detail = "the run went on to " + Quote(actual[i]);
      } else {
        detail = "the run stopped before " + Quote((*expect.visited_states)[i]);
      }
      fail("VisitedStates", "expected the path " + JoinStates(*expect.visited_states) + ", got " +
                                JoinStates(actual) + " (" + detail + ")");
    }
  }
  if (expect.elapsed && *expect.elapsed != execution.elapsed()) {
    fail("ElapsedSeconds", "expected " + SecondsText(*expect.elapsed) + " of virtual time, got " +
                               SecondsText(execution.elapsed()));
  }
  return failures;
}

ScenarioResult RunScenario(const ScenarioSuite& suite, const Scenario& scenario,
                           const std::vector<sim::ExecutionListener*>& listeners) {
  if (!suite.definition) throw UsageError("the scenario suite has no definition");
  ScriptTaskHandler scripted(scenario.outcomes);
  std::optional<sim::MockTaskHandler> mocks;
  if (scenario.mock_test_case) {
    if (!suite.mock_config) {
      throw UsageError("scenario " + Quote(scenario.name) +
                       " names a MockTestCase but the suite "
                       "has no MockConfig");
    }
    mocks.emplace(suite.mock_config, suite.state_machine, *scenario.mock_test_case);
  }
  DefaultsHandler defaults(scenario.default_outcomes);

  sim::Options options;
  options.seed = scenario.seed;
  options.type = suite.type;
  if (!suite.state_machine.empty()) {
    options.state_machine_name = suite.state_machine;
    options.state_machine_id =
        "arn:aws:states:us-east-1:111111111111:stateMachine:" + suite.state_machine;
    options.execution_id =
        "arn:aws:states:us-east-1:111111111111:execution:" + suite.state_machine + ":" +
        options.execution_name;
  }
  options.task_handlers.push_back(&scripted);
  if (mocks) options.task_handlers.push_back(&*mocks);
  options.task_handlers.push_back(&defaults);
  options.listeners = listeners;

  ScenarioResult result;
  result.name = scenario.name;
  const sim::Interpreter interpreter(suite.definition);
  interpreter.Run(scenario.input, options, &result.execution);
  for (const ExpectationFailure& failure : CheckExpectation(scenario.expect, result.execution)) {
    result.failures.push_back(Locate(suite, failure.pointer) + ": " + failure.message);
  }
  result.passed = result.failures.empty();
  return result;
}

std::string ScenarioResult::Describe() const {
  if (passed) return "";
  std::ostringstream s;
  for (const std::string& failure : failures) s << failure << '\n';
  s << "  status:  " << sim::ToString(execution.status) << '\n';
  if (execution.succeeded()) {
    s << "  output:  " << (execution.output ? Compact(*execution.output) : "null") << '\n';
  } else {
    s << "  error:   " << (execution.error ? *execution.error : "(none)") << '\n';
    s << "  cause:   " << (execution.cause ? *execution.cause : "(none)") << '\n';
  }
  s << "  path:    " << JoinStates(Visited(execution)) << '\n';
  s << "  elapsed: " << SecondsText(execution.elapsed()) << " (virtual)\n";
  return s.str();
}

void to_json(Json& j, const Expectation& expectation) {
  j = Json::object();
  if (expectation.status) j["Status"] = sim::ToString(*expectation.status);
  if (expectation.error) j["Error"] = *expectation.error;
  if (expectation.cause) j["Cause"] = *expectation.cause;
  if (expectation.output) j["Output"] = *expectation.output;
  if (expectation.output_contains) j["OutputContains"] = *expectation.output_contains;
  if (expectation.visited_states) j["VisitedStates"] = *expectation.visited_states;
  if (expectation.elapsed) {
    j["ElapsedSeconds"] = static_cast<double>(expectation.elapsed->count()) / 1000.0;
  }
}

void PrintTo(const Expectation& expectation, std::ostream* os) {
  *os << Json(expectation).dump(-1, ' ', false, Json::error_handler_t::replace);
}

void to_json(Json& j, const Scenario& scenario) {
  j = Json{{"Name", scenario.name}, {"Input", scenario.input}};
  if (scenario.mock_test_case) j["MockTestCase"] = *scenario.mock_test_case;
  if (!scenario.outcomes.empty()) j["Outcomes"] = Json(scenario.outcomes);
  if (!scenario.default_outcomes.empty()) {
    Json defaults = Json::object();
    for (const auto& [state, outcome] : scenario.default_outcomes) {
      defaults[state] = OutcomeToJson(outcome);
    }
    j["DefaultOutcomes"] = std::move(defaults);
  }
  j["Seed"] = scenario.seed;
  if (!scenario.expect.empty()) j["Expect"] = Json(scenario.expect);
}

void PrintTo(const Scenario& scenario, std::ostream* os) {
  *os << Json(scenario).dump(-1, ' ', false, Json::error_handler_t::replace);
}

void to_json(Json& j, const ScenarioResult& result) {
  Json execution;
  sim::to_json(execution, result.execution);
  execution.erase("history");
  j = Json{{"name", result.name},
           {"passed", result.passed},
           {"failures", result.failures},
           {"execution", std::move(execution)},
           {"visitedStates", Visited(result.execution)}};
}

void to_json(Json& j, const ExpectationFailure& failure) {
  j = Json{{"pointer", failure.pointer}, {"message", failure.message}};
}

void PrintTo(const ExpectationFailure& failure, std::ostream* os) {
  *os << failure.pointer << ": " << failure.message;
}

void to_json(Json& j, const ScenarioSuite& suite) {
  j = Json{{"file", suite.file},
           {"definitionFile", suite.definition_file},
           {"stateMachine", suite.state_machine},
           {"type", sim::ToString(suite.type)},
           {"scenarios", suite.scenarios}};
}

void PrintTo(const ScenarioSuite& suite, std::ostream* os) {
  *os << Json(suite).dump(-1, ' ', false, Json::error_handler_t::replace);
}

void PrintTo(const ScenarioResult& result, std::ostream* os) {
  *os << (result.passed ? "passed " : "failed ") << Quote(result.name);
  if (!result.passed) *os << '\n' << result.Describe();
}

Json ScenarioFileJson(const Json& definition, const std::vector<Json>& scenarios,
                      std::uint64_t seed, const std::string& comment) {
  nlohmann::ordered_json file;
  file["Format"] = kFormat;
  if (!comment.empty()) file["Comment"] = comment;
  file["Definition"] = definition;
  file["Options"] = {{"Seed", seed}};
  file["Scenarios"] = scenarios;
  // Not `return {file}`: braces would make a one-element array.
  return Json(file);  // NOLINT(modernize-return-braced-init-list)
}

}  // namespace stepsim::test
