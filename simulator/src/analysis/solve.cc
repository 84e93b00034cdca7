#include "analysis/solve.h"

#include <stepsim/jsonpath/env.h>
#include <stepsim/sim/clock.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <utility>

#include "sim/engine_util.h"

namespace stepsim::analysis::internal {
namespace {

using asl::ChoiceOperator;
using asl::ChoiceRule;

constexpr const char* kSomeTimestamp = "2025-01-01T00:00:00Z";

// Reads the bracket form jsonpath::Path::normalized() prints ("$['a'][0]").
std::optional<Segments> ParseNormalized(std::string_view text) {
  if (text.empty() || text[0] != '$') return std::nullopt;
  Segments out;
  std::size_t i = 1;
  while (i < text.size()) {
    if (text[i] != '[') return std::nullopt;
    ++i;
    if (i < text.size() && text[i] == '\'') {
      ++i;
      std::string name;
      while (i < text.size() && text[i] != '\'') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        name.push_back(text[i]);
        ++i;
      }
      if (i + 1 >= text.size() || text[i + 1] != ']') return std::nullopt;
      i += 2;
      Segment s;
      s.name = std::move(name);
      out.push_back(std::move(s));
    } else {
      std::size_t end = text.find(']', i);
      if (end == std::string_view::npos) return std::nullopt;
      const std::string_view digits = text.substr(i, end - i);
      if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
          })) {
        return std::nullopt;
      }
      Segment s;
      s.is_index = true;
      s.index = std::stoll(std::string(digits));
      out.push_back(s);
      i = end + 1;
    }
  }
  return out;
}

void Add(std::vector<Candidate>* out, Candidate c) {
  if (std::find(out->begin(), out->end(), c) == out->end()) out->push_back(std::move(c));
}

Json Number(double n) {
  Json out = n;
  if (std::floor(n) == n && std::fabs(n) < 9.0e15) out = static_cast<std::int64_t>(n);
  return out;
}

// Drops the last UTF-8 code point.
std::string DropLast(const std::string& s) {
  std::string r = s;
  while (!r.empty()) {
    const auto c = static_cast<unsigned char>(r.back());
    r.pop_back();
    if ((c & 0xC0U) != 0x80U) break;
  }
  return r;
}

// A string StringMatches `pattern` accepts, with `fill` for each star.
std::string PatternExample(const std::string& pattern, const std::string& fill) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      out.push_back(pattern[++i]);
    } else if (pattern[i] == '*') {
      out += fill;
    } else {
      out.push_back(pattern[i]);
    }
  }
  return out;
}

bool IsString(ChoiceOperator op) {
  return op == ChoiceOperator::kStringEquals || op == ChoiceOperator::kStringLessThan ||
         op == ChoiceOperator::kStringGreaterThan || op == ChoiceOperator::kStringLessThanEquals ||
         op == ChoiceOperator::kStringGreaterThanEquals;
}
bool IsNumeric(ChoiceOperator op) {
  return op == ChoiceOperator::kNumericEquals || op == ChoiceOperator::kNumericLessThan ||
         op == ChoiceOperator::kNumericGreaterThan ||
         op == ChoiceOperator::kNumericLessThanEquals ||
         op == ChoiceOperator::kNumericGreaterThanEquals;
}
bool IsTimestamp(ChoiceOperator op) {
  return op == ChoiceOperator::kTimestampEquals || op == ChoiceOperator::kTimestampLessThan ||
         op == ChoiceOperator::kTimestampGreaterThan ||
         op == ChoiceOperator::kTimestampLessThanEquals ||
         op == ChoiceOperator::kTimestampGreaterThanEquals;
}

void AddTimestamps(std::vector<Candidate>* out, const std::string& text) {
  sim::VirtualTime t;
  if (!sim::ParseTimestamp(text, &t)) return;
  Add(out, Json(text));
  Add(out, Json(sim::FormatTimestamp(t + std::chrono::seconds(1))));
  Add(out, Json(sim::FormatTimestamp(t - std::chrono::seconds(1))));
}

