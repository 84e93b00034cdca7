#include <stepsim/analysis/graph.h>
#include <stepsim/analysis/obligations.h>
#include <stepsim/analysis/paths.h>
#include <stepsim/analysis/witness.h>
#include <stepsim/error.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/listener.h>
#include <stepsim/sim/options.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <sstream>
#include <utility>

#include "analysis/witness_plan.h"

namespace stepsim::analysis {
namespace {

using internal::ExitKind;
using internal::ScopePath;

// Run limits of a verifying run: a witness that loops is no witness.
constexpr std::int64_t kMaxTransitions = 20000;

// Records the transitions of the root scope, to compare with the plan.
class RootRecorder : public sim::ExecutionListener {
 public:
  struct Move {
    const asl::State* from = nullptr;
    sim::TransitionKind kind = sim::TransitionKind::kNext;
    int index = -1;
    friend bool operator==(const Move&, const Move&) = default;
  };

  explicit RootRecorder(const asl::Scope* root) : root_(root) {}
  void OnTransition(const sim::Transition& t) override {
    if (t.scope != root_) return;
    const bool indexed =
        t.kind == sim::TransitionKind::kChoiceRule || t.kind == sim::TransitionKind::kCatch;
    moves.push_back(Move{t.from, t.kind, indexed ? t.index : -1});
  }
  std::vector<Move> moves;

