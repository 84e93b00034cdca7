#include <stepsim/jsonpath/json_text.h>
#include <stepsim/jsonpath/path.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace stepsim::jsonpath {
namespace internal {

struct FilterExpr;

struct Segment {
  enum class Kind {
    kProperty,    // .a or ['a']
    kProperties,  // ['a','b']
    kIndex,       // [0]
    kIndices,     // [0,1]
    kSlice,       // [1:3:1]
    kWildcard,    // .* or [*]
    kScan,        // .. (applies the next segment at every depth)
    kFilter,      // [?(...)]
  };
  Kind kind = Kind::kProperty;
  std::vector<std::string> names;
  std::vector<std::int64_t> indices;
  std::optional<std::int64_t> start;
  std::optional<std::int64_t> end;
  std::int64_t step = 1;
  std::shared_ptr<const FilterExpr> filter;

  bool definite() const { return kind == Kind::kProperty || kind == Kind::kIndex; }
};

using Segments = std::vector<Segment>;

enum class CompareOp {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kRegex,
  kIn,
  kNin,
  kSubsetOf,
  kAnyOf,
  kNoneOf,
  kSize,
  kEmpty,
};

struct Operand {
  enum class Kind { kLiteral, kCurrent, kRoot, kRegex };
  Kind kind = Kind::kLiteral;
  Json literal;
  Segments segments;
  bool definite = true;
  std::shared_ptr<const std::regex> regex;
};

struct FilterExpr {
  enum class Kind { kOr, kAnd, kNot, kExists, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<FilterExpr> children;
  Operand lhs;
  Operand rhs;
  CompareOp op = CompareOp::kEq;
};

}  // namespace internal

struct Path::Impl {
  std::string text;
  Root root = Root::kInput;
  std::string variable;
  std::string normalized;
  internal::Segments segments;
  bool reference = true;
  bool definite = true;
  // Number of leading definite segments: Jayway reports errors only there.
  std::size_t definite_prefix = 0;
};

namespace internal {
namespace {

// ---------------------------------------------------------------------------
// Parser

bool IsIdentifierByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         u >= 0x80;
}

// "unexpected 'x'" for the character at `pos` of `text`: a whole UTF-8
// sequence, a control character by its code point (never the raw byte, which
// may be a NUL), or "unexpected end of path" past the end.
std::string UnexpectedAt(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return "unexpected end of path";
  const auto c = static_cast<unsigned char>(text[pos]);
  if (c < 0x20 || c == 0x7F) {
    constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string out = "unexpected character U+00";
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
    return out;
  }
  std::size_t len = 1;
  if (c >= 0x80) {
    while (pos + len < text.size() && len < 4 &&
           (static_cast<unsigned char>(text[pos + len]) & 0xC0) == 0x80) {
      ++len;
    }
  }
  return "unexpected '" + std::string(text.substr(pos, len)) + "'";
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  [[noreturn]] void Fail(const std::string& message) const { throw SyntaxError(pos_, message); }
  [[noreturn]] void FailAt(std::size_t pos, const std::string& message) const {
    throw SyntaxError(pos, message);
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void SkipSpaces() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    if (Peek() == c && !AtEnd()) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Expect(char c) {
    if (!Consume(c)) {
      if (AtEnd()) Fail(std::string("expected '") + c + "' but the path ended");
      Fail(std::string("expected '") + c + "' but found " + UnexpectedAt(text_, pos_).substr(11));
    }
  }
  std::size_t pos() const { return pos_; }
  void Skip(std::size_t n) { pos_ += n; }

  // Segments following a root (`$`, `@`, `$$`, `$name`). In a filter the
  // path ends at the first character that cannot continue it.
  Segments ParseSegments(bool in_filter) {
    Segments segments;
    while (!AtEnd()) {
      const char c = Peek();
      if (c == '.') {
        if (Peek(1) == '.') {
          pos_ += 2;
          Segment scan;
          scan.kind = Segment::Kind::kScan;
          segments.push_back(std::move(scan));
          if (AtEnd()) Fail("path must not end with '..'");
          if (Peek() == '[') {
            segments.push_back(ParseBracket());
          } else {
            segments.push_back(ParseDotName(in_filter));
          }
        } else {
          ++pos_;
          if (AtEnd()) Fail("path must not end with '.'");
          segments.push_back(ParseDotName(in_filter));
        }
      } else if (c == '[') {
        segments.push_back(ParseBracket());
      } else if (in_filter) {
        break;
      } else {
        Fail(UnexpectedAt(text_, pos_));
      }
    }
    return segments;
  }

  std::shared_ptr<const FilterExpr> ParseFilterBody() {
    auto expr = std::make_shared<FilterExpr>(ParseOr());
    SkipSpaces();
    return expr;
  }

 private:
  Segment ParseDotName(bool in_filter) {
    Segment segment;
    if (Peek() == '*') {
      ++pos_;
      segment.kind = Segment::Kind::kWildcard;
      return segment;
    }
    const std::size_t begin = pos_;
    std::string name;
    while (!AtEnd()) {
      const char c = Peek();
      if (c == '\\') {
        if (pos_ + 1 >= text_.size()) Fail("path must not end with '\\'");
        name.push_back(text_[pos_ + 1]);
        pos_ += 2;
        continue;
      }
      if (c == '.' || c == '[') break;
      if (c == '(') Fail("functions are not supported in paths");
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (in_filter) break;
        Fail("unexpected whitespace in a name");
      }
      if (in_filter && (c == ')' || c == '=' || c == '<' || c == '>' || c == '!' || c == '&' ||
                        c == '|' || c == ',' || c == ']')) {
        break;
      }
      if (c == ']' || c == ')' || c == '\'' || c == '"') {
        Fail(UnexpectedAt(text_, pos_) + " in a name");
      }
      name.push_back(c);
      ++pos_;
    }
    if (pos_ == begin) Fail("expected a name");
    segment.kind = Segment::Kind::kProperty;
    segment.names.push_back(std::move(name));
    return segment;
  }

  std::string ParseQuoted() {
    const std::size_t begin = pos_;
    const char quote = Peek();
    ++pos_;
    std::string out;
    while (true) {
      if (AtEnd()) FailAt(begin, "unterminated string");
      const char c = Peek();
      if (c == '\\') {
        if (pos_ + 1 >= text_.size()) FailAt(begin, "unterminated string");
        const char e = text_[pos_ + 1];
        switch (e) {
          case 'n':
            out.push_back('\n');
            break;
          case 't':
            out.push_back('\t');
            break;
          case 'r':
            out.push_back('\r');
            break;
          case 'b':
            out.push_back('\b');
            break;
          case 'f':
            out.push_back('\f');
            break;
          default:
            out.push_back(e);
            break;
        }
        pos_ += 2;
        continue;
      }
      ++pos_;
      if (c == quote) break;
      out.push_back(c);
    }
    return out;
  }

  std::optional<std::int64_t> ParseOptionalInt() {
    SkipSpaces();
    const std::size_t begin = pos_;
    if (Peek() == '-' || Peek() == '+') ++pos_;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') ++pos_;
    if (pos_ == begin) return std::nullopt;
    const std::string digits(text_.substr(begin, pos_ - begin));
    if (digits == "-" || digits == "+") FailAt(begin, "expected a number");
    if (digits.size() > 18) FailAt(begin, "index out of range");
    SkipSpaces();
    return std::strtoll(digits.c_str(), nullptr, 10);
  }

  Segment ParseBracket() {
    const std::size_t open = pos_;
    Expect('[');
    SkipSpaces();
    if (AtEnd()) FailAt(open, "unterminated brackets");
    Segment segment;
    const char c = Peek();
    if (c == '\'' || c == '"') {
      segment.kind = Segment::Kind::kProperty;
      segment.names.push_back(ParseQuoted());
      SkipSpaces();
      while (Consume(',')) {
        SkipSpaces();
        if (Peek() != '\'' && Peek() != '"') Fail("expected a quoted name");
        segment.names.push_back(ParseQuoted());
        SkipSpaces();
      }
      if (segment.names.size() > 1) segment.kind = Segment::Kind::kProperties;
    } else if (c == '*') {
      ++pos_;
      SkipSpaces();
      segment.kind = Segment::Kind::kWildcard;
    } else if (c == '?') {
      ++pos_;
      SkipSpaces();
      Expect('(');
      segment.kind = Segment::Kind::kFilter;
      segment.filter = ParseFilterBody();
      Expect(')');
      SkipSpaces();
    } else {
      auto first = ParseOptionalInt();
      if (Peek() == ':') {
        segment.kind = Segment::Kind::kSlice;
        segment.start = first;
        ++pos_;
        segment.end = ParseOptionalInt();
        if (Consume(':')) {
          const auto step = ParseOptionalInt();
          if (step) {
            if (*step == 0) Fail("slice step must not be 0");
            segment.step = *step;
          }
        }
      } else if (first) {
        segment.kind = Segment::Kind::kIndex;
        segment.indices.push_back(*first);
        while (Consume(',')) {
          auto next = ParseOptionalInt();
          if (!next) Fail("expected an index");
          segment.indices.push_back(*next);
        }
        if (segment.indices.size() > 1) segment.kind = Segment::Kind::kIndices;
      } else if (c == ']') {
        FailAt(open, "empty brackets");
      } else {
        Fail(UnexpectedAt(text_, pos_) + " in brackets");
      }
    }
    Expect(']');
    return segment;
  }

  // Filter grammar: or := and ('||' and)*; and := unary ('&&' unary)*;
  // unary := '!' unary | '(' or ')' | relation.
  FilterExpr ParseOr() {
    FilterExpr left = ParseAnd();
    SkipSpaces();
    if (!(Peek() == '|' && Peek(1) == '|')) return left;
    FilterExpr node;
    node.kind = FilterExpr::Kind::kOr;
    node.children.push_back(std::move(left));
    while (Peek() == '|' && Peek(1) == '|') {
      pos_ += 2;
      node.children.push_back(ParseAnd());
      SkipSpaces();
    }
    return node;
  }

  FilterExpr ParseAnd() {
    FilterExpr left = ParseUnary();
    SkipSpaces();
    if (!(Peek() == '&' && Peek(1) == '&')) return left;
    FilterExpr node;
    node.kind = FilterExpr::Kind::kAnd;
    node.children.push_back(std::move(left));
    while (Peek() == '&' && Peek(1) == '&') {
      pos_ += 2;
      node.children.push_back(ParseUnary());
      SkipSpaces();
    }
    return node;
  }

  FilterExpr ParseUnary() {
    SkipSpaces();
    if (Peek() == '!' && Peek(1) != '=') {
      ++pos_;
      FilterExpr node;
      node.kind = FilterExpr::Kind::kNot;
      node.children.push_back(ParseUnary());
      return node;
    }
    if (Peek() == '(') {
      ++pos_;
      FilterExpr inner = ParseOr();
      SkipSpaces();
      Expect(')');
      return inner;
    }
    return ParseRelation();
  }

  static bool StartsWithWord(std::string_view rest, std::string_view word) {
    if (rest.substr(0, word.size()) != word) return false;
    if (rest.size() == word.size()) return true;
    return !IsIdentifierByte(rest[word.size()]);
  }

  std::optional<CompareOp> ParseOperator() {
    SkipSpaces();
    const std::string_view rest = text_.substr(pos_);
    struct Symbol {
      std::string_view text;
      CompareOp op;
      bool word;
    };
    static constexpr Symbol kSymbols[] = {
        {"===", CompareOp::kEq, false},     {"!==", CompareOp::kNe, false},
        {"==", CompareOp::kEq, false},      {"!=", CompareOp::kNe, false},
        {"<=", CompareOp::kLe, false},      {">=", CompareOp::kGe, false},
        {"=~", CompareOp::kRegex, false},   {"<", CompareOp::kLt, false},
        {">", CompareOp::kGt, false},       {"nin", CompareOp::kNin, true},
        {"in", CompareOp::kIn, true},       {"subsetof", CompareOp::kSubsetOf, true},
        {"anyof", CompareOp::kAnyOf, true}, {"noneof", CompareOp::kNoneOf, true},
        {"size", CompareOp::kSize, true},   {"empty", CompareOp::kEmpty, true},
    };
    for (const auto& symbol : kSymbols) {
      if (symbol.word ? StartsWithWord(rest, symbol.text)
                      : rest.substr(0, symbol.text.size()) == symbol.text) {
        pos_ += symbol.text.size();
        return symbol.op;
      }
    }
    return std::nullopt;
  }

  FilterExpr ParseRelation() {
    FilterExpr node;
    node.lhs = ParseOperand();
    const auto op = ParseOperator();
    if (!op) {
      if (node.lhs.kind != Operand::Kind::kCurrent && node.lhs.kind != Operand::Kind::kRoot) {
        Fail("expected a comparison operator");
      }
      node.kind = FilterExpr::Kind::kExists;
      return node;
    }
    node.kind = FilterExpr::Kind::kCompare;
    node.op = *op;
    node.rhs = ParseOperand();
    if (node.op == CompareOp::kRegex && node.rhs.kind != Operand::Kind::kRegex) {
      Fail("expected a /regex/ after '=~'");
    }
    return node;
  }

  Operand ParseOperand() {
    SkipSpaces();
    Operand operand;
    const char c = Peek();
    const std::size_t begin = pos_;
    if (c == '@' || c == '$') {
      ++pos_;
      operand.kind = c == '@' ? Operand::Kind::kCurrent : Operand::Kind::kRoot;
      operand.segments = ParseSegments(true);
      operand.definite = std::all_of(operand.segments.begin(), operand.segments.end(),
                                     [](const Segment& s) { return s.definite(); });
      return operand;
    }
    if (c == '\'' || c == '"') {
      operand.literal = ParseQuoted();
      return operand;
    }
    if (c == '/') {
      ++pos_;
      std::string pattern;
      while (true) {
        if (AtEnd()) FailAt(begin, "unterminated regex");
        if (Peek() == '\\' && Peek(1) == '/') {
          pattern.push_back('/');
          pos_ += 2;
          continue;
        }
        if (Peek() == '/') break;
        pattern.push_back(Peek());
        ++pos_;
      }
      ++pos_;
      auto flags = std::regex::ECMAScript;
      while (!AtEnd() && Peek() >= 'a' && Peek() <= 'z') {
        if (Peek() == 'i') flags |= std::regex::icase;
        ++pos_;
      }
      try {
        operand.regex = std::make_shared<const std::regex>(pattern, flags);
      } catch (const std::regex_error&) {
        FailAt(begin, "invalid regex /" + pattern + "/");
      }
      operand.kind = Operand::Kind::kRegex;
      return operand;
    }
    if (c == '[' || c == '{') {
      // A JSON literal: find its end by bracket matching outside strings.
      int depth = 0;
      bool in_string = false;
      char quote = '\0';
      std::string json_text;
      while (true) {
        if (AtEnd()) FailAt(begin, "unterminated literal");
        const char d = Peek();
        if (in_string) {
          if (d == '\\') {
            json_text.push_back(d);
            ++pos_;
            if (AtEnd()) FailAt(begin, "unterminated literal");
            json_text.push_back(Peek());
            ++pos_;
            continue;
          }
          if (d == quote) {
            in_string = false;
            json_text.push_back('"');
            ++pos_;
            continue;
          }
          if (d == '"' && quote == '\'') json_text.push_back('\\');
          json_text.push_back(d);
          ++pos_;
          continue;
        }
        if (d == '"' || d == '\'') {
          in_string = true;
          quote = d;
          json_text.push_back('"');
          ++pos_;
          continue;
        }
        if (d == '[' || d == '{') ++depth;
        if (d == ']' || d == '}') --depth;
        json_text.push_back(d);
        ++pos_;
        if (depth == 0) break;
      }
      operand.literal = Json::parse(json_text, nullptr, false);
      if (operand.literal.is_discarded()) FailAt(begin, "invalid JSON literal");
      return operand;
    }
    const std::string_view rest = text_.substr(pos_);
    if (StartsWithWord(rest, "true")) {
      pos_ += 4;
      operand.literal = true;
      return operand;
    }
    if (StartsWithWord(rest, "false")) {
      pos_ += 5;
      operand.literal = false;
      return operand;
    }
    if (StartsWithWord(rest, "null")) {
      pos_ += 4;
      operand.literal = nullptr;
      return operand;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      ++pos_;
      while (!AtEnd() &&
             ((Peek() >= '0' && Peek() <= '9') || Peek() == '.' || Peek() == 'e' || Peek() == 'E' ||
              ((Peek() == '-' || Peek() == '+') &&
               (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E')))) {
        ++pos_;
      }
      operand.literal = Json::parse(text_.substr(begin, pos_ - begin), nullptr, false);
      if (operand.literal.is_discarded() || !operand.literal.is_number()) {
        FailAt(begin, "invalid number");
      }
      return operand;
    }
    if (AtEnd()) Fail("expected a value but the path ended");
    Fail(UnexpectedAt(text_, pos_) + " in a filter");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

void AppendNormalized(std::string& out, const Segments& segments) {
  for (const auto& s : segments) {
    switch (s.kind) {
      case Segment::Kind::kProperty:
        out += "['";
        out += s.names[0];
        out += "']";
        break;
      case Segment::Kind::kProperties:
        out += '[';
        for (std::size_t i = 0; i < s.names.size(); ++i) {
          if (i > 0) out += ',';
          out += '\'';
          out += s.names[i];
          out += '\'';
        }
        out += ']';
        break;
      case Segment::Kind::kIndex:
      case Segment::Kind::kIndices:
        out += '[';
        for (std::size_t i = 0; i < s.indices.size(); ++i) {
          if (i > 0) out += ',';
          out += std::to_string(s.indices[i]);
        }
        out += ']';
        break;
      case Segment::Kind::kSlice:
        out += '[';
        if (s.start) out += std::to_string(*s.start);
        out += ':';
        if (s.end) out += std::to_string(*s.end);
        if (s.step != 1) out += ':' + std::to_string(s.step);
        out += ']';
        break;
      case Segment::Kind::kWildcard:
        out += "[*]";
        break;
      case Segment::Kind::kScan:
        out += "..";
        break;
      case Segment::Kind::kFilter:
        out += "[?]";
        break;
    }
  }
}

// ---------------------------------------------------------------------------
// Evaluation

const Json* Child(const Json& node, const std::string& name) {
  if (!node.is_object()) return nullptr;
  const auto& object = node.get_ref<const Json::object_t&>();
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &it->second;
}

const Json* Element(const Json& node, std::int64_t index) {
  if (!node.is_array()) return nullptr;
  const auto& array = node.get_ref<const Json::array_t&>();
  const auto size = static_cast<std::int64_t>(array.size());
  const std::int64_t effective = index < 0 ? size + index : index;
  if (effective < 0 || effective >= size) return nullptr;
  return &array[static_cast<std::size_t>(effective)];
}

Json* MutableElement(Json& node, std::int64_t index) {
  auto& array = node.get_ref<Json::array_t&>();
  const auto size = static_cast<std::int64_t>(array.size());
  return &array[static_cast<std::size_t>(index < 0 ? size + index : index)];
}

// Walks definite segments only; nullptr on any miss.
const Json* WalkDefinite(const Segments& segments, std::size_t count, const Json& root) {
  const Json* node = &root;
  for (std::size_t i = 0; i < count && node != nullptr; ++i) {
    const Segment& s = segments[i];
    node = s.kind == Segment::Kind::kProperty ? Child(*node, s.names[0])
                                              : Element(*node, s.indices[0]);
  }
  return node;
}

void SliceBounds(const Segment& s, std::int64_t size, std::int64_t& from, std::int64_t& to) {
  auto clamp = [size](std::int64_t v, std::int64_t lo, std::int64_t hi) {
    if (v < 0) v += size;
    return std::clamp(v, lo, hi);
  };
  if (s.step > 0) {
    from = s.start ? clamp(*s.start, 0, size) : 0;
    to = s.end ? clamp(*s.end, 0, size) : size;
  } else {
    from = s.start ? clamp(*s.start, -1, size - 1) : size - 1;
    to = s.end ? clamp(*s.end, -1, size - 1) : -1;
  }
}

bool Accept(const FilterExpr& expr, const Json& current, const Json& root);

class Evaluator {
 public:
  Evaluator(const Segments& segments, const Json& root, std::vector<const Json*>& out,
            std::vector<Json>& owned)
      : segments_(segments), root_(root), out_(out), owned_(owned) {}

  void Eval(std::size_t i, const Json& node) {
    if (i == segments_.size()) {
      out_.push_back(&node);
      return;
    }
    const Segment& s = segments_[i];
    switch (s.kind) {
      case Segment::Kind::kProperty:
        if (const Json* child = Child(node, s.names[0])) Eval(i + 1, *child);
        break;
      case Segment::Kind::kProperties:
        if (!node.is_object()) break;
        if (i + 1 == segments_.size()) {
          // Jayway merges a final name union into one object.
          Json merged = Json::object();
          for (const auto& name : s.names) {
            if (const Json* child = Child(node, name)) merged[name] = *child;
          }
          owned_.push_back(std::move(merged));
          out_.push_back(nullptr);  // patched by the caller (owned_ may move)
          owned_marks_.push_back(out_.size() - 1);
        } else {
          for (const auto& name : s.names) {
            if (const Json* child = Child(node, name)) Eval(i + 1, *child);
          }
        }
        break;
      case Segment::Kind::kIndex:
        if (const Json* child = Element(node, s.indices[0])) Eval(i + 1, *child);
        break;
      case Segment::Kind::kIndices:
        for (const auto index : s.indices) {
          if (const Json* child = Element(node, index)) Eval(i + 1, *child);
        }
        break;
      case Segment::Kind::kSlice: {
        if (!node.is_array()) break;
        const auto& array = node.get_ref<const Json::array_t&>();
        std::int64_t from = 0;
        std::int64_t to = 0;
        SliceBounds(s, static_cast<std::int64_t>(array.size()), from, to);
        if (s.step > 0) {
          for (std::int64_t k = from; k < to; k += s.step) {
            Eval(i + 1, array[static_cast<std::size_t>(k)]);
          }
        } else {
          for (std::int64_t k = from; k > to; k += s.step) {
            Eval(i + 1, array[static_cast<std::size_t>(k)]);
          }
        }
        break;
      }
      case Segment::Kind::kWildcard:
        if (node.is_object() || node.is_array()) {
          for (const auto& child : node) Eval(i + 1, child);
        }
        break;
      case Segment::Kind::kScan:
        Scan(i + 1, node);
        break;
      case Segment::Kind::kFilter:
        if (node.is_array()) {
          for (const auto& child : node) {
            if (Accept(*s.filter, child, root_)) Eval(i + 1, child);
          }
        } else if (node.is_object()) {
          // Jayway tests an object itself against a filter.
          if (Accept(*s.filter, node, root_)) Eval(i + 1, node);
        }
        break;
    }
  }

  // Resolves merged objects into pointers once evaluation is over.
  void Finish() {
    for (std::size_t k = 0; k < owned_marks_.size(); ++k) {
      out_[owned_marks_[k]] = &owned_[k];
    }
  }

 private:
  bool ScanMatches(const Segment& next, const Json& node) const {
    switch (next.kind) {
      case Segment::Kind::kProperty:
        return Child(node, next.names[0]) != nullptr;
      case Segment::Kind::kProperties:
        return node.is_object();
      case Segment::Kind::kIndex:
      case Segment::Kind::kIndices:
      case Segment::Kind::kSlice:
        return node.is_array();
      case Segment::Kind::kFilter:
        // Jayway tests every object at any depth (array elements are
        // objects reached by the scan itself, so they are not tested twice).
        return node.is_object();
      default:
        return true;
    }
  }

  // Jayway's deep scan: the next segment applies to the node and to every
  // descendant, parents before children, in document order.
  void Scan(std::size_t next, const Json& node) {
    if (ScanMatches(segments_[next], node)) Eval(next, node);
    if (node.is_object() || node.is_array()) {
      for (const auto& child : node) {
        if (child.is_object() || child.is_array()) Scan(next, child);
      }
    }
  }

  const Segments& segments_;
  const Json& root_;
  std::vector<const Json*>& out_;
  std::vector<Json>& owned_;
  std::vector<std::size_t> owned_marks_;
};

// A filter operand's value: a borrowed node, an owned array (indefinite
// path) or nothing (Jayway's UNDEFINED).
struct Value {
  const Json* node = nullptr;
  Json owned;
  bool has_owned = false;
  const Json* get() const { return has_owned ? &owned : node; }
};

Value Resolve(const Operand& operand, const Json& current, const Json& root) {
  Value value;
  switch (operand.kind) {
    case Operand::Kind::kLiteral:
      value.node = &operand.literal;
      break;
    case Operand::Kind::kRegex:
      break;
    case Operand::Kind::kCurrent:
    case Operand::Kind::kRoot: {
      const Json& base = operand.kind == Operand::Kind::kCurrent ? current : root;
      if (operand.definite) {
        value.node = WalkDefinite(operand.segments, operand.segments.size(), base);
      } else {
        std::vector<const Json*> matches;
        std::vector<Json> owned;
        Evaluator evaluator(operand.segments, root, matches, owned);
        evaluator.Eval(0, base);
        evaluator.Finish();
        value.owned = Json::array();
        for (const Json* m : matches) value.owned.push_back(*m);
        value.has_owned = true;
      }
      break;
    }
  }
  return value;
}

bool ValuesEqual(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) {
      return a.get<double>() == b.get<double>();
    }
    return a == b;
  }
  return a == b;
}

// -1, 0, 1, or 2 when the values cannot be ordered.
int Order(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) {
      const double x = a.get<double>();
      const double y = b.get<double>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    return a < b ? -1 : (b < a ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    const int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return 2;
}

bool Contains(const Json& array, const Json& value) {
  return std::any_of(array.begin(), array.end(),
                     [&value](const Json& item) { return ValuesEqual(item, value); });
}

bool Compare(const FilterExpr& expr, const Json& current, const Json& root) {
  const Value left_value = Resolve(expr.lhs, current, root);
  const Json* left = left_value.get();
  if (expr.op == CompareOp::kRegex) {
    return left != nullptr && left->is_string() &&
           std::regex_match(left->get_ref<const std::string&>(), *expr.rhs.regex);
  }
  const Value right_value = Resolve(expr.rhs, current, root);
  const Json* right = right_value.get();
  if (expr.op == CompareOp::kNe) {
    return left == nullptr || right == nullptr || !ValuesEqual(*left, *right);
  }
  if (left == nullptr || right == nullptr) return false;
  switch (expr.op) {
    case CompareOp::kEq:
      return ValuesEqual(*left, *right);
    case CompareOp::kLt:
      return Order(*left, *right) == -1;
    case CompareOp::kLe: {
      const int o = Order(*left, *right);
      return o == -1 || o == 0;
    }
    case CompareOp::kGt:
      return Order(*left, *right) == 1;
    case CompareOp::kGe: {
      const int o = Order(*left, *right);
      return o == 1 || o == 0;
    }
    case CompareOp::kIn:
      return right->is_array() && Contains(*right, *left);
    case CompareOp::kNin:
      return right->is_array() && !Contains(*right, *left);
    case CompareOp::kSubsetOf:
      return left->is_array() && right->is_array() &&
             std::all_of(left->begin(), left->end(),
                         [right](const Json& v) { return Contains(*right, v); });
    case CompareOp::kAnyOf:
      return left->is_array() && right->is_array() &&
             std::any_of(left->begin(), left->end(),
                         [right](const Json& v) { return Contains(*right, v); });
    case CompareOp::kNoneOf:
      return left->is_array() && right->is_array() &&
             std::none_of(left->begin(), left->end(),
                          [right](const Json& v) { return Contains(*right, v); });
    case CompareOp::kSize: {
      if (!right->is_number_integer()) return false;
      const auto expected = right->get<std::int64_t>();
      if (left->is_array()) {
        return static_cast<std::int64_t>(left->size()) == expected;
      }
      if (left->is_string()) {
        return static_cast<std::int64_t>(left->get_ref<const std::string&>().size()) == expected;
      }
      return false;
    }
    case CompareOp::kEmpty: {
      if (!right->is_boolean()) return false;
      bool empty = false;
      if (left->is_array()) {
        empty = left->empty();
      } else if (left->is_string()) {
        empty = left->get_ref<const std::string&>().empty();
      } else {
        return false;
      }
      return empty == right->get<bool>();
    }
    default:
      return false;
  }
}

bool Accept(const FilterExpr& expr, const Json& current, const Json& root) {
  switch (expr.kind) {
    case FilterExpr::Kind::kOr:
      return std::any_of(expr.children.begin(), expr.children.end(),
                         [&](const FilterExpr& c) { return Accept(c, current, root); });
    case FilterExpr::Kind::kAnd:
      return std::all_of(expr.children.begin(), expr.children.end(),
                         [&](const FilterExpr& c) { return Accept(c, current, root); });
    case FilterExpr::Kind::kNot:
      return !Accept(expr.children[0], current, root);
    case FilterExpr::Kind::kExists: {
      const Value value = Resolve(expr.lhs, current, root);
      if (value.has_owned) return !value.owned.empty();
      return value.node != nullptr;
    }
    case FilterExpr::Kind::kCompare:
      return Compare(expr, current, root);
  }
  return false;
}

// Java's Double.toString, which Jayway's messages use via Map.toString.
std::string JavaToString(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, child] : value.items()) {
        if (!first) out += ", ";
        first = false;
        out += key;
        out += '=';
        out += JavaToString(child);
      }
      return out + "}";
    }
    case Json::value_t::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& child : value) {
        if (!first) out += ", ";
        first = false;
        out += JavaToString(child);
      }
      return out + "]";
    }
    case Json::value_t::string:
      return value.get<std::string>();
    default:
      return ToAwsJson(value);
  }
}

