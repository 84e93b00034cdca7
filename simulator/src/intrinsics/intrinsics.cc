#include <openssl/evp.h>
#include <stepsim/intrinsics/intrinsics.h>
#include <stepsim/jsonpath/json_text.h>
#include <stepsim/sim/rng.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace stepsim::intrinsics {

namespace internal {

enum class Fn {
  kFormat,
  kStringToJson,
  kJsonToString,
  kArray,
  kArrayPartition,
  kArrayContains,
  kArrayRange,
  kArrayGetItem,
  kArrayLength,
  kArrayUnique,
  kBase64Encode,
  kBase64Decode,
  kHash,
  kJsonMerge,
  kMathRandom,
  kMathAdd,
  kStringSplit,
  kUuid,
};

/// One compiled argument: a constant, a path or a nested call.
struct Arg {
  enum class Kind { kLiteral, kPath, kCall };
  Kind kind = Kind::kLiteral;
  Json literal;
  /// For a string literal: its text split at each unescaped `{}`, so that
  /// States.Format tells an escaped `\{}` from a placeholder.
  std::vector<std::string> format_segments;
  /// Whether a string literal holds a backslash that escapes nothing: AWS
  /// documents this as a run-time error of the call (INT-02).
  bool bad_escape = false;
  std::optional<jsonpath::Path> path;
  std::shared_ptr<const Call::Impl> call;
};

}  // namespace internal

struct Call::Impl {
  std::string text;
  std::string name;
  internal::Fn fn = internal::Fn::kArray;
  std::vector<internal::Arg> args;
};

namespace internal {
namespace {

constexpr int kVariadic = -1;
constexpr int kMaxNesting = 10;
constexpr std::int64_t kMaxRangeItems = 1000;
constexpr std::size_t kMaxEncodedChars = 10000;
constexpr std::int64_t kInt32Min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

struct FnSpec {
  std::string_view name;
  Fn fn;
  int min_args;
  int max_args;
};

constexpr std::array<FnSpec, 18> kFunctions = {{
    {"States.Format", Fn::kFormat, 1, kVariadic},
    {"States.StringToJson", Fn::kStringToJson, 1, 1},
    {"States.JsonToString", Fn::kJsonToString, 1, 1},
    {"States.Array", Fn::kArray, 0, kVariadic},
    {"States.ArrayPartition", Fn::kArrayPartition, 2, 2},
    {"States.ArrayContains", Fn::kArrayContains, 2, 2},
    {"States.ArrayRange", Fn::kArrayRange, 3, 3},
    {"States.ArrayGetItem", Fn::kArrayGetItem, 2, 2},
    {"States.ArrayLength", Fn::kArrayLength, 1, 1},
    {"States.ArrayUnique", Fn::kArrayUnique, 1, 1},
    {"States.Base64Encode", Fn::kBase64Encode, 1, 1},
    {"States.Base64Decode", Fn::kBase64Decode, 1, 1},
    {"States.Hash", Fn::kHash, 2, 2},
    {"States.JsonMerge", Fn::kJsonMerge, 3, 3},
    {"States.MathRandom", Fn::kMathRandom, 2, 3},
    {"States.MathAdd", Fn::kMathAdd, 2, 2},
    {"States.StringSplit", Fn::kStringSplit, 2, 2},
    {"States.UUID", Fn::kUuid, 0, 0},
}};

const FnSpec* FindFunction(std::string_view name) {
  for (const FnSpec& spec : kFunctions) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_';
}

bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// "1 argument", "at least 1 argument", "2 or 3 arguments".
std::string ArgumentCountText(const FnSpec& spec) {
  const int last = spec.max_args == kVariadic ? spec.min_args : spec.max_args;
  std::string text;
  if (spec.max_args == kVariadic) {
    text = "at least " + std::to_string(spec.min_args);
  } else if (spec.min_args == spec.max_args) {
    text = std::to_string(spec.min_args);
  } else {
    text = std::to_string(spec.min_args) + " or " + std::to_string(spec.max_args);
  }
  return text + (last == 1 ? " argument" : " arguments");
}

// Recursive-descent parser over the whole field text, so offsets in errors
// are relative to what the user wrote.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::shared_ptr<Call::Impl> ParseTop() {
    auto call = ParseCall(1);
    SkipSpace();
    if (pos_ != text_.size()) {
      Fail(pos_, "unexpected text after the closing ')' of " + call->name);
    }
    return call;
  }

 private:
  [[noreturn]] static void Fail(std::size_t offset, const std::string& message) {
    throw jsonpath::SyntaxError(offset, message);
  }

  [[nodiscard]] bool AtEnd() const { return pos_ >= text_.size(); }
  [[nodiscard]] char Peek() const { return text_[pos_]; }

