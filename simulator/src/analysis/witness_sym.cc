// Symbolic execution of a plan: every value is tracked back to where it comes
// from (the execution input or one task invocation's result), so a Choice
// condition on a state's input becomes a condition on those origins.
#include <stepsim/error.h>
#include <stepsim/intrinsics/intrinsics.h>
#include <stepsim/jsonata/jsonata.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "analysis/solve.h"
#include "analysis/witness_plan.h"

namespace stepsim::analysis::internal {
namespace {

using asl::State;
using asl::StateType;

constexpr const char* kCause = "witness";

struct Sym;
using SymP = std::shared_ptr<const Sym>;

// A value as far as the plan knows it.
struct Sym {
  enum class Kind : std::uint8_t { kRef, kConst, kObject, kArray, kUnknown };
  Kind kind = Kind::kConst;
  std::size_t origin = 0;              // kRef
  Segments path;                       // kRef
  Json value;                          // kConst
  SymP base;                           // kObject: the value underneath (null: nothing)
  std::map<std::string, SymP> fields;  // kObject: members written over `base`
  std::vector<SymP> items;             // kArray
  std::string reason;                  // kUnknown
};

SymP MakeRef(std::size_t origin, Segments path) {
  auto s = std::make_shared<Sym>();
  s->kind = Sym::Kind::kRef;
  s->origin = origin;
  s->path = std::move(path);
  return s;
}
SymP MakeConst(Json value) {
  auto s = std::make_shared<Sym>();
  s->kind = Sym::Kind::kConst;
  s->value = std::move(value);
  return s;
}
SymP MakeUnknown(std::string reason) {
  auto s = std::make_shared<Sym>();
  s->kind = Sym::Kind::kUnknown;
  s->reason = std::move(reason);
  return s;
}

// The value at `segs[i...]` of `v`; nullptr when it certainly does not exist.
SymP Select(const SymP& v, const Segments& segs, std::size_t i = 0) {
  if (i == segs.size()) return v;
  const Segment& seg = segs[i];
  switch (v->kind) {
    case Sym::Kind::kRef: {
      Segments p = v->path;
      p.insert(p.end(), segs.begin() + static_cast<std::ptrdiff_t>(i), segs.end());
      return MakeRef(v->origin, std::move(p));
    }
    case Sym::Kind::kConst: {
      const Json* node = &v->value;
      for (std::size_t k = i; k < segs.size(); ++k) {
        if (segs[k].is_index) {
          if (!node->is_array() || segs[k].index < 0 ||
              static_cast<std::size_t>(segs[k].index) >= node->size()) {
            return nullptr;
          }
          node = &(*node)[static_cast<std::size_t>(segs[k].index)];
        } else {
          if (!node->is_object()) return nullptr;
          auto it = node->find(segs[k].name);
          if (it == node->end()) return nullptr;
          node = &*it;
        }
      }
      return MakeConst(*node);
    }
    case Sym::Kind::kObject: {
      if (!seg.is_index) {
        auto it = v->fields.find(seg.name);
        if (it != v->fields.end()) return Select(it->second, segs, i + 1);
      }
      return v->base ? Select(v->base, segs, i) : nullptr;
    }
    case Sym::Kind::kArray:
      if (!seg.is_index || seg.index < 0 ||
          static_cast<std::size_t>(seg.index) >= v->items.size()) {
        return nullptr;
      }
      return Select(v->items[static_cast<std::size_t>(seg.index)], segs, i + 1);
    case Sym::Kind::kUnknown:
      return v;
  }
  return nullptr;
}

// `doc` with `value` written at `segs` (ResultPath).
SymP Assign(const SymP& doc, const Segments& segs, std::size_t i, const SymP& value) {
  if (i == segs.size()) return value;
  const Segment& seg = segs[i];
  if (seg.is_index) return MakeUnknown("unsupported: ResultPath with an array index");
  SymP child = doc ? Select(doc, Segments{seg}) : nullptr;
  SymP sub = Assign(child, segs, i + 1, value);
  auto out = std::make_shared<Sym>();
  out->kind = Sym::Kind::kObject;
  if (doc && doc->kind == Sym::Kind::kObject) {
    out->base = doc->base;
    out->fields = doc->fields;
  } else {
    out->base = doc;
  }
  out->fields[seg.name] = std::move(sub);
  return out;
}

// A concrete rendering of a value that holds no reference (for fixed Choice
// operands); nullopt when it does.
std::optional<Json> Concrete(const SymP& v) {
  switch (v->kind) {
    case Sym::Kind::kConst:
      return v->value;
    case Sym::Kind::kObject: {
      Json out = Json::object();
      if (v->base) {
        auto base = Concrete(v->base);
        if (!base || !base->is_object()) return std::nullopt;
        out = *base;
      }
      for (const auto& [k, f] : v->fields) {
        auto c = Concrete(f);
        if (!c) return std::nullopt;
        out[k] = *c;
      }
      return out;
    }
    case Sym::Kind::kArray: {
      Json out = Json::array();
      for (const SymP& item : v->items) {
        auto c = Concrete(item);
        if (!c) return std::nullopt;
        out.push_back(*c);
      }
      return out;
    }
    default:
      return std::nullopt;
  }
}

class SymExec {
 public:
  explicit SymExec(const asl::Definition& definition) : definition_(definition) {
    origins_.emplace_back(nullptr, 0);  // the execution input
  }

