#include <openssl/evp.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/json_source.h>
#include <stepsim/report/coverage.h>
#include <stepsim/sim/history.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <sstream>
#include <tuple>
#include <utility>

namespace stepsim::report {
namespace {

using Json = nlohmann::json;
using analysis::Criterion;
using analysis::ObligationKind;

constexpr std::array<ObligationKind, 13> kAllKinds = {ObligationKind::kState,
                                                      ObligationKind::kTransition,
                                                      ObligationKind::kChoiceRule,
                                                      ObligationKind::kChoiceDefault,
                                                      ObligationKind::kNoChoiceMatched,
                                                      ObligationKind::kRetried,
                                                      ObligationKind::kRetryExhausted,
                                                      ObligationKind::kCatch,
                                                      ObligationKind::kUncaught,
                                                      ObligationKind::kTimeout,
                                                      ObligationKind::kHeartbeatTimeout,
                                                      ObligationKind::kBranchesSucceeded,
                                                      ObligationKind::kBranchesFailed};

std::optional<ObligationKind> ParseKind(std::string_view text) {
  for (ObligationKind kind : kAllKinds) {
    if (analysis::ToString(kind) == text) return kind;
  }
  return std::nullopt;
}

std::string Ptr(const std::string& pointer, std::string_view token) {
  return asl::AppendPointer(pointer, token);
}
std::string Ptr(const std::string& pointer, std::size_t index) {
  return asl::AppendPointer(pointer, index);
}

// Typed member access for from_json: every failure names the member's
// pointer and what was found there.
class Reader {
 public:
  Reader(const Json& object, std::string pointer) : object_(object), pointer_(std::move(pointer)) {
    if (!object_.is_object()) {
      throw CoverageFileError(pointer_,
                              std::string("must be an object, got ") + object_.type_name());
    }
  }

  const Json& Member(const char* key) const {
    const auto it = object_.find(key);
    if (it == object_.end()) {
      throw CoverageFileError(pointer_, std::string("missing member \"") + key + "\"");
    }
    return *it;
  }

  std::string String(const char* key) const {
    const Json& v = Member(key);
    if (!v.is_string()) throw Bad(key, "must be a string", v);
    return v.get<std::string>();
  }

  std::int64_t Integer(const char* key, std::int64_t min) const {
    const Json& v = Member(key);
    if (!v.is_number_integer()) throw Bad(key, "must be an integer", v);
    const auto n = v.get<std::int64_t>();
    if (n < min) {
      throw CoverageFileError(Ptr(pointer_, key),
                              "must be at least " + std::to_string(min) + ", got " + v.dump());
    }
    return n;
  }

  const Json& Array(const char* key) const {
    const Json& v = Member(key);
    if (!v.is_array()) throw Bad(key, "must be an array", v);
    return v;
  }

  std::set<std::string> StringSet(const char* key) const {
    const Json& v = Array(key);
    std::set<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        throw CoverageFileError(Ptr(Ptr(pointer_, key), i),
                                std::string("must be a string, got ") + v[i].type_name());
      }
      out.insert(v[i].get<std::string>());
    }
    return out;
  }

  std::string Pointer(const char* key) const { return Ptr(pointer_, key); }

 private:
  CoverageFileError Bad(const char* key, const char* what, const Json& v) const {
    return {Ptr(pointer_, key), std::string(what) + ", got " + v.type_name()};
  }

  const Json& object_;
  std::string pointer_;
};

ObligationCoverage ReadObligation(const Json& j, const std::string& pointer) {
  const Reader r(j, pointer);
  ObligationCoverage o;
  o.id = r.String("id");
  if (o.id.empty()) throw CoverageFileError(r.Pointer("id"), "must not be empty");
  const std::string kind = r.String("kind");
  const auto parsed_kind = ParseKind(kind);
  if (!parsed_kind) {
    throw CoverageFileError(r.Pointer("kind"), "unknown obligation kind \"" + kind + "\"");
  }
  o.kind = *parsed_kind;
  const std::string criterion = r.String("criterion");
  const auto parsed_criterion = analysis::ParseCriterion(criterion);
  if (!parsed_criterion) {
    throw CoverageFileError(r.Pointer("criterion"), "unknown criterion \"" + criterion + "\"");
  }
  o.criterion = *parsed_criterion;
  o.state = r.String("state");
  o.pointer = r.String("pointer");
  o.line = r.Integer("line", 0);
  o.column = r.Integer("column", 0);
  o.description = r.String("description");
  o.hits = r.Integer("hits", 0);
  o.tests = r.StringSet("tests");
  return o;
}