// The Java class Jayway names in its type-mismatch messages, assuming the
// Jackson provider that maps JSON to plain Java collections [verify].
std::string JavaClassName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      return "java.util.LinkedHashMap";
    case Json::value_t::array:
      return "java.util.ArrayList";
    case Json::value_t::string:
      return "java.lang.String";
    case Json::value_t::boolean:
      return "java.lang.Boolean";
    case Json::value_t::number_float:
      return "java.lang.Double";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: {
      const auto v = value.get<double>();
      return v >= -2147483648.0 && v <= 2147483647.0 ? "java.lang.Integer" : "java.lang.Long";
    }
    default:
      return "null";
  }
}

constexpr const char* kProvider = "com.jayway.jsonpath.spi.json.JacksonJsonProvider";

std::string SegmentFragment(const Segment& s) {
  std::string out;
  AppendNormalized(out, Segments{s});
  return out;
}

}  // namespace
}  // namespace internal

namespace {

using internal::Segment;

// Walks the leading definite part with Jayway's error rules. Returns the node
// reached, or nullptr with `message` (if given) set to Jayway's text.
const Json* WalkPrefixWithErrors(const Path::Impl& impl, const Json& root, std::string* message) {
  const Json* node = &root;
  std::string current = "$";
  const auto& segments = impl.segments;
  // Jayway checks the type of the node an indefinite segment applies to when
  // everything before it is definite, so include that segment's check.
  const std::size_t checked = std::min(segments.size(), impl.definite_prefix + 1);
  for (std::size_t i = 0; i < checked; ++i) {
    const Segment& s = segments[i];
    const bool leaf = i + 1 == segments.size();
    const bool token_definite = i < impl.definite_prefix;
    switch (s.kind) {
      case Segment::Kind::kProperty:
      case Segment::Kind::kProperties: {
        if (!node->is_object()) {
          if (message != nullptr) {
            *message = "Expected to find an object with property " + internal::SegmentFragment(s) +
                       " in path " + current + " but found '" + internal::JavaClassName(*node) +
                       "'. This is not a json object according to the "
                       "JsonProvider: '" +
                       internal::kProvider + "'.";
          }
          return nullptr;
        }
        if (s.kind == Segment::Kind::kProperties) return node;
        const Json* child = internal::Child(*node, s.names[0]);
        if (child == nullptr) {
          if (message != nullptr) {
            if (leaf || !token_definite) {
              *message = "No results for path: " + impl.normalized;
            } else {
              *message = "Missing property in path " + current + "['" + s.names[0] + "']";
            }
          }
          return nullptr;
        }
        if (!token_definite) return node;
        current += "['" + s.names[0] + "']";
        node = child;
        break;
      }
      case Segment::Kind::kIndex:
      case Segment::Kind::kIndices:
      case Segment::Kind::kSlice: {
        if (node->is_null()) {
          if (message != nullptr) *message = "The path " + current + " is null";
          return nullptr;
        }
        if (!node->is_array()) {
          if (message != nullptr) {
            *message = "Filter: " + internal::SegmentFragment(s) +
                       " can only be applied to arrays. Current context is: " +
                       internal::JavaToString(*node);
          }
          return nullptr;
        }
        if (!token_definite) return node;
        const Json* child = internal::Element(*node, s.indices[0]);
        if (child == nullptr) {
          if (message != nullptr) {
            *message = "No results for path: " + impl.normalized;
          }
          return nullptr;
        }
        current += "[" + std::to_string(s.indices[0]) + "]";
        node = child;
        break;
      }
      case Segment::Kind::kFilter:
        if (!node->is_object() && !node->is_array()) {
          if (message != nullptr) {
            *message =
                "Filter: [?] can not be applied to primitives. Current "
                "context is: " +
                internal::JavaToString(*node);
          }
          return nullptr;
        }
        return node;
      default:
        return node;
    }
  }
  return node;
}

const Path::Impl& Checked(const std::shared_ptr<const Path::Impl>& impl) {
  if (!impl) throw UsageError("jsonpath::Path used before Path::Parse");
  return *impl;
}

}  // namespace