  Synthesis Run(const ScopePath& plan) {
    Synthesis out;
    RunScope(plan, MakeRef(0, {}), nullptr, 0);
    if (!reason_.empty()) {
      out.reason = reason_;
      return out;
    }
    std::vector<std::vector<Candidate>> domains;
    for (const Var& v : vars_) domains.push_back(CandidatesFor(v.hints, v.need));
    const Solution solution = Solve(domains, constraints_);
    if (!solution.solved) {
      out.reason = solution.budget_exhausted
                       ? "unsupported: the Choice conditions along the path need too large a search"
                       : "infeasible: the Choice conditions along the path contradict each other" +
                             ChoiceList();
      return out;
    }
    // Build each origin's document, shorter paths first.
    std::vector<Json> docs(origins_.size(), Json::object());
    std::vector<std::size_t> order(vars_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return vars_[a].path.size() < vars_[b].path.size();
    });
    for (std::size_t i : order) {
      const Candidate& value = solution.values[i];
      if (!value) continue;
      if (!SetAt(docs[vars_[i].origin], vars_[i].path, *value)) {
        out.reason = "infeasible: conflicting values at " + SegmentsText(vars_[i].path);
        return out;
      }
    }
    out.witness.input = docs[0];
    for (const State* s : definition_.AllStates()) {
      auto it = answers_.find(s->name);
      if (it == answers_.end()) continue;
      std::vector<TaskAnswer> list;
      for (const auto& [answer, origin] : it->second) {
        TaskAnswer a = answer;
        if (origin >= 0) a.value = docs[static_cast<std::size_t>(origin)];
        list.push_back(std::move(a));
      }
      out.witness.outcomes.emplace_back(s->name, std::move(list));
    }
    out.ok = true;
    return out;
  }

 private:
  struct Var {
    std::size_t origin = 0;
    Segments path;
    std::vector<Hint> hints;
    Need need = Need::kNone;
  };
  struct Slot {
    int root = 0;  // 0 `$`, 1 `$$`, 2 a variable (first step: its name)
    Segments local;
    std::optional<std::size_t> var;
    Candidate fixed;
  };
  // What a Map iteration's `$$.Map.Item` is.
  struct MapItem {
    SymP value;
    std::int64_t index = 0;
  };

  void Fail(std::string reason) {
    if (reason_.empty()) reason_ = std::move(reason);
  }
  bool failed() const { return !reason_.empty(); }

  std::string ChoiceList() const {
    if (choices_.empty()) return "";
    std::string out = " (";
    for (std::size_t i = 0; i < choices_.size(); ++i) {
      if (i) out += ", ";
      out += choices_[i];
    }
    return out + ")";
  }

  std::size_t VarFor(std::size_t origin, const Segments& path) {
    const std::string key = std::to_string(origin) + "|" + SegmentsText(path);
    auto it = var_ids_.find(key);
    if (it != var_ids_.end()) return it->second;
    const std::size_t id = vars_.size();
    vars_.push_back(Var{origin, path, {}, Need::kNone});
    var_ids_.emplace(key, id);
    return id;
  }

  void Require(const SymP& r, Need need, const std::string& what) {
    if (!r) return;
    switch (r->kind) {
      case Sym::Kind::kRef: {
        if (r->path.empty() && need == Need::kPresent) return;
        Var& v = vars_[VarFor(r->origin, r->path)];
        if (v.need == Need::kNone || v.need == Need::kPresent) v.need = need;
        return;
      }
      case Sym::Kind::kConst:
        // A fixed value of the wrong kind fails the run there; the states
        // before it are still witnessed, so the plan goes on.
        (void)what;
        return;
      case Sym::Kind::kArray:
      case Sym::Kind::kObject:
        return;
      case Sym::Kind::kUnknown:
        // Not ours to choose (a context field, an intrinsic's result): the
        // verifying run tells whether it has the right kind.
        return;
    }
  }

  // The value a path selects (no requirement recorded): nullptr when it
  // certainly selects nothing, kUnknown when it cannot be followed.
  SymP Lookup(const jsonpath::Path& path, const SymP& input, const MapItem* item) {
    const auto segs = SegmentsOf(path);
    if (!segs) return MakeUnknown("unsupported: path " + path.text() + " may select many nodes");
    switch (path.root()) {
      case jsonpath::Path::Root::kInput:
        return input ? Select(input, *segs) : MakeUnknown("unsupported: no input");
      case jsonpath::Path::Root::kVariable: {
        auto it = variables_.find(path.variable());
        if (it == variables_.end()) return nullptr;
        return Select(it->second, *segs);
      }
      case jsonpath::Path::Root::kContext:
        return ContextLookup(*segs, item, path.text());
    }
    return nullptr;
  }

  SymP ContextLookup(const Segments& segs, const MapItem* item, const std::string& text) {
    auto is = [&](std::initializer_list<const char*> names) {
      if (segs.size() < names.size()) return false;
      std::size_t i = 0;
      for (const char* n : names) {
        if (segs[i].is_index || segs[i].name != n) return false;
        ++i;
      }
      return true;
    };
    if (item != nullptr && is({"Map", "Item", "Value"})) {
      return Select(item->value, Segments(segs.begin() + 3, segs.end()));
    }
    if (item != nullptr && is({"Map", "Item", "Index"}) && segs.size() == 3) {
      return MakeConst(Json(item->index));
    }
    if (is({"Execution", "Input"}))
      return Select(MakeRef(0, {}), Segments(segs.begin() + 2, segs.end()));
    return MakeUnknown("unsupported: context object field " + text);
  }

  // Reads a path field; nullptr (and a reason) when it matches nothing for
  // sure.
  SymP Read(const SymP& doc, const jsonpath::Path& path, Need need, const MapItem* item,
            const std::string& what) {
    SymP r = Lookup(path, doc, item);
    if (!r) {
      Fail("infeasible: " + what + " " + path.text() + " matches nothing");
      return nullptr;
    }
    Require(r, need, what + " " + path.text());
    return r;
  }