void AddHint(std::vector<Candidate>* out, const Hint& h) {
  const ChoiceOperator op = h.op;
  if (h.operand_is_path) {
    if (IsString(op)) {
      for (const char* s : {"a", "b", "c"}) Add(out, Json(s));
    } else if (IsNumeric(op)) {
      for (int n : {0, 1, 2}) Add(out, Json(n));
    } else if (IsTimestamp(op)) {
      for (const char* s :
           {"2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z", "2025-01-01T00:00:02Z"}) {
        Add(out, Json(s));
      }
    } else if (op == ChoiceOperator::kBooleanEquals) {
      Add(out, Json(true));
      Add(out, Json(false));
    }
    return;
  }
  if (IsString(op) && h.operand.is_string()) {
    const auto s = h.operand.get<std::string>();
    Add(out, Json(s));
    Add(out, Json(s + " "));
    Add(out, Json(s + "~"));
    if (!s.empty()) Add(out, Json(DropLast(s)));
    Add(out, Json(""));
    return;
  }
  if (op == ChoiceOperator::kStringMatches && h.operand.is_string()) {
    const auto p = h.operand.get<std::string>();
    Add(out, Json(PatternExample(p, "")));
    Add(out, Json(PatternExample(p, "x")));
    Add(out, Json(PatternExample(p, "") + "#"));
    Add(out, Json("#" + PatternExample(p, "")));
    return;
  }
  if (IsNumeric(op) && h.operand.is_number()) {
    const double n = h.operand.get<double>();
    Add(out, h.operand);
    for (double d : {1.0, -1.0, 0.5, -0.5}) Add(out, Number(n + d));
    return;
  }
  if (op == ChoiceOperator::kBooleanEquals && h.operand.is_boolean()) {
    Add(out, h.operand);
    Add(out, Json(!h.operand.get<bool>()));
    return;
  }
  if (IsTimestamp(op) && h.operand.is_string()) {
    AddTimestamps(out, h.operand.get<std::string>());
    return;
  }
  switch (op) {
    case ChoiceOperator::kIsNull:
      Add(out, Json(nullptr));
      break;
    case ChoiceOperator::kIsNumeric:
      Add(out, Json(0));
      break;
    case ChoiceOperator::kIsString:
      Add(out, Json("stepsim"));
      break;
    case ChoiceOperator::kIsBoolean:
      Add(out, Json(true));
      break;
    case ChoiceOperator::kIsTimestamp:
      Add(out, Json(kSomeTimestamp));
      break;
    default:
      break;
  }
}

bool Meets(const Candidate& c, Need need) {
  switch (need) {
    case Need::kNone:
      return true;
    case Need::kAbsent:
      return !c.has_value();
    case Need::kPresent:
      return c.has_value();
    case Need::kArray:
      return c && c->is_array() && !c->empty();
    case Need::kNonNegativeInteger:
      return c && c->is_number_integer() && c->get<std::int64_t>() >= 0;
    case Need::kPositiveInteger:
      return c && c->is_number_integer() && c->get<std::int64_t>() > 0;
    case Need::kString:
      return c && c->is_string();
    case Need::kNumber:
      return c && c->is_number();
    case Need::kNumberArray:
      return c && c->is_array() && !c->empty() &&
             std::all_of(c->begin(), c->end(), [](const Json& e) { return e.is_number(); });
    case Need::kJsonText:
      return c && c->is_string() && Json::accept(c->get<std::string>());
    case Need::kTimestamp: {
      sim::VirtualTime t;
      return c && c->is_string() && sim::ParseTimestamp(c->get<std::string>(), &t);
    }
  }
  return false;
}

// --- JSONata condition translation -----------------------------------------

struct Token {
  enum Kind { kName, kString, kNumber, kSymbol, kEnd };
  Kind kind = kEnd;
  std::string text;
  double number = 0;
};

class ConditionParser {
 public:
  explicit ConditionParser(std::string_view text) : text_(text) { Next(); }