ScopeCoverage ReadScope(const Json& j, const std::string& pointer) {
  const Reader r(j, pointer);
  ScopeCoverage s;
  s.name = r.String("name");
  s.start = r.String("start");
  s.pointer = r.String("pointer");
  s.line = r.Integer("line", 0);
  s.column = r.Integer("column", 0);
  const Json& states = r.Array("states");
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (!states[i].is_string()) {
      throw CoverageFileError(Ptr(r.Pointer("states"), i),
                              std::string("must be a string, got ") + states[i].type_name());
    }
    s.states.push_back(states[i].get<std::string>());
  }
  return s;
}

DefinitionCoverage ReadDefinition(const Json& j, const std::string& pointer) {
  const Reader r(j, pointer);
  DefinitionCoverage d;
  d.file = r.String("file");
  d.digest = r.String("digest");
  d.executions = r.Integer("executions", 0);
  d.tests = r.StringSet("tests");
  // "scopes" came with the first release of the format but is optional so
  // that hand-written files stay short.
  if (j.contains("scopes")) {
    const Json& scopes = r.Array("scopes");
    for (std::size_t i = 0; i < scopes.size(); ++i) {
      d.scopes.push_back(ReadScope(scopes[i], Ptr(r.Pointer("scopes"), i)));
    }
  }
  const Json& obligations = r.Array("obligations");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < obligations.size(); ++i) {
    const std::string at = Ptr(r.Pointer("obligations"), i);
    d.obligations.push_back(ReadObligation(obligations[i], at));
    if (!ids.insert(d.obligations.back().id).second) {
      throw CoverageFileError(Ptr(at, "id"),
                              "duplicate obligation id \"" + d.obligations.back().id + "\"");
    }
  }
  return d;
}

// The order-independent parts of an obligation besides its counts; merged by
// taking the smallest so that the result does not depend on argument order.
auto Metadata(const ObligationCoverage& o) {
  return std::tie(o.kind, o.criterion, o.state, o.pointer, o.line, o.column, o.description);
}

void MergeObligation(ObligationCoverage& a, const ObligationCoverage& b) {
  if (Metadata(b) < Metadata(a)) {
    a.kind = b.kind;
    a.criterion = b.criterion;
    a.state = b.state;
    a.pointer = b.pointer;
    a.line = b.line;
    a.column = b.column;
    a.description = b.description;
  }
  a.hits += b.hits;
  a.tests.insert(b.tests.begin(), b.tests.end());
}

bool SameIds(const std::vector<ObligationCoverage>& a, const std::vector<ObligationCoverage>& b) {
  return std::equal(
      a.begin(), a.end(), b.begin(), b.end(),
      [](const ObligationCoverage& x, const ObligationCoverage& y) { return x.id == y.id; });
}

// Ranks scope lists for a commutative choice: a non-empty list wins, then the
// smaller JSON text.
std::pair<bool, std::string> ScopeRank(const std::vector<ScopeCoverage>& scopes) {
  return {scopes.empty(), Json(scopes).dump()};
}

void MergeDefinition(DefinitionCoverage& a, const DefinitionCoverage& b) {
  a.executions += b.executions;
  a.tests.insert(b.tests.begin(), b.tests.end());
  if (a.scopes != b.scopes && ScopeRank(b.scopes) < ScopeRank(a.scopes)) a.scopes = b.scopes;
  if (SameIds(a.obligations, b.obligations)) {
    for (std::size_t i = 0; i < a.obligations.size(); ++i) {
      MergeObligation(a.obligations[i], b.obligations[i]);
    }
    return;
  }
  // The lists differ (files written by different stepsim versions for the
  // same text): the union in a canonical order, which keeps merging
  // associative.
  std::map<std::string, ObligationCoverage> by_id;
  for (const std::vector<ObligationCoverage>* list :
       {static_cast<const std::vector<ObligationCoverage>*>(&a.obligations), &b.obligations}) {
    for (const ObligationCoverage& o : *list) {
      auto [it, inserted] = by_id.try_emplace(o.id, o);
      if (!inserted) MergeObligation(it->second, o);
    }
  }
  std::vector<ObligationCoverage> merged;
  merged.reserve(by_id.size());
  for (auto& [id, o] : by_id) merged.push_back(std::move(o));
  std::sort(merged.begin(), merged.end(), [](const auto& x, const auto& y) {
    return std::tie(x.line, x.column, x.id) < std::tie(y.line, y.column, y.id);
  });
  a.obligations = std::move(merged);
}