 private:
  const asl::Scope* root_;
};

std::vector<RootRecorder::Move> ExpectedMoves(const ScopePath& path) {
  std::vector<RootRecorder::Move> out;
  for (const internal::Step& step : path.steps) {
    const asl::State* s = &path.scope->states[step.state];
    for (std::size_t i = 0; i + 1 < step.attempts.size(); ++i) {
      out.push_back({s, sim::TransitionKind::kRetry, -1});
    }
    RootRecorder::Move m{s, sim::TransitionKind::kNext, -1};
    switch (step.exit.kind) {
      case ExitKind::kNext:
        m.kind = sim::TransitionKind::kNext;
        break;
      case ExitKind::kEnd:
        m.kind = sim::TransitionKind::kEnd;
        break;
      case ExitKind::kRule:
        m.kind = sim::TransitionKind::kChoiceRule;
        m.index = step.exit.index;
        break;
      case ExitKind::kDefault:
        m.kind = sim::TransitionKind::kDefault;
        break;
      case ExitKind::kCatch:
        m.kind = sim::TransitionKind::kCatch;
        m.index = step.exit.index;
        break;
      case ExitKind::kNoMatch:
      case ExitKind::kUncaught:
      case ExitKind::kFailState:
        m.kind = sim::TransitionKind::kErrorOut;
        break;
    }
    out.push_back(m);
  }
  return out;
}

std::vector<RootRecorder::Move> WithoutRetryIndex(std::vector<RootRecorder::Move> moves) {
  for (auto& m : moves) {
    if (m.kind == sim::TransitionKind::kRetry) m.index = -1;
  }
  return moves;
}

std::string Sanitize(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string TwoDigits(std::size_t n) {
  std::string s = std::to_string(n);
  return s.size() < 2 ? "0" + s : s;
}

int Rank(ObligationKind kind) {
  switch (kind) {
    case ObligationKind::kRetryExhausted:
      return 0;
    case ObligationKind::kRetried:
      return 1;
    case ObligationKind::kTimeout:
      return 2;
    case ObligationKind::kHeartbeatTimeout:
      return 3;
    case ObligationKind::kCatch:
      return 4;
    case ObligationKind::kUncaught:
      return 5;
    case ObligationKind::kBranchesFailed:
      return 6;
    case ObligationKind::kChoiceRule:
      return 7;
    case ObligationKind::kChoiceDefault:
      return 8;
    case ObligationKind::kNoChoiceMatched:
      return 9;
    case ObligationKind::kBranchesSucceeded:
      return 10;
    case ObligationKind::kTransition:
      return 11;
    case ObligationKind::kState:
      return 12;
  }
  return 13;
}

class Verifier {
 public:
  Verifier(const std::shared_ptr<const asl::Definition>& definition, const Obligations& obligations,
           std::uint64_t seed)
      : definition_(definition), interpreter_(definition), tracker_(obligations), seed_(seed) {}

  // Runs `w`, fills in its run fields, and returns the obligations it hit
  // and the root moves it made.
  std::vector<std::size_t> Run(Witness* w, std::vector<RootRecorder::Move>* moves) {
    WitnessTaskHandler handler(*w);
    RootRecorder recorder(&definition_->root());
    sim::Options options;
    options.seed = seed_;
    options.task_handlers = {&handler};
    options.listeners = {&tracker_, &recorder};
    options.record_history = false;
    options.limits.max_state_transitions = kMaxTransitions;
    tracker_.TakeNewlyHit();
    const sim::Execution run = interpreter_.Run(w->input, options);
    std::vector<std::size_t> hit = tracker_.TakeNewlyHit();
    w->status = run.status;
    w->error = run.error;
    w->cause = run.cause;
    w->visited_states.assign(run.visited_states.begin(), run.visited_states.end());
    w->elapsed_millis = run.elapsed().count();
    w->covers.clear();
    for (std::size_t i : hit) w->covers.push_back(tracker_.obligations()[i].id);
    if (moves != nullptr) *moves = std::move(recorder.moves);
    return hit;
  }

 private:
  std::shared_ptr<const asl::Definition> definition_;
  sim::Interpreter interpreter_;
  ObligationTracker tracker_;
  std::uint64_t seed_;
};

std::string RunSummary(const Witness& w) {
  std::string out = std::string(sim::ToString(w.status));
  if (w.error) out += " " + *w.error;
  if (w.cause && !w.cause->empty()) {
    std::string cause = *w.cause;
    if (cause.size() > 400) cause = cause.substr(0, 397) + "...";
    out += " (" + cause + ")";
  }
  return out;
}

// Drops witnesses whose every obligation another kept witness also covers,
// smallest first.
void DropRedundant(std::vector<Witness>* witnesses, const Obligations& obligations) {
  std::vector<int> count(obligations.size(), 0);
  std::vector<std::vector<std::size_t>> covers;
  for (const Witness& w : *witnesses) {
    std::vector<std::size_t> ids;
    for (const std::string& id : w.covers) {
      if (auto i = obligations.Find(id)) ids.push_back(*i);
    }
    for (std::size_t i : ids) ++count[i];
    covers.push_back(std::move(ids));
  }
  std::vector<std::size_t> order(witnesses->size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return covers[a].size() < covers[b].size();
  });
  std::vector<bool> keep(witnesses->size(), true);
  for (std::size_t w : order) {
    const bool redundant = std::all_of(covers[w].begin(), covers[w].end(),
                                       [&](std::size_t i) { return count[i] >= 2; });
    if (!redundant) continue;
    keep[w] = false;
    for (std::size_t i : covers[w]) --count[i];
  }
  std::vector<Witness> out;
  for (std::size_t w = 0; w < witnesses->size(); ++w) {
    if (keep[w]) out.push_back(std::move((*witnesses)[w]));
  }
  *witnesses = std::move(out);
}

void Covering(const std::shared_ptr<const asl::Definition>& definition,
              const Obligations& obligations, const WitnessOptions& options, WitnessSuite* suite) {
  internal::Planner planner(*definition);
  Verifier verifier(definition, obligations, options.seed);
  const std::size_t n = obligations.size();
  std::vector<bool> covered(n, false);
  std::vector<std::string> reasons(n);
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return Rank(obligations[a].kind) < Rank(obligations[b].kind);
  });
  std::vector<Witness> kept;
  planner.SetCoverage(&obligations, &covered);
  for (std::size_t target : order) {
    if (covered[target]) continue;
    const Obligation& o = obligations[target];
    std::string reason;
    const std::vector<ScopePath> plans =
        planner.PlansFor(o, std::max<std::size_t>(1, options.attempts_per_obligation), &reason);
    bool done = false;
    for (const ScopePath& plan : plans) {
      internal::Synthesis syn = internal::Synthesize(*definition, plan);
      if (!syn.ok) {
        if (reason.empty()) reason = syn.reason;
        continue;
      }
      Witness w = std::move(syn.witness);
      const std::vector<std::size_t> hit = verifier.Run(&w, nullptr);
      if (std::find(hit.begin(), hit.end(), target) == hit.end()) {
        if (reason.empty()) reason = "not verified: the run ended " + RunSummary(w);
        continue;
      }
      for (std::size_t i : hit) covered[i] = true;
      w.targets = {o.id};
      kept.push_back(std::move(w));
      done = true;
      break;
    }
    if (!done && (reason.empty() || reason.rfind("not verified", 0) == 0)) {
      // Inside a distributed Map the states run in child executions, whose
      // events the run does not report to its listeners.
      for (const asl::Scope* scope = planner.ScopeOf(o.state);
           scope != nullptr && scope->parent_state != nullptr;
           scope = planner.ScopeOf(scope->parent_state)) {
        if (scope->parent_state->type == asl::StateType::kMap && scope->parent_state->distributed &&
            scope == scope->parent_state->item_processor.get()) {
          reason = "not verified: " + scope->parent_state->name +
                   " is a DISTRIBUTED Map: its child executions' states are not reported to the "
                   "run's listeners";
          break;
        }
      }
    }
    if (!done) reasons[target] = reason.empty() ? "infeasible: no path takes it" : reason;
  }
  DropRedundant(&kept, obligations);
  for (std::size_t k = 0; k < kept.size(); ++k) {
    kept[k].name = "W" + TwoDigits(k + 1) + "_" + Sanitize(kept[k].targets.front());
  }
  suite->witnesses = std::move(kept);
  suite->covered = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (covered[i]) {
      ++suite->covered;
    } else {
      suite->unwitnessed.push_back(Unwitnessed{obligations[i].id, obligations[i].description,
                                               reasons[i], obligations[i].source});
    }
  }
}