  void SkipSpace() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }

  // Recursion is bounded: nesting deeper than kMaxNesting is an error.
  std::shared_ptr<Call::Impl> ParseCall(int depth) {  // NOLINT(misc-no-recursion)
    const std::size_t start = pos_;
    if (depth > kMaxNesting) {
      Fail(start, "intrinsic functions are nested more than 10 deep");
    }
    while (!AtEnd() && IsNameChar(Peek())) ++pos_;
    const std::string_view name = text_.substr(start, pos_ - start);
    if (name.empty()) Fail(start, "expected an intrinsic function name");
    if (AtEnd() || Peek() != '(') {
      Fail(pos_, "expected '(' after the function name '" + std::string(name) + "'");
    }
    const FnSpec* spec = FindFunction(name);
    if (spec == nullptr) {
      Fail(start, "unknown intrinsic function '" + std::string(name) + "'");
    }
    ++pos_;
    auto impl = std::make_shared<Call::Impl>();
    impl->name = std::string(name);
    impl->fn = spec->fn;
    SkipSpace();
    if (!AtEnd() && Peek() == ')') {
      ++pos_;
    } else {
      for (;;) {
        impl->args.push_back(ParseArg(depth));
        SkipSpace();
        if (AtEnd()) Fail(pos_, "missing ')' to close " + impl->name);
        if (Peek() == ',') {
          ++pos_;
          SkipSpace();
          continue;
        }
        if (Peek() == ')') {
          ++pos_;
          break;
        }
        Fail(pos_, "expected ',' or ')' after an argument of " + impl->name);
      }
    }
    const auto count = static_cast<int>(impl->args.size());
    if (count < spec->min_args || (spec->max_args != kVariadic && count > spec->max_args)) {
      Fail(start,
           impl->name + " takes " + ArgumentCountText(*spec) + ", got " + std::to_string(count));
    }
    if (spec->fn == Fn::kJsonToString && impl->args.front().kind == Arg::Kind::kLiteral) {
      Fail(start, "States.JsonToString takes a path argument");
    }
    impl->text = std::string(text_.substr(start, pos_ - start));
    return impl;
  }

  Arg ParseArg(int depth) {  // NOLINT(misc-no-recursion)
    if (AtEnd()) Fail(pos_, "expected an argument");
    const char c = Peek();
    if (c == '\'') return ParseString();
    if (c == '$') return ParsePath();
    if (c == '-' || IsDigit(c)) return ParseNumber();
    if (IsLetter(c)) {
      const std::size_t start = pos_;
      std::size_t end = pos_;
      while (end < text_.size() && IsNameChar(text_[end])) ++end;
      if (end < text_.size() && text_[end] == '(') {
        Arg arg;
        arg.kind = Arg::Kind::kCall;
        arg.call = ParseCall(depth + 1);
        return arg;
      }
      const std::string_view word = text_.substr(start, end - start);
      Arg arg;
      if (word == "null") {
        arg.literal = nullptr;
      } else if (word == "true") {
        arg.literal = true;
      } else if (word == "false") {
        arg.literal = false;
      } else {
        Fail(start, "unexpected '" + std::string(word) + "' as an argument");
      }
      pos_ = end;
      return arg;
    }
    Fail(pos_, std::string("unexpected '") + c + "' as an argument");
  }

  Arg ParseString() {
    const std::size_t start = pos_;
    ++pos_;
    Arg arg;
    std::string value;
    arg.format_segments.emplace_back();
    for (;;) {
      if (AtEnd()) Fail(start, "unterminated string");
      const char c = Peek();
      if (c == '\'') {
        ++pos_;
        break;
      }
      if (c == '\\') {
        if (pos_ + 1 >= text_.size()) Fail(start, "unterminated string");
        const char escaped = text_[pos_ + 1];
        if (escaped != '\'' && escaped != '{' && escaped != '}' && escaped != '\\') {
          arg.bad_escape = true;
          value += c;
          arg.format_segments.back() += c;
          ++pos_;
          continue;
        }
        value += escaped;
        arg.format_segments.back() += escaped;
        pos_ += 2;
        continue;
      }
      if (c == '{' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '}') {
        value += "{}";
        arg.format_segments.emplace_back();
        pos_ += 2;
        continue;
      }
      value += c;
      arg.format_segments.back() += c;
      ++pos_;
    }
    arg.literal = std::move(value);
    return arg;
  }

  Arg ParseNumber() {
    const std::size_t start = pos_;
    bool integral = true;
    if (Peek() == '-') ++pos_;
    const std::size_t digits = pos_;
    while (!AtEnd() && IsDigit(Peek())) ++pos_;
    if (pos_ == digits) Fail(start, "expected a number");
    if (!AtEnd() && Peek() == '.') {
      integral = false;
      ++pos_;
      const std::size_t fraction = pos_;
      while (!AtEnd() && IsDigit(Peek())) ++pos_;
      if (pos_ == fraction) Fail(start, "expected digits after '.' in a number");
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      integral = false;
      ++pos_;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      const std::size_t exponent = pos_;
      while (!AtEnd() && IsDigit(Peek())) ++pos_;
      if (pos_ == exponent) Fail(start, "expected digits in the exponent of a number");
    }
    const std::string_view token = text_.substr(start, pos_ - start);
    Arg arg;
    if (integral) {
      std::int64_t value = 0;
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
      if (ec == std::errc() && ptr == token.data() + token.size()) {
        arg.literal = value;
        return arg;
      }
    }
    double value = 0;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec != std::errc() || ptr != token.data() + token.size()) {
      Fail(start, "number '" + std::string(token) + "' is out of range");
    }
    arg.literal = value;
    return arg;
  }

  // A path runs to the first ',' or ')' outside brackets, parentheses and
  // quotes, so filters like `$[?(@.a == 'x,y')]` stay whole.
  Arg ParsePath() {
    const std::size_t start = pos_;
    int depth = 0;
    char quote = 0;
    while (!AtEnd()) {
      const char c = Peek();
      if (quote != 0) {
        if (c == '\\' && pos_ + 1 < text_.size()) {
          pos_ += 2;
          continue;
        }
        if (c == quote) quote = 0;
        ++pos_;
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '(') {
        ++depth;
      } else if (c == ']' || c == ')') {
        if (depth == 0) break;
        --depth;
      } else if (c == ',' && depth == 0) {
        break;
      }
      ++pos_;
    }
    if (quote != 0) Fail(start, "unterminated quote in a path argument");
    std::size_t end = pos_;
    while (end > start && IsSpace(text_[end - 1])) --end;
    Arg arg;
    arg.kind = Arg::Kind::kPath;
    try {
      arg.path = jsonpath::Path::Parse(text_.substr(start, end - start));
    } catch (const jsonpath::SyntaxError& e) {
      throw jsonpath::SyntaxError(start + e.offset(), e.what());
    }
    return arg;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------------------
// Evaluation.

/// An evaluated argument: borrows a constant of the compiled call, or owns
/// a value selected or computed for this evaluation.
class Value {
 public:
  static Value Borrow(const Json& json) {
    Value value;
    value.ref_ = &json;
    return value;
  }
  static Value Own(Json json) {
    Value value;
    value.owned_ = std::move(json);
    return value;
  }

  [[nodiscard]] const Json& get() const { return ref_ != nullptr ? *ref_ : owned_; }
  Json Take() { return ref_ != nullptr ? Json(*ref_) : std::move(owned_); }

 private:
  const Json* ref_ = nullptr;
  Json owned_;
};

AslError Failure(std::string cause) {
  return AslError{errors::kIntrinsicFailure, std::move(cause)};
}

const char* TypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::string:
      return "string";
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    default:
      return "number";
  }
}