  SymP PathField(const asl::PathField& field, const SymP& doc, const std::string& what) {
    if (field.absent()) return doc;
    if (field.is_null()) return MakeConst(Json::object());
    return Read(doc, *field.path, Need::kPresent, nullptr, what);
  }

  SymP ResultPath(const asl::PathField& field, const SymP& raw, const SymP& result) {
    if (field.absent()) return result;
    if (field.is_null()) return raw;
    const auto segs = SegmentsOf(*field.path);
    if (!segs || field.path->root() != jsonpath::Path::Root::kInput) {
      return MakeUnknown("unsupported: ResultPath " + field.path->text());
    }
    return Assign(raw, *segs, 0, result);
  }

  static Need IntrinsicNeed(const std::string& fn, int arg) {
    if (fn == "ArrayPartition") return arg == 0 ? Need::kArray : Need::kPositiveInteger;
    if (fn == "ArrayContains") return arg == 0 ? Need::kArray : Need::kPresent;
    if (fn == "ArrayGetItem") return arg == 0 ? Need::kArray : Need::kNonNegativeInteger;
    if (fn == "ArrayLength" || fn == "ArrayUnique") return Need::kArray;
    if (fn == "ArrayRange") return Need::kPositiveInteger;
    if (fn == "StringSplit" || fn == "Base64Encode" || fn == "Base64Decode" || fn == "Hash") {
      return Need::kString;
    }
    if (fn == "MathAdd") return Need::kNumber;
    if (fn == "MathRandom") return arg == 0 ? Need::kNumber : Need::kPositiveInteger;
    if (fn == "StringToJson") return Need::kJsonText;
    if (fn == "Format") return Need::kString;
    return Need::kPresent;
  }

  // The paths an intrinsic call reads must exist, with the types its
  // functions take.
  void RequireIntrinsicArgs(const std::string& text, const SymP& input, const MapItem* item) {
    struct Frame {
      std::string fn;
      int arg = 0;
    };
    std::vector<Frame> stack;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n && !failed()) {
      const char c = text[i];
      if (c == '\'') {
        ++i;
        while (i < n && text[i] != '\'') i += text[i] == '\\' ? 2 : 1;
        ++i;
        continue;
      }
      if (text.compare(i, 7, "States.") == 0) {
        std::size_t j = i + 7;
        while (j < n && std::isalnum(static_cast<unsigned char>(text[j])) != 0) ++j;
        if (j < n && text[j] == '(') {
          stack.push_back(Frame{text.substr(i + 7, j - i - 7), 0});
          i = j + 1;
          continue;
        }
        i = j;
        continue;
      }
      if (c == ',') {
        if (!stack.empty()) ++stack.back().arg;
        ++i;
        continue;
      }
      if (c == ')') {
        if (!stack.empty()) stack.pop_back();
        ++i;
        continue;
      }
      if (c == '$') {
        std::size_t j = i;
        while (j < n && text[j] != ',' && text[j] != ')' &&
               std::isspace(static_cast<unsigned char>(text[j])) == 0) {
          ++j;
        }
        const std::string token = text.substr(i, j - i);
        i = j;
        const Need need =
            stack.empty() ? Need::kPresent : IntrinsicNeed(stack.back().fn, stack.back().arg);
        try {
          Read(input, jsonpath::Path::Parse(token), need, item, "intrinsic argument");
        } catch (const std::exception&) {
          // Not a path we can parse: the verifying run decides.
        }
        continue;
      }
      ++i;
    }
  }

  SymP Template(const nlohmann::ordered_json& t, const SymP& input, const MapItem* item) {
    if (t.is_object()) {
      auto out = std::make_shared<Sym>();
      out->kind = Sym::Kind::kObject;
      for (auto it = t.begin(); it != t.end(); ++it) {
        const std::string& key = it.key();
        if (key.size() > 2 && key.compare(key.size() - 2, 2, ".$") == 0 && it->is_string()) {
          const std::string text = it->get<std::string>();
          SymP v;
          if (!text.empty() && text[0] == '$') {
            try {
              v = Read(input, jsonpath::Path::Parse(text), Need::kPresent, item, "field " + key);
            } catch (const std::exception&) {
              v = MakeUnknown("unsupported: path " + text);
            }
            if (!v) return MakeUnknown("missing");
          } else {
            RequireIntrinsicArgs(text, input, item);
            v = MakeUnknown("unsupported: intrinsic function in " + key);
            const std::optional<Json> known =
                input ? Concrete(input) : std::optional<Json>(Json::object());
            if (known) {
              // Arguments all known: the call gives the same value in any run
              // (UUID and MathRandom excepted, which no Choice should read).
              try {
                jsonpath::Env env;
                env.input = &*known;
                const Result<Json> r = intrinsics::Call::Parse(text).Evaluate(env);
                if (r.ok() && text.find("States.UUID") == std::string::npos &&
                    text.find("States.MathRandom") == std::string::npos) {
                  v = MakeConst(r.value());
                }
              } catch (const std::exception&) {
                // Not a call we can evaluate alone: stays unknown.
              }
            }
          }
          out->fields[key.substr(0, key.size() - 2)] = std::move(v);
        } else {
          out->fields[key] = Template(*it, input, item);
        }
      }
      return out;
    }
    if (t.is_array()) {
      auto out = std::make_shared<Sym>();
      out->kind = Sym::Kind::kArray;
      for (const auto& e : t) out->items.push_back(Template(e, input, item));
      return out;
    }
    return MakeConst(Json(t));
  }