internal::Exit ExitOfEdge(const Graph& graph, EdgeDescriptor e, const internal::Planner& planner) {
  const Edge& edge = graph.edge(e);
  internal::Exit exit;
  exit.index = edge.index;
  switch (edge.kind) {
    case EdgeKind::kNext:
      exit.kind = ExitKind::kNext;
      break;
    case EdgeKind::kChoiceRule:
      exit.kind = ExitKind::kRule;
      break;
    case EdgeKind::kDefault:
      exit.kind = ExitKind::kDefault;
      break;
    case EdgeKind::kNoChoiceMatched:
      exit.kind = ExitKind::kNoMatch;
      break;
    case EdgeKind::kCatch:
      exit.kind = ExitKind::kCatch;
      break;
    case EdgeKind::kRetry:
      exit.kind = ExitKind::kNext;
      break;
    case EdgeKind::kEnd:
      exit.kind = ExitKind::kEnd;
      break;
    case EdgeKind::kFailState:
      exit.kind = ExitKind::kFailState;
      break;
    case EdgeKind::kUncaught:
      exit.kind = ExitKind::kUncaught;
      break;
  }
  if (exit.kind != ExitKind::kRule && exit.kind != ExitKind::kCatch) exit.index = -1;
  const Node& to = graph.node(boost::target(e, graph.boost()));
  if (to.kind == NodeKind::kState && to.state != nullptr) exit.target = planner.IndexOf(to.state);
  return exit;
}