AslError TypeFailure(const Call::Impl& call, std::size_t index, const char* expected,
                     const Json& got) {
  std::string cause = "Invalid arguments in " + call.name + ": argument " +
                      std::to_string(index + 1) + " must be " + expected + ", got ";
  if (!got.is_null()) {
    cause += TypeName(got);
    cause += ' ';
  }
  cause += jsonpath::ToAwsJson(got);
  return Failure(std::move(cause));
}

AslError ValueFailure(const Call::Impl& call, const std::string& what) {
  return Failure("Invalid arguments in " + call.name + ": " + what);
}

// Java's Math.round: ties go toward positive infinity (-2.5 -> -2).
double JavaRound(double x) {
  const double floor = std::floor(x);
  return x - floor >= 0.5 ? floor + 1 : floor;
}

/// An integer argument: integers as they are, other numbers rounded like
/// Java's Math.round; nullopt for non-numbers and values beyond int64.
std::optional<std::int64_t> ToInteger(const Json& value) {
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return value.get<std::int64_t>();
  }
  if (value.is_number_float()) {
    const double rounded = JavaRound(value.get<double>());
    if (!std::isfinite(rounded) || rounded < -9.2e18 || rounded > 9.2e18) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(rounded);
  }
  return std::nullopt;
}

/// Reads argument `index` as a 32-bit integer (AWS's range for numeric
/// intrinsic arguments).
Result<std::int64_t> Int32Arg(const Call::Impl& call, const std::vector<Value>& args,
                              std::size_t index) {
  const Json& value = args[index].get();
  if (!value.is_number()) return TypeFailure(call, index, "an integer", value);
  const auto integer = ToInteger(value);
  if (!integer || *integer < kInt32Min || *integer > kInt32Max) {
    return ValueFailure(call, "argument " + std::to_string(index + 1) +
                                  " must be an integer between -2147483648 and "
                                  "2147483647, got " +
                                  jsonpath::ToAwsJson(value));
  }
  return *integer;
}