  std::optional<ChoiceRule> Parse(std::string* reason) {
    auto r = Or();
    if (r && tok_.kind != Token::kEnd) r.reset();
    if (!r) *reason = "unsupported: JSONata condition " + std::string(text_);
    return r;
  }

 private:
  void Next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0)
      ++pos_;
    tok_ = Token{};
    if (pos_ >= text_.size()) return;
    const char c = text_[pos_];
    if (c == '"' || c == '\'') {
      std::string s;
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != c) {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
        s.push_back(text_[pos_++]);
      }
      ++pos_;
      tok_.kind = Token::kString;
      tok_.text = std::move(s);
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) != 0 ||
        (c == '-' && pos_ + 1 < text_.size() &&
         std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])) != 0)) {
      std::size_t end = pos_ + 1;
      while (end < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[end])) != 0 ||
                                    text_[end] == '.' || text_[end] == 'e' || text_[end] == 'E')) {
        ++end;
      }
      tok_.kind = Token::kNumber;
      tok_.text = std::string(text_.substr(pos_, end - pos_));
      try {
        tok_.number = std::stod(tok_.text);
      } catch (const std::exception&) {
        tok_.kind = Token::kSymbol;
      }
      pos_ = end;
      return;
    }
    if (c == '$' || std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '`') {
      std::string s;
      while (pos_ < text_.size()) {
        const char d = text_[pos_];
        if (d == '`') {
          const std::size_t end = text_.find('`', pos_ + 1);
          if (end == std::string_view::npos) break;
          s += text_.substr(pos_, end - pos_ + 1);
          pos_ = end + 1;
        } else if (std::isalnum(static_cast<unsigned char>(d)) != 0 || d == '_' || d == '$' ||
                   d == '.') {
          s.push_back(d);
          ++pos_;
        } else {
          break;
        }
      }
      tok_.kind = Token::kName;
      tok_.text = std::move(s);
      return;
    }
    static constexpr std::array<std::string_view, 3> kTwo = {"!=", "<=", ">="};
    for (std::string_view two : kTwo) {
      if (text_.substr(pos_, 2) == two) {
        tok_.kind = Token::kSymbol;
        tok_.text = std::string(two);
        pos_ += 2;
        return;
      }
    }
    tok_.kind = Token::kSymbol;
    tok_.text = std::string(1, c);
    ++pos_;
  }

  bool IsSymbol(std::string_view s) const { return tok_.kind == Token::kSymbol && tok_.text == s; }
  bool IsName(std::string_view s) const { return tok_.kind == Token::kName && tok_.text == s; }

  static ChoiceRule Combine(ChoiceRule::Kind kind, std::vector<ChoiceRule> children) {
    ChoiceRule r;
    r.kind = kind;
    r.children = std::move(children);
    return r;
  }

  std::optional<ChoiceRule> Or() {
    auto first = And();
    if (!first) return std::nullopt;
    std::vector<ChoiceRule> parts{std::move(*first)};
    while (IsName("or")) {
      Next();
      auto more = And();
      if (!more) return std::nullopt;
      parts.push_back(std::move(*more));
    }
    if (parts.size() == 1) return std::move(parts[0]);
    return Combine(ChoiceRule::Kind::kOr, std::move(parts));
  }

  std::optional<ChoiceRule> And() {
    auto first = Unary();
    if (!first) return std::nullopt;
    std::vector<ChoiceRule> parts{std::move(*first)};
    while (IsName("and")) {
      Next();
      auto more = Unary();
      if (!more) return std::nullopt;
      parts.push_back(std::move(*more));
    }
    if (parts.size() == 1) return std::move(parts[0]);
    return Combine(ChoiceRule::Kind::kAnd, std::move(parts));
  }

  std::optional<ChoiceRule> Unary() {
    if (IsSymbol("(")) {
      Next();
      auto inner = Or();
      if (!inner || !IsSymbol(")")) return std::nullopt;
      Next();
      return inner;
    }
    if (IsName("$not")) {
      Next();
      if (!IsSymbol("(")) return std::nullopt;
      Next();
      auto inner = Or();
      if (!inner || !IsSymbol(")")) return std::nullopt;
      Next();
      std::vector<ChoiceRule> one;
      one.push_back(std::move(*inner));
      return Combine(ChoiceRule::Kind::kNot, std::move(one));
    }
    if (IsName("$exists")) {
      Next();
      if (!IsSymbol("(")) return std::nullopt;
      Next();
      auto path = PathOf();
      if (!path || !IsSymbol(")")) return std::nullopt;
      Next();
      return Test(*path, ChoiceOperator::kIsPresent, Json(true));
    }
    if (IsName("true") || IsName("false")) {
      const bool value = tok_.text == "true";
      Next();
      if (IsSymbol("=") || IsSymbol("!=") || IsSymbol("<") || IsSymbol(">") || IsSymbol("<=") ||
          IsSymbol(">=")) {
        std::string op = tok_.text;
        Next();
        auto path = PathOf();
        if (!path) return std::nullopt;
        return Compare(*path, Flip(op), Json(value));
      }
      // `$` is always present: IsPresent($) is a constant.
      return Test(jsonpath::Path::Parse("$"), ChoiceOperator::kIsPresent, Json(value));
    }
    if (tok_.kind == Token::kString || tok_.kind == Token::kNumber) {
      Json literal = tok_.kind == Token::kString ? Json(tok_.text) : Number(tok_.number);
      Next();
      if (tok_.kind != Token::kSymbol) return std::nullopt;
      std::string op = tok_.text;
      Next();
      auto path = PathOf();
      if (!path) return std::nullopt;
      return Compare(*path, Flip(op), std::move(literal));
    }
    auto path = PathOf();
    if (!path) return std::nullopt;
    if (tok_.kind == Token::kEnd || IsName("and") || IsName("or") || IsSymbol(")")) {
      // A bare path: the Condition must be the boolean true.
      std::vector<ChoiceRule> both;
      both.push_back(Test(*path, ChoiceOperator::kIsBoolean, Json(true)));
      both.push_back(Test(*path, ChoiceOperator::kBooleanEquals, Json(true)));
      return Combine(ChoiceRule::Kind::kAnd, std::move(both));
    }
    if (tok_.kind != Token::kSymbol) return std::nullopt;
    std::string op = tok_.text;
    Next();
    Json literal;
    if (tok_.kind == Token::kString) {
      literal = tok_.text;
    } else if (tok_.kind == Token::kNumber) {
      literal = Number(tok_.number);
    } else if (IsName("true") || IsName("false")) {
      literal = tok_.text == "true";
    } else {
      return std::nullopt;
    }
    Next();
    return Compare(*path, op, std::move(literal));
  }

  static std::string Flip(const std::string& op) {
    if (op == "<") return ">";
    if (op == ">") return "<";
    if (op == "<=") return ">=";
    if (op == ">=") return "<=";
    return op;
  }

  // `$states.input.a.b` -> `$['a']['b']`.
  std::optional<jsonpath::Path> PathOf() {
    if (tok_.kind != Token::kName) return std::nullopt;
    const std::string text = tok_.text;
    constexpr std::string_view kPrefix = "$states.input";
    if (text.rfind(kPrefix, 0) != 0) return std::nullopt;
    std::string rest = text.substr(kPrefix.size());
    std::string path = "$";
    std::size_t i = 0;
    while (i < rest.size()) {
      if (rest[i] != '.') return std::nullopt;
      ++i;
      std::string name;
      if (i < rest.size() && rest[i] == '`') {
        const std::size_t end = rest.find('`', i + 1);
        if (end == std::string::npos) return std::nullopt;
        name = rest.substr(i + 1, end - i - 1);
        i = end + 1;
      } else {
        while (i < rest.size() && rest[i] != '.') name.push_back(rest[i++]);
      }
      if (name.empty() || name.find('\'') != std::string::npos) return std::nullopt;
      path += "['" + name + "']";
    }
    Next();
    try {
      return jsonpath::Path::Parse(path);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

  static ChoiceRule Test(jsonpath::Path path, ChoiceOperator op, Json operand) {
    ChoiceRule r;
    r.kind = ChoiceRule::Kind::kDataTest;
    r.variable = std::move(path);
    r.op = op;
    r.operand = std::move(operand);
    return r;
  }

  static std::optional<ChoiceRule> Compare(const jsonpath::Path& path, const std::string& op,
                                           Json literal) {
    const bool is_string = literal.is_string();
    const bool is_number = literal.is_number();
    ChoiceOperator eq = ChoiceOperator::kBooleanEquals;
    if (is_string) eq = ChoiceOperator::kStringEquals;
    if (is_number) eq = ChoiceOperator::kNumericEquals;
    if (op == "=") return Test(path, eq, std::move(literal));
    if (op == "!=") {
      std::vector<ChoiceRule> one{Test(path, eq, std::move(literal))};
      return Combine(ChoiceRule::Kind::kNot, std::move(one));
    }
    if (!is_string && !is_number) return std::nullopt;
    ChoiceOperator cmp;
    if (op == "<") {
      cmp = is_string ? ChoiceOperator::kStringLessThan : ChoiceOperator::kNumericLessThan;
    } else if (op == ">") {
      cmp = is_string ? ChoiceOperator::kStringGreaterThan : ChoiceOperator::kNumericGreaterThan;
    } else if (op == "<=") {
      cmp = is_string ? ChoiceOperator::kStringLessThanEquals
                      : ChoiceOperator::kNumericLessThanEquals;
    } else if (op == ">=") {
      cmp = is_string ? ChoiceOperator::kStringGreaterThanEquals
                      : ChoiceOperator::kNumericGreaterThanEquals;
    } else {
      return std::nullopt;
    }
    return Test(path, cmp, std::move(literal));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  Token tok_;
};

}  // namespace

std::optional<Segments> SegmentsOf(const jsonpath::Path& path) {
  if (!path.is_reference()) return std::nullopt;
  return ParseNormalized(path.normalized());
}

std::string SegmentsText(const Segments& segments) {
  std::string out;
  for (const Segment& s : segments) {
    out.push_back('/');
    out += s.is_index ? std::to_string(s.index) : s.name;
  }
  return out;
}

bool SetAt(Json& doc, const Segments& segments, const Json& value) {
  Json* node = &doc;
  for (const Segment& s : segments) {
    if (s.is_index) {
      if (node->is_null()) *node = Json::array();
      if (!node->is_array() || s.index < 0) return false;
      while (node->size() <= static_cast<std::size_t>(s.index)) node->push_back(Json::object());
      node = &(*node)[static_cast<std::size_t>(s.index)];
    } else {
      if (node->is_null()) *node = Json::object();
      if (!node->is_object()) return false;
      node = &(*node)[s.name];
    }
  }
  *node = value;
  return true;
}

std::vector<Candidate> CandidatesFor(const std::vector<Hint>& hints, Need need) {
  std::vector<Candidate> all;
  if (need == Need::kArray) return {Json::array({Json::object()})};
  if (need == Need::kAbsent) return {std::nullopt};
  if (need == Need::kNonNegativeInteger) {
    Add(&all, Json(0));
    Add(&all, Json(1));
  }
  if (need == Need::kTimestamp) Add(&all, Json(kSomeTimestamp));
  if (need == Need::kPositiveInteger) Add(&all, Json(3600));
  if (need == Need::kString) Add(&all, Json("c3RlcHNpbQ=="));  // also valid base64
  if (need == Need::kNumber) Add(&all, Json(1));
  if (need == Need::kJsonText) Add(&all, Json("{}"));
  if (need == Need::kNumberArray) Add(&all, Json::array({1}));
  for (const Hint& h : hints) AddHint(&all, h);
  if (hints.empty() && need == Need::kPresent) Add(&all, Json::object());
  for (const Candidate& c : {Candidate(Json("stepsim")), Candidate(Json(0)), Candidate(Json(true)),
                             Candidate(Json(false)), Candidate(Json(nullptr)),
                             Candidate(Json::object()), Candidate(Json(kSomeTimestamp))}) {
    Add(&all, c);
  }
  Add(&all, std::nullopt);
  std::vector<Candidate> out;
  for (Candidate& c : all) {
    if (Meets(c, need)) out.push_back(std::move(c));
  }
  return out;
}

Solution Solve(const std::vector<std::vector<Candidate>>& domains,
               const std::vector<Constraint>& constraints, std::size_t budget) {
  const std::size_t n = domains.size();
  // Constraints to check once variable v is assigned (their last variable).
  std::vector<std::vector<std::size_t>> due(n + 1);
  for (std::size_t c = 0; c < constraints.size(); ++c) {
    std::size_t last = 0;
    bool any = false;
    for (std::size_t v : constraints[c].vars) {
      last = std::max(last, v);
      any = true;
    }
    due[any ? last : 0].push_back(c);
  }
  Solution out;
  std::vector<std::size_t> choice(n, 0);
  std::vector<const Candidate*> values(n, nullptr);
  std::size_t checks = 0;
  static const Candidate kAbsent;
  // Constraints over no variable: check once.
  if (n == 0) {
    for (const Constraint& c : constraints) {
      if (!c.holds(values)) return out;
    }
    out.solved = true;
    return out;
  }
  std::size_t v = 0;
  while (true) {
    if (choice[v] >= domains[v].size()) {
      choice[v] = 0;
      values[v] = nullptr;
      if (v == 0) return out;
      --v;
      ++choice[v];
      continue;
    }
    values[v] = &domains[v][choice[v]];
    bool ok = true;
    for (std::size_t c : due[v]) {
      if (++checks > budget) {
        out.budget_exhausted = true;
        return out;
      }
      if (!constraints[c].holds(values)) {
        ok = false;
        break;
      }
    }
    if (!ok) {
      ++choice[v];
      continue;
    }
    if (v + 1 == n) {
      out.solved = true;
      for (std::size_t i = 0; i < n; ++i) out.values.push_back(*values[i]);
      return out;
    }
    ++v;
  }
}

std::optional<int> ChoiceTaken(const std::vector<const asl::ChoiceRule*>& rules,
                               const jsonpath::Env& env) {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Result<bool> r = sim::internal::EvaluateChoiceRule(*rules[i], env);
    if (!r.ok()) return std::nullopt;
    if (r.value()) return static_cast<int>(i);
  }
  return -1;
}