bool DefinitionLess(const DefinitionCoverage& a, const DefinitionCoverage& b) {
  return std::tie(a.file, a.digest) < std::tie(b.file, b.digest);
}

// Sorts by (file, digest) and merges entries with the same key.
void Normalize(CoverageData& data) {
  std::stable_sort(data.definitions.begin(), data.definitions.end(), DefinitionLess);
  std::vector<DefinitionCoverage> out;
  for (DefinitionCoverage& d : data.definitions) {
    if (!out.empty() && out.back().file == d.file && out.back().digest == d.digest) {
      MergeDefinition(out.back(), d);
    } else {
      out.push_back(std::move(d));
    }
  }
  data.definitions = std::move(out);
}

void CollectScopes(const asl::Scope& scope, std::string name, std::vector<ScopeCoverage>* out) {
  ScopeCoverage s;
  s.name = std::move(name);
  s.start = scope.start_at;
  s.pointer = scope.source.pointer;
  s.line = scope.source.position.line;
  s.column = scope.source.position.column;
  for (const asl::State& state : scope.states) s.states.push_back(state.name);
  out->push_back(std::move(s));
  for (const asl::State& state : scope.states) {
    for (std::size_t i = 0; i < state.branches.size(); ++i) {
      CollectScopes(*state.branches[i], state.name + "/branch" + std::to_string(i), out);
    }
    if (state.item_processor) CollectScopes(*state.item_processor, state.name + "/processor", out);
  }
}

}  // namespace

// ---- errors -----------------------------------------------------------------

CoverageFileError::CoverageFileError(std::string pointer, std::string message)
    : UsageError((pointer.empty() ? std::string() : pointer + ": ") + message),
      code_("COVERAGE_FILE_INVALID"),
      pointer_(std::move(pointer)),
      message_(std::move(message)) {}

CoverageFileError::CoverageFileError(std::string file, asl::TextPosition position, std::string code,
                                     std::string pointer, std::string message)
    : UsageError([&] {
        // FormatDiagnostic's layout, leaving out an empty pointer (a problem
        // with the whole file).
        std::string text = file;
        if (position.line > 0) {
          text += ":" + std::to_string(position.line) + ":" + std::to_string(position.column);
        }
        text += ": error[" + code + "]: ";
        if (!pointer.empty()) text += pointer + ": ";
        return text + message;
      }()),
      file_(std::move(file)),
      position_(position),
      code_(std::move(code)),
      pointer_(std::move(pointer)),
      message_(std::move(message)) {}

// ---- JSON -------------------------------------------------------------------

void to_json(Json& j, const ObligationCoverage& o) {
  j = Json{{"id", o.id},
           {"kind", analysis::ToString(o.kind)},
           {"criterion", analysis::ToString(o.criterion)},
           {"state", o.state},
           {"pointer", o.pointer},
           {"line", o.line},
           {"column", o.column},
           {"description", o.description},
           {"hits", o.hits},
           {"tests", o.tests}};
}

void to_json(Json& j, const ScopeCoverage& s) {
  j = Json{{"name", s.name}, {"start", s.start},   {"pointer", s.pointer},
           {"line", s.line}, {"column", s.column}, {"states", s.states}};
}

void to_json(Json& j, const DefinitionCoverage& d) {
  j = Json{{"file", d.file},   {"digest", d.digest}, {"executions", d.executions},
           {"tests", d.tests}, {"scopes", d.scopes}, {"obligations", d.obligations}};
}

void to_json(Json& j, const CoverageData& data) {
  j = Json{{"format", kCoverageFormat}, {"definitions", data.definitions}};
}

void from_json(const Json& j, CoverageData& data) {
  const Reader r(j, "");
  const std::string format = r.String("format");
  if (format != kCoverageFormat) {
    throw CoverageFileError("/format", "unsupported format \"" + format + "\" (expected \"" +
                                           std::string(kCoverageFormat) + "\")");
  }
  const Json& definitions = r.Array("definitions");
  CoverageData out;
  for (std::size_t i = 0; i < definitions.size(); ++i) {
    out.definitions.push_back(ReadDefinition(definitions[i], Ptr("/definitions", i)));
  }
  Normalize(out);
  data = std::move(out);
}

void PrintTo(const ObligationCoverage& o, std::ostream* os) {
  *os << o.id << " hits=" << o.hits << " (" << o.line << ':' << o.column << ' ' << o.pointer << ')';
}

void PrintTo(const DefinitionCoverage& d, std::ostream* os) { *os << Json(d).dump(); }