/// Length as Java counts it (UTF-16 code units), which is what AWS's
/// 10,000-character limits measure.
std::size_t Utf16Length(std::string_view text) {
  std::size_t length = 0;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0U) != 0x80U) ++length;
    if (byte >= 0xF0U) ++length;
  }
  return length;
}

/// Replaces malformed UTF-8 with U+FFFD, as Java's String(bytes, UTF_8)
/// does, so decoded bytes always form a valid JSON string.
std::string SanitizeUtf8(std::string_view bytes) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    std::size_t length = 0;
    std::uint32_t min = 0;
    if (lead < 0x80U) {
      out += bytes[i++];
      continue;
    }
    if ((lead & 0xE0U) == 0xC0U) {
      length = 2;
      min = 0x80;
    } else if ((lead & 0xF0U) == 0xE0U) {
      length = 3;
      min = 0x800;
    } else if ((lead & 0xF8U) == 0xF0U) {
      length = 4;
      min = 0x10000;
    }
    bool valid = length != 0 && i + length <= bytes.size();
    std::uint32_t code = 0;
    if (valid) {
      code = lead & (0x7FU >> length);
      for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(bytes[i + k]);
        if ((next & 0xC0U) != 0x80U) {
          valid = false;
          break;
        }
        code = (code << 6U) | (next & 0x3FU);
      }
    }
    if (valid && (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))) {
      valid = false;
    }
    if (valid) {
      out.append(bytes.substr(i, length));
      i += length;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  return out;
}

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16U) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8U) |
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out += kBase64Alphabet[(n >> 18U) & 63U];
    out += kBase64Alphabet[(n >> 12U) & 63U];
    out += kBase64Alphabet[(n >> 6U) & 63U];
    out += kBase64Alphabet[n & 63U];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16U;
    if (rest == 2) {
      n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8U;
    }
    out += kBase64Alphabet[(n >> 18U) & 63U];
    out += kBase64Alphabet[(n >> 12U) & 63U];
    out += rest == 2 ? kBase64Alphabet[(n >> 6U) & 63U] : '=';
    out += '=';
  }
  return out;
}

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Java's basic decoder: the standard alphabet, padding optional, nothing
// after the padding.
std::optional<std::string> Base64Decode(std::string_view text) {
  std::size_t end = text.size();
  std::size_t padding = 0;
  while (end > 0 && text[end - 1] == '=' && padding < 2) {
    --end;
    ++padding;
  }
  if (padding > 0 && (end + padding) % 4 != 0) return std::nullopt;
  if (end % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(end / 4 * 3 + 2);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < end; ++i) {
    const int digit = Base64Digit(text[i]);
    if (digit < 0) return std::nullopt;
    buffer = (buffer << 6U) | static_cast<std::uint32_t>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU);
    }
  }
  return out;
}

// Java's Object.toString of the value Jackson maps the JSON to: what
// States.Format prints for an object or array argument (`{a=1, b=[x]}`).
void AppendJavaText(const Json& value,
                    std::string& out) {  // NOLINT(misc-no-recursion)
  switch (value.type()) {
    case Json::value_t::string:
      out += value.get_ref<const std::string&>();
      return;
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ", ";
        first = false;
        out += it.key();
        out += '=';
        AppendJavaText(it.value(), out);
      }
      out += '}';
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& item : value) {
        if (!first) out += ", ";
        first = false;
        AppendJavaText(item, out);
      }
      out += ']';
      return;
    }
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::null:
      out += "null";
      return;
    default:
      out += jsonpath::ToAwsJson(value);
      return;
  }
}

/// java.util.Random, so that a seeded States.MathRandom gives the value
/// AWS (a JVM service) gives for the same seed.
class JavaRandom {
 public:
  explicit JavaRandom(std::int64_t seed)
      : seed_((static_cast<std::uint64_t>(seed) ^ kMultiplier) & kMask) {}

  std::int32_t Next(int bits) {
    seed_ = (seed_ * kMultiplier + kAddend) & kMask;
    return static_cast<std::int32_t>(
        static_cast<std::uint32_t>(seed_ >> static_cast<unsigned>(48 - bits)));
  }

  // Requires 0 < bound <= INT32_MAX.
  std::int32_t NextInt(std::int32_t bound) {
    std::int32_t r = Next(31);
    const std::int32_t m = bound - 1;
    if ((bound & m) == 0) {
      return static_cast<std::int32_t>((static_cast<std::int64_t>(bound) * r) >> 31);
    }
    // Java rejects when u - r + m overflows an int.
    for (std::int32_t u = r; static_cast<std::int64_t>(u) - (r = u % bound) + m > kInt32Max;
         u = Next(31)) {
    }
    return r;
  }