  // `{% $states.input.a.b %}`, `{% $states.result %}`, `{% $var.x %}`: the
  // root name ("states.input", "states.result", "states.errorOutput" or a
  // variable) and the steps; nullopt for any other expression.
  static std::optional<std::pair<std::string, Segments>> JsonataPath(const std::string& text) {
    if (text.size() < 4 || text.compare(0, 2, "{%") != 0 ||
        text.compare(text.size() - 2, 2, "%}") != 0) {
      return std::nullopt;
    }
    std::string body = text.substr(2, text.size() - 4);
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front())) != 0) {
      body.erase(body.begin());
    }
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back())) != 0) {
      body.pop_back();
    }
    if (body.empty() || body[0] != '$') return std::nullopt;
    std::vector<std::string> parts;
    std::string cur;
    for (std::size_t i = 1; i < body.size(); ++i) {
      const char c = body[i];
      if (c == '.') {
        parts.push_back(cur);
        cur.clear();
      } else if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-') {
        cur.push_back(c);
      } else {
        return std::nullopt;
      }
    }
    parts.push_back(cur);
    if (parts.empty() || parts[0].empty()) return std::nullopt;
    std::string root = parts[0];
    std::size_t first = 1;
    if (root == "states") {
      if (parts.size() < 2) return std::nullopt;
      root += "." + parts[1];
      first = 2;
    }
    Segments segs;
    for (std::size_t i = first; i < parts.size(); ++i) {
      if (parts[i].empty()) return std::nullopt;
      Segment seg;
      seg.name = parts[i];
      segs.push_back(std::move(seg));
    }
    return std::make_pair(root, segs);
  }

  // True when a `{% %}` text reads no `$states` field and no variable (every
  // `$name` is a function call), so it evaluates the same anywhere.
  static bool IsConstantExpression(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\'' || text[i] == '"') {
        const char q = text[i];
        for (++i; i < text.size() && text[i] != q; ++i) {
          if (text[i] == '\\') ++i;
        }
        continue;
      }
      if (text[i] != '$') continue;
      std::size_t j = i + 1;
      while (j < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[j])) != 0 || text[j] == '_')) {
        ++j;
      }
      std::size_t k = j;
      while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k])) != 0) ++k;
      if (j == i + 1 || k >= text.size() || text[k] != '(') return false;
      i = j - 1;
    }
    return true;
  }

  static Need JsonataNeed(const std::string& fn, int arg, Need outside) {
    if (fn == "sum" || fn == "average" || fn == "max" || fn == "min" || fn == "sort") {
      return Need::kNumberArray;
    }
    if (fn == "partition") return arg == 0 ? Need::kArray : Need::kPositiveInteger;
    if (fn == "range") return Need::kPositiveInteger;
    if (fn == "parse") return Need::kJsonText;
    if (fn == "count" || fn == "reverse" || fn == "distinct" || fn == "append") {
      return Need::kArray;
    }
    if (fn == "hash" || fn == "uppercase" || fn == "lowercase" || fn == "length" ||
        fn == "substring" || fn == "split" || fn == "trim" || fn == "base64encode") {
      return arg == 0 ? Need::kString : Need::kPresent;
    }
    if (fn == "number" || fn == "abs" || fn == "floor" || fn == "ceil" || fn == "round" ||
        fn == "sqrt" || fn == "power") {
      return Need::kNumber;
    }
    return fn.empty() ? outside : Need::kPresent;
  }

  // Every `$states.input.a.b` a JSONata value reads must be present, with the
  // type the function reading it takes; `need` applies outside any call.
  void RequireJsonataReads(const Json& value, const SymP& input, Need need) {
    if (value.is_object() || value.is_array()) {
      for (const auto& e : value) RequireJsonataReads(e, input, need);
      return;
    }
    if (!value.is_string() || !input) return;
    const std::string text = value.get<std::string>();
    if (text.rfind("{%", 0) != 0) return;
    struct Frame {
      std::string fn;
      int arg = 0;
    };
    std::vector<Frame> stack;
    constexpr std::string_view kInput = "$states.input";
    const std::size_t n = text.size();
    std::size_t i = 0;
    auto ident = [&](std::size_t j) {
      return j < n && (std::isalnum(static_cast<unsigned char>(text[j])) != 0 || text[j] == '_');
    };
    while (i < n) {
      const char c = text[i];
      if (c == '\'' || c == '"') {
        for (++i; i < n && text[i] != c; ++i) {
          if (text[i] == '\\') ++i;
        }
        ++i;
        continue;
      }
      if (c == '(') {
        stack.push_back(Frame{});
        ++i;
        continue;
      }
      if (c == ')' || c == ']') {
        if (!stack.empty()) stack.pop_back();
        ++i;
        continue;
      }
      if (c == '[') {
        stack.push_back(Frame{});
        ++i;
        continue;
      }
      if (c == ',') {
        if (!stack.empty()) ++stack.back().arg;
        ++i;
        continue;
      }
      if (c != '$') {
        ++i;
        continue;
      }
      if (text.compare(i, kInput.size(), kInput) == 0 && !ident(i + kInput.size())) {
        std::size_t j = i + kInput.size();
        Segments segs;
        while (j < n && text[j] == '.') {
          std::size_t k = j + 1;
          while (ident(k) || (k < n && text[k] == '-')) ++k;
          if (k == j + 1) break;
          Segment seg;
          seg.name = text.substr(j + 1, k - j - 1);
          segs.push_back(std::move(seg));
          j = k;
        }
        i = j;
        if (segs.empty()) continue;
        const Need want =
            stack.empty() ? need : JsonataNeed(stack.back().fn, stack.back().arg, need);
        SymP r = Select(input, segs);
        if (r) Require(r, want, text);
        continue;
      }
      // `$name(`: a function call frame.
      std::size_t j = i + 1;
      while (ident(j)) ++j;
      std::size_t k = j;
      while (k < n && std::isspace(static_cast<unsigned char>(text[k])) != 0) ++k;
      if (k < n && text[k] == '(') {
        stack.push_back(Frame{text.substr(i + 1, j - i - 1), 0});
        i = k + 1;
        continue;
      }
      i = j;
    }
  }

  void RequireJsonataState(const State& s, const SymP& raw) {
    for (const auto* v : {&s.arguments, &s.output, &s.assign_jsonata, &s.items,
                          &s.credentials_jsonata, &s.item_selector_jsonata}) {
      if (*v) RequireJsonataReads((*v)->value, raw, Need::kPresent);
    }
    for (const asl::NumberField* f :
         {&s.timeout_seconds, &s.heartbeat_seconds, &s.max_concurrency, &s.tolerated_failure_count,
          &s.tolerated_failure_percentage}) {
      if (f->jsonata) RequireJsonataReads(Json(*f->jsonata), raw, Need::kPositiveInteger);
    }
  }

  // A JSONata-capable value (literal, `{% %}` string, or objects/arrays of
  // them) as far as simple paths go.
  SymP Jsonata(const Json& v, const SymP& input, const SymP& result, const SymP& error_output) {
    if (v.is_string()) {
      const std::string text = v.get<std::string>();
      if (text.rfind("{%", 0) != 0) return MakeConst(v);
      const auto p = JsonataPath(text);
      if (!p && IsConstantExpression(text)) {
        const Result<Json> value = jsonata::EvaluateTemplate(v, jsonata::Bindings{}, "Output");
        if (value.ok()) return MakeConst(value.value());
      }
      if (!p) return MakeUnknown("unsupported: JSONata expression " + text);
      SymP base;
      if (p->first == "states.input") {
        base = input;
      } else if (p->first == "states.result") {
        base = result;
      } else if (p->first == "states.errorOutput") {
        base = error_output;
      } else if (p->first.rfind("states.", 0) != 0) {
        auto it = variables_.find(p->first);
        if (it != variables_.end()) base = it->second;
      }
      if (!base) return MakeUnknown("unsupported: JSONata expression " + text);
      SymP r = Select(base, p->second);
      if (!r) return MakeUnknown("infeasible: " + text + " selects nothing");
      Require(r, Need::kPresent, text);
      return r;
    }
    if (v.is_object()) {
      auto out = std::make_shared<Sym>();
      out->kind = Sym::Kind::kObject;
      for (const auto& [k, e] : v.items()) out->fields[k] = Jsonata(e, input, result, error_output);
      return out;
    }
    if (v.is_array()) {
      auto out = std::make_shared<Sym>();
      out->kind = Sym::Kind::kArray;
      for (const auto& e : v) out->items.push_back(Jsonata(e, input, result, error_output));
      return out;
    }
    return MakeConst(v);
  }

  // Workflow variables written by a state (JSONPath template or JSONata
  // object); every value is computed before any is stored.
  void AssignVariables(const std::optional<jsonpath::Template>& jsonpath_assign,
                       const std::optional<asl::JsonataValue>& jsonata_assign,
                       const SymP& jsonpath_input, const SymP& input, const SymP& result,
                       const SymP& error_output, const MapItem* item) {
    std::map<std::string, SymP> values;
    if (jsonpath_assign) {
      SymP obj = Template(jsonpath_assign->source(), jsonpath_input, item);
      if (obj->kind == Sym::Kind::kObject) values = obj->fields;
    }
    if (jsonata_assign && jsonata_assign->value.is_object()) {
      for (const auto& [k, e] : jsonata_assign->value.items()) {
        values[k] = Jsonata(e, input, result, error_output);
      }
    }
    for (auto& [k, v] : values) variables_[k] = std::move(v);
  }

  void Answer(const State& s, TaskAnswer answer, int origin) {
    answers_[s.name].emplace_back(std::move(answer), origin);
  }

  // Runs `path` on `input`; the scope's output, or nullptr when it fails.
  SymP RunScope(const ScopePath& path, SymP doc, const MapItem* item, int depth) {
    if (depth > 16) {
      Fail("unsupported: nesting too deep");
      return nullptr;
    }
    for (const Step& step : path.steps) {
      if (failed() || !doc) return nullptr;
      const State& s = path.scope->states[step.state];
      doc = RunStep(s, step, doc, item, depth);
    }
    if (path.fails()) return nullptr;
    return doc;
  }

  SymP RunStep(const State& s, const Step& step, const SymP& raw, const MapItem* item, int depth) {
    const bool jsonata = s.query_language == asl::QueryLanguage::kJsonata;
    if (jsonata && s.type != StateType::kChoice) RequireJsonataState(s, raw);
    switch (s.type) {
      case StateType::kPass: {
        if (jsonata) {
          AssignVariables(std::nullopt, s.assign_jsonata, nullptr, raw, nullptr, nullptr, item);
          return s.output ? Jsonata(s.output->value, raw, nullptr, nullptr) : raw;
        }
        SymP eff = PathField(s.input_path, raw, "InputPath of " + s.name);
        if (!eff) return nullptr;
        SymP result = eff;
        if (s.parameters) {
          result = Template(s.parameters->source(), eff, item);
        } else if (s.result) {
          result = MakeConst(*s.result);
        }
        AssignVariables(s.assign, std::nullopt, result, raw, nullptr, nullptr, item);
        return PathField(s.output_path, ResultPath(s.result_path, raw, result),
                         "OutputPath of " + s.name);
      }
      case StateType::kWait: {
        if (jsonata) {
          AssignVariables(std::nullopt, s.assign_jsonata, nullptr, raw, nullptr, nullptr, item);
          return s.output ? Jsonata(s.output->value, raw, nullptr, nullptr) : raw;
        }
        SymP eff = PathField(s.input_path, raw, "InputPath of " + s.name);
        if (!eff) return nullptr;
        if (s.seconds_path) {
          Read(eff, *s.seconds_path, Need::kNonNegativeInteger, item, "SecondsPath of " + s.name);
        }
        if (s.timestamp_path) {
          Read(eff, *s.timestamp_path, Need::kTimestamp, item, "TimestampPath of " + s.name);
        }
        AssignVariables(s.assign, std::nullopt, eff, raw, nullptr, nullptr, item);
        return PathField(s.output_path, eff, "OutputPath of " + s.name);
      }
      case StateType::kSucceed: {
        if (jsonata) return s.output ? Jsonata(s.output->value, raw, nullptr, nullptr) : raw;
        SymP eff = PathField(s.input_path, raw, "InputPath of " + s.name);
        if (!eff) return nullptr;
        return PathField(s.output_path, eff, "OutputPath of " + s.name);
      }
      case StateType::kFail: {
        if (!jsonata) {
          if (s.error_path && s.error_path->path) {
            Read(raw, *s.error_path->path, Need::kString, item, "ErrorPath of " + s.name);
          }
          if (s.cause_path && s.cause_path->path) {
            Read(raw, *s.cause_path->path, Need::kString, item, "CausePath of " + s.name);
          }
        }
        return nullptr;
      }
      case StateType::kChoice:
        return RunChoice(s, step, raw, item);
      case StateType::kTask:
      case StateType::kParallel:
      case StateType::kMap:
        return RunWorker(s, step, raw, item, depth);
    }
    return nullptr;
  }

  SymP RunChoice(const State& s, const Step& step, const SymP& raw, const MapItem* item) {
    const bool jsonata = s.query_language == asl::QueryLanguage::kJsonata;
    SymP in = raw;
    if (!jsonata) {
      in = PathField(s.input_path, raw, "InputPath of " + s.name);
      if (!in) return nullptr;
    }
    const int expected = step.exit.kind == ExitKind::kRule ? step.exit.index : -1;
    const std::size_t used =
        expected >= 0 ? static_cast<std::size_t>(expected) + 1 : s.choices.size();
    std::vector<const asl::ChoiceRule*> rules;
    for (std::size_t i = 0; i < used; ++i) {
      if (jsonata) {
        std::string why;
        auto r = TranslateCondition(s.choices[i], &why);
        if (!r && static_cast<int>(i) == expected) {
          Fail(why + " (" + s.name + " rule " + std::to_string(i) + ")");
          return nullptr;
        }
        if (!r) {
          // Best effort: assume an earlier rule we cannot solve is false; the
          // verifying run tells whether it was.
          asl::ChoiceRule never;
          never.kind = asl::ChoiceRule::Kind::kDataTest;
          never.variable = jsonpath::Path::Parse("$");
          never.op = asl::ChoiceOperator::kIsPresent;
          never.operand = false;
          r = std::move(never);
        }
        translated_.push_back(std::move(*r));
        rules.push_back(&translated_.back());
      } else {
        rules.push_back(&s.choices[i]);
      }
    }
    std::vector<const asl::ChoiceRule*> tests;
    for (const asl::ChoiceRule* r : rules) CollectDataTests(*r, &tests);
    std::vector<Slot> slots;
    std::map<std::string, std::size_t> slot_of;
    auto slot_for = [&](const jsonpath::Path& p) -> std::optional<std::size_t> {
      const auto segs = SegmentsOf(p);
      if (!segs) {
        Fail("unsupported: Choice variable " + p.text() + " may select many nodes");
        return std::nullopt;
      }
      Slot slot;
      slot.local = *segs;
      if (p.root() == jsonpath::Path::Root::kContext) {
        slot.root = 1;
      } else if (p.root() == jsonpath::Path::Root::kVariable) {
        slot.root = 2;
        Segment head;
        head.name = p.variable();
        slot.local.insert(slot.local.begin(), head);
      }
      const std::string key = std::to_string(slot.root) + SegmentsText(slot.local);
      auto it = slot_of.find(key);
      if (it != slot_of.end()) return it->second;
      SymP r = Lookup(p, in, item);
      if (r && r->kind == Sym::Kind::kRef) {
        slot.var = VarFor(r->origin, r->path);
      } else if (r && r->kind == Sym::Kind::kUnknown) {
        Fail(r->reason + " (read by " + s.name + ")");
        return std::nullopt;
      } else if (r) {
        auto c = Concrete(r);
        if (!c) {
          Fail("unsupported: " + s.name + " reads " + p.text() + ", built from several sources");
          return std::nullopt;
        }
        slot.fixed = std::move(c);
      }
      slots.push_back(std::move(slot));
      slot_of.emplace(key, slots.size() - 1);
      return slots.size() - 1;
    };
    for (const asl::ChoiceRule* t : tests) {
      auto a = slot_for(*t->variable);
      if (!a) return nullptr;
      const bool path_operand = t->operand_is_path && t->operand_path;
      if (slots[*a].var)
        vars_[*slots[*a].var].hints.push_back(Hint{t->op, t->operand, path_operand});
      if (path_operand) {
        auto b = slot_for(*t->operand_path);
        if (!b) return nullptr;
        if (slots[*b].var) vars_[*slots[*b].var].hints.push_back(Hint{t->op, Json(), true});
      }
    }
    std::stable_sort(slots.begin(), slots.end(),
                     [](const Slot& a, const Slot& b) { return a.local.size() < b.local.size(); });
    Constraint c;
    for (const Slot& slot : slots) {
      if (slot.var) c.vars.push_back(*slot.var);
    }
    c.holds = [slots, rules, expected](const std::vector<const Candidate*>& values) {
      std::array<Json, 3> docs = {Json::object(), Json::object(), Json::object()};
      for (const Slot& slot : slots) {
        const Candidate& v = slot.var ? *values[*slot.var] : slot.fixed;
        if (!v) continue;
        if (!SetAt(docs[slot.root], slot.local, *v)) return false;
      }
      const jsonpath::ObjectVariables variables(docs[2]);
      jsonpath::Env env;
      env.input = &docs[0];
      env.context = &docs[1];
      env.variables = &variables;
      const auto taken = ChoiceTaken(rules, env);
      return taken && *taken == expected;
    };
    constraints_.push_back(std::move(c));
    choices_.push_back(s.name);
    if (step.exit.fails()) return nullptr;
    const asl::ChoiceRule* rule =
        expected >= 0 ? &s.choices[static_cast<std::size_t>(expected)] : nullptr;
    if (jsonata) {
      AssignVariables(std::nullopt, rule != nullptr ? rule->assign_jsonata : s.assign_jsonata,
                      nullptr, raw, nullptr, nullptr, item);
      const std::optional<asl::JsonataValue>& output = rule != nullptr ? rule->output : s.output;
      return output ? Jsonata(output->value, raw, nullptr, nullptr) : raw;
    }
    AssignVariables(rule != nullptr ? rule->assign : s.assign, std::nullopt, in, raw, nullptr,
                    nullptr, item);
    return PathField(s.output_path, in, "OutputPath of " + s.name);
  }

  // A Parallel/Map failing before it runs anything: without ItemReader data,
  // or because the first path it reads is made to match nothing.
  SymP DataError(const State& s, const Step& step, const SymP& raw, const MapItem* item) {
    std::string error = errors::kRuntime;
    if (s.item_reader) {
      error = errors::kItemReaderFailed;
    } else {
      std::vector<jsonpath::Path> reads;
      if (s.input_path.has_path()) reads.push_back(*s.input_path.path);
      SymP eff = raw;
      if (s.input_path.is_null()) eff = MakeConst(Json::object());
      std::function<void(const nlohmann::ordered_json&)> collect =
          [&](const nlohmann::ordered_json& t) {
            if (t.is_object()) {
              for (auto it = t.begin(); it != t.end(); ++it) {
                const std::string& key = it.key();
                if (key.size() > 2 && key.compare(key.size() - 2, 2, ".$") == 0 &&
                    it->is_string() && it->get<std::string>().rfind("$.", 0) == 0) {
                  reads.push_back(jsonpath::Path::Parse(it->get<std::string>()));
                } else {
                  collect(*it);
                }
              }
            } else if (t.is_array()) {
              for (const auto& e : t) collect(e);
            }
          };
      if (s.type == StateType::kMap && s.items_path) reads.push_back(*s.items_path);
      if (s.type == StateType::kParallel && s.parameters) collect(s.parameters->source());
      bool made = false;
      for (std::size_t i = 0; i < reads.size() && !made; ++i) {
        // InputPath reads the raw input; the others the effective input.
        SymP r = Lookup(reads[i], i == 0 && s.input_path.has_path() ? raw : eff, item);
        if (r && r->kind == Sym::Kind::kRef && !r->path.empty()) {
          vars_[VarFor(r->origin, r->path)].need = Need::kAbsent;
          made = true;
        }
      }
      if (!made) {
        Fail("infeasible: no path " + s.name + " reads can be made to match nothing, and no " +
             (s.type == StateType::kMap ? "iteration" : "branch") + " can fail");
        return nullptr;
      }
    }
    if (step.exit.kind != ExitKind::kCatch) return nullptr;
    const asl::Catcher& c = s.catch_[static_cast<std::size_t>(step.exit.index)];
    auto err = std::make_shared<Sym>();
    err->kind = Sym::Kind::kObject;
    err->fields["Error"] = MakeConst(Json(error));
    err->fields["Cause"] = MakeUnknown("unsupported: error cause");
    AssignVariables(c.assign, std::nullopt, err, raw, nullptr, err, item);
    return ResultPath(c.result_path, raw, err);
  }

  SymP RunWorker(const State& s, const Step& step, const SymP& raw, const MapItem* outer_item,
                 int depth) {
    const bool jsonata = s.query_language == asl::QueryLanguage::kJsonata;
    SymP eff = raw;
    if (!jsonata) {
      eff = PathField(s.input_path, raw, "InputPath of " + s.name);
      if (!eff) return nullptr;
      for (const asl::NumberField* f : {&s.timeout_seconds, &s.heartbeat_seconds}) {
        if (f->path) Read(eff, *f->path, Need::kPositiveInteger, outer_item, "seconds path");
      }
      for (const asl::NumberField* f :
           {&s.max_concurrency, &s.tolerated_failure_count, &s.tolerated_failure_percentage}) {
        if (f->path) Read(eff, *f->path, Need::kNonNegativeInteger, outer_item, "number path");
      }
      if (s.credentials) Template(s.credentials->source(), eff, outer_item);
    }
    SymP payload = eff;
    if (!jsonata && s.type != StateType::kMap && s.parameters) {
      payload = Template(s.parameters->source(), eff, outer_item);
    } else if (jsonata && s.arguments) {
      payload = Jsonata(s.arguments->value, raw, nullptr, nullptr);
    }
    const bool data_error =
        !step.attempts.empty() && step.attempts.front().kind == Attempt::Kind::kDataError;
    if (data_error) return DataError(s, step, raw, outer_item);
    // Map items.
    std::vector<SymP> items;
    if (s.type == StateType::kMap) {
      if (s.item_reader) {
        Fail("unsupported: Map ItemReader (" + s.name + ")");
        return nullptr;
      }
      SymP list = eff;
      if (!jsonata && s.items_path) {
        list = Read(eff, *s.items_path, Need::kArray, outer_item, "ItemsPath of " + s.name);
        if (!list) return nullptr;
      } else if (jsonata && s.items) {
        list = Jsonata(s.items->value, raw, nullptr, nullptr);
      }
      Require(list, Need::kArray, "the items of " + s.name);
      if (failed()) return nullptr;
      switch (list->kind) {
        case Sym::Kind::kRef:
          items.push_back(Select(list, Segments{Segment{true, "", 0}}));
          break;
        case Sym::Kind::kConst:
          if (list->value.is_array()) {
            for (const Json& e : list->value) items.push_back(MakeConst(e));
          }
          break;
        case Sym::Kind::kArray:
          items = list->items;
          break;
        default:
          Fail("unsupported: the items of " + s.name + " come from several sources");
          return nullptr;
      }
    }
    SymP result;
    std::string last_error;
    const std::map<std::string, SymP> outer_variables = variables_;
    for (const Attempt& a : step.attempts) {
      if (failed()) return nullptr;
      switch (s.type) {
        case StateType::kTask: {
          const std::int64_t invocation = invocations_[s.name]++;
          TaskAnswer answer;
          if (a.kind == Attempt::Kind::kReturn) {
            origins_.emplace_back(&s, invocation);
            const auto origin = static_cast<int>(origins_.size() - 1);
            Answer(s, answer, origin);
            result = MakeRef(static_cast<std::size_t>(origin), {});
          } else if (a.kind == Attempt::Kind::kThrow) {
            answer.is_throw = true;
            answer.error = a.error;
            answer.cause = kCause;
            Answer(s, answer, -1);
          } else {
            const bool heartbeat = a.kind == Attempt::Kind::kHeartbeat;
            const asl::NumberField& f = heartbeat ? s.heartbeat_seconds : s.timeout_seconds;
            answer.value = Json::object();
            answer.latency_seconds = f.literal.value_or(0) + (heartbeat ? 0.5 : 1.0);
            Answer(s, answer, -1);
          }
          last_error = a.kind == Attempt::Kind::kThrow ? a.error : std::string(errors::kTimeout);
          break;
        }
        case StateType::kParallel: {
          auto out = std::make_shared<Sym>();
          out->kind = Sym::Kind::kArray;
          for (const ScopePath& branch : a.branches) {
            SymP o = RunScope(branch, payload, outer_item, depth + 1);
            variables_ = outer_variables;  // branch variables stay in the branch
            out->items.push_back(o ? o : MakeUnknown("branch failed"));
          }
          result = out;
          last_error = a.error;
          break;
        }
        case StateType::kMap: {
          auto out = std::make_shared<Sym>();
          out->kind = Sym::Kind::kArray;
          if (a.branches.empty()) break;
          for (std::size_t j = 0; j < items.size(); ++j) {
            MapItem item{items[j], static_cast<std::int64_t>(j)};
            SymP in = items[j];
            if (!jsonata && (s.item_selector || s.parameters)) {
              const auto& t = s.item_selector ? *s.item_selector : *s.parameters;
              in = Template(t.source(), eff, &item);
            } else if (jsonata && s.item_selector_jsonata) {
              in = MakeUnknown("unsupported: JSONata ItemSelector");
            }
            SymP o = RunScope(a.branches[0], in, &item, depth + 1);
            variables_ = outer_variables;
            out->items.push_back(o ? o : MakeUnknown("iteration failed"));
            if (a.kind != Attempt::Kind::kReturn) break;
          }
          result = out;
          last_error = a.error;
          break;
        }
        default:
          break;
      }
    }
    if (failed()) return nullptr;
    switch (step.exit.kind) {
      case ExitKind::kNext:
      case ExitKind::kEnd: {
        if (!result) return MakeUnknown("no result");
        if (jsonata) {
          AssignVariables(std::nullopt, s.assign_jsonata, nullptr, raw, result, nullptr,
                          outer_item);
          return s.output ? Jsonata(s.output->value, raw, result, nullptr) : result;
        }
        AssignVariables(s.assign, std::nullopt, result, raw, nullptr, nullptr, outer_item);
        if (s.result_selector) result = Template(s.result_selector->source(), result, outer_item);
        return PathField(s.output_path, ResultPath(s.result_path, raw, result),
                         "OutputPath of " + s.name);
      }
      case ExitKind::kCatch: {
        const asl::Catcher& c = s.catch_[static_cast<std::size_t>(step.exit.index)];
        auto err = std::make_shared<Sym>();
        err->kind = Sym::Kind::kObject;
        err->fields["Error"] = MakeConst(Json(last_error));
        const bool thrown = s.type == StateType::kTask && !step.attempts.empty() &&
                            step.attempts.back().kind == Attempt::Kind::kThrow;
        err->fields["Cause"] =
            thrown ? MakeConst(Json(kCause)) : MakeUnknown("unsupported: error cause");
        if (jsonata) {
          AssignVariables(std::nullopt, c.assign_jsonata, nullptr, raw, nullptr, err, outer_item);
          return c.output ? Jsonata(c.output->value, raw, nullptr, err) : SymP(err);
        }
        AssignVariables(c.assign, std::nullopt, err, raw, nullptr, err, outer_item);
        return ResultPath(c.result_path, raw, err);
      }
      default:
        return nullptr;
    }
  }

  const asl::Definition& definition_;
  std::vector<std::pair<const State*, std::int64_t>> origins_;
  std::vector<Var> vars_;
  std::map<std::string, std::size_t> var_ids_;
  std::vector<Constraint> constraints_;
  std::map<std::string, std::vector<std::pair<TaskAnswer, int>>> answers_;
  std::map<std::string, std::int64_t> invocations_;
  std::deque<asl::ChoiceRule> translated_;
  std::vector<std::string> choices_;
  std::map<std::string, SymP> variables_;
  std::string reason_;
};

}  // namespace

Synthesis Synthesize(const asl::Definition& definition, const ScopePath& plan) {
  SymExec exec(definition);
  return exec.Run(plan);
}

}  // namespace stepsim::analysis::internal
