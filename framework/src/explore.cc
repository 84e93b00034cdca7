#include <stepsim/error.h>
#include <stepsim/jsonpath/path.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/test/explore.h>
#include <stepsim/test/scenario.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <utility>

namespace stepsim::test {
namespace {

using Json = nlohmann::json;

// Mixed into every run's RapidCheck key so that explore's streams differ from
// a property's that uses the same seed.
constexpr std::uint64_t kSalt = 0x5354455053494D31ULL;  // "STEPSIM1"

struct Case {  // NOLINT(bugprone-exception-escape): json members

  Json input;
  OutcomeScript script;
};

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string Quote(const std::string& s) { return Json(s).dump(); }

std::string SecondsText(sim::Millis ms) {
  std::ostringstream s;
  s << ms.count() / 1000 << '.' << (ms.count() % 1000) / 100 << (ms.count() % 100) / 10
    << ms.count() % 10 << " s";
  return s.str();
}

// Remembers where the error that ended the run started: of the states an
// error left after the last Catch, the first one whose error is the one the
// execution ended with (a Parallel passes a branch's error on unchanged; a Map
// over its tolerated failures raises its own).
class OriginListener : public sim::ExecutionListener {
 public:
  void OnTransition(const sim::Transition& t) override {
    if (t.kind == sim::TransitionKind::kCatch) {
      exits_.clear();
    } else if (t.kind == sim::TransitionKind::kErrorOut && t.from != nullptr) {
      exits_.emplace_back(t.from->name, t.error != nullptr ? t.error->error : std::string());
    }
  }
  [[nodiscard]] std::string Origin(const std::optional<std::string>& error) const {
    for (const auto& [state, name] : exits_) {
      if (error && name == *error) return state;
    }
    return exits_.empty() ? std::string() : exits_.front().first;
  }