 private:
  static constexpr std::uint64_t kMultiplier = 0x5DEECE66DULL;
  static constexpr std::uint64_t kAddend = 0xBULL;
  static constexpr std::uint64_t kMask = (1ULL << 48U) - 1;
  std::uint64_t seed_;
};

sim::Rng& RequireRng(const jsonpath::Env& env, const Call::Impl& call) {
  if (env.rng == nullptr) {
    throw UsageError(call.name + " needs a random generator: jsonpath::Env::rng is null");
  }
  return *env.rng;
}

template <typename Pieces>
Result<Json> RenderFormat(const Call::Impl& call, const Pieces& pieces,
                          const std::vector<Value>& args) {
  const std::size_t values = args.size() - 1;
  const std::size_t placeholders = pieces.size() - 1;
  if (placeholders != values) {
    return ValueFailure(call, "the template has " + std::to_string(placeholders) + " placeholder" +
                                  (placeholders == 1 ? "" : "s") + " but " +
                                  std::to_string(values) + " value" +
                                  (values == 1 ? " was" : "s were") + " given");
  }
  std::string out;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    out += pieces[i];
    if (i < values) AppendJavaText(args[i + 1].get(), out);
  }
  return Json(std::move(out));
}

Result<Json> DoFormat(const Call::Impl& call, const std::vector<Value>& args) {
  const Arg& template_arg = call.args.front();
  if (template_arg.kind == Arg::Kind::kLiteral && template_arg.literal.is_string()) {
    return RenderFormat(call, template_arg.format_segments, args);
  }
  const Json& text = args.front().get();
  if (!text.is_string()) return TypeFailure(call, 0, "a string", text);
  // A template read from the input is taken as it is: no escapes.
  const std::string_view view = text.get_ref<const std::string&>();
  std::vector<std::string_view> pieces;
  std::size_t from = 0;
  for (;;) {
    const std::size_t at = view.find("{}", from);
    if (at == std::string_view::npos) break;
    pieces.push_back(view.substr(from, at - from));
    from = at + 2;
  }
  pieces.push_back(view.substr(from));
  return RenderFormat(call, pieces, args);
}

Result<Json> DoStringToJson(const Call::Impl& call, std::vector<Value>& args) {
  const Json& text = args[0].get();
  if (!text.is_string()) return TypeFailure(call, 0, "a string", text);
  Json parsed = Json::parse(text.get_ref<const std::string&>(), nullptr,
                            /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return ValueFailure(call, "the string is not valid JSON: " + jsonpath::ToAwsJson(text));
  }
  return parsed;
}

Result<Json> DoArrayPartition(const Call::Impl& call, std::vector<Value>& args) {
  if (!args[0].get().is_array()) {
    return TypeFailure(call, 0, "an array", args[0].get());
  }
  const auto size = Int32Arg(call, args, 1);
  if (!size.ok()) return size.error();
  if (size.value() <= 0) {
    return ValueFailure(call, "the chunk size must be a positive integer, got " +
                                  jsonpath::ToAwsJson(args[1].get()));
  }
  Json input = args[0].Take();
  const auto chunk = static_cast<std::size_t>(size.value());
  Json out = Json::array();
  auto& items = input.get_ref<Json::array_t&>();
  for (std::size_t i = 0; i < items.size(); i += chunk) {
    Json part = Json::array();
    const std::size_t end = std::min(items.size(), i + chunk);
    for (std::size_t k = i; k < end; ++k) part.push_back(std::move(items[k]));
    out.push_back(std::move(part));
  }
  return out;
}

Result<Json> DoArrayContains(const Call::Impl& call, std::vector<Value>& args) {
  const Json& array = args[0].get();
  if (!array.is_array()) return TypeFailure(call, 0, "an array", array);
  const Json& needle = args[1].get();
  return Json(std::find(array.begin(), array.end(), needle) != array.end());
}

Result<Json> DoArrayRange(const Call::Impl& call, std::vector<Value>& args) {
  std::array<std::int64_t, 3> bounds{};
  for (std::size_t i = 0; i < 3; ++i) {
    auto value = Int32Arg(call, args, i);
    if (!value.ok()) return value.error();
    bounds[i] = value.value();
  }
  const std::int64_t first = bounds[0];
  const std::int64_t last = bounds[1];
  const std::int64_t step = bounds[2];
  if (step == 0) return ValueFailure(call, "the step must not be 0");
  std::int64_t count = 0;
  if (step > 0 && first <= last) count = (last - first) / step + 1;
  if (step < 0 && first >= last) count = (first - last) / -step + 1;
  if (count > kMaxRangeItems) {
    return ValueFailure(
        call, "the range has " + std::to_string(count) + " items, more than the limit of 1000");
  }
  Json out = Json::array();
  out.get_ref<Json::array_t&>().reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) out.push_back(first + i * step);
  return out;
}

