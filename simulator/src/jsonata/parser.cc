#include <stepsim/jsonata/jsonata.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>

#include "jsonata/ast.h"
#include "jsonata/signature.h"
#include "text/utf8.h"

namespace stepsim::jsonata::internal {
namespace {

enum class TokenKind { kEnd, kOperator, kString, kNumber, kName, kVariable, kRegex, kValue };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // operator, name, variable name, string value
  double number = 0;
  Json value;
  std::shared_ptr<const std::regex> regex;
  std::size_t pos = 0;
};

bool IsOperatorChar(char c) {
  switch (c) {
    case '.':
    case '[':
    case ']':
    case '{':
    case '}':
    case '(':
    case ')':
    case ',':
    case '@':
    case '#':
    case ';':
    case ':':
    case '?':
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '|':
    case '=':
    case '<':
    case '>':
    case '^':
    case '&':
    case '!':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int BindingPower(std::string_view op) {
  if (op == ".") return 75;
  if (op == "[" || op == "(" || op == "@" || op == "#") return 80;
  if (op == "{") return 70;
  if (op == "*" || op == "/" || op == "%" || op == "**") return 60;
  if (op == "+" || op == "-" || op == "&") return 50;
  if (op == "=" || op == "<" || op == ">" || op == "^" || op == "!=" || op == "<=" || op == ">=" ||
      op == "~>" || op == "in")
    return 40;
  if (op == "and") return 30;
  if (op == "or") return 25;
  if (op == "?") return 20;
  if (op == ":=") return 10;
  return 0;
}

using stepsim::internal::AppendUtf8;

class Parser {
 public:
  explicit Parser(std::string_view text) : src_(text) {}

  NodePtr Run() {
    Advance();
    NodePtr root = Expression(0);
    if (token_.kind != TokenKind::kEnd) {
      Fail(token_.pos, "S0201: Syntax error: " + TokenText(token_));
    }
    PostProcess(*root);
    ResolveAncestry(*root);
    return root;
  }

 private:
  [[noreturn]] void Fail(std::size_t pos, const std::string& message) {
    throw SyntaxError(pos, message);
  }

  static std::string TokenText(const Token& t) {
    if (t.kind == TokenKind::kEnd) return "(end)";
    if (t.kind == TokenKind::kVariable) return "$" + t.text;
    if (t.kind == TokenKind::kValue) return t.value.dump();
    if (t.kind == TokenKind::kNumber) return t.value.dump();
    return t.text;
  }

  // Whether a '/' starts a regex: only where an operand is expected.
  bool OperandExpected() const {
    if (!have_prev_) return true;
    switch (prev_.kind) {
      case TokenKind::kOperator:
        return !(prev_.text == ")" || prev_.text == "]" || prev_.text == "}" || prev_.text == "*" ||
                 prev_.text == "**" || prev_.text == "%");
      case TokenKind::kName:
        return prev_.text == "and" || prev_.text == "or" || prev_.text == "in";
      default:
        return false;
    }
  }

  void Advance() {
    prev_ = token_;
    have_prev_ = have_token_;
    have_token_ = true;
    token_ = Lex();
  }

  Token Lex() {
    Token t;
    for (;;) {
      while (i_ < src_.size() && IsSpace(src_[i_])) ++i_;
      if (i_ + 1 < src_.size() && src_[i_] == '/' && src_[i_ + 1] == '*') {
        const std::size_t start = i_;
        const std::size_t end = src_.find("*/", i_ + 2);
        if (end == std::string_view::npos) Fail(start, "S0106: Comment has no closing tag");
        i_ = end + 2;
        continue;
      }
      break;
    }
    t.pos = i_;
    if (i_ >= src_.size()) return t;
    const char c = src_[i_];
    if (c == '/' && OperandExpected()) return LexRegex();
    auto two = [&](const char* op) {
      return i_ + 1 < src_.size() && src_[i_] == op[0] && src_[i_ + 1] == op[1];
    };
    for (const char* op : {"..", ":=", "!=", ">=", "<=", "**", "~>"}) {
      if (two(op)) {
        t.kind = TokenKind::kOperator;
        t.text = op;
        i_ += 2;
        return t;
      }
    }
    if (IsOperatorChar(c)) {
      t.kind = TokenKind::kOperator;
      t.text = std::string(1, c);
      ++i_;
      return t;
    }
    if (c == '"' || c == '\'') return LexString(c);
    if (c >= '0' && c <= '9') return LexNumber();
    if (c == '`') {
      const std::size_t end = src_.find('`', i_ + 1);
      if (end == std::string_view::npos)
        Fail(i_, "S0105: Quoted property name must be terminated with a backquote (`)");
      t.kind = TokenKind::kName;
      t.text = std::string(src_.substr(i_ + 1, end - i_ - 1));
      t.value = true;  // marks a quoted name: never a keyword
      i_ = end + 1;
      return t;
    }
    std::size_t j = i_;
    while (j < src_.size() && !IsSpace(src_[j]) && !IsOperatorChar(src_[j])) ++j;
    std::string word(src_.substr(i_, j - i_));
    i_ = j;
    if (word[0] == '$') {
      t.kind = TokenKind::kVariable;
      t.text = word.substr(1);
      return t;
    }
    if (word == "true" || word == "false" || word == "null") {
      t.kind = TokenKind::kValue;
      t.value = word == "null" ? Json(nullptr) : Json(word == "true");
      return t;
    }
    t.kind = TokenKind::kName;
    t.text = std::move(word);
    return t;
  }

  Token LexString(char quote) {
    Token t;
    t.pos = i_;
    t.kind = TokenKind::kString;
    ++i_;
    std::string out;
    while (i_ < src_.size()) {
      char c = src_[i_];
      if (c == quote) {
        ++i_;
        t.text = std::move(out);
        return t;
      }
      if (c == '\\') {
        ++i_;
        if (i_ >= src_.size()) break;
        c = src_[i_];
        switch (c) {
          case '"':
          case '\\':
          case '/':
          case '\'':
            out += c;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            auto hex4 = [&](std::size_t at, unsigned* v) {
              if (at + 4 > src_.size()) return false;
              *v = 0;
              for (std::size_t k = at; k < at + 4; ++k) {
                const char h = src_[k];
                unsigned d;
                if (h >= '0' && h <= '9')
                  d = static_cast<unsigned>(h - '0');
                else if (h >= 'a' && h <= 'f')
                  d = static_cast<unsigned>(h - 'a' + 10);
                else if (h >= 'A' && h <= 'F')
                  d = static_cast<unsigned>(h - 'A' + 10);
                else
                  return false;
                *v = *v * 16 + d;
              }
              return true;
            };
            unsigned cp = 0;
            if (!hex4(i_ + 1, &cp))
              Fail(i_, "S0104: The escape sequence \\u must be followed by 4 hex digits");
            i_ += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && i_ + 2 < src_.size() && src_[i_ + 1] == '\\' &&
                src_[i_ + 2] == 'u') {
              unsigned lo = 0;
              if (hex4(i_ + 3, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i_ += 6;
              }
            }
            AppendUtf8(out, cp);
            break;
          }
          default:
            Fail(i_, std::string("S0103: Unsupported escape sequence: \\") + c);
        }
        ++i_;
        continue;
      }
      out += c;
      ++i_;
    }
    Fail(t.pos, "S0101: String literal must be terminated by a matching quote");
  }

  Token LexNumber() {
    Token t;
    t.pos = i_;
    std::size_t j = i_;
    auto digits = [&] {
      while (j < src_.size() && src_[j] >= '0' && src_[j] <= '9') ++j;
    };
    digits();
    if (j + 1 < src_.size() && src_[j] == '.' && src_[j + 1] >= '0' && src_[j + 1] <= '9') {
      ++j;
      digits();
    }
    if (j < src_.size() && (src_[j] == 'e' || src_[j] == 'E')) {
      std::size_t k = j + 1;
      if (k < src_.size() && (src_[k] == '+' || src_[k] == '-')) ++k;
      if (k < src_.size() && src_[k] >= '0' && src_[k] <= '9') {
        j = k;
        digits();
      }
    }
    const std::string text(src_.substr(i_, j - i_));
    i_ = j;
    const double d = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(d)) Fail(t.pos, "S0102: Number out of range: " + text);
    t.kind = TokenKind::kNumber;
    t.number = d;
    if (d == std::floor(d) && std::fabs(d) < 9007199254740992.0) {
      t.value = static_cast<std::int64_t>(d);
    } else {
      t.value = d;
    }
    return t;
  }

  Token LexRegex() {
    Token t;
    t.pos = i_;
    std::size_t j = i_ + 1;
    int depth = 0;
    bool escaped = false;
    for (; j < src_.size(); ++j) {
      const char c = src_[j];
      if (escaped) {
        escaped = false;
        continue;
      }
      if (c == '\\')
        escaped = true;
      else if (c == '[')
        ++depth;
      else if (c == ']' && depth > 0)
        --depth;
      else if (c == '/' && depth == 0)
        break;
    }
    if (j >= src_.size()) Fail(t.pos, "S0302: No terminating / in regular expression");
    const std::string pattern(src_.substr(i_ + 1, j - i_ - 1));
    if (pattern.empty()) Fail(t.pos, "S0301: Empty regular expressions are not allowed");
    ++j;
    std::string flags;
    while (j < src_.size() && (src_[j] == 'i' || src_[j] == 'm')) flags += src_[j++];
    i_ = j;
    auto syntax = std::regex::ECMAScript;
    if (flags.find('i') != std::string::npos) syntax |= std::regex::icase;
    try {
      t.regex = std::make_shared<const std::regex>(pattern, syntax);
    } catch (const std::regex_error&) {
      Fail(t.pos, "S0301: Invalid regular expression: /" + pattern + "/");
    }
    t.kind = TokenKind::kRegex;
    t.text = pattern;
    return t;
  }

  bool IsOp(const char* op) const {
    return token_.kind == TokenKind::kOperator && token_.text == op;
  }

  void Expect(const char* op) {
    if (!IsOp(op)) {
      if (token_.kind == TokenKind::kEnd) {
        Fail(token_.pos, std::string("S0203: Expected \"") + op + "\" before end of expression");
      }
      const bool bare = token_.kind == TokenKind::kNumber || token_.kind == TokenKind::kValue;
      const std::string got = bare ? TokenText(token_) : "\"" + TokenText(token_) + "\"";
      Fail(token_.pos, std::string("S0202: Expected \"") + op + "\", got " + got);
    }
    Advance();
  }

  // Binding power of the current token used as an infix operator.
  int InfixPower() const {
    if (token_.kind == TokenKind::kOperator) return BindingPower(token_.text);
    if (token_.kind == TokenKind::kName &&
        (token_.text == "and" || token_.text == "or" || token_.text == "in") &&
        token_.value.is_null())
      return BindingPower(token_.text);
    return 0;
  }

  NodePtr Expression(int rbp) {
    NodePtr left = Nud();
    while (rbp < InfixPower()) {
      left = Led(std::move(left));
    }
    return left;
  }

  static NodePtr Make(NodeType type, std::size_t pos) {
    auto n = std::make_unique<Node>();
    n->type = type;
    n->pos = pos;
    return n;
  }

  NodePtr Nud() {
    Token t = token_;
    if (t.kind == TokenKind::kEnd) Fail(t.pos, "S0207: Unexpected end of expression");
    Advance();
    switch (t.kind) {
      case TokenKind::kString: {
        auto n = Make(NodeType::kLiteral, t.pos);
        n->literal = std::move(t.text);
        return n;
      }
      case TokenKind::kNumber:
      case TokenKind::kValue: {
        auto n = Make(NodeType::kLiteral, t.pos);
        n->literal = std::move(t.value);
        return n;
      }
      case TokenKind::kRegex: {
        auto n = Make(NodeType::kRegex, t.pos);
        n->regex = std::move(t.regex);
        n->str = std::move(t.text);
        return n;
      }
      case TokenKind::kVariable: {
        auto n = Make(NodeType::kVariable, t.pos);
        n->str = std::move(t.text);
        n->builtin = FindBuiltin(n->str);
        return n;
      }
      case TokenKind::kName: {
        if ((t.text == "function" || t.text == "\xCE\xBB") && t.value.is_null() && IsOp("(")) {
          return Lambda(t.pos);
        }
        auto n = Make(NodeType::kName, t.pos);
        n->str = std::move(t.text);
        return WrapPath(std::move(n));
      }
      case TokenKind::kOperator:
        break;
      case TokenKind::kEnd:
        break;
    }
    const std::string& op = t.text;
    if (op == "-") {
      auto n = Make(NodeType::kNegate, t.pos);
      n->lhs = Expression(70);
      if (n->lhs->type == NodeType::kLiteral && n->lhs->literal.is_number()) {
        Json v = n->lhs->literal;
        if (v.is_number_integer()) return Literal(Json(-v.get<std::int64_t>()), t.pos);
        return Literal(Json(-v.get<double>()), t.pos);
      }
      return n;
    }
    if (op == "*") return WrapPath(Make(NodeType::kWildcard, t.pos));
    if (op == "**") return WrapPath(Make(NodeType::kDescendant, t.pos));
    if (op == "%") {
      auto parent = Make(NodeType::kParent, t.pos);
      parent->slot = std::make_shared<AncestorSlot>();
      parent->slot->label = "!" + std::to_string(parents_++);
      return WrapPath(std::move(parent));
    }
    if (op == "(") {
      auto n = Make(NodeType::kBlock, t.pos);
      while (!IsOp(")")) {
        n->args.push_back(Expression(0));
        if (!IsOp(";")) break;
        Advance();
      }
      Expect(")");
      return n;
    }
    if (op == "[") {
      auto n = Make(NodeType::kArray, t.pos);
      if (!IsOp("]")) {
        for (;;) {
          NodePtr item = Expression(0);
          if (IsOp("..")) {
            // A range is only allowed as an item of an array constructor.
            auto range = Make(NodeType::kBinary, token_.pos);
            Advance();
            range->str = "..";
            range->lhs = std::move(item);
            range->rhs = Expression(0);
            item = std::move(range);
          }
          n->args.push_back(std::move(item));
          if (!IsOp(",")) break;
          Advance();
        }
      }
      Expect("]");
      return n;
    }
    if (op == "{") {
      auto n = Make(NodeType::kObject, t.pos);
      n->pairs = Pairs();
      return n;
    }
    if (op == "|") {
      auto n = Make(NodeType::kTransform, t.pos);
      n->cond = Expression(0);
      Expect("|");
      n->lhs = Expression(0);
      if (IsOp(",")) {
        Advance();
        n->rhs = Expression(0);
      }
      Expect("|");
      return n;
    }
    Fail(t.pos, "S0211: The symbol \"" + op + "\" cannot be used as a unary operator");
  }

  static NodePtr Literal(Json v, std::size_t pos) {
    auto n = Make(NodeType::kLiteral, pos);
    n->literal = std::move(v);
    return n;
  }

  std::vector<std::pair<NodePtr, NodePtr>> Pairs() {
    std::vector<std::pair<NodePtr, NodePtr>> pairs;
    if (!IsOp("}")) {
      for (;;) {
        NodePtr key = Expression(0);
        Expect(":");
        NodePtr value = Expression(0);
        pairs.emplace_back(std::move(key), std::move(value));
        if (!IsOp(",")) break;
        Advance();
      }
    }
    Expect("}");
    return pairs;
  }

  NodePtr Lambda(std::size_t pos) {
    auto n = Make(NodeType::kLambda, pos);
    Expect("(");
    while (!IsOp(")")) {
      if (token_.kind != TokenKind::kVariable) {
        Fail(token_.pos, "S0208: Parameter " + std::to_string(n->params.size() + 1) +
                             " of function definition must be a variable name (start with $)");
      }
      n->params.push_back(token_.text);
      Advance();
      if (!IsOp(",")) break;
      Advance();
    }
    Expect(")");
    if (IsOp("<")) {
      // A signature: its text up to the matching '>'.
      const std::size_t start = token_.pos;
      int depth = 0;
      std::size_t end = start;
      for (; end < src_.size(); ++end) {
        if (src_[end] == '<') ++depth;
        if (src_[end] == '>' && --depth == 0) break;
      }
      if (end >= src_.size()) Fail(start, "S0401: Malformed function signature");
      n->signature = Signature::Parse(src_.substr(start, end - start + 1), start);
      i_ = end + 1;
      Advance();
    }
    Expect("{");
    n->lhs = Expression(0);
    Expect("}");
    return n;
  }

  static NodePtr WrapPath(NodePtr step) {
    auto path = Make(NodeType::kPath, step->pos);
    if (step->keep_array) path->keep_singleton_array = true;
    path->args.push_back(std::move(step));
    return path;
  }

  NodePtr Led(NodePtr left) {
    Token t = token_;
    Advance();
    const std::string op = t.text;
    if (op == ".") {
      NodePtr rest = Expression(75);
      return Dot(std::move(left), std::move(rest), t.pos);
    }
    if (op == "[") {
      if (IsOp("]")) {
        Advance();
        Node* step = left.get();
        if (step->type == NodeType::kPath) {
          step->keep_singleton_array = true;
          step = step->args.back().get();
        }
        step->keep_array = true;
        return left;
      }
      NodePtr predicate = Expression(0);
      Expect("]");
      if (left->type == NodeType::kPath) {
        Node& step = *left->args.back();
        if (step.has_group)
          Fail(t.pos, "S0209: A predicate cannot follow a grouping expression in a step");
        step.stages.push_back(std::move(predicate));
      } else {
        if (left->has_group)
          Fail(t.pos, "S0209: A predicate cannot follow a grouping expression in a step");
        left->predicates.push_back(std::move(predicate));
      }
      return left;
    }
    if (op == "(") {
      auto n = Make(NodeType::kCall, t.pos);
      n->lhs = std::move(left);
      while (!IsOp(")")) {
        NodePtr arg;
        if (IsOp("?")) {
          // A placeholder is only an argument on its own: `$f(?, 1)`.
          const std::size_t p = token_.pos;
          Advance();
          if (!IsOp(",") && !IsOp(")")) {
            Fail(p, "S0211: The symbol \"?\" cannot be used as a unary operator");
          }
          arg = Make(NodeType::kPlaceholder, p);
        } else {
          arg = Expression(0);
        }
        if (arg->type == NodeType::kPlaceholder) n->partial = true;
        n->args.push_back(std::move(arg));
        if (!IsOp(",")) break;
        Advance();
      }
      Expect(")");
      return n;
    }
    if (op == "{") {
      if (left->has_group) Fail(t.pos, "S0210: Each step can only have one grouping expression");
      left->has_group = true;
      left->group = Pairs();
      return left;
    }
    if (op == "?") {
      auto n = Make(NodeType::kCondition, t.pos);
      n->cond = std::move(left);
      n->lhs = Expression(0);
      if (IsOp(":")) {
        Advance();
        n->rhs = Expression(0);
      }
      return n;
    }
    if (op == ":=") {
      if (left->type != NodeType::kVariable || !left->predicates.empty() || left->has_group ||
          left->keep_array) {
        Fail(t.pos, "S0212: The left side of := must be a variable name (start with $)");
      }
      auto n = Make(NodeType::kBind, t.pos);
      n->str = left->str;
      n->rhs = Expression(9);
      return n;
    }
    if (op == "~>") {
      auto n = Make(NodeType::kApply, t.pos);
      n->lhs = std::move(left);
      n->rhs = Expression(40);
      return n;
    }
    if (op == "^") {
      Expect("(");
      auto sort = Make(NodeType::kSort, t.pos);
      for (;;) {
        SortTerm term;
        if (IsOp("<")) {
          Advance();
        } else if (IsOp(">")) {
          term.descending = true;
          Advance();
        }
        term.expr = Expression(0);
        sort->terms.push_back(std::move(term));
        if (!IsOp(",")) break;
        Advance();
      }
      Expect(")");
      if (left->type == NodeType::kPath) {
        left->args.push_back(std::move(sort));
        return left;
      }
      auto path = Make(NodeType::kPath, left->pos);
      path->args.push_back(std::move(left));
      path->args.push_back(std::move(sort));
      return path;
    }
    if (op == "@" || op == "#") return Binding(std::move(left), op, t.pos);
    if (op == "and" || op == "or") {
      auto n = Make(op == "and" ? NodeType::kAnd : NodeType::kOr, t.pos);
      n->lhs = std::move(left);
      n->rhs = Expression(BindingPower(op));
      return n;
    }
    auto n = Make(NodeType::kBinary, t.pos);
    n->str = op;
    n->lhs = std::move(left);
    n->rhs = Expression(BindingPower(op));
    return n;
  }

  // `step@$v` binds the context item to $v and keeps the input as context;
  // `step#$i` binds each item's position. Both make the path a tuple stream.
  NodePtr Binding(NodePtr left, const std::string& op, std::size_t pos) {
    if (token_.kind != TokenKind::kVariable) {
      Fail(token_.pos,
           "S0214: The right side of " + op + " must be a variable name (start with $)");
    }
    const std::string var = token_.text;
    Advance();
    NodePtr path;
    if (left->type == NodeType::kPath) {
      path = std::move(left);
    } else {
      path = Make(NodeType::kPath, left->pos);
      if (!left->predicates.empty()) {
        left->stages = std::move(left->predicates);
        left->predicates.clear();
      }
      path->args.push_back(std::move(left));
    }
    Node& step = *path->args.back();
    if (op == "@") {
      if (!step.stages.empty() || !step.predicates.empty()) {
        Fail(pos, "S0215: A context variable binding must precede any predicates on a step");
      }
      if (step.type == NodeType::kSort) {
        Fail(pos, "S0216: A context variable binding must precede the 'order-by' clause on a step");
      }
      step.focus = var;
    } else if (step.stages.empty()) {
      step.index_var = var;
    } else {
      auto stage = Make(NodeType::kIndexStage, pos);
      stage->str = var;
      step.stages.push_back(std::move(stage));
    }
    step.tuple = true;
    return path;
  }

  NodePtr Dot(NodePtr left, NodePtr rest, std::size_t pos) {
    NodePtr path;
    if (left->type == NodeType::kPath) {
      path = std::move(left);
    } else {
      path = Make(NodeType::kPath, pos);
      path->args.push_back(std::move(left));
    }
    if (rest->type == NodeType::kPath) {
      if (rest->has_group) {
        // `a.b{...}` binds the group to the combined path.
        path->has_group = true;
        path->group = std::move(rest->group);
      }
      for (auto& s : rest->args) path->args.push_back(std::move(s));
    } else {
      if (!rest->predicates.empty()) {
        rest->stages = std::move(rest->predicates);
        rest->predicates.clear();
      }
      path->args.push_back(std::move(rest));
    }
    for (auto& step : path->args) {
      if (step->type == NodeType::kLiteral) {
        if (!step->literal.is_string()) {
          Fail(step->pos, "S0213: The literal value " + step->literal.dump() +
                              " cannot be used as a step within a path expression");
        }
        step->type = NodeType::kName;
        step->str = step->literal.get<std::string>();
      }
      if (step->keep_array) path->keep_singleton_array = true;
    }
    Node& first = *path->args.front();
    if (first.type == NodeType::kArray) first.cons_array = true;
    Node& last = *path->args.back();
    if (last.type == NodeType::kArray) last.cons_array = true;
    return path;
  }

  void PostProcess(Node& n) {
    if (n.type == NodeType::kPath && n.args.size() >= 2) {
      Node& first = *n.args[0];
      Node& second = *n.args[1];
      if (first.type == NodeType::kVariable && first.str == "states" && first.predicates.empty() &&
          first.stages.empty() && !first.has_group && second.type == NodeType::kName &&
          (second.str == "input" || second.str == "context" || second.str == "result" ||
           second.str == "errorOutput")) {
        second.type = NodeType::kStatesMember;
        n.args.erase(n.args.begin());
      }
    }
    auto visit = [&](NodePtr& p) {
      if (p) PostProcess(*p);
    };
    visit(n.lhs);
    visit(n.rhs);
    visit(n.cond);
    for (auto& a : n.args) visit(a);
    for (auto& a : n.predicates) visit(a);
    for (auto& a : n.stages) visit(a);
    for (auto& [k, v] : n.pairs) {
      visit(k);
      visit(v);
    }
    for (auto& [k, v] : n.group) {
      visit(k);
      visit(v);
    }
    for (auto& term : n.terms) visit(term.expr);
  }

  std::string_view src_;
  std::size_t i_ = 0;
  int parents_ = 0;
  Token token_;
  Token prev_;
  bool have_token_ = false;
  bool have_prev_ = false;
};

}  // namespace

NodePtr ParseExpression(std::string_view text) { return Parser(text).Run(); }

}  // namespace stepsim::jsonata::internal
