#include <stepsim/asl/json_source.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "text/utf8.h"

namespace stepsim::asl {

namespace {

void AppendEscaped(std::string& out, std::string_view token) {
  for (char c : token) {
    if (c == '~') {
      out.append("~0");
    } else if (c == '/') {
      out.append("~1");
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

void SourceMap::EnsureRoot() {
  if (nodes_.empty()) {
    nodes_.push_back(Node{kNone, 0, 0, {}, {}, false, false});
  }
}

// slots_ holds pairs (node id, hash tag): a probe that meets another key's
// slot is rejected by the tag without touching that node or its token.

void SourceMap::Reserve(std::size_t nodes) {
  EnsureRoot();
  nodes_.reserve(nodes);
  tokens_.reserve(nodes * 8);
  std::size_t capacity = 64;
  while (capacity < nodes * 2) capacity *= 2;
  if (capacity * 2 > slots_.size()) Rehash(capacity);
}

std::uint64_t SourceMap::Hash(std::uint32_t parent, std::string_view token) {
  // FNV-1a, seeded with the parent: tokens are short, so this is cheap and
  // spreads "0", "1", ... of different arrays apart.
  std::uint64_t h = 1469598103934665603ULL ^ (parent * 0x9E3779B97F4A7C15ULL);
  for (char c : token) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h ^ (h >> 29);
}

std::uint32_t SourceMap::Child(std::uint32_t parent, std::string_view token) const {
  if (slots_.empty()) return kNone;
  const std::uint64_t hash = Hash(parent, token);
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  const std::size_t mask = slots_.size() / 2 - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint32_t id = slots_[2 * i];
    if (id == 0) return kNone;
    if (slots_[2 * i + 1] != tag) continue;
    const Node& node = nodes_[id];
    if (node.parent == parent && Token(node) == token) return id;
  }
}

void SourceMap::Rehash(std::size_t capacity) {
  std::vector<std::uint32_t> old = std::move(slots_);
  slots_.assign(capacity * 2, 0);
  const std::size_t mask = capacity - 1;
  for (std::size_t j = 0; j < old.size(); j += 2) {
    const std::uint32_t id = old[j];
    if (id == 0) continue;
    const Node& node = nodes_[id];
    std::size_t i = Hash(node.parent, Token(node)) & mask;
    while (slots_[2 * i] != 0) i = (i + 1) & mask;
    slots_[2 * i] = id;
    slots_[2 * i + 1] = old[j + 1];
  }
}

std::uint32_t SourceMap::Insert(std::uint32_t parent, std::uint32_t token_offset,
                                std::uint32_t* previous) {
  const auto id = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(Node{parent,
                        token_offset,
                        static_cast<std::uint32_t>(tokens_.size()) - token_offset,
                        {},
                        {},
                        false,
                        false});
  // Load factor at most one half keeps probe sequences short.
  if (nodes_.size() > slots_.size() / 4) {
    Rehash(slots_.empty() ? 64 : slots_.size());
  }
  const std::string_view token = Token(nodes_[id]);
  const std::uint64_t hash = Hash(parent, token);
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  const std::size_t mask = slots_.size() / 2 - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint32_t other = slots_[2 * i];
    if (other == 0) {
      slots_[2 * i] = id;
      slots_[2 * i + 1] = tag;
      return id;
    }
    if (slots_[2 * i + 1] != tag) continue;
    const Node& node = nodes_[other];
    if (node.parent == parent && Token(node) == token) {
      if (previous != nullptr) *previous = other;
      slots_[2 * i] = id;
      return id;
    }
  }
}

void SourceMap::SetRootPosition(TextPosition position) {
  EnsureRoot();
  nodes_[kRoot].value = position;
  nodes_[kRoot].has_value = true;
}

std::uint32_t SourceMap::AddMember(std::uint32_t parent, std::string_view key,
                                   TextPosition key_position, TextPosition value_position,
                                   std::uint32_t* previous) {
  EnsureRoot();
  const auto offset = static_cast<std::uint32_t>(tokens_.size());
  if (key.find_first_of("~/") == std::string_view::npos) {
    tokens_.append(key);
  } else {
    AppendEscaped(tokens_, key);
  }
  const std::uint32_t id = Insert(parent, offset, previous);
  Node& node = nodes_[id];
  node.value = value_position;
  node.has_value = true;
  node.key = key_position;
  node.has_key = true;
  return id;
}

std::uint32_t SourceMap::AddElement(std::uint32_t parent, std::size_t index,
                                    TextPosition value_position) {
  EnsureRoot();
  const auto offset = static_cast<std::uint32_t>(tokens_.size());
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
  static_cast<void>(ec);
  tokens_.append(digits, end);
  const std::uint32_t id = Insert(parent, offset, nullptr);
  nodes_[id].value = value_position;
  nodes_[id].has_value = true;
  return id;
}

std::string SourceMap::PointerOf(std::uint32_t node) const {
  std::vector<std::uint32_t> chain;
  for (std::uint32_t id = node; id != kRoot && id < nodes_.size(); id = nodes_[id].parent) {
    chain.push_back(id);
  }
  std::string pointer;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    pointer.push_back('/');
    pointer.append(Token(nodes_[*it]));
  }
  return pointer;
}

std::uint32_t SourceMap::Materialize(std::string_view pointer) {
  EnsureRoot();
  std::uint32_t current = kRoot;
  while (!pointer.empty()) {
    // A pointer without its leading '/' is taken as if it had one.
    if (pointer.front() == '/') pointer.remove_prefix(1);
    const std::size_t slash = pointer.find('/');
    const std::string_view token = pointer.substr(0, slash);
    const std::uint32_t child = Child(current, token);
    if (child != kNone) {
      current = child;
    } else {
      const auto offset = static_cast<std::uint32_t>(tokens_.size());
      tokens_.append(token);
      current = Insert(current, offset, nullptr);
    }
    if (slash == std::string_view::npos) break;
    pointer.remove_prefix(slash);
  }
  return current;
}

void SourceMap::AddValue(std::string_view pointer, TextPosition position) {
  Node& node = nodes_[Materialize(pointer)];
  node.value = position;
  node.has_value = true;
}

void SourceMap::AddKey(std::string_view pointer, TextPosition position) {
  Node& node = nodes_[Materialize(pointer)];
  node.key = position;
  node.has_key = true;
}

TextPosition SourceMap::ValuePosition(std::string_view pointer) const {
  if (nodes_.empty()) return {};
  std::uint32_t current = kRoot;
  TextPosition found = nodes_[kRoot].has_value ? nodes_[kRoot].value : TextPosition{};
  if (pointer.empty() || pointer.front() != '/') return found;
  while (true) {
    pointer.remove_prefix(1);  // '/'
    const std::size_t slash = pointer.find('/');
    current = Child(current, pointer.substr(0, slash));
    if (current == kNone) return found;
    if (nodes_[current].has_value) found = nodes_[current].value;
    if (slash == std::string_view::npos) return found;
    pointer.remove_prefix(slash);
  }
}

TextPosition SourceMap::KeyPosition(std::string_view pointer) const {
  if (!nodes_.empty() && !pointer.empty() && pointer.front() == '/') {
    std::uint32_t current = kRoot;
    std::string_view rest = pointer;
    while (current != kNone) {
      rest.remove_prefix(1);
      const std::size_t slash = rest.find('/');
      current = Child(current, rest.substr(0, slash));
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash);
    }
    if (current != kNone && nodes_[current].has_key) {
      return nodes_[current].key;
    }
  }
  return ValuePosition(pointer);
}

std::string AppendPointer(std::string_view pointer, std::string_view token) {
  std::string out;
  out.reserve(pointer.size() + token.size() + 1);
  out.append(pointer);
  out.push_back('/');
  for (char c : token) {
    if (c == '~') {
      out.append("~0");
    } else if (c == '/') {
      out.append("~1");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string AppendPointer(std::string_view pointer, std::size_t index) {
  std::string out;
  out.reserve(pointer.size() + 8);
  out.append(pointer);
  out.push_back('/');
  out.append(std::to_string(index));
  return out;
}

namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr int kMaxDepth = 512;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

using stepsim::internal::AppendUtf8;

std::string HexByte(unsigned char b) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string s = "0x";
  s.push_back(kDigits[b >> 4]);
  s.push_back(kDigits[b & 0xF]);
  return s;
}

std::string CodePointName(std::uint32_t cp) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  std::string s = "U+";
  for (int shift = 12; shift >= 0; shift -= 4) {
    s.push_back(kDigits[(cp >> shift) & 0xF]);
  }
  return s;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  ParsedJson Parse() {
    ParsedJson result;
    map_ = &result.positions;
    // A UTF-8 byte order mark is tolerated (files saved by some editors).
    if (text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0) {
      pos_ = 3;
      line_start_ = 3;
      column_pos_ = 3;
    }
    // Typical ASL text has about one value per 16 bytes.
    map_->Reserve(text_.size() / 16);
    SkipWhitespace();
    if (AtEnd()) Fail(pos_, "expected a json value, got end of input");
    map_->SetRootPosition(PositionAt(pos_));
    ParseValue(result.value, 0, SourceMap::kRoot);
    SkipWhitespace();
    if (!AtEnd()) {
      Unexpected("expected end of input after the json value");
    }
    result.duplicate_keys.reserve(duplicates_.size());
    for (std::uint32_t node : duplicates_) {
      result.duplicate_keys.push_back(map_->PointerOf(node));
    }
    return result;
  }

 private:
  [[nodiscard]] bool AtEnd() const { return pos_ >= text_.size(); }
  [[nodiscard]] char Peek() const { return text_[pos_]; }

  // Column is counted in code points from the start of the line. Positions
  // are requested in increasing order, so the count continues from the last
  // request instead of rescanning the line (keeps minified input linear).
  TextPosition PositionAt(std::size_t pos) {
    if (column_line_ != line_ || pos < column_pos_) {
      column_line_ = line_;
      column_pos_ = line_start_;
      column_ = 1;
    }
    for (; column_pos_ < pos && column_pos_ < text_.size(); ++column_pos_) {
      if ((static_cast<unsigned char>(text_[column_pos_]) & 0xC0) != 0x80) {
        ++column_;
      }
    }
    return {line_, column_};
  }

  [[noreturn]] void Fail(std::size_t pos, const std::string& message) {
    throw JsonSyntaxError(PositionAt(pos), message);
  }

  // Describes the character at pos_ for "got ..." messages.
  [[nodiscard]] std::string Got() const {
    if (AtEnd()) return "end of input";
    const auto c = static_cast<unsigned char>(Peek());
    if (c < 0x20 || c == 0x7F) return CodePointName(c);
    if (c < 0x80) return std::string("'") + static_cast<char>(c) + "'";
    std::size_t len = 1;
    while (pos_ + len < text_.size() && len < 4 &&
           (static_cast<unsigned char>(text_[pos_ + len]) & 0xC0) == 0x80) {
      ++len;
    }
    return "'" + std::string(text_.substr(pos_, len)) + "'";
  }

  [[noreturn]] void Unexpected(const std::string& expected) {
    if (!AtEnd() && Peek() == '/' && pos_ + 1 < text_.size() &&
        (text_[pos_ + 1] == '/' || text_[pos_ + 1] == '*')) {
      Fail(pos_, "comments are not allowed in json");
    }
    Fail(pos_, expected + ", got " + Got());
  }

  void SkipWhitespace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t') {
        ++pos_;
      } else if (c == '\n') {
        NewLine(pos_ + 1);
      } else if (c == '\r') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
          NewLine(pos_ + 2);
        } else {
          NewLine(pos_ + 1);
        }
      } else {
        return;
      }
    }
  }

  void NewLine(std::size_t next) {
    pos_ = next;
    ++line_;
    line_start_ = next;
  }

  // The value at pos_, whose node (and position) the caller has recorded.
  void ParseValue(OrderedJson& target,  // NOLINT(misc-no-recursion)
                  int depth, std::uint32_t node) {
    switch (Peek()) {
      case '{':
        ParseObject(target, depth + 1, node);
        break;
      case '[':
        ParseArray(target, depth + 1, node);
        break;
      default:
        ParseScalar(target);
        break;
    }
  }

  void ParseScalar(OrderedJson& target) {
    switch (Peek()) {
      case '"': {
        std::string s;
        ParseString(s);
        target = std::move(s);
        return;
      }
      case '-':
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
      case '8':
      case '9':
        ParseNumber(target);
        return;
      default:
        ParseLiteral(target);
        return;
    }
  }

  void ParseLiteral(OrderedJson& target) {
    const std::size_t start = pos_;
    std::size_t end = pos_;
    while (end < text_.size()) {
      const char c = text_[end];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_') {
        ++end;
      } else {
        break;
      }
    }
    const std::string_view word = text_.substr(start, end - start);
    if (word == "true") {
      target = true;
    } else if (word == "false") {
      target = false;
    } else if (word == "null") {
      target = nullptr;
    } else if (word.empty()) {
      Unexpected("expected a json value");
    } else {
      Fail(start, "invalid literal '" + std::string(word) +
                      "', expected true, false, null, a number, a string, "
                      "an object or an array");
    }
    pos_ = end;
  }

  void ParseNumber(OrderedJson& target) {
    const std::size_t start = pos_;
    bool negative = false;
    if (Peek() == '-') {
      negative = true;
      ++pos_;
      if (AtEnd() || !IsDigit(Peek())) {
        if (!AtEnd() && ((Peek() >= 'a' && Peek() <= 'z') || (Peek() >= 'A' && Peek() <= 'Z'))) {
          std::size_t end = pos_;
          while (end < text_.size() && ((text_[end] >= 'a' && text_[end] <= 'z') ||
                                        (text_[end] >= 'A' && text_[end] <= 'Z'))) {
            ++end;
          }
          Fail(start, "invalid literal '" + std::string(text_.substr(start, end - start)) + "'");
        }
        Unexpected("expected a digit after '-'");
      }
    }
    bool integral = true;
    if (Peek() == '0') {
      ++pos_;
      if (!AtEnd() && IsDigit(Peek())) {
        Fail(start, "leading zeros are not allowed in numbers");
      }
    } else {
      while (!AtEnd() && IsDigit(Peek())) ++pos_;
    }
    if (!AtEnd() && Peek() == '.') {
      integral = false;
      ++pos_;
      if (AtEnd() || !IsDigit(Peek())) {
        Unexpected("expected a digit after the decimal point");
      }
      while (!AtEnd() && IsDigit(Peek())) ++pos_;
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      integral = false;
      ++pos_;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      if (AtEnd() || !IsDigit(Peek())) {
        Unexpected("expected a digit in the exponent");
      }
      while (!AtEnd() && IsDigit(Peek())) ++pos_;
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    if (integral) {
      if (negative) {
        std::int64_t value = 0;
        const auto [ptr, ec] = std::from_chars(first, last, value);
        if (ec == std::errc() && ptr == last) {
          target = value;
          return;
        }
      } else {
        std::uint64_t value = 0;
        const auto [ptr, ec] = std::from_chars(first, last, value);
        if (ec == std::errc() && ptr == last) {
          target = value;
          return;
        }
      }
    }
    double value = 0;
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec == std::errc::result_out_of_range) {
      // Underflow rounds to zero, which is fine; overflow is not
      // representable in a json number.
      const std::string_view digits(first, static_cast<std::size_t>(last - first));
      const bool underflow = digits.find("e-") != std::string_view::npos ||
                             digits.find("E-") != std::string_view::npos ||
                             digits.substr(negative ? 1 : 0, 2) == "0.";
      if (underflow) {
        target = negative ? -0.0 : 0.0;
        return;
      }
      Fail(start, "number " + std::string(first, last) + " is out of the range of a double");
    }
    if (ec != std::errc() || ptr != last) {
      Fail(start, "invalid number " + std::string(first, last));
    }
    target = value;
  }

  // Reads four hex digits at pos_ (just after "\u").
  std::uint32_t ReadHex4(std::size_t escape_start) {
    if (pos_ + 4 > text_.size()) {
      Fail(escape_start, "invalid \\u escape in string, expected 4 hex digits");
    }
    std::uint32_t cp = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = HexValue(text_[pos_ + static_cast<std::size_t>(i)]);
      if (h < 0) {
        Fail(escape_start, "invalid \\u escape in string, expected 4 hex digits");
      }
      cp = (cp << 4) | static_cast<std::uint32_t>(h);
    }
    pos_ += 4;
    return cp;
  }

  // Validates one UTF-8 sequence starting at pos_ and appends it.
  void CopyUtf8(std::string& out) {
    const auto b0 = static_cast<unsigned char>(text_[pos_]);
    std::size_t len = 0;
    std::uint32_t min = 0;
    std::uint32_t cp = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
      cp = b0 & 0x1F;
      min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      cp = b0 & 0x0F;
      min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      cp = b0 & 0x07;
      min = 0x10000;
    } else {
      Fail(pos_, "invalid utf-8 byte " + HexByte(b0) + " in string");
    }
    if (pos_ + len > text_.size()) {
      Fail(pos_, "truncated utf-8 sequence in string");
    }
    for (std::size_t i = 1; i < len; ++i) {
      const auto b = static_cast<unsigned char>(text_[pos_ + i]);
      if ((b & 0xC0) != 0x80) {
        Fail(pos_, "invalid utf-8 sequence in string");
      }
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      Fail(pos_, "invalid utf-8 sequence in string");
    }
    out.append(text_.data() + pos_, len);
    pos_ += len;
  }

  void ParseString(std::string& out) {
    const std::size_t open = pos_;
    ++pos_;  // opening quote
    while (true) {
      // Fast path: copy a run of plain ASCII characters at once.
      std::size_t run = pos_;
      while (run < text_.size()) {
        const auto c = static_cast<unsigned char>(text_[run]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++run;
      }
      out.append(text_.data() + pos_, run - pos_);
      pos_ = run;
      if (AtEnd()) Fail(open, "unterminated string");
      const auto c = static_cast<unsigned char>(Peek());
      if (c == '"') {
        ++pos_;
        return;
      }
      if (c < 0x20) {
        Fail(pos_, "unescaped control character " + CodePointName(c) + " in string");
      }
      if (c >= 0x80) {
        CopyUtf8(out);
        continue;
      }
      ParseEscape(out);
    }
  }

  void ParseEscape(std::string& out) {
    const std::size_t escape_start = pos_;
    ++pos_;  // backslash
    if (AtEnd()) Fail(escape_start, "unterminated string");
    const char e = Peek();
    ++pos_;
    switch (e) {
      case '"':
        out.push_back('"');
        return;
      case '\\':
        out.push_back('\\');
        return;
      case '/':
        out.push_back('/');
        return;
      case 'b':
        out.push_back('\b');
        return;
      case 'f':
        out.push_back('\f');
        return;
      case 'n':
        out.push_back('\n');
        return;
      case 'r':
        out.push_back('\r');
        return;
      case 't':
        out.push_back('\t');
        return;
      case 'u':
        break;
      default: {
        const auto c = static_cast<unsigned char>(e);
        if (c > 0x20 && c < 0x7F) {
          Fail(escape_start, std::string("invalid escape '\\") + e + "' in string");
        }
        Fail(escape_start, "invalid escape in string");
      }
    }
    std::uint32_t cp = ReadHex4(escape_start);
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      Fail(escape_start, "unpaired low surrogate \\u" +
                             std::string(text_.substr(escape_start + 2, 4)) + " in string");
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (pos_ + 1 < text_.size() && text_[pos_] == '\\' && text_[pos_ + 1] == 'u') {
        const std::size_t low_start = pos_;
        pos_ += 2;
        const std::uint32_t low = ReadHex4(low_start);
        if (low < 0xDC00 || low > 0xDFFF) {
          Fail(escape_start, "unpaired high surrogate \\u" +
                                 std::string(text_.substr(escape_start + 2, 4)) + " in string");
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else {
        Fail(escape_start, "unpaired high surrogate \\u" +
                               std::string(text_.substr(escape_start + 2, 4)) + " in string");
      }
    }
    AppendUtf8(out, cp);
  }

  void CheckDepth(int depth) {
    if (depth > kMaxDepth) {
      Fail(pos_, "json nesting is deeper than " + std::to_string(kMaxDepth) + " levels");
    }
  }

  void ParseArray(OrderedJson& target,  // NOLINT(misc-no-recursion)
                  int depth, std::uint32_t self) {
    CheckDepth(depth);
    ++pos_;  // '['
    target = OrderedJson::array();
    auto& elements = target.get_ref<OrderedJson::array_t&>();
    SkipWhitespace();
    if (!AtEnd() && Peek() == ']') {
      ++pos_;
      return;
    }
    std::size_t index = 0;
    while (true) {
      SkipWhitespace();
      if (AtEnd()) Unexpected("expected a json value");
      if (Peek() == ']') Fail(pos_, "trailing comma before ']'");
      elements.emplace_back();
      const std::uint32_t node = map_->AddElement(self, index, PositionAt(pos_));
      ParseValue(elements.back(), depth, node);
      ++index;
      if (!CommaOrClose(']', "expected ',' or ']' after array element")) return;
    }
  }

  /// After a member or element: consumes ',' (true: another one follows) or
  /// `close` (false: the container ends); anything else is a syntax error.
  bool CommaOrClose(char close, const char* expected) {
    SkipWhitespace();
    if (AtEnd()) Unexpected(expected);
    if (Peek() == ',') {
      ++pos_;
      return true;
    }
    if (Peek() == close) {
      ++pos_;
      return false;
    }
    Unexpected(expected);
  }

  void ParseObject(OrderedJson& target,  // NOLINT(misc-no-recursion)
                   int depth, std::uint32_t self) {
    CheckDepth(depth);
    ++pos_;  // '{'
    target = OrderedJson::object();
    SkipWhitespace();
    if (!AtEnd() && Peek() == '}') {
      ++pos_;
      return;
    }
    // Members collect on a shared scratch stack and move into the object once
    // its size is known: ordered_map holds pair<const string, json>, which a
    // growing vector copies (subtree and all) instead of moving.
    const std::size_t first = scratch_.size();
    std::string key;
    while (true) {
      SkipWhitespace();
      if (AtEnd()) Unexpected("expected a string key");
      if (Peek() != '"') {
        if (Peek() == '}') Fail(pos_, "trailing comma before '}'");
        Unexpected("expected a string key");
      }
      const TextPosition key_position = PositionAt(pos_);
      key.clear();
      ParseString(key);
      SkipWhitespace();
      if (AtEnd() || Peek() != ':') {
        Unexpected("expected ':' after object key");
      }
      ++pos_;
      SkipWhitespace();
      if (AtEnd()) Unexpected("expected a json value");

      // The source map's index finds a repeated key in constant time; the
      // earlier member's slot in scratch_ is then known from its node.
      std::uint32_t previous = kNoNode;
      const std::uint32_t node =
          map_->AddMember(self, key, key_position, PositionAt(pos_), &previous);
      OrderedJson value;
      if (previous != kNoNode) {
        duplicates_.push_back(node);
        ParseValue(value, depth, node);
        const std::uint32_t slot = member_slot_[previous];
        scratch_[first + slot].second = std::move(value);
        SetMemberSlot(node, slot);
      } else {
        ParseValue(value, depth, node);
        SetMemberSlot(node, static_cast<std::uint32_t>(scratch_.size() - first));
        scratch_.emplace_back(key, std::move(value));
      }
      if (!CommaOrClose('}', "expected ',' or '}' after object member")) break;
    }
    auto& members = target.get_ref<OrderedJson::object_t&>();
    members.reserve(scratch_.size() - first);
    for (std::size_t i = first; i < scratch_.size(); ++i) {
      members.emplace_back(std::move(scratch_[i].first), std::move(scratch_[i].second));
    }
    scratch_.resize(first);
  }

  static constexpr std::uint32_t kNoNode = 0xFFFFFFFFU;

  // Index of a member node among its object's distinct members, used only
  // when the same key comes again.
  void SetMemberSlot(std::uint32_t node, std::uint32_t slot) {
    if (member_slot_.size() <= node) {
      member_slot_.resize(std::max<std::size_t>(node + 1, member_slot_.size() * 2));
    }
    member_slot_[node] = slot;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  int column_line_ = 1;
  std::size_t column_pos_ = 0;
  int column_ = 1;
  std::vector<std::uint32_t> duplicates_;
  std::vector<std::uint32_t> member_slot_;
  std::vector<std::pair<std::string, OrderedJson>> scratch_;
  SourceMap* map_ = nullptr;
};

}  // namespace

ParsedJson ParseJsonWithPositions(std::string_view text) { return Parser(text).Parse(); }

}  // namespace stepsim::asl