Result<Json> DoArrayGetItem(const Call::Impl& call, std::vector<Value>& args) {
  const Json& array = args[0].get();
  if (!array.is_array()) return TypeFailure(call, 0, "an array", array);
  const Json& index_value = args[1].get();
  if (!index_value.is_number()) {
    return TypeFailure(call, 1, "an integer", index_value);
  }
  const auto index = ToInteger(index_value);
  if (!index || *index < 0 || static_cast<std::uint64_t>(*index) >= array.size()) {
    return ValueFailure(call, "index " + jsonpath::ToAwsJson(index_value) +
                                  " is out of bounds for an array of " +
                                  std::to_string(array.size()) + " items");
  }
  return array[static_cast<std::size_t>(*index)];
}

Result<Json> DoArrayUnique(const Call::Impl& call, std::vector<Value>& args) {
  if (!args[0].get().is_array()) {
    return TypeFailure(call, 0, "an array", args[0].get());
  }
  Json input = args[0].Take();
  auto& items = input.get_ref<Json::array_t&>();
  // Sorting indices keeps this O(n log n) on large arrays; the first index
  // of each run of equal values is the occurrence that is kept.
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return items[a] < items[b]; });
  std::vector<bool> keep(items.size(), false);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || !(items[order[i]] == items[order[i - 1]])) keep[order[i]] = true;
  }
  Json out = Json::array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (keep[i]) out.push_back(std::move(items[i]));
  }
  return out;
}

// EXE-06: Base64 and Hash inputs are limited to 10,000 characters.
std::optional<AslError> CheckEncodedLength(const Call::Impl& call, std::string_view text) {
  const std::size_t length = Utf16Length(text);
  if (length > kMaxEncodedChars) {
    return ValueFailure(call, "the input has " + std::to_string(length) +
                                  " characters, more than the limit of 10000");
  }
  return std::nullopt;
}

Result<Json> DoBase64Encode(const Call::Impl& call, std::vector<Value>& args) {
  const Json& text = args[0].get();
  if (!text.is_string()) return TypeFailure(call, 0, "a string", text);
  const auto& data = text.get_ref<const std::string&>();
  if (auto error = CheckEncodedLength(call, data)) return *std::move(error);
  return Json(Base64Encode(data));
}

Result<Json> DoBase64Decode(const Call::Impl& call, std::vector<Value>& args) {
  const Json& text = args[0].get();
  if (!text.is_string()) return TypeFailure(call, 0, "a string", text);
  const auto& data = text.get_ref<const std::string&>();
  if (auto error = CheckEncodedLength(call, data)) return *std::move(error);
  auto decoded = Base64Decode(data);
  if (!decoded) {
    return ValueFailure(call, "the input is not valid Base64: " + jsonpath::ToAwsJson(text));
  }
  return Json(SanitizeUtf8(*decoded));
}

Result<Json> DoHash(const Call::Impl& call, std::vector<Value>& args) {
  const Json& data = args[0].get();
  const Json& algorithm = args[1].get();
  if (!algorithm.is_string()) return TypeFailure(call, 1, "a string", algorithm);
  const auto& name = algorithm.get_ref<const std::string&>();
  const EVP_MD* md = nullptr;
  if (name == "MD5") {
    md = EVP_md5();
  } else if (name == "SHA-1") {
    md = EVP_sha1();
  } else if (name == "SHA-256") {
    md = EVP_sha256();
  } else if (name == "SHA-384") {
    md = EVP_sha384();
  } else if (name == "SHA-512") {
    md = EVP_sha512();
  } else {
    return ValueFailure(call, "the hash algorithm " + jsonpath::ToAwsJson(algorithm) +
                                  " is not one of MD5, SHA-1, SHA-256, "
                                  "SHA-384, SHA-512");
  }
  std::string stringified;
  if (!data.is_string()) stringified = jsonpath::ToAwsJson(data);
  const std::string& text = data.is_string() ? data.get_ref<const std::string&>() : stringified;
  if (auto error = CheckEncodedLength(call, text)) return *std::move(error);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_length = 0;
  STEPSIM_CHECK(EVP_Digest(text.data(), text.size(), digest.data(), &digest_length, md, nullptr) ==
                1);
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<std::size_t>(digest_length) * 2);
  for (unsigned int i = 0; i < digest_length; ++i) {
    out += kHex[digest[i] >> 4U];
    out += kHex[digest[i] & 0x0FU];
  }
  return Json(std::move(out));
}