 private:
  std::vector<std::pair<std::string, std::string>> exits_;
};

bool IsLimitCause(const std::string& cause) {
  return cause.find("maximum number of history events") != std::string::npos ||
         cause.find("Limits::max_state_transitions") != std::string::npos;
}

}  // namespace

// ---- invariants ---------------------------------------------------------------

Invariant Invariant::Parse(std::string_view text) {
  Invariant inv;
  inv.text_ = std::string(text);
  auto bad = [&](const std::string& why) {
    return UsageError("invariant " + Quote(inv.text_) + ": " + why);
  };
  auto starts = [&](std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; };
  if (starts("never:")) {
    inv.kind_ = Kind::kNever;
    inv.values_ = {std::string(text.substr(6))};
    if (inv.values_[0].empty()) throw bad("never: needs a state name");
    return inv;
  }
  if (starts("output:")) {
    inv.kind_ = Kind::kOutput;
    const std::string_view rest = text.substr(7);
    const std::size_t eq = rest.find("==");
    const std::size_t ne = rest.find("!=");
    const std::size_t op = std::min(eq, ne);
    if (op == std::string_view::npos) throw bad("output: needs PATH==VALUE or PATH!=VALUE");
    inv.negated_ = op == ne;
    inv.path_ = std::string(rest.substr(0, op));
    try {
      (void)jsonpath::Path::Parse(inv.path_);
    } catch (const std::exception& e) {
      throw bad("bad JSONPath " + Quote(inv.path_) + ": " + e.what());
    }
    const std::string value(rest.substr(op + 2));
    inv.expected_ = Json::parse(value, nullptr, false);
    if (inv.expected_.is_discarded()) inv.expected_ = Json(value);
    return inv;
  }
  for (const auto& [prefix, kind, negated] :
       {std::tuple{"status==", Kind::kStatus, false}, std::tuple{"status!=", Kind::kStatus, true},
        std::tuple{"error==", Kind::kError, false}, std::tuple{"error!=", Kind::kError, true}}) {
    if (!starts(prefix)) continue;
    inv.kind_ = kind;
    inv.negated_ = negated;
    inv.values_ = Split(text.substr(std::string_view(prefix).size()), '|');
    for (const std::string& value : inv.values_) {
      if (value.empty()) throw bad("empty name in the list");
      if (kind == Kind::kStatus && value != "SUCCEEDED" && value != "FAILED" &&
          value != "TIMED_OUT" && value != "ABORTED") {
        throw bad("unknown status " + Quote(value) +
                  " (expected SUCCEEDED, FAILED, TIMED_OUT or ABORTED)");
      }
    }
    return inv;
  }
  if (starts("elapsed<=")) {
    inv.kind_ = Kind::kElapsed;
    const std::string number(text.substr(9));
    const Json value = Json::parse(number, nullptr, false);
    if (value.is_discarded() || !value.is_number() || value.get<double>() < 0) {
      throw bad("elapsed<= needs a non-negative number of seconds, got " + Quote(number));
    }
    inv.limit_ = std::llround(value.get<double>() * 1000.0);
    return inv;
  }
  if (starts("states<=")) {
    inv.kind_ = Kind::kStates;
    const std::string_view number = text.substr(8);
    const auto [end, ec] =
        std::from_chars(number.data(), number.data() + number.size(), inv.limit_);
    if (ec != std::errc() || end != number.data() + number.size() || inv.limit_ < 0) {
      throw bad("states<= needs a non-negative integer, got " + Quote(std::string(number)));
    }
    return inv;
  }
  throw bad(
      "unknown form (expected status==A|B, status!=A, error==A|B, error!=A, never:STATE, "
      "output:$.path==JSON, output:$.path!=JSON, elapsed<=SECONDS or states<=N)");
}

std::optional<std::string> Invariant::Check(const sim::Execution& execution) const {
  auto listed = [&](const std::string& value) {
    return std::find(values_.begin(), values_.end(), value) != values_.end();
  };
  switch (kind_) {
    case Kind::kStatus: {
      const std::string status(sim::ToString(execution.status));
      if (listed(status) != negated_) return std::nullopt;
      return "status is " + status;
    }
    case Kind::kError: {
      if (!execution.error) return std::nullopt;
      if (listed(*execution.error) != negated_) return std::nullopt;
      return "error is " + Quote(*execution.error);
    }
    case Kind::kNever: {
      for (const std::string_view name : execution.visited_states) {
        if (name == values_[0]) return "entered " + Quote(values_[0]);
      }
      return std::nullopt;
    }
    case Kind::kOutput: {
      if (!execution.succeeded() || !execution.output) return std::nullopt;
      const std::optional<Json> actual = jsonpath::Path::Parse(path_).SelectFrom(*execution.output);
      const bool equal = actual && *actual == expected_;
      if (equal != negated_) return std::nullopt;
      return "output at " + path_ + " is " + (actual ? actual->dump() : std::string("absent"));
    }
    case Kind::kElapsed: {
      if (execution.elapsed().count() <= limit_) return std::nullopt;
      return "took " + SecondsText(execution.elapsed()) + " of virtual time";
    }
    case Kind::kStates: {
      if (execution.state_transitions <= limit_) return std::nullopt;
      return "entered " + std::to_string(execution.state_transitions) + " states";
    }
  }
  return std::nullopt;
}

// ---- findings -----------------------------------------------------------------

std::string_view ToString(FindingKind kind) {
  switch (kind) {
    case FindingKind::kUnhandledError:
      return "unhandled-error";
    case FindingKind::kRuntimeError:
      return "runtime-error";
    case FindingKind::kLimit:
      return "limit";
    case FindingKind::kInvariant:
      return "invariant";
  }
  return "?";
}

void to_json(Json& j, const Finding& finding) {
  std::vector<std::string> path(finding.execution.visited_states.begin(),
                                finding.execution.visited_states.end());
  j = Json{{"kind", ToString(finding.kind)},
           {"title", finding.title},
           {"originState", finding.origin_state},
           {"run", finding.run},
           {"shrinks", finding.shrinks},
           {"input", finding.input},
           {"script", Json(finding.script)},
           {"status", sim::ToString(finding.execution.status)},
           {"error", finding.execution.error ? Json(*finding.execution.error) : Json(nullptr)},
           {"cause", finding.execution.cause ? Json(*finding.execution.cause) : Json(nullptr)},
           {"visitedStates", path}};
}

void PrintTo(const Finding& finding, std::ostream* os) {
  *os << Json(finding).dump(-1, ' ', false, Json::error_handler_t::replace);
}

void to_json(Json& j, const Invariant& invariant) { j = invariant.text(); }
void PrintTo(const Invariant& invariant, std::ostream* os) { *os << invariant.text(); }

void to_json(Json& j, const Verdict& verdict) {
  j = Json{{"kind", ToString(verdict.kind)},
           {"key", verdict.key},
           {"title", verdict.title},
           {"originState", verdict.origin_state}};
}
void PrintTo(const Verdict& verdict, std::ostream* os) { *os << Json(verdict).dump(); }

void to_json(Json& j, const ExploreReport& report) {
  j = Json{{"seed", report.seed}, {"runs", report.runs}, {"findings", report.findings}};
}
void PrintTo(const ExploreReport& report, std::ostream* os) {
  *os << Json(report).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<Verdict> Classify(const asl::Definition& definition, const sim::Execution& execution,
                                const std::string& origin_state, const ExploreOptions& options) {
  const auto allowed = [&](const std::string& name) {
    return std::find(options.allowed_errors.begin(), options.allowed_errors.end(), name) !=
           options.allowed_errors.end();
  };
  const std::string error = execution.error.value_or("");
  const std::string cause = execution.cause.value_or("");
  const std::string from = origin_state.empty() ? "" : " from " + origin_state;
  if (execution.status == sim::ExecutionStatus::kTimedOut) {
    return Verdict{FindingKind::kLimit, "limit|timed-out",
                   "execution timed out after " + SecondsText(execution.elapsed()) + " (virtual)",
                   origin_state};
  }
  if (execution.status == sim::ExecutionStatus::kFailed) {
    const asl::State* origin = definition.FindState(origin_state);
    const bool deliberate = origin != nullptr && origin->type == asl::StateType::kFail;
    if (error == errors::kDataLimitExceeded || (error == errors::kRuntime && IsLimitCause(cause))) {
      return Verdict{FindingKind::kLimit, "limit|" + error + "|" + origin_state,
                     "limit reached: " + error + from + " (" + cause + ")", origin_state};
    }
    if (!deliberate && !allowed(error)) {
      if (error == errors::kRuntime) {
        return Verdict{FindingKind::kRuntimeError, "runtime|" + origin_state,
                       "runtime error States.Runtime" + from, origin_state};
      }
      return Verdict{FindingKind::kUnhandledError, "unhandled|" + origin_state,
                     "unhandled error " + (error.empty() ? std::string("(none)") : error) + from,
                     origin_state};
    }
  }
  for (const Invariant& invariant : options.invariants) {
    if (const auto broken = invariant.Check(execution)) {
      return Verdict{FindingKind::kInvariant, "invariant|" + invariant.text(),
                     "invariant " + invariant.text() + " broken: " + *broken, origin_state};
    }
  }
  return std::nullopt;
}

ExploreReport Explore(const std::shared_ptr<const asl::Definition>& definition,
                      const ExploreOptions& options) {
  if (!definition) throw UsageError("Explore needs a definition");
  if (options.runs < 0) throw UsageError("Explore needs a non-negative number of runs");
  ExploreReport report;
  report.seed = options.seed;
  report.runs = options.runs;
  report.space = DescribeScriptSpace(*definition, options.space);

  const rc::Gen<Json> input_gen =
      options.input_shape ? gen::JsonFromShape(*options.input_shape) : rc::gen::just(options.input);
  const rc::Gen<OutcomeScript> script_gen = gen::OutcomeScript(report.space);
  const rc::Gen<Case> case_gen = rc::gen::exec([input_gen, script_gen]() {
    Case c;
    c.input = *input_gen;
    c.script = *script_gen;
    return c;
  });

  const sim::Interpreter interpreter(definition);
  DefaultTaskHandler defaults(report.space);
  sim::Options base;
  base.seed = options.seed;
  base.type = options.type;
  base.limits = options.limits;
  base.record_history = false;

  // Runs one case; returns its execution and origin state.
  auto run = [&](const Case& c, bool observed, std::string* origin) {
    ScriptTaskHandler scripted(c.script);
    OriginListener origin_listener;
    sim::Options run_options = base;
    run_options.task_handlers = {&scripted, &defaults};
    run_options.listeners = {&origin_listener};
    if (observed) {
      run_options.listeners.insert(run_options.listeners.end(), options.listeners.begin(),
                                   options.listeners.end());
    }
    sim::Execution execution = interpreter.Run(c.input, run_options);
    *origin = origin_listener.Origin(execution.error);
    return execution;
  };

  std::set<std::string> seen;
  for (std::int64_t i = 0; i < options.runs; ++i) {
    const int size = options.runs <= 1 ? 100 : static_cast<int>(i * 100 / (options.runs - 1));
    const rc::Random random(rc::Random::Key{options.seed, static_cast<std::uint64_t>(i), kSalt, 0});
    rc::Shrinkable<Case> current = case_gen(random, size);
    std::string origin;
    sim::Execution execution = run(current.value(), true, &origin);
    auto verdict = Classify(*definition, execution, origin, options);
    if (verdict && seen.insert(verdict->key).second) {
      Finding finding;
      finding.kind = verdict->kind;
      finding.key = verdict->key;
      finding.run = i;
      Case best = current.value();
      // Greedy shrinking, as RapidCheck does: take the first simpler case
      // that is still the same finding, until none is.
      bool progressed = true;
      while (progressed && finding.shrink_tries < options.max_shrink_tries) {
        progressed = false;
        auto shrinks = current.shrinks();
        while (auto candidate = shrinks.next()) {
          if (++finding.shrink_tries > options.max_shrink_tries) break;
          const Case value = candidate->value();
          std::string candidate_origin;
          sim::Execution candidate_run = run(value, false, &candidate_origin);
          const auto candidate_verdict =
              Classify(*definition, candidate_run, candidate_origin, options);
          if (candidate_verdict && candidate_verdict->key == verdict->key) {
            current = std::move(*candidate);
            best = value;
            execution = std::move(candidate_run);
            verdict = candidate_verdict;
            ++finding.shrinks;
            progressed = true;
            break;
          }
        }
      }
      finding.title = verdict->title;
      finding.origin_state = verdict->origin_state;
      finding.input = best.input;
      finding.script = best.script;
      finding.execution = std::move(execution);
      report.findings.push_back(std::move(finding));
    }
    if (options.progress) options.progress(i + 1, options.runs, report.findings.size());
  }
  return report;
}

Json ReplayScenarioFile(const ExploreReport& report, const Finding& finding, std::size_t index,
                        const Json& definition_ref) {
  Json scenario = Json::object();
  scenario["Name"] = "finding-" + std::to_string(index);
  scenario["Comment"] = finding.title;
  scenario["Input"] = finding.input;
  if (!finding.script.empty()) scenario["Outcomes"] = Json(finding.script);
  scenario["DefaultOutcomes"] = DefaultOutcomesJson(report.space);
  Json expect = Json::object();
  expect["Status"] = sim::ToString(finding.execution.status);
  if (finding.execution.error) expect["Error"] = *finding.execution.error;
  expect["VisitedStates"] = std::vector<std::string>(finding.execution.visited_states.begin(),
                                                     finding.execution.visited_states.end());
  scenario["Expect"] = std::move(expect);
  return ScenarioFileJson(definition_ref, {scenario}, report.seed,
                          "stepsim explore --seed " + std::to_string(report.seed) + ", finding " +
                              std::to_string(index) + ": " + finding.title +
                              ". Expect pins what the run did; change it to what should happen.");
}

}  // namespace stepsim::test