Path Path::Parse(std::string_view text) {
  auto impl = std::make_shared<Impl>();
  impl->text = std::string(text);
  internal::Parser parser(text);
  if (text.empty()) throw SyntaxError(0, "a path must start with '$'");
  if (text[0] != '$') throw SyntaxError(0, "a path must start with '$'");
  parser.Consume('$');
  if (parser.Peek() == '$') {
    parser.Consume('$');
    impl->root = Root::kContext;
  } else if (!parser.AtEnd() && parser.Peek() != '.' && parser.Peek() != '[') {
    const std::size_t begin = parser.pos();
    std::size_t end = begin;
    while (end < text.size() && internal::IsIdentifierByte(text[end])) ++end;
    if (end == begin) {
      throw SyntaxError(begin, internal::UnexpectedAt(text, begin) + " after '$'");
    }
    if (text[begin] >= '0' && text[begin] <= '9') {
      throw SyntaxError(begin, "a variable name must not start with a digit");
    }
    impl->root = Root::kVariable;
    impl->variable = std::string(text.substr(begin, end - begin));
    parser.Skip(end - begin);
  }
  impl->segments = parser.ParseSegments(false);

  const auto& segments = impl->segments;
  std::size_t prefix = 0;
  while (prefix < segments.size() && segments[prefix].definite()) ++prefix;
  impl->definite_prefix = prefix;
  impl->reference = prefix == segments.size();
  impl->definite = impl->reference || (prefix + 1 == segments.size() &&
                                       segments.back().kind == Segment::Kind::kProperties);
  impl->normalized = "$";
  internal::AppendNormalized(impl->normalized, segments);
  Path path;
  path.impl_ = std::move(impl);
  return path;
}