Result<Json> DoJsonMerge(const Call::Impl& call, std::vector<Value>& args) {
  if (!args[0].get().is_object()) {
    return TypeFailure(call, 0, "an object", args[0].get());
  }
  if (!args[1].get().is_object()) {
    return TypeFailure(call, 1, "an object", args[1].get());
  }
  const Json& deep = args[2].get();
  if (!deep.is_boolean()) return TypeFailure(call, 2, "a boolean", deep);
  if (deep.get<bool>()) {
    return ValueFailure(call, "deep merge is not supported, the third argument must be false");
  }
  Json out = args[0].Take();
  Json other = args[1].Take();
  for (auto it = other.begin(); it != other.end(); ++it) {
    out[it.key()] = std::move(it.value());
  }
  return out;
}

Result<Json> DoMathRandom(const Call::Impl& call, const jsonpath::Env& env,
                          std::vector<Value>& args) {
  const auto start = Int32Arg(call, args, 0);
  if (!start.ok()) return start.error();
  const auto end = Int32Arg(call, args, 1);
  if (!end.ok()) return end.error();
  const std::int64_t bound = end.value() - start.value();
  if (bound <= 0 || bound > kInt32Max) {
    return ValueFailure(call, "the end " + std::to_string(end.value()) +
                                  " must be greater than the start " +
                                  std::to_string(start.value()) + " by at most 2147483647");
  }
  if (args.size() == 3) {
    const Json& seed_value = args[2].get();
    if (!seed_value.is_number()) return TypeFailure(call, 2, "an integer", seed_value);
    const auto seed = ToInteger(seed_value);
    if (!seed) {
      return ValueFailure(call, "the seed " + jsonpath::ToAwsJson(seed_value) + " is out of range");
    }
    JavaRandom random(*seed);
    return Json(start.value() + random.NextInt(static_cast<std::int32_t>(bound)));
  }
  return Json(RequireRng(env, call).NextInRange(start.value(), end.value() - 1));
}

Result<Json> DoMathAdd(const Call::Impl& call, std::vector<Value>& args) {
  const auto a = Int32Arg(call, args, 0);
  if (!a.ok()) return a.error();
  const auto b = Int32Arg(call, args, 1);
  if (!b.ok()) return b.error();
  const std::int64_t sum = a.value() + b.value();
  if (sum < kInt32Min || sum > kInt32Max) {
    return ValueFailure(call,
                        "the sum " + std::to_string(sum) + " is outside -2147483648..2147483647");
  }
  return Json(sum);
}

// Java's StringTokenizer: every character of the delimiter string splits,
// and empty tokens are dropped (",,a" -> ["a"]).
Result<Json> DoStringSplit(const Call::Impl& call, std::vector<Value>& args) {
  const Json& text_value = args[0].get();
  if (!text_value.is_string()) return TypeFailure(call, 0, "a string", text_value);
  const Json& delimiter_value = args[1].get();
  if (!delimiter_value.is_string()) {
    return TypeFailure(call, 1, "a string", delimiter_value);
  }
  const std::string_view text = text_value.get_ref<const std::string&>();
  const std::string_view delimiters = delimiter_value.get_ref<const std::string&>();
  auto code_point_length = [](std::string_view s, std::size_t i) {
    std::size_t length = 1;
    while (i + length < s.size() && (static_cast<unsigned char>(s[i + length]) & 0xC0U) == 0x80U) {
      ++length;
    }
    return length;
  };
  auto is_delimiter = [&](std::string_view cp) {
    for (std::size_t i = 0; i < delimiters.size();) {
      const std::size_t length = code_point_length(delimiters, i);
      if (delimiters.substr(i, length) == cp) return true;
      i += length;
    }
    return false;
  };
  Json out = Json::array();
  std::size_t token_start = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = code_point_length(text, i);
    if (is_delimiter(text.substr(i, length))) {
      if (i > token_start) out.push_back(std::string(text.substr(token_start, i - token_start)));
      token_start = i + length;
    }
    i += length;
  }
  if (text.size() > token_start) out.push_back(std::string(text.substr(token_start)));
  return out;
}

Result<Json> DoUuid(const Call::Impl& call, const jsonpath::Env& env) {
  sim::Rng& rng = RequireRng(env, call);
  std::array<unsigned char, 16> bytes{};
  for (std::size_t half = 0; half < 2; ++half) {
    const std::uint64_t word = rng.Next();
    for (std::size_t k = 0; k < 8; ++k) {
      bytes[half * 8 + k] = static_cast<unsigned char>(word >> (56U - 8U * k));
    }
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0FU) | 0x40U);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3FU) | 0x80U);
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[bytes[i] >> 4U];
    out += kHex[bytes[i] & 0x0FU];
  }
  return Json(std::move(out));
}