void AllPaths(const std::shared_ptr<const asl::Definition>& definition,
              const Obligations& obligations, const WitnessOptions& options, WitnessSuite* suite) {
  internal::Planner planner(*definition);
  Verifier verifier(definition, obligations, options.seed);
  const Graph graph = Graph::Build(*definition);
  PathOptions po;
  po.scope = 0;
  po.max_loop = options.max_loop;
  po.expand_retries = true;
  po.max_paths = options.max_paths;
  std::vector<bool> covered(obligations.size(), false);
  std::size_t number = 0;
  suite->paths = EnumeratePaths(graph, po, [&](const Path& path) {
    std::vector<internal::Planner::RootStep> steps;
    std::string text;
    for (const PathStep& ps : path.steps) {
      if (!text.empty()) text += " -> ";
      text += graph.NodeName(ps.node);
      const Node& node = graph.node(ps.node);
      if (node.kind != NodeKind::kState || !ps.edge) continue;
      internal::Planner::RootStep rs;
      rs.state = planner.IndexOf(node.state);
      rs.exit = ExitOfEdge(graph, *ps.edge, planner);
      rs.retries = ps.retries;
      rs.exhausted = ps.exhausted_retrier;
      steps.push_back(std::move(rs));
    }
    std::string reason;
    auto plan = planner.PlanFromSteps(steps, &reason);
    if (!plan) {
      suite->unwitnessed_paths.push_back(text + ": " + reason);
      return true;
    }
    internal::Synthesis syn = internal::Synthesize(*definition, *plan);
    if (!syn.ok) {
      suite->unwitnessed_paths.push_back(text + ": " + syn.reason);
      return true;
    }
    Witness w = std::move(syn.witness);
    std::vector<RootRecorder::Move> moves;
    const std::vector<std::size_t> hit = verifier.Run(&w, &moves);
    if (WithoutRetryIndex(moves) != ExpectedMoves(*plan)) {
      suite->unwitnessed_paths.push_back(text + ": not verified: the run ended " + RunSummary(w));
      return true;
    }
    for (std::size_t i : hit) covered[i] = true;
    w.path = text;
    w.name = "P" + TwoDigits(++number) + "_" +
             Sanitize(path.succeeded ? "succeeded" : path.error.value_or("failed"));
    suite->witnesses.push_back(std::move(w));
    return true;
  });
  for (std::size_t i = 0; i < obligations.size(); ++i) {
    if (covered[i]) {
      ++suite->covered;
    } else {
      suite->unwitnessed.push_back(Unwitnessed{obligations[i].id, obligations[i].description,
                                               "not verified: no witnessed root path takes it",
                                               obligations[i].source});
    }
  }
}

std::string Quote(std::string_view s) { return nlohmann::json(std::string(s)).dump(); }

std::string CamelName(std::string_view name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
      upper = true;
      continue;
    }
    out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return out.empty() ? "Witness" : out;
}

std::string JsonLiteral(const nlohmann::json& value) {
  const std::string text = value.dump();
  if (text.find(")json\"") == std::string::npos) {
    return "nlohmann::json::parse(R\"json(" + text + ")json\")";
  }
  return "nlohmann::json::parse(" + Quote(text) + ")";
}

std::string Millis(double seconds) {
  return "std::chrono::milliseconds(" +
         std::to_string(static_cast<std::int64_t>(std::llround(seconds * 1000))) + ")";
}

}  // namespace

void to_json(nlohmann::json& j, const TaskAnswer& answer) {
  j = nlohmann::json::object();
  if (answer.is_throw) {
    j["Throw"] = {{"Error", answer.error}, {"Cause", answer.cause}};
  } else {
    j["Return"] = answer.value;
  }
  if (answer.latency_seconds != 0) j["LatencySeconds"] = answer.latency_seconds;
}

void PrintTo(const TaskAnswer& answer, std::ostream* os) {
  nlohmann::json j;
  to_json(j, answer);
  *os << j.dump();
}

void to_json(nlohmann::json& j, const Witness& w) {
  j = nlohmann::json::object();
  j["name"] = w.name;
  j["input"] = w.input;
  nlohmann::json outcomes = nlohmann::json::array();
  for (const auto& [state, answers] : w.outcomes) {
    nlohmann::json list = nlohmann::json::array();
    for (const TaskAnswer& a : answers) list.push_back(a);
    outcomes.push_back({{"state", state}, {"answers", list}});
  }
  j["outcomes"] = outcomes;
  j["status"] = std::string(sim::ToString(w.status));
  if (w.error) j["error"] = *w.error;
  if (w.cause) j["cause"] = *w.cause;
  j["visitedStates"] = w.visited_states;
  j["elapsedMillis"] = w.elapsed_millis;
  j["targets"] = w.targets;
  j["covers"] = w.covers;
  if (!w.path.empty()) j["path"] = w.path;
}

void PrintTo(const Witness& w, std::ostream* os) {
  nlohmann::json j;
  to_json(j, w);
  *os << j.dump();
}