void PrintTo(const CoverageData& data, std::ostream* os) { *os << Json(data).dump(); }

// ---- merge and files --------------------------------------------------------

void MergeInto(CoverageData& a, const CoverageData& b) {
  if (&a == &b) {
    // The copy is needed: `a` grows while `b` (the same object) is read.
    const CoverageData copy = b;  // NOLINT(performance-unnecessary-copy-initialization)
    MergeInto(a, copy);
    return;
  }
  a.definitions.reserve(a.definitions.size() + b.definitions.size());
  for (const DefinitionCoverage& d : b.definitions) a.definitions.push_back(d);
  Normalize(a);
}

const DefinitionCoverage* FindDefinition(const CoverageData& data, std::string_view file,
                                         std::string_view digest) {
  for (const DefinitionCoverage& d : data.definitions) {
    if (d.file == file && d.digest == digest) return &d;
  }
  return nullptr;
}

std::string ToCanonicalText(const CoverageData& data) {
  CoverageData copy = data;
  Normalize(copy);
  return Json(copy).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

CoverageData ParseCoverageText(std::string_view text, const std::string& file) {
  asl::ParsedJson parsed;
  try {
    parsed = asl::ParseJsonWithPositions(text);
  } catch (const asl::JsonSyntaxError& e) {
    throw CoverageFileError(file, e.position(), "INVALID_JSON", "",
                            std::string("not valid JSON: ") + e.what());
  }
  try {
    return Json(parsed.value).get<CoverageData>();
  } catch (const CoverageFileError& e) {
    throw CoverageFileError(file, parsed.positions.ValuePosition(e.pointer()),
                            "COVERAGE_FILE_INVALID", e.pointer(), e.message());
  }
}

CoverageData ReadCoverageFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CoverageFileError(path, {}, "FILE_NOT_READABLE", "", "cannot read the file");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw CoverageFileError(path, {}, "FILE_NOT_READABLE", "", "cannot read the file");
  return ParseCoverageText(text, path);
}

void WriteCoverageFile(const std::string& path, const CoverageData& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << ToCanonicalText(data);
  out.flush();
  if (!out) throw UsageError(path + ": cannot write the coverage file");
}

std::string Sha256Digest(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), md.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw UsageError("sha256 digest failed");
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xF]);
  }
  return out;
}

// ---- summaries --------------------------------------------------------------

double CriterionSummary::percent() const {
  if (total == 0) return 100.0;
  return 100.0 * static_cast<double>(covered) / static_cast<double>(total);
}

std::vector<CriterionSummary> Summarize(const DefinitionCoverage& definition) {
  std::vector<CriterionSummary> out;
  out.reserve(analysis::kAllCriteria.size());
  for (Criterion c : analysis::kAllCriteria) out.push_back(CriterionSummary{c, 0, 0});
  for (const ObligationCoverage& o : definition.obligations) {
    CriterionSummary& s = out[static_cast<std::size_t>(o.criterion)];
    ++s.total;
    if (o.hits > 0) ++s.covered;
  }
  return out;
}

std::vector<CriterionSummary> Summarize(const CoverageData& data) {
  std::vector<CriterionSummary> out;
  out.reserve(analysis::kAllCriteria.size());
  for (Criterion c : analysis::kAllCriteria) out.push_back(CriterionSummary{c, 0, 0});
  for (const DefinitionCoverage& d : data.definitions) {
    const auto one = Summarize(d);
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i].covered += one[i].covered;
      out[i].total += one[i].total;
    }
  }
  return out;
}

// ---- collector --------------------------------------------------------------

struct CoverageCollector::Impl {
  Impl(std::shared_ptr<const asl::Definition> def, std::string file_name, std::string hash)
      : definition(std::move(def)),
        file(std::move(file_name)),
        digest(std::move(hash)),
        obligations(analysis::Obligations::For(*definition)),
        tracker(obligations),
        tests(obligations.size()) {
    CollectScopes(definition->root(), "(root)", &scopes);
    CollectRanges(definition->root());
  }

  void CollectRanges(const asl::Scope& scope) {
    if (!scope.states.empty()) own.emplace_back(&scope.states.front(), &scope.states.back());
    for (const asl::State& state : scope.states) {
      for (const auto& branch : state.branches) CollectRanges(*branch);
      if (state.item_processor) CollectRanges(*state.item_processor);
    }
  }