// The same cause as a template field whose own path matches nothing
// (PT-06): AWS names the field and quotes the state input.
AslError PathNotFound(const jsonpath::Path& path, const jsonpath::Env& env,
                      std::string_view field) {
  static const Json kNull;
  return AslError{
      errors::kRuntime,
      jsonpath::FieldNotFoundCause(path.text(), field, env.input != nullptr ? *env.input : kNull)};
}

Result<Json> Evaluate(const Call::Impl& call,  // NOLINT(misc-no-recursion)
                      const jsonpath::Env& env, std::string_view field) {
  std::vector<Value> args;
  args.reserve(call.args.size());
  for (const Arg& arg : call.args) {
    switch (arg.kind) {
      case Arg::Kind::kLiteral:
        if (arg.bad_escape) {
          return AslError{errors::kRuntime, "The intrinsic function " + call.text +
                                                " contains a backslash that escapes nothing "
                                                "(write \\\\ for a backslash)"};
        }
        args.push_back(Value::Borrow(arg.literal));
        break;
      case Arg::Kind::kPath: {
        // A reference path points into a document that outlives this
        // evaluation, so it is borrowed rather than copied.
        if (arg.path->is_reference()) {
          const Json* found = arg.path->Find(env);
          if (found == nullptr) return PathNotFound(*arg.path, env, field);
          args.push_back(Value::Borrow(*found));
          break;
        }
        auto selected = arg.path->Select(env);
        if (!selected) return PathNotFound(*arg.path, env, field);
        args.push_back(Value::Own(std::move(*selected)));
        break;
      }
      case Arg::Kind::kCall: {
        auto result = Evaluate(*arg.call, env, field);
        if (!result.ok()) return result.error();
        args.push_back(Value::Own(std::move(result).value()));
        break;
      }
    }
  }
  switch (call.fn) {
    case Fn::kFormat:
      return DoFormat(call, args);
    case Fn::kStringToJson:
      return DoStringToJson(call, args);
    case Fn::kJsonToString:
      return Json(jsonpath::ToAwsJson(args[0].get()));
    case Fn::kArray: {
      Json out = Json::array();
      out.get_ref<Json::array_t&>().reserve(args.size());
      for (Value& value : args) out.push_back(value.Take());
      return out;
    }
    case Fn::kArrayPartition:
      return DoArrayPartition(call, args);
    case Fn::kArrayContains:
      return DoArrayContains(call, args);
    case Fn::kArrayRange:
      return DoArrayRange(call, args);
    case Fn::kArrayGetItem:
      return DoArrayGetItem(call, args);
    case Fn::kArrayLength: {
      const Json& array = args[0].get();
      if (!array.is_array()) return TypeFailure(call, 0, "an array", array);
      return Json(array.size());
    }
    case Fn::kArrayUnique:
      return DoArrayUnique(call, args);
    case Fn::kBase64Encode:
      return DoBase64Encode(call, args);
    case Fn::kBase64Decode:
      return DoBase64Decode(call, args);
    case Fn::kHash:
      return DoHash(call, args);
    case Fn::kJsonMerge:
      return DoJsonMerge(call, args);
    case Fn::kMathRandom:
      return DoMathRandom(call, env, args);
    case Fn::kMathAdd:
      return DoMathAdd(call, args);
    case Fn::kStringSplit:
      return DoStringSplit(call, args);
    case Fn::kUuid:
      return DoUuid(call, env);
  }
  STEPSIM_CHECK(false);
  return Json();
}

}  // namespace
}  // namespace internal

bool LooksLikeCall(std::string_view text) {
  if (text.empty() || !internal::IsLetter(text.front())) return false;
  std::size_t i = 0;
  while (i < text.size() && internal::IsNameChar(text[i])) ++i;
  return i < text.size() && text[i] == '(';
}

Call Call::Parse(std::string_view text) {
  Call call;
  call.impl_ = internal::Parser(text).ParseTop();
  return call;
}

const std::string& Call::text() const {
  STEPSIM_CHECK(impl_ != nullptr);
  return impl_->text;
}

const std::string& Call::name() const {
  STEPSIM_CHECK(impl_ != nullptr);
  return impl_->name;
}

Result<Json> Call::Evaluate(const jsonpath::Env& env) const {
  return Evaluate(env, std::string_view());
}

Result<Json> Call::Evaluate(const jsonpath::Env& env, std::string_view field) const {
  STEPSIM_CHECK(impl_ != nullptr);
  return internal::Evaluate(*impl_, env, field);
}

}  // namespace stepsim::intrinsics
