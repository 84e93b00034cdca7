#include <stepsim/asl/json_source.h>
#include <stepsim/error.h>
#include <stepsim/test/generators.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <utility>

namespace stepsim::sim {
// RapidCheck shows values through ADL-found showValue.
void showValue(const TaskOutcome& outcome, std::ostream& os) {
  os << test::OutcomeToJson(outcome).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace stepsim::sim

namespace stepsim::test {
namespace {

using Json = nlohmann::json;

constexpr sim::Millis kLatencyStep{100};
constexpr std::size_t kMapAnswers = 8;
constexpr std::size_t kMaxAnswers = 10;

void AddUnique(std::vector<std::string>* names, const std::string& name) {
  if (name == errors::kAll) return;
  if (std::find(names->begin(), names->end(), name) == names->end()) names->push_back(name);
}

void AddHandledNames(const asl::State& state, std::vector<std::string>* names) {
  for (const asl::Retrier& retrier : state.retry) {
    for (const std::string& name : retrier.error_equals) AddUnique(names, name);
  }
  for (const asl::Catcher& catcher : state.catch_) {
    for (const std::string& name : catcher.error_equals) AddUnique(names, name);
  }
}

// ---- shapes -----------------------------------------------------------------

const std::set<std::string, std::less<>>& Keywords() {
  static const std::set<std::string, std::less<>> kKeywords = {
      "number", "integer",  "string", "boolean", "enum",
      "const",  "optional", "oneOf",  "array",   "object"};
  return kKeywords;
}

// The keyword of a keyword-form object, or "" for a plain object shape.
std::string KeywordOf(const Json& shape) {
  if (!shape.is_object() || shape.empty()) return "";
  std::string keyword;
  for (const auto& [key, value] : shape.items()) {
    if (Keywords().count(key) != 0) {
      if (!keyword.empty()) return "";
      keyword = key;
    } else if (key != "minItems" && key != "maxItems") {
      return "";
    }
  }
  if (keyword != "array" && shape.size() != 1) return "";
  return keyword;
}

bool ReadRange(const Json& range, const std::string& pointer, bool integer,
               std::vector<ScriptProblem>* problems) {
  if (!range.is_array() || range.size() != 2 || !range[0].is_number() || !range[1].is_number()) {
    problems->push_back({pointer, "must be an array [lo, hi] of two numbers, got " + range.dump()});
    return false;
  }
  if (integer && (!range[0].is_number_integer() || !range[1].is_number_integer())) {
    problems->push_back({pointer, "must hold two integers, got " + range.dump()});
    return false;
  }
  if (range[0].get<double>() > range[1].get<double>()) {
    problems->push_back({pointer, "lo must not exceed hi, got " + range.dump()});
    return false;
  }
  if (std::fabs(range[0].get<double>()) > 1e12 || std::fabs(range[1].get<double>()) > 1e12) {
    problems->push_back({pointer, "bounds must lie within [-1e12, 1e12], got " + range.dump()});
    return false;
  }
  return true;
}

rc::Gen<Json> ShapeGen(const Json& shape);

// An index in [0, n) that shrinks to every smaller index, smallest first
// (RapidCheck's inRange only tries a few, halving the distance), so an error
// shrinks to the earliest name that still fails.
rc::Gen<std::size_t> IndexGen(std::size_t n) {
  return {[n](const rc::Random& random, int /*size*/) {
    const auto value = static_cast<std::size_t>(rc::Random(random).next() % n);
    return rc::shrinkable::shrinkRecur(
        value, [](std::size_t x) { return rc::seq::range<std::size_t>(0, x); });
  }};
}

// Numbers are drawn over the whole range the user gave, whatever the size.
rc::Gen<Json> IntegerGen(std::int64_t lo, std::int64_t hi) {
  return rc::gen::map(rc::gen::resize(100, rc::gen::inRange<std::int64_t>(lo, hi + 1)),
                      [](std::int64_t v) { return Json(v); });
}

rc::Gen<Json> NumberGen(double lo, double hi) {
  const auto lo_cents = static_cast<std::int64_t>(std::ceil(lo * 100));
  const auto hi_cents = static_cast<std::int64_t>(std::floor(hi * 100));
  return rc::gen::map(rc::gen::resize(100, rc::gen::inRange<std::int64_t>(
                                               lo_cents, std::max(lo_cents, hi_cents) + 1)),
                      [](std::int64_t cents) {
                        if (cents % 100 == 0) return Json(cents / 100);
                        return Json(static_cast<double>(cents) / 100.0);
                      });
}

rc::Gen<Json> StringGen() {
  static const std::string kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return rc::gen::map(
      rc::gen::scale(0.1, rc::gen::container<std::string>(rc::gen::elementOf(kAlphabet))),
      [](std::string s) { return Json(std::move(s)); });
}

rc::Gen<Json> ObjectGen(const Json& members) {
  struct Member {
    std::string name;
    bool optional;
    rc::Gen<Json> gen;
  };
  std::vector<Member> list;
  for (const auto& [name, member_shape] : members.items()) {
    if (KeywordOf(member_shape) == "optional") {
      list.push_back({name, true, ShapeGen(member_shape.at("optional"))});
    } else {
      list.push_back({name, false, ShapeGen(member_shape)});
    }
  }
  return rc::gen::exec([list]() {
    Json object = Json::object();
    for (const Member& member : list) {
      if (member.optional && *rc::gen::inRange(0, 2) == 0) continue;
      object[member.name] = *member.gen;
    }
    return object;
  });
}

rc::Gen<Json> ShapeGen(const Json& shape) {
  if (shape.is_string()) {
    const auto name = shape.get<std::string>();
    if (name == "string") return StringGen();
    if (name == "number") return NumberGen(-1000, 1000);
    if (name == "integer") return IntegerGen(-1000, 1000);
    if (name == "boolean") {
      return rc::gen::map(rc::gen::inRange(0, 2), [](int b) { return Json(b == 1); });
    }
    return rc::gen::just(Json(nullptr));  // "null"
  }
  if (shape.is_array()) {
    return rc::gen::map(
        rc::gen::resize(5, rc::gen::container<std::vector<Json>>(ShapeGen(shape[0]))),
        [](std::vector<Json> items) { return Json(std::move(items)); });
  }
  if (!shape.is_object()) return rc::gen::just(Json(shape));
  const std::string keyword = KeywordOf(shape);
  if (keyword.empty()) return ObjectGen(shape);
  const Json& arg = shape.at(keyword);
  if (keyword == "number") return NumberGen(arg[0].get<double>(), arg[1].get<double>());
  if (keyword == "integer")
    return IntegerGen(arg[0].get<std::int64_t>(), arg[1].get<std::int64_t>());
  if (keyword == "string") return StringGen();
  if (keyword == "boolean") return ShapeGen(Json("boolean"));
  if (keyword == "enum") {
    std::vector<Json> values(arg.begin(), arg.end());
    return rc::gen::map(IndexGen(values.size()), [values](std::size_t i) { return values[i]; });
  }
  if (keyword == "const") return rc::gen::just(Json(arg));
  if (keyword == "optional") {
    const rc::Gen<Json> inner = ShapeGen(arg);
    return rc::gen::exec([inner]() {
      if (*rc::gen::inRange(0, 2) == 0) return Json(nullptr);
      return *inner;
    });
  }
  if (keyword == "oneOf") {
    std::vector<rc::Gen<Json>> gens;
    for (const Json& option : arg) gens.push_back(ShapeGen(option));
    return rc::gen::exec([gens]() { return *gens[*IndexGen(gens.size())]; });
  }
  if (keyword == "object") return ObjectGen(arg);
  // array
  const std::size_t min_items = shape.value("minItems", std::size_t{0});
  const std::size_t max_items = shape.value("maxItems", std::max<std::size_t>(min_items, 5));
  const rc::Gen<Json> item = ShapeGen(arg);
  return rc::gen::exec([item, min_items, max_items]() {
    const auto count = *rc::gen::inRange<std::size_t>(min_items, max_items + 1);
    Json items = Json::array();
    for (std::size_t i = 0; i < count; ++i) items.push_back(*item);
    return items;
  });
}

TaskSpace DescribeTask(const asl::State& state, const std::vector<const asl::State*>& enclosing,
                       const ScriptSpaceOptions& options) {
  TaskSpace task;
  task.state = state.name;
  if (const auto it = options.success_results.find(state.name);
      it != options.success_results.end() && !it->second.empty()) {
    task.results = it->second;
  } else {
    task.results = {Json::object()};
  }
  AddHandledNames(state, &task.errors);
  bool in_map = false;
  // Innermost first.
  for (std::size_t i = enclosing.size(); i-- > 0;) {
    AddHandledNames(*enclosing[i], &task.errors);
    in_map = in_map || enclosing[i]->type == asl::StateType::kMap;
  }
  AddUnique(&task.errors, errors::kTaskFailed);
  AddUnique(&task.errors, errors::kTimeout);
  for (const std::string& name : options.extra_error_names) AddUnique(&task.errors, name);
  AddUnique(&task.errors, kUnhandledErrorName);

  std::int64_t most_retries = 0;
  for (const asl::Retrier& retrier : state.retry) {
    most_retries = std::max(most_retries, retrier.max_attempts);
  }
  task.max_answers =
      std::clamp<std::size_t>(static_cast<std::size_t>(most_retries) + 1, 2, kMaxAnswers);
  if (in_map) task.max_answers = kMapAnswers;
  task.max_latency = options.max_latency;
  if (state.timeout_seconds.literal) {
    task.max_latency =
        sim::Millis{static_cast<std::int64_t>(*state.timeout_seconds.literal * 1500.0)};
  }
  return task;
}

}  // namespace

const TaskSpace* ScriptSpace::Find(std::string_view state) const {
  for (const TaskSpace& task : tasks) {
    if (task.state == state) return &task;
  }
  return nullptr;
}

void to_json(Json& j, const TaskSpace& space) {
  j = Json{{"state", space.state},
           {"results", space.results},
           {"errors", space.errors},
           {"maxAnswers", space.max_answers},
           {"maxLatencyMillis", space.max_latency.count()}};
}

void to_json(Json& j, const ScriptSpace& space) {
  j = Json::array();
  for (const TaskSpace& task : space.tasks) j.push_back(Json(task));
}

void PrintTo(const TaskSpace& space, std::ostream* os) { *os << Json(space).dump(); }
void PrintTo(const ScriptSpace& space, std::ostream* os) { *os << Json(space).dump(); }

ScriptSpace DescribeScriptSpace(const asl::Definition& definition,
                                const ScriptSpaceOptions& options) {
  ScriptSpace space;
  // Depth-first over scopes, keeping the Parallel/Map states around each
  // state: errors leaving a branch or iteration reach their Retry and Catch.
  std::vector<const asl::State*> enclosing;
  std::function<void(const asl::Scope&)> walk = [&](const asl::Scope& scope) {
    for (const asl::State& state : scope.states) {
      if (state.type == asl::StateType::kTask) {
        space.tasks.push_back(DescribeTask(state, enclosing, options));
      }
      enclosing.push_back(&state);
      for (const auto& branch : state.branches) walk(*branch);
      if (state.item_processor) walk(*state.item_processor);
      enclosing.pop_back();
    }
  };
  walk(definition.root());
  return space;
}

std::map<std::string, std::vector<Json>> SuccessResultsFrom(const sim::MockConfig& config) {
  std::map<std::string, std::vector<Json>> results;
  for (const std::string& machine : config.StateMachineNames()) {
    for (const std::string& name : config.TestCaseNames(machine)) {
      const sim::MockTestCase* test_case = config.FindTestCase(machine, name);
      if (test_case == nullptr) continue;
      for (const auto& [state, response_name] : test_case->states) {
        const sim::MockedResponse* response = config.FindResponse(response_name);
        if (response == nullptr) continue;
        for (const sim::MockAnswer& answer : response->answers) {
          if (answer.kind != sim::MockAnswer::Kind::kReturn) continue;
          std::vector<Json>& list = results[state];
          if (std::find(list.begin(), list.end(), answer.result) == list.end()) {
            list.push_back(answer.result);
          }
        }
      }
    }
  }
  return results;
}

std::optional<sim::TaskOutcome> DefaultTaskHandler::Invoke(const sim::TaskInvocation& call) {
  if (call.state == nullptr) return std::nullopt;
  const TaskSpace* task = space_.Find(call.state->name);
  if (task == nullptr) return std::nullopt;
  return sim::TaskOutcome::Succeed(task->results.front());
}

Json DefaultOutcomesJson(const ScriptSpace& space) {
  Json defaults = Json::object();
  for (const TaskSpace& task : space.tasks) {
    defaults[task.state] = Json{{"Return", task.results.front()}};
  }
  return defaults;
}

bool CheckShape(const Json& shape, const std::string& pointer,
                std::vector<ScriptProblem>* problems) {
  const std::size_t before = problems->size();
  if (shape.is_string()) {
    const auto name = shape.get<std::string>();
    if (name != "string" && name != "number" && name != "integer" && name != "boolean" &&
        name != "null") {
      problems->push_back({pointer, "unknown type \"" + name +
                                        "\" (expected string, number, integer, boolean or null)"});
    }
  } else if (shape.is_array()) {
    if (shape.size() != 1) {
      problems->push_back({pointer, "an array shape holds exactly one item shape, got " +
                                        std::to_string(shape.size())});
    } else {
      CheckShape(shape[0], asl::AppendPointer(pointer, 0), problems);
    }
  } else if (shape.is_object()) {
    const std::string keyword = KeywordOf(shape);
    if (keyword.empty()) {
      for (const auto& [name, member] : shape.items()) {
        CheckShape(member, asl::AppendPointer(pointer, name), problems);
      }
    } else {
      const std::string arg_pointer = asl::AppendPointer(pointer, keyword);
      const Json& arg = shape.at(keyword);
      if (keyword == "number" || keyword == "integer") {
        ReadRange(arg, arg_pointer, keyword == "integer", problems);
      } else if (keyword == "string" || keyword == "boolean") {
        problems->push_back({arg_pointer, "write the type as the string \"" + keyword + "\""});
      } else if (keyword == "enum" || keyword == "oneOf") {
        if (!arg.is_array() || arg.empty()) {
          problems->push_back({arg_pointer, "must be a non-empty array, got " + arg.dump()});
        } else if (keyword == "oneOf") {
          for (std::size_t i = 0; i < arg.size(); ++i) {
            CheckShape(arg[i], asl::AppendPointer(arg_pointer, i), problems);
          }
        }
      } else if (keyword == "optional") {
        CheckShape(arg, arg_pointer, problems);
      } else if (keyword == "object") {
        if (!arg.is_object()) {
          problems->push_back(
              {arg_pointer,
               std::string("must be an object of member shapes, got ") + arg.type_name()});
        } else {
          for (const auto& [name, member] : arg.items()) {
            CheckShape(member, asl::AppendPointer(arg_pointer, name), problems);
          }
        }
      } else if (keyword == "array") {
        CheckShape(arg, arg_pointer, problems);
        for (const char* bound : {"minItems", "maxItems"}) {
          if (const auto it = shape.find(bound); it != shape.end()) {
            if (!it->is_number_unsigned() || it->get<std::uint64_t>() > 1000) {
              problems->push_back({asl::AppendPointer(pointer, bound),
                                   "must be an integer in [0, 1000], got " + it->dump()});
            }
          }
        }
        if (problems->size() == before &&
            shape.value("minItems", 0) > shape.value("maxItems", 1000)) {
          problems->push_back({pointer, "minItems must not exceed maxItems"});
        }
      }
    }
  }
  return problems->size() == before;
}

namespace gen {

rc::Gen<sim::TaskOutcome> TaskOutcome(const TaskSpace& space) {
  const std::vector<Json> results =
      space.results.empty() ? std::vector<Json>{Json::object()} : space.results;
  const std::vector<std::string> names = space.errors;
  const auto latency_steps = space.max_latency.count() / kLatencyStep.count();
  // Every answer draws at full size: half of them fail from the first
  // runs on, while the sequence lengths still grow with the size.
  return rc::gen::resize(100, rc::gen::exec([results, names, latency_steps]() {
                           const bool fails = !names.empty() && *rc::gen::inRange(0, 2) == 1;
                           sim::TaskOutcome outcome;
                           if (fails) {
                             const auto index = *IndexGen(names.size());
                             outcome = sim::TaskOutcome::Fail(names[index], kGeneratedCause);
                           } else {
                             const auto index = *IndexGen(results.size());
                             outcome = sim::TaskOutcome::Succeed(results[index]);
                           }
                           if (latency_steps > 0) {
                             outcome.latency = kLatencyStep * *rc::gen::inRange<std::int64_t>(
                                                                  0, latency_steps + 1);
                           }
                           return outcome;
                         }));
}

rc::Gen<test::OutcomeScript> OutcomeScript(const ScriptSpace& space) {
  struct Entry {
    std::string state;
    std::size_t max_answers;
    rc::Gen<sim::TaskOutcome> answer;
  };
  std::vector<Entry> entries;
  for (const TaskSpace& task : space.tasks) {
    entries.push_back({task.state, task.max_answers, TaskOutcome(task)});
  }
  return rc::gen::exec([entries]() {
    test::OutcomeScript script;
    for (const Entry& entry : entries) {
      const auto max = static_cast<int>(entry.max_answers);
      // The sequence length grows with the size (0 at size 0, up to
      // `max_answers` at size 100).
      auto answers = *rc::gen::withSize([entry, max](int size) {
        const int length_size = (size * max + 99) / 100;
        return rc::gen::resize(length_size,
                               rc::gen::container<std::vector<sim::TaskOutcome>>(entry.answer));
      });
      script.Set(entry.state, std::move(answers));
    }
    return script;
  });
}

rc::Gen<test::OutcomeScript> OutcomeScript(const asl::Definition& definition,
                                           std::vector<std::string> extra_error_names) {
  ScriptSpaceOptions options;
  options.extra_error_names = std::move(extra_error_names);
  return OutcomeScript(DescribeScriptSpace(definition, options));
}

rc::Gen<Json> JsonFromShape(const Json& shape) {
  std::vector<ScriptProblem> problems;
  if (!CheckShape(shape, "", &problems)) {
    throw UsageError(problems.front().pointer + ": " + problems.front().message);
  }
  return ShapeGen(shape);
}

}  // namespace gen

namespace internal {
std::string ReproduceString(const std::string& id, const rc::detail::Reproduce& reproduce) {
  rc::detail::Configuration config;
  config.reproduce[id] = reproduce;
  // Only the reproduce key: it replays the failure whatever the seed.
  std::string text = rc::detail::configToMinimalString(config);
  const std::size_t start = text.find("reproduce=");
  if (start == std::string::npos) return text;
  return text.substr(start, text.find(' ', start) - start);
}
}  // namespace internal

}  // namespace stepsim::test