const std::string& Path::text() const { return Checked(impl_).text; }
Path::Root Path::root() const { return Checked(impl_).root; }
const std::string& Path::variable() const { return Checked(impl_).variable; }
bool Path::is_reference() const { return Checked(impl_).reference; }
bool Path::is_definite() const { return Checked(impl_).definite; }
const std::string& Path::normalized() const { return Checked(impl_).normalized; }

const Json* Path::RootIn(const Env& env) const {
  const Impl& impl = Checked(impl_);
  switch (impl.root) {
    case Root::kInput:
      return env.input;
    case Root::kContext:
      return env.context;
    case Root::kVariable:
      return env.variables == nullptr ? nullptr : env.variables->Find(impl.variable);
  }
  return nullptr;
}

const Json* Path::Find(const Json& root) const {
  const Impl& impl = Checked(impl_);
  if (!impl.reference) {
    throw UsageError("Path::Find needs a reference path, got " + impl.text);
  }
  return internal::WalkDefinite(impl.segments, impl.segments.size(), root);
}

const Json* Path::Find(const Env& env) const {
  const Json* root = RootIn(env);
  return root == nullptr ? nullptr : Find(*root);
}

std::optional<Json> Path::SelectFrom(const Json& root) const {
  const Impl& impl = Checked(impl_);
  if (impl.reference) {
    const Json* node = internal::WalkDefinite(impl.segments, impl.segments.size(), root);
    if (node == nullptr) return std::nullopt;
    return *node;
  }
  std::vector<const Json*> matches;
  std::vector<Json> owned;
  internal::Evaluator evaluator(impl.segments, root, matches, owned);
  if (impl.definite) {
    // A final name union: the prefix fails like any definite path.
    const Json* start = WalkPrefixWithErrors(impl, root, nullptr);
    if (start == nullptr) return std::nullopt;
    evaluator.Eval(impl.definite_prefix, *start);
    evaluator.Finish();
    if (matches.empty()) return std::nullopt;
    return std::move(owned.front());
  }
  // AWS yields [] for an indefinite path even where Jayway's default
  // configuration would raise (recorded: "$.item.items[1:5]" on {}).
  evaluator.Eval(0, root);
  evaluator.Finish();
  Json result = Json::array();
  auto& array = result.get_ref<Json::array_t&>();
  array.reserve(matches.size());
  for (const Json* match : matches) array.push_back(*match);
  return result;
}