void to_json(nlohmann::json& j, const Unwitnessed& u) {
  j = {{"obligation", u.obligation},
       {"description", u.description},
       {"reason", u.reason},
       {"pointer", u.source.pointer}};
}

void PrintTo(const Unwitnessed& u, std::ostream* os) { *os << u.obligation << ": " << u.reason; }

void to_json(nlohmann::json& j, const WitnessSuite& suite) {
  j = nlohmann::json::object();
  j["witnesses"] = suite.witnesses;
  j["unwitnessed"] = suite.unwitnessed;
  j["obligations"] = suite.obligations;
  j["covered"] = suite.covered;
  j["paths"] = suite.paths;
  j["unwitnessedPaths"] = suite.unwitnessed_paths;
}

void PrintTo(const WitnessSuite& suite, std::ostream* os) {
  *os << suite.witnesses.size() << " witnesses covering " << suite.covered << "/"
      << suite.obligations << " obligations";
  for (const Unwitnessed& u : suite.unwitnessed) *os << "; " << u.obligation << ": " << u.reason;
}

void PrintTo(const WitnessOptions& options, std::ostream* os) {
  *os << "{seed " << options.seed << (options.all_paths ? ", all paths" : ", covering")
      << ", max_loop " << options.max_loop << ", max_paths " << options.max_paths << "}";
}

WitnessSuite SynthesizeWitnesses(const std::shared_ptr<const asl::Definition>& definition,
                                 const WitnessOptions& options) {
  if (!definition) throw UsageError("SynthesizeWitnesses: the definition is null");
  const Obligations obligations = Obligations::For(*definition);
  WitnessSuite suite;
  suite.obligations = obligations.size();
  if (options.all_paths) {
    AllPaths(definition, obligations, options, &suite);
  } else {
    Covering(definition, obligations, options, &suite);
  }
  return suite;
}

WitnessTaskHandler::WitnessTaskHandler(const Witness& witness) {
  for (const auto& [state, answers] : witness.outcomes) by_state_[state] = &answers;
}

std::optional<sim::TaskOutcome> WitnessTaskHandler::Invoke(const sim::TaskInvocation& call) {
  if (call.state == nullptr) return std::nullopt;
  auto it = by_state_.find(call.state->name);
  if (it == by_state_.end()) return std::nullopt;
  const std::vector<TaskAnswer>& answers = *it->second;
  if (call.invocation < 0 || static_cast<std::size_t>(call.invocation) >= answers.size()) {
    return std::nullopt;
  }
  const TaskAnswer& a = answers[static_cast<std::size_t>(call.invocation)];
  const sim::Millis latency{static_cast<std::int64_t>(std::llround(a.latency_seconds * 1000))};
  if (a.is_throw) return sim::TaskOutcome::Fail(a.error, a.cause, latency);
  return sim::TaskOutcome::Succeed(a.value, latency);
}

nlohmann::ordered_json ScenarioFile(const WitnessSuite& suite, std::string_view definition_ref,
                                    std::uint64_t seed) {
  using OJson = nlohmann::ordered_json;
  OJson file = OJson::object();
  file["Format"] = "stepsim-scenarios/1";
  file["Comment"] = "Generated by stepsim generate: " + std::to_string(suite.witnesses.size()) +
                    " scenarios covering " + std::to_string(suite.covered) + "/" +
                    std::to_string(suite.obligations) + " obligations";
  file["Definition"] = std::string(definition_ref);
  file["Options"] = OJson{{"Seed", seed}};
  OJson scenarios = OJson::array();
  for (const Witness& w : suite.witnesses) {
    OJson sc = OJson::object();
    sc["Name"] = w.name;
    sc["Input"] = OJson(w.input);
    if (!w.outcomes.empty()) {
      OJson outcomes = OJson::object();
      for (const auto& [state, answers] : w.outcomes) {
        OJson list = OJson::array();
        for (const TaskAnswer& a : answers) {
          OJson entry = OJson::object();
          if (a.is_throw) {
            entry["Throw"] = OJson{{"Error", a.error}, {"Cause", a.cause}};
          } else {
            entry["Return"] = OJson(a.value);
          }
          if (a.latency_seconds != 0) entry["LatencySeconds"] = a.latency_seconds;
          list.push_back(std::move(entry));
        }
        outcomes[state] = std::move(list);
      }
      sc["Outcomes"] = std::move(outcomes);
    }
    OJson expect = OJson::object();
    expect["Status"] = std::string(sim::ToString(w.status));
    if (w.status != sim::ExecutionStatus::kSucceeded && w.error) expect["Error"] = *w.error;
    expect["VisitedStates"] = w.visited_states;
    sc["Expect"] = std::move(expect);
    scenarios.push_back(std::move(sc));
  }
  file["Scenarios"] = std::move(scenarios);
  return file;
}