void CollectDataTests(const asl::ChoiceRule& rule, std::vector<const asl::ChoiceRule*>* out) {
  if (rule.kind == ChoiceRule::Kind::kDataTest) {
    out->push_back(&rule);
    return;
  }
  for (const ChoiceRule& c : rule.children) CollectDataTests(c, out);
}

std::optional<asl::ChoiceRule> TranslateCondition(const asl::ChoiceRule& rule,
                                                  std::string* reason) {
  if (!rule.condition) {
    *reason = "unsupported: Choice rule without a condition";
    return std::nullopt;
  }
  const Json& value = rule.condition->value;
  if (value.is_boolean()) {
    ChoiceRule r;
    r.kind = ChoiceRule::Kind::kDataTest;
    r.variable = jsonpath::Path::Parse("$");
    r.op = ChoiceOperator::kIsPresent;
    r.operand = value;
    return r;
  }
  if (!value.is_string()) {
    *reason = "unsupported: JSONata condition " + value.dump();
    return std::nullopt;
  }
  std::string text = value.get<std::string>();
  if (text.size() < 4 || text.rfind("{%", 0) != 0 || text.substr(text.size() - 2) != "%}") {
    *reason = "unsupported: JSONata condition " + text;
    return std::nullopt;
  }
  const std::string body = text.substr(2, text.size() - 4);
  ConditionParser parser(body);
  std::string why;
  auto out = parser.Parse(&why);
  if (!out) *reason = "unsupported: JSONata condition " + text;
  return out;
}

}  // namespace stepsim::analysis::internal