  // `state` itself when it belongs to this collector's definition, else the
  // state of the same name (runs of another Definition object loaded from the
  // same text), else null.
  const asl::State* Own(const asl::State* state) {
    if (state == nullptr) return nullptr;
    const std::less<> less;
    for (const auto& [first, last] : own) {
      if (!less(state, first) && !less(last, state)) return state;
    }
    auto [it, inserted] = foreign.try_emplace(state, nullptr);
    // A cached answer is only trusted while the name still matches: the
    // address may have been reused by another definition.
    if (inserted || it->second == nullptr || it->second->name != state->name) {
      it->second = definition->FindState(state->name);
    }
    return it->second;
  }

  // Attributes what was hit since the last flush to the current test.
  void Flush() {
    const std::vector<std::size_t> hit = tracker.TakeNewlyHit();
    if (current_test.empty()) return;
    for (std::size_t i : hit) tests[i].insert(current_test);
  }

  std::shared_ptr<const asl::Definition> definition;
  std::string file;
  std::string digest;
  analysis::Obligations obligations;
  analysis::ObligationTracker tracker;
  std::vector<std::set<std::string>> tests;
  std::set<std::string> all_tests;
  std::string current_test;
  std::int64_t executions = 0;
  std::vector<ScopeCoverage> scopes;
  // [first, last] state of each scope of the definition.
  std::vector<std::pair<const asl::State*, const asl::State*>> own;
  // Only looked up, never iterated.
  std::map<const asl::State*, const asl::State*> foreign;
};

CoverageCollector::CoverageCollector(std::shared_ptr<const asl::Definition> definition,
                                     std::string file, std::string_view text) {
  if (!definition) throw UsageError("CoverageCollector needs a definition");
  std::string digest =
      Sha256Digest(text.empty() ? std::string_view(definition->document().dump()) : text);
  impl_ = std::make_unique<Impl>(std::move(definition), std::move(file), std::move(digest));
}

CoverageCollector::~CoverageCollector() = default;

void CoverageCollector::BeginTest(std::string test) {
  impl_->Flush();
  impl_->current_test = std::move(test);
}

void CoverageCollector::OnEvent(const sim::HistoryEvent& event) {
  if (event.type == sim::EventType::kExecutionStarted) {
    ++impl_->executions;
    if (!impl_->current_test.empty()) impl_->all_tests.insert(impl_->current_test);
  }
  if (event.state != nullptr) {
    const asl::State* own = impl_->Own(event.state);
    if (own == nullptr) return;
    if (own != event.state) {
      sim::HistoryEvent copy = event;
      copy.state = own;
      impl_->tracker.OnEvent(copy);
      return;
    }
  }
  impl_->tracker.OnEvent(event);
}

void CoverageCollector::OnChildExecutionEvent(const sim::HistoryEvent& event) {
  // A child's own ExecutionStarted is not an execution of this suite.
  if (event.type == sim::EventType::kExecutionStarted) return;
  OnEvent(event);
}

void CoverageCollector::OnTransition(const sim::Transition& transition) {
  const asl::State* from = impl_->Own(transition.from);
  const asl::State* to = impl_->Own(transition.to);
  if (from == transition.from && to == transition.to) {
    impl_->tracker.OnTransition(transition);
    return;
  }
  if (from == nullptr || (transition.to != nullptr && to == nullptr)) return;
  sim::Transition copy = transition;
  copy.from = from;
  copy.to = to;
  impl_->tracker.OnTransition(copy);
}

DefinitionCoverage CoverageCollector::Result() const {
  impl_->Flush();
  DefinitionCoverage d;
  d.file = impl_->file;
  d.digest = impl_->digest;
  d.tests = impl_->all_tests;
  d.executions = impl_->executions;
  d.scopes = impl_->scopes;
  const auto& all = impl_->obligations.all();
  const auto& hits = impl_->tracker.hits();
  d.obligations.reserve(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const analysis::Obligation& o = all[i];
    ObligationCoverage c;
    c.id = o.id;
    c.kind = o.kind;
    c.criterion = o.criterion;
    c.state = o.state != nullptr ? o.state->name : std::string();
    c.pointer = o.source.pointer;
    c.line = o.source.position.line;
    c.column = o.source.position.column;
    c.description = o.description;
    c.hits = hits[i];
    c.tests = impl_->tests[i];
    d.obligations.push_back(std::move(c));
  }
  return d;
}

CoverageData CoverageCollector::Data() const {
  CoverageData data;
  data.definitions.push_back(Result());
  return data;
}

const analysis::Obligations& CoverageCollector::obligations() const { return impl_->obligations; }

}  // namespace stepsim::report