std::string GTestFile(const WitnessSuite& suite, std::string_view definition_ref,
                      std::string_view test_suite, std::uint64_t seed) {
  std::ostringstream out;
  out << "// Generated by `stepsim generate --format gtest`: " << suite.witnesses.size()
      << " witnesses covering " << suite.covered << "/" << suite.obligations << " obligations.\n"
      << "// Every test was verified in the simulator when it was generated.\n"
      << "#include <chrono>\n#include <filesystem>\n#include <string>\n#include <vector>\n\n"
      << "#include <gmock/gmock.h>\n#include <gtest/gtest.h>\n#include <nlohmann/json.hpp>\n\n"
      << "#include <stepsim/test/harness.h>\n#include <stepsim/test/matchers.h>\n\n"
      << "namespace {\n\n"
      << "using stepsim::test::Harness;\n\n"
      << "// The definition, relative to this file.\n"
      << "std::string DefinitionPath() {\n"
      << "  return (std::filesystem::path(__FILE__).parent_path() / " << Quote(definition_ref)
      << ").string();\n"
      << "}\n";
  for (const Witness& w : suite.witnesses) {
    out << "\n";
    if (!w.targets.empty()) out << "// Covers " << w.targets.front() << ".\n";
    if (!w.path.empty()) out << "// Path: " << w.path << "\n";
    out << "TEST(" << test_suite << ", " << CamelName(w.name) << ") {\n"
        << "  Harness harness = Harness::FromFile(DefinitionPath());\n"
        << "  harness.WithSeed(" << seed << ");\n";
    for (const auto& [state, answers] : w.outcomes) {
      out << "  harness.MockState(" << Quote(state) << ")";
      for (const TaskAnswer& a : answers) {
        out << "\n      ";
        if (a.is_throw) {
          out << ".Throws(" << Quote(a.error) << ", " << Quote(a.cause);
          if (a.latency_seconds != 0) out << ", " << Millis(a.latency_seconds);
          out << ")";
        } else {
          out << ".Returns(" << JsonLiteral(a.value);
          if (a.latency_seconds != 0) out << ", " << Millis(a.latency_seconds);
          out << ")";
        }
      }
      out << ";\n";
    }
    out << "  const auto run = harness.Run(" << JsonLiteral(w.input) << ");\n";
    switch (w.status) {
      case sim::ExecutionStatus::kSucceeded:
        out << "  EXPECT_THAT(run, stepsim::test::Succeeded());\n";
        break;
      case sim::ExecutionStatus::kFailed:
        if (w.error) {
          out << "  EXPECT_THAT(run, stepsim::test::FailedWith(" << Quote(*w.error) << "));\n";
        } else {
          out << "  EXPECT_THAT(run, stepsim::test::Failed());\n";
        }
        break;
      case sim::ExecutionStatus::kTimedOut:
        out << "  EXPECT_THAT(run, stepsim::test::TimedOut());\n";
        break;
      case sim::ExecutionStatus::kAborted:
        out << "  EXPECT_EQ(run.status(), stepsim::sim::ExecutionStatus::kAborted);\n";
        break;
    }
    out << "  EXPECT_THAT(run, stepsim::test::VisitedStates(std::vector<std::string>{";
    for (std::size_t i = 0; i < w.visited_states.size(); ++i) {
      out << (i ? ", " : "") << Quote(w.visited_states[i]);
    }
    out << "}));\n}\n";
  }
  out << "\n}  // namespace\n";
  return out.str();
}

}  // namespace stepsim::analysis
