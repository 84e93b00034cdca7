#include <stepsim/asl/json_source.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace stepsim::asl {

// The parser adds pointers in sorted order, for which the end() hint makes
// each insertion constant time; any other order stays correct.
void SourceMap::AddValue(std::string pointer, TextPosition position) {
  values_.insert_or_assign(values_.end(), std::move(pointer), position);
}

void SourceMap::AddKey(std::string pointer, TextPosition position) {
  keys_.insert_or_assign(keys_.end(), std::move(pointer), position);
}

TextPosition SourceMap::ValuePosition(std::string_view pointer) const {
  while (true) {
    if (auto it = values_.find(pointer); it != values_.end()) {
      return it->second;
    }
    if (pointer.empty()) return {};
    pointer = pointer.substr(0, pointer.rfind('/'));
  }
}

TextPosition SourceMap::KeyPosition(std::string_view pointer) const {
  if (auto it = keys_.find(pointer); it != keys_.end()) return it->second;
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
// Objects smaller than this are checked for duplicate keys by a linear scan;
// larger ones (a `States` object with many states) use a hash index so that
// parsing stays linear.
constexpr std::size_t kLinearKeyScanLimit = 16;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string HexByte(unsigned char b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  s.push_back(kDigits[b >> 4]);
  s.push_back(kDigits[b & 0xF]);
  return s;
}

std::string CodePointName(std::uint32_t cp) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
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
    out_ = &result;
    // A UTF-8 byte order mark is tolerated (files saved by some editors).
    if (text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0) {
      pos_ = 3;
      line_start_ = 3;
      column_pos_ = 3;
    }
    entries_.reserve(text_.size() / 32);
    SkipWhitespace();
    if (AtEnd()) Fail(pos_, "expected a json value, got end of input");
    ParseValue(result.value, 0, std::string(), TextPosition{}, kNoParent);
    SkipWhitespace();
    if (!AtEnd()) {
      Unexpected("expected end of input after the json value");
    }
    std::string pointer;
    pointer.reserve(256);
    Emit(0, pointer);
    for (std::uint32_t index : duplicates_) {
      result.duplicate_keys.push_back(PointerOf(index));
    }
    return result;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

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
  std::string Got() const {
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

  static constexpr std::uint32_t kNoParent = 0xFFFFFFFF;

  // One parsed value in document (pre-order) position. The SourceMap is
  // filled from these after parsing, walking siblings in token order: the
  // pointers then arrive sorted and each map insertion is an append.
  struct Entry {
    std::string token;  // escaped reference token; empty for the root
    TextPosition position;
    TextPosition key_position;  // line 0 when the value is not a member
    std::uint32_t parent;
    std::uint32_t size = 1;  // this value plus its descendants
  };

  void Emit(std::uint32_t index, std::string& pointer) {
    const Entry& entry = entries_[index];
    out_->positions.AddValue(pointer, entry.position);
    if (entry.key_position.line != 0) {
      out_->positions.AddKey(pointer, entry.key_position);
    }
    if (entry.size == 1) return;
    std::vector<std::uint32_t> children;
    const std::uint32_t end = index + entry.size;
    for (std::uint32_t child = index + 1; child < end;
         child += entries_[child].size) {
      children.push_back(child);
    }
    // Stable, so that of two duplicate keys the later one is added last and
    // wins.
    std::stable_sort(children.begin(), children.end(),
                     [this](std::uint32_t a, std::uint32_t b) {
                       return entries_[a].token < entries_[b].token;
                     });
    const std::size_t pointer_size = pointer.size();
    for (std::uint32_t child : children) {
      pointer.push_back('/');
      pointer.append(entries_[child].token);
      Emit(child, pointer);
      pointer.resize(pointer_size);
    }
  }

  std::string PointerOf(std::uint32_t index) const {
    std::vector<const std::string*> tokens;
    for (std::uint32_t i = index; entries_[i].parent != kNoParent;
         i = entries_[i].parent) {
      tokens.push_back(&entries_[i].token);
    }
    std::string pointer;
    for (auto it = tokens.rbegin(); it != tokens.rend(); ++it) {
      pointer.push_back('/');
      pointer.append(**it);
    }
    return pointer;
  }

  static std::string EscapeToken(std::string_view token) {
    std::string out;
    out.reserve(token.size());
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

  void ParseValue(OrderedJson& target, int depth, std::string token,
                  TextPosition key_position, std::uint32_t parent) {
    const auto index = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back(
        Entry{std::move(token), PositionAt(pos_), key_position, parent});
    switch (Peek()) {
      case '{':
        ParseObject(target, depth + 1, index);
        break;
      case '[':
        ParseArray(target, depth + 1, index);
        break;
      default:
        ParseScalar(target);
        return;
    }
    entries_[index].size =
        static_cast<std::uint32_t>(entries_.size()) - index;
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
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) ||
          c == '_') {
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
        if (!AtEnd() && ((Peek() >= 'a' && Peek() <= 'z') ||
                         (Peek() >= 'A' && Peek() <= 'Z'))) {
          std::size_t end = pos_;
          while (end < text_.size() &&
                 ((text_[end] >= 'a' && text_[end] <= 'z') ||
                  (text_[end] >= 'A' && text_[end] <= 'Z'))) {
            ++end;
          }
          Fail(start, "invalid literal '" +
                          std::string(text_.substr(start, end - start)) + "'");
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
      Fail(start, "number " + std::string(first, last) +
                      " is out of the range of a double");
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
        Fail(escape_start,
             "invalid \\u escape in string, expected 4 hex digits");
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
        Fail(pos_, "unescaped control character " + CodePointName(c) +
                       " in string");
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
          Fail(escape_start,
               std::string("invalid escape '\\") + e + "' in string");
        }
        Fail(escape_start, "invalid escape in string");
      }
    }
    std::uint32_t cp = ReadHex4(escape_start);
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      Fail(escape_start, "unpaired low surrogate \\u" +
                             std::string(text_.substr(escape_start + 2, 4)) +
                             " in string");
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (pos_ + 1 < text_.size() && text_[pos_] == '\\' &&
          text_[pos_ + 1] == 'u') {
        const std::size_t low_start = pos_;
        pos_ += 2;
        const std::uint32_t low = ReadHex4(low_start);
        if (low < 0xDC00 || low > 0xDFFF) {
          Fail(escape_start, "unpaired high surrogate \\u" +
                                 std::string(text_.substr(escape_start + 2, 4)) +
                                 " in string");
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else {
        Fail(escape_start, "unpaired high surrogate \\u" +
                               std::string(text_.substr(escape_start + 2, 4)) +
                               " in string");
      }
    }
    AppendUtf8(out, cp);
  }

  void CheckDepth(int depth) {
    if (depth > kMaxDepth) {
      Fail(pos_, "json nesting is deeper than " + std::to_string(kMaxDepth) +
                     " levels");
    }
  }

  void ParseArray(OrderedJson& target, int depth, std::uint32_t self) {
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
      ParseValue(elements.back(), depth, std::to_string(index), TextPosition{},
                 self);
      ++index;
      SkipWhitespace();
      if (AtEnd()) Unexpected("expected ',' or ']' after array element");
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == ']') {
        ++pos_;
        return;
      }
      Unexpected("expected ',' or ']' after array element");
    }
  }

  void ParseObject(OrderedJson& target, int depth, std::uint32_t self) {
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
    std::unordered_map<std::string, std::size_t> key_index;
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

      const std::size_t existing = FindMember(first, key_index, key);
      if (existing != kNotFound) {
        duplicates_.push_back(static_cast<std::uint32_t>(entries_.size()));
      }
      std::string token =
          key.find_first_of("~/") == std::string::npos ? key : EscapeToken(key);
      OrderedJson value;
      ParseValue(value, depth, std::move(token), key_position, self);
      if (existing != kNotFound) {
        scratch_[existing].second = std::move(value);
      } else {
        scratch_.emplace_back(key, std::move(value));
        const std::size_t count = scratch_.size() - first;
        if (count == kLinearKeyScanLimit) {
          for (std::size_t i = first; i < scratch_.size(); ++i) {
            key_index.emplace(scratch_[i].first, i);
          }
        } else if (count > kLinearKeyScanLimit) {
          key_index.emplace(key, scratch_.size() - 1);
        }
      }
      SkipWhitespace();
      if (AtEnd()) Unexpected("expected ',' or '}' after object member");
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == '}') {
        ++pos_;
        break;
      }
      Unexpected("expected ',' or '}' after object member");
    }
    auto& members = target.get_ref<OrderedJson::object_t&>();
    members.reserve(scratch_.size() - first);
    for (std::size_t i = first; i < scratch_.size(); ++i) {
      members.emplace_back(std::move(scratch_[i].first),
                           std::move(scratch_[i].second));
    }
    scratch_.resize(first);
  }

  static constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);

  std::size_t FindMember(
      std::size_t first,
      const std::unordered_map<std::string, std::size_t>& key_index,
      const std::string& key) const {
    if (scratch_.size() - first < kLinearKeyScanLimit) {
      for (std::size_t i = first; i < scratch_.size(); ++i) {
        if (scratch_[i].first == key) return i;
      }
      return kNotFound;
    }
    auto it = key_index.find(key);
    return it == key_index.end() ? kNotFound : it->second;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  int column_line_ = 1;
  std::size_t column_pos_ = 0;
  int column_ = 1;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> duplicates_;
  std::vector<std::pair<std::string, OrderedJson>> scratch_;
  ParsedJson* out_ = nullptr;
};

}  // namespace

ParsedJson ParseJsonWithPositions(std::string_view text) {
  return Parser(text).Parse();
}

}  // namespace stepsim::asl