std::optional<Json> Path::Select(const Env& env) const {
  const Json* root = RootIn(env);
  if (root == nullptr) return std::nullopt;
  return SelectFrom(*root);
}

std::string Path::MissMessage(const Json& root) const {
  const Impl& impl = Checked(impl_);
  if (!impl.definite) return {};
  std::string message;
  if (WalkPrefixWithErrors(impl, root, &message) == nullptr) return message;
  if (SelectFrom(root)) return {};
  return "No results for path: " + impl.normalized;
}

std::string InvalidPathCause(const Path& path, const Json* root) {
  std::string message;
  if (root == nullptr) {
    if (path.root() == Path::Root::kVariable) {
      message = "The variable '" + path.variable() + "' is not defined";
    } else {
      message = "No results for path: " + path.normalized();
    }
  } else {
    message = path.MissMessage(*root);
  }
  return "Invalid path '" + path.text() + "' : " + message;
}

std::string FieldNotFoundCause(std::string_view path_text, std::string_view field,
                               const Json& input) {
  std::string cause = "The JSONPath '";
  cause += path_text;
  cause += "' specified for the field '";
  cause += field;
  cause += "' could not be found in the input '";
  cause += ToAwsJson(input);
  cause += "'";
  return cause;
}

std::string ResultPathCause(const Path& path, const Json& input) {
  return "Unable to apply ReferencePath " + path.text() + " to input '" + ToAwsJson(input) + "'";
}

Result<Json> Path::SelectOrInvalidPath(const Env& env) const {
  const Json* root = RootIn(env);
  if (root != nullptr) {
    if (auto value = SelectFrom(*root)) return std::move(*value);
  }
  return AslError{errors::kRuntime, InvalidPathCause(*this, root)};
}

Result<Json> Path::SelectForField(const Env& env, std::string_view field) const {
  if (auto value = Select(env)) return std::move(*value);
  static const Json kNull;
  return AslError{errors::kRuntime,
                  FieldNotFoundCause(text(), field, env.input != nullptr ? *env.input : kNull)};
}

bool Path::Assign(Json& target, Json value) const {
  const Impl& impl = Checked(impl_);
  if (!impl.reference || impl.root != Root::kInput) return false;
  const auto& segments = impl.segments;
  if (segments.empty()) {
    target = std::move(value);
    return true;
  }
  // First check that the whole walk can be applied, so a failure leaves
  // `target` untouched.
  const Json* node = &target;
  for (const Segment& s : segments) {
    if (node == nullptr) {
      // Everything from here on is created: only names can be.
      if (s.kind != Segment::Kind::kProperty) return false;
      continue;
    }
    if (s.kind == Segment::Kind::kProperty) {
      if (!node->is_object()) return false;
      node = internal::Child(*node, s.names[0]);
    } else {
      if (!node->is_array()) return false;
      node = internal::Element(*node, s.indices[0]);
      if (node == nullptr) return false;
    }
  }
  Json* cursor = &target;
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    const Segment& s = segments[i];
    if (s.kind == Segment::Kind::kProperty) {
      auto& object = cursor->get_ref<Json::object_t&>();
      auto it = object.find(s.names[0]);
      if (it == object.end()) {
        it = object.emplace(s.names[0], Json::object()).first;
      }
      cursor = &it->second;
    } else {
      cursor = internal::MutableElement(*cursor, s.indices[0]);
    }
  }
  const Segment& last = segments.back();
  if (last.kind == Segment::Kind::kProperty) {
    (*cursor)[last.names[0]] = std::move(value);
  } else {
    *internal::MutableElement(*cursor, last.indices[0]) = std::move(value);
  }
  return true;
}

}  // namespace stepsim::jsonpath
