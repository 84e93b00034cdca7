#include <openssl/evp.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/rng.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jsonata/eval.h"
#include "text/utf8.h"

namespace stepsim::jsonata::internal {
namespace {

using Args = std::vector<Val>;

// The name of the built-in being run, for error texts.
[[noreturn]] void BadArg(const char* fn, std::size_t index) {
  Throw("T0410", "Argument " + std::to_string(index + 1) + " of function \"" + fn +
                     "\" does not match function signature");
}

bool Has(const Args& a, std::size_t i) { return i < a.size() && !a[i].undefined(); }

const std::string& Str(const Args& a, std::size_t i, const char* fn) {
  if (i >= a.size() || !a[i].j || !a[i].j->is_string()) BadArg(fn, i);
  return a[i].j->get_ref<const std::string&>();
}

double Num(const Args& a, std::size_t i, const char* fn) {
  if (i >= a.size() || !a[i].j || !a[i].j->is_number()) BadArg(fn, i);
  return a[i].j->get<double>();
}

const std::regex* Regex(const Args& a, std::size_t i) {
  if (i < a.size() && a[i].fn && a[i].fn->kind == Callable::Kind::kRegex) {
    return a[i].fn->regex.get();
  }
  return nullptr;
}

Val Bool(bool b) { return Val::Boolean(b); }
Val Number(double d) { return Val::Owned(MakeNumber(d)); }
Val String(std::string s) { return Val::Owned(std::move(s)); }

// UTF-8 <-> code points, since JSONata counts characters, not bytes.
std::u32string Decode(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = c;
    int extra = 0;
    if (c >= 0xF0) {
      cp = c & 0x07;
      extra = 3;
    } else if (c >= 0xE0) {
      cp = c & 0x0F;
      extra = 2;
    } else if (c >= 0xC0) {
      cp = c & 0x1F;
      extra = 1;
    }
    ++i;
    for (int k = 0; k < extra && i < s.size(); ++k, ++i) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
    }
    out += cp;
  }
  return out;
}

std::string Encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t cp : s) stepsim::internal::AppendUtf8(out, cp);
  return out;
}

// ---- strings ----

Val FnString(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const bool pretty = Has(a, 1) && Truthy(a[1]);
  if (a[0].j && a[0].j->is_string()) return a[0];
  if (a[0].is_fn()) return String("");
  if (pretty) return String(Stringify(*a[0].j, true));
  return String(ToStringValue(a[0]));
}

Val FnLength(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return Number(static_cast<double>(Decode(Str(a, 0, "length")).size()));
}

Val FnSubstring(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::u32string s = Decode(Str(a, 0, "substring"));
  const auto len = static_cast<double>(s.size());
  double start = std::trunc(Num(a, 1, "substring"));
  if (len + start < 0) start = 0;
  double end = len;
  if (Has(a, 2)) {
    const double n = std::trunc(Num(a, 2, "substring"));
    if (n <= 0) return String("");
    end = start >= 0 ? start + n : len + start + n;
  }
  if (start < 0) start += len;
  if (end < 0) end += len;
  start = std::clamp(start, 0.0, len);
  end = std::clamp(end, 0.0, len);
  if (end <= start) return String("");
  return String(Encode(std::u32string_view(s).substr(static_cast<std::size_t>(start),
                                                     static_cast<std::size_t>(end - start))));
}

Val FnSubstringBefore(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "substringBefore");
  const std::string& c = Str(a, 1, "substringBefore");
  const std::size_t p = s.find(c);
  return String(p == std::string::npos ? s : s.substr(0, p));
}

Val FnSubstringAfter(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "substringAfter");
  const std::string& c = Str(a, 1, "substringAfter");
  const std::size_t p = s.find(c);
  return String(p == std::string::npos ? s : s.substr(p + c.size()));
}

// Simple case mapping for Latin-1, Latin Extended-A, Greek and Cyrillic.
char32_t ToUpper(char32_t c) {
  if (c >= U'a' && c <= U'z') return c - 32;
  if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
  if (c >= 0x100 && c <= 0x17F && (c & 1) && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F) {
    return c - 1;
  }
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

char32_t ToLower(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 32;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;
  if (c >= 0x100 && c <= 0x17F && !(c & 1) && c != 0x130 && c != 0x138) return c + 1;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

Val FnUppercase(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  std::u32string s = Decode(Str(a, 0, "uppercase"));
  for (char32_t& c : s) c = ToUpper(c);
  return String(Encode(s));
}

Val FnLowercase(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  std::u32string s = Decode(Str(a, 0, "lowercase"));
  for (char32_t& c : s) c = ToLower(c);
  return String(Encode(s));
}

Val FnTrim(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "trim");
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
    } else {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
  }
  return String(std::move(out));
}

Val FnPad(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::u32string s = Decode(Str(a, 0, "pad"));
  const double width = std::trunc(Num(a, 1, "pad"));
  std::u32string pad;
  if (Has(a, 2)) pad = Decode(Str(a, 2, "pad"));
  if (pad.empty()) pad.push_back(U' ');
  const double missing = std::fabs(width) - static_cast<double>(s.size());
  if (missing <= 0) return a[0];
  std::u32string padding;
  while (padding.size() < static_cast<std::size_t>(missing)) padding += pad;
  padding.resize(static_cast<std::size_t>(missing));
  return String(Encode(width > 0 ? s + padding : padding + s));
}

void CheckNonEmptyMatch(const std::smatch& m) {
  if (m.length(0) == 0) Throw("D1004", "Regular expression matches zero length string");
}

Val FnContains(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "contains");
  if (const std::regex* re = Regex(a, 1)) return Bool(std::regex_search(s, *re));
  return Bool(s.find(Str(a, 1, "contains")) != std::string::npos);
}

Val FnSplit(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "split");
  double limit = -1;
  if (Has(a, 2)) {
    limit = Num(a, 2, "split");
    if (limit < 0)
      Throw("D3020", "Third argument of split function must evaluate to a positive number");
  }
  Json out = Json::array();
  auto full = [&] { return limit >= 0 && static_cast<double>(out.size()) >= limit; };
  if (const std::regex* re = Regex(a, 1)) {
    std::size_t pos = 0;
    auto begin = s.cbegin();
    std::smatch m;
    while (!full() && std::regex_search(begin, s.cend(), m, *re)) {
      CheckNonEmptyMatch(m);
      const auto at = static_cast<std::size_t>(m.position(0)) + pos;
      out.push_back(s.substr(pos, at - pos));
      pos = at + static_cast<std::size_t>(m.length(0));
      begin = s.cbegin() + static_cast<std::ptrdiff_t>(pos);
    }
    if (!full()) out.push_back(s.substr(pos));
  } else {
    const std::string& sep = Str(a, 1, "split");
    if (sep.empty()) {
      for (char32_t c : Decode(s)) {
        if (full()) break;
        out.push_back(Encode(std::u32string_view(&c, 1)));
      }
    } else {
      std::size_t pos = 0;
      for (;;) {
        if (full()) break;
        const std::size_t at = s.find(sep, pos);
        if (at == std::string::npos) {
          out.push_back(s.substr(pos));
          break;
        }
        out.push_back(s.substr(pos, at - pos));
        pos = at + sep.size();
      }
    }
  }
  return Val::Owned(std::move(out));
}

Val FnJoin(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  std::string sep;
  if (Has(a, 1)) sep = Str(a, 1, "join");
  std::string out;
  bool first = true;
  for (const Val& item : Items(a[0])) {
    if (!item.j || !item.j->is_string()) {
      Throw("T0412", "Argument 1 of function \"join\" must be an array of \"strings\"");
    }
    if (!first) out += sep;
    first = false;
    out += item.j->get_ref<const std::string&>();
  }
  return String(std::move(out));
}

Json MatchObject(const std::smatch& m, std::size_t offset) {
  Json o = Json::object();
  o["match"] = m.str(0);
  o["index"] = static_cast<std::int64_t>(static_cast<std::size_t>(m.position(0)) + offset);
  Json groups = Json::array();
  for (std::size_t g = 1; g < m.size(); ++g) groups.push_back(m.str(g));
  o["groups"] = std::move(groups);
  return o;
}

Val FnMatch(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "match");
  const std::regex* re = Regex(a, 1);
  if (!re) BadArg("match", 1);
  double limit = -1;
  if (Has(a, 2)) limit = Num(a, 2, "match");
  Json out = Json::array();
  std::size_t pos = 0;
  std::smatch m;
  while ((limit < 0 || static_cast<double>(out.size()) < limit) &&
         std::regex_search(s.cbegin() + static_cast<std::ptrdiff_t>(pos), s.cend(), m, *re)) {
    CheckNonEmptyMatch(m);
    out.push_back(MatchObject(m, pos));
    pos += static_cast<std::size_t>(m.position(0) + m.length(0));
  }
  return Val::Sequence(std::move(out));
}

std::string Substitute(const std::string& repl, const std::smatch& m) {
  std::string out;
  for (std::size_t i = 0; i < repl.size(); ++i) {
    const char c = repl[i];
    if (c != '$' || i + 1 >= repl.size()) {
      out += c;
      continue;
    }
    const char d = repl[i + 1];
    if (d == '$') {
      out += '$';
      ++i;
    } else if (d >= '0' && d <= '9') {
      std::size_t g = static_cast<std::size_t>(d - '0');
      ++i;
      // A second digit counts only when that group exists.
      if (i + 1 < repl.size() && repl[i + 1] >= '0' && repl[i + 1] <= '9') {
        const std::size_t g2 = g * 10 + static_cast<std::size_t>(repl[i + 1] - '0');
        if (g2 < m.size()) {
          g = g2;
          ++i;
        }
      }
      if (g < m.size()) out += m.str(g);
    } else {
      out += c;
    }
  }
  return out;
}

Val FnReplace(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "replace");
  double limit = -1;
  if (Has(a, 3)) {
    limit = Num(a, 3, "replace");
    if (limit < 0)
      Throw("D3011", "Fourth argument of replace function must evaluate to a positive number");
  }
  const bool fn_repl = a.size() > 2 && a[2].is_fn();
  if (!fn_repl) Str(a, 2, "replace");
  std::string out;
  int count = 0;
  if (const std::regex* re = Regex(a, 1)) {
    std::size_t pos = 0;
    std::smatch m;
    while ((limit < 0 || count < limit) &&
           std::regex_search(s.cbegin() + static_cast<std::ptrdiff_t>(pos), s.cend(), m, *re)) {
      CheckNonEmptyMatch(m);
      out += s.substr(pos, static_cast<std::size_t>(m.position(0)));
      if (fn_repl) {
        Args fargs{Val::Owned(MatchObject(m, pos))};
        Val r = ev.Apply(a[2], fargs, Val());
        if (!r.j || !r.j->is_string()) {
          Throw("D3012", "Attempted to replace a matched string with a non-string value");
        }
        out += r.j->get_ref<const std::string&>();
      } else {
        out += Substitute(a[2].j->get_ref<const std::string&>(), m);
      }
      pos += static_cast<std::size_t>(m.position(0) + m.length(0));
      ++count;
    }
    out += s.substr(pos);
    return String(std::move(out));
  }
  const std::string& pattern = Str(a, 1, "replace");
  if (pattern.empty())
    Throw("D3010", "Second argument of replace function cannot be an empty string");
  if (fn_repl) BadArg("replace", 2);
  const std::string& repl = a[2].j->get_ref<const std::string&>();
  std::size_t pos = 0;
  for (;;) {
    const std::size_t at = (limit < 0 || count < limit) ? s.find(pattern, pos) : std::string::npos;
    if (at == std::string::npos) break;
    out += s.substr(pos, at - pos);
    out += repl;
    pos = at + pattern.size();
    ++count;
  }
  out += s.substr(pos);
  return String(std::move(out));
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Val FnBase64Encode(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  // Like JSONata (btoa), each character is one byte: its code point's low 8 bits.
  std::string s;
  for (char32_t c : Decode(Str(a, 0, "base64encode"))) s += static_cast<char>(c & 0xFF);
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(s[i]) << 16) |
                       (static_cast<unsigned char>(s[i + 1]) << 8) |
                       static_cast<unsigned char>(s[i + 2]);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
  }
  if (i < s.size()) {
    unsigned v = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) v |= static_cast<unsigned char>(s[i + 1]) << 8;
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += i + 1 < s.size() ? kBase64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return String(std::move(out));
}

Val FnBase64Decode(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "base64decode");
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : s) {
    const char* p = std::char_traits<char>::find(kBase64, 64, c);
    if (!p) continue;
    acc = (acc << 6) | static_cast<unsigned>(p - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Each decoded byte is one character (atob), as in JSONata.
  std::u32string chars;
  for (char c : out) chars += static_cast<char32_t>(static_cast<unsigned char>(c));
  return String(Encode(chars));
}

Val UrlEncode(Args& a, const char* fn, const char* keep) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, fn);
  std::string out;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        std::string_view("-_.!~*'()").find(ch) != std::string_view::npos ||
        std::string_view(keep).find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return String(std::move(out));
}

Val FnEncodeUrlComponent(Evaluator&, Args& a, const Val&) {
  return UrlEncode(a, "encodeUrlComponent", "");
}
Val FnEncodeUrl(Evaluator&, Args& a, const Val&) {
  return UrlEncode(a, "encodeUrl", ";,/?:@&=+$#");
}

Val UrlDecode(Args& a, const char* fn) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, fn);
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      const int h = i + 2 < s.size() ? hex(s[i + 1]) : -1;
      const int l = i + 2 < s.size() ? hex(s[i + 2]) : -1;
      if (h < 0 || l < 0)
        Throw("D3140",
              "Malformed URL passed to $" + std::string(fn) + "(): " + Stringify(Json(s), false));
      out += static_cast<char>(h * 16 + l);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return String(std::move(out));
}
Val FnDecodeUrlComponent(Evaluator&, Args& a, const Val&) {
  return UrlDecode(a, "decodeUrlComponent");
}
Val FnDecodeUrl(Evaluator&, Args& a, const Val&) { return UrlDecode(a, "decodeUrl"); }

// ---- numbers ----

Val FnNumber(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const Json& v = *a[0].j;
  if (v.is_number()) return a[0];
  if (v.is_boolean()) return Number(v.get<bool>() ? 1 : 0);
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    auto fail = [&] { Throw("D3030", "Unable to cast value to a number: " + Stringify(v, false)); };
    if (s.size() > 2 && s[0] == '0' &&
        (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B')) {
      const int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
      char* end = nullptr;
      const long long n = std::strtoll(s.c_str() + 2, &end, base);
      if (*end != '\0') fail();
      return Number(static_cast<double>(n));
    }
    // JSON number syntax only.
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') ++i;
    const std::size_t int_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == int_start || (s[int_start] == '0' && i - int_start > 1)) fail();
    if (i < s.size() && s[i] == '.') {
      ++i;
      const std::size_t f = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == f) fail();
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
      const std::size_t e = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == e) fail();
    }
    if (i != s.size()) fail();
    const double d = std::strtod(s.c_str(), nullptr);
    if (!std::isfinite(d)) fail();
    return Number(d);
  }
  if (v.is_null()) BadArg("number", 0);
  Throw("D3030", "Unable to cast value to a number: " + Stringify(v, false));
}

Val FnAbs(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return Number(std::fabs(Num(a, 0, "abs")));
}
Val FnFloor(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return Number(std::floor(Num(a, 0, "floor")));
}
Val FnCeil(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return Number(std::ceil(Num(a, 0, "ceil")));
}

// Shifts the decimal point of `d` by `places` exactly as JSONata does (via
// the number's text), so 2.675 rounds like JavaScript would.
double ShiftDecimal(double d, int places) {
  std::string text = JsNumber(d);
  int exp = 0;
  const std::size_t e = text.find('e');
  if (e != std::string::npos) {
    exp = std::atoi(text.c_str() + e + 1);
    text.resize(e);
  }
  text += "e" + std::to_string(exp + places);
  return std::strtod(text.c_str(), nullptr);
}

Val FnRound(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  double x = Num(a, 0, "round");
  int precision = 0;
  if (Has(a, 1)) precision = static_cast<int>(Num(a, 1, "round"));
  if (precision != 0) x = ShiftDecimal(x, precision);
  double r = std::floor(x + 0.5);
  if (std::fabs(r - x) == 0.5 && std::fabs(std::fmod(r, 2)) == 1) r -= 1;
  if (precision != 0) r = ShiftDecimal(r, -precision);
  if (r == 0) r = 0;
  return Number(r);
}

Val FnPower(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const double r = std::pow(Num(a, 0, "power"), Num(a, 1, "power"));
  if (!std::isfinite(r)) {
    Throw("D3061",
          "The power function has resulted in a value that cannot be represented as a JSON number: "
          "base=" +
              JsNumber(a[0].j->get<double>()) + ", exponent=" + JsNumber(a[1].j->get<double>()));
  }
  return Number(r);
}

Val FnSqrt(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const double x = Num(a, 0, "sqrt");
  if (x < 0)
    Throw("D3060", "The sqrt function cannot be applied to a negative number: " + JsNumber(x));
  return Number(std::sqrt(x));
}

Val FnRandom(Evaluator& ev, Args& a, const Val&) {
  if (Has(a, 0)) {
    // AWS: the same seed always gives the same number.
    sim::Rng seeded(static_cast<std::uint64_t>(static_cast<std::int64_t>(Num(a, 0, "random"))));
    return Val::Owned(seeded.NextDouble());
  }
  sim::Rng* rng = ev.bindings().rng;
  if (!rng) Throw("D3137", "$random() needs a random number generator");
  return Val::Owned(rng->NextDouble());
}

std::string GroupDigits(const std::string& digits, int group) {
  if (group <= 0) return digits;
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % group == 0) out += ',';
    out += digits[static_cast<std::size_t>(i)];
  }
  return out;
}

Val FnFormatNumber(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  double x = Num(a, 0, "formatNumber");
  const std::string& picture = Str(a, 1, "formatNumber");
  // Prefix and suffix are the characters outside the digit pattern.
  const std::string active = "0123456789#.,";
  std::size_t first = picture.find_first_of(active);
  std::size_t last = picture.find_last_of(active);
  if (first == std::string::npos)
    Throw("D3085", "The picture string must contain at least one digit");
  const std::string prefix = picture.substr(0, first);
  const std::string suffix = picture.substr(last + 1);
  const std::string body = picture.substr(first, last - first + 1);
  if (suffix.find('%') != std::string::npos || prefix.find('%') != std::string::npos) x *= 100;
  const std::size_t dot = body.find('.');
  const std::string ipart = body.substr(0, dot);
  const std::string fpart = dot == std::string::npos ? std::string() : body.substr(dot + 1);
  int min_int = 0;
  for (char c : ipart) {
    if (c >= '0' && c <= '9') ++min_int;
  }
  int min_frac = 0;
  int max_frac = 0;
  for (char c : fpart) {
    if (c >= '0' && c <= '9') ++min_frac;
    if (c != ',') ++max_frac;
  }
  int group = 0;
  const std::size_t comma = ipart.rfind(',');
  if (comma != std::string::npos) group = static_cast<int>(ipart.size() - comma - 1);
  const bool negative = x < 0;
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.*f", max_frac, std::fabs(x));
  std::string text(buf);
  std::string ints = text.substr(0, text.find('.'));
  std::string frac = max_frac > 0 ? text.substr(text.find('.') + 1) : std::string();
  while (static_cast<int>(frac.size()) > min_frac && !frac.empty() && frac.back() == '0')
    frac.pop_back();
  if (ints == "0" && min_int == 0 && !frac.empty()) ints.clear();
  while (static_cast<int>(ints.size()) < min_int) ints.insert(ints.begin(), '0');
  std::string out = prefix;
  if (negative) out.insert(out.begin(), '-');
  out += GroupDigits(ints, group);
  if (!frac.empty()) out += "." + frac;
  out += suffix;
  return String(std::move(out));
}

Val FnFormatBase(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  auto n = static_cast<std::int64_t>(std::llround(Num(a, 0, "formatBase")));
  int radix = 10;
  if (Has(a, 1)) radix = static_cast<int>(Num(a, 1, "formatBase"));
  if (radix < 2 || radix > 36)
    Throw("D3100", "The radix of the formatBase function must be between 2 and 36.  It was given " +
                       std::to_string(radix));
  const bool neg = n < 0;
  std::uint64_t u = neg ? static_cast<std::uint64_t>(-(n + 1)) + 1 : static_cast<std::uint64_t>(n);
  std::string out;
  do {
    out.insert(out.begin(),
               "0123456789abcdefghijklmnopqrstuvwxyz"[u % static_cast<unsigned>(radix)]);
    u /= static_cast<unsigned>(radix);
  } while (u > 0);
  if (neg) out.insert(out.begin(), '-');
  return String(std::move(out));
}

// ---- aggregation ----

std::vector<double> Numbers(const Args& a, const char* fn) {
  std::vector<double> out;
  for (const Val& v : Items(a[0])) {
    if (!v.j || !v.j->is_number()) {
      Throw("T0412",
            "Argument 1 of function \"" + std::string(fn) + "\" must be an array of \"numbers\"");
    }
    out.push_back(v.j->get<double>());
  }
  return out;
}

Val FnSum(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  double s = 0;
  for (double d : Numbers(a, "sum")) s += d;
  return Number(s);
}
Val FnMax(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const auto v = Numbers(a, "max");
  if (v.empty()) return Val();
  return Number(*std::max_element(v.begin(), v.end()));
}
Val FnMin(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const auto v = Numbers(a, "min");
  if (v.empty()) return Val();
  return Number(*std::min_element(v.begin(), v.end()));
}
Val FnAverage(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const auto v = Numbers(a, "average");
  if (v.empty()) return Val();
  double s = 0;
  for (double d : v) s += d;
  return Number(s / static_cast<double>(v.size()));
}
Val FnCount(Evaluator&, Args& a, const Val&) {
  if (a.empty() || a[0].undefined()) return Number(0);
  return Number(static_cast<double>(Items(a[0]).size()));
}

// ---- booleans ----

Val FnBoolean(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return Bool(Truthy(a[0]));
}
Val FnNot(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return Bool(!Truthy(a[0]));
}
Val FnExists(Evaluator&, Args& a, const Val&) { return Bool(!a.empty() && !a[0].undefined()); }

// ---- arrays ----

Val FnAppend(Evaluator&, Args& a, const Val&) { return Append(a[0], a[1]); }

Val FnReverse(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  std::vector<Val> items = Items(a[0]);
  std::reverse(items.begin(), items.end());
  return FromItems(std::move(items), false);
}

Val FnSort(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  std::vector<Val> items = Items(a[0]);
  if (items.size() <= 1) return FromItems(std::move(items), false);
  if (Has(a, 1)) {
    if (!a[1].is_fn()) BadArg("sort", 1);
    const Val fn = a[1];
    std::stable_sort(items.begin(), items.end(), [&](const Val& x, const Val& y) {
      Args args{y, x};
      return Truthy(ev.Apply(fn, args, Val()));
    });
  } else {
    const bool numbers = std::all_of(items.begin(), items.end(),
                                     [](const Val& v) { return v.j && v.j->is_number(); });
    const bool strings = std::all_of(items.begin(), items.end(),
                                     [](const Val& v) { return v.j && v.j->is_string(); });
    if (!numbers && !strings) {
      Throw("D3070",
            "The single argument form of the sort function can only be applied to an array of "
            "strings or an array of numbers.  Use the second argument to specify a comparison "
            "function");
    }
    std::stable_sort(items.begin(), items.end(), [&](const Val& x, const Val& y) {
      if (numbers) return x.j->get<double>() < y.j->get<double>();
      return x.j->get_ref<const std::string&>() < y.j->get_ref<const std::string&>();
    });
  }
  return FromItems(std::move(items), false);
}

Val FnShuffle(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  std::vector<Val> items = Items(a[0]);
  sim::Rng* rng = ev.bindings().rng;
  if (rng && items.size() > 1) {
    for (std::size_t i = items.size() - 1; i > 0; --i) {
      const auto j = static_cast<std::size_t>(rng->NextInRange(0, static_cast<std::int64_t>(i)));
      std::swap(items[i], items[j]);
    }
  }
  return FromItems(std::move(items), false);
}

Val FnDistinct(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  if (!a[0].j || !a[0].j->is_array()) return a[0];
  Json out = Json::array();
  for (const Json& e : *a[0].j) {
    if (std::none_of(out.begin(), out.end(), [&](const Json& o) { return DeepEqual(o, e); })) {
      out.push_back(e);
    }
  }
  return Val::Owned(std::move(out));
}

Val FnZip(Evaluator&, Args& a, const Val&) {
  std::vector<std::vector<Val>> arrays;
  std::size_t len = SIZE_MAX;
  for (const Val& v : a) {
    arrays.push_back(Items(v));
    len = std::min(len, arrays.back().size());
  }
  Json out = Json::array();
  if (arrays.empty()) return Val::Owned(std::move(out));
  for (std::size_t i = 0; i < len; ++i) {
    Json tuple = Json::array();
    for (const auto& arr : arrays) tuple.push_back(*arr[i].j);
    out.push_back(std::move(tuple));
  }
  return Val::Owned(std::move(out));
}

// ---- objects ----

Val FnKeys(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined() || !a[0].j) return Val();
  Json out = Json::array();
  auto add = [&](const Json& o) {
    if (!o.is_object()) return;
    for (const auto& [k, v] : o.items()) {
      if (std::find(out.begin(), out.end(), Json(k)) == out.end()) out.push_back(k);
    }
  };
  if (a[0].j->is_array()) {
    for (const Json& e : *a[0].j) add(e);
  } else {
    add(*a[0].j);
  }
  return Val::Sequence(std::move(out));
}

Val FnLookup(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined() || !a[0].j) return Val();
  const std::string& key = Str(a, 1, "lookup");
  const Json& in = *a[0].j;
  if (in.is_object()) {
    auto it = in.find(key);
    if (it == in.end()) return Val();
    return Val::Part(a[0], &*it);
  }
  if (in.is_array()) {
    Json out = Json::array();
    for (const Json& e : in) {
      if (!e.is_object()) continue;
      auto it = e.find(key);
      if (it == e.end()) continue;
      if (it->is_array()) {
        for (const Json& x : *it) out.push_back(x);
      } else {
        out.push_back(*it);
      }
    }
    return Val::Sequence(std::move(out));
  }
  return Val();
}

Val FnSpread(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined() || !a[0].j) return a[0];
  Json out = Json::array();
  auto add = [&](const Json& o) {
    if (!o.is_object()) {
      out.push_back(o);
      return;
    }
    for (const auto& [k, v] : o.items()) out.push_back(Json{{k, v}});
  };
  if (a[0].j->is_array()) {
    for (const Json& e : *a[0].j) add(e);
  } else {
    if (!a[0].j->is_object()) return a[0];
    add(*a[0].j);
  }
  return Val::Sequence(std::move(out));
}

Val FnMerge(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  Json out = Json::object();
  for (const Val& v : Items(a[0])) {
    if (!v.j || !v.j->is_object()) {
      Throw("T0412", "Argument 1 of function \"merge\" must be an array of \"objects\"");
    }
    for (const auto& [k, e] : v.j->items()) out[k] = e;
  }
  return Val::Owned(std::move(out));
}

Val FnEach(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  if (!a[0].j || !a[0].j->is_object()) BadArg("each", 0);
  if (!a[1].is_fn()) BadArg("each", 1);
  const int arity = ev.Arity(a[1]);
  std::vector<Val> out;
  for (const auto& [k, v] : a[0].j->items()) {
    Args args{Val::Part(a[0], &v)};
    if (arity >= 2) args.push_back(String(k));
    if (arity >= 3) args.push_back(a[0]);
    Val r = ev.Apply(a[1], args, Val());
    if (!r.undefined()) out.push_back(std::move(r));
  }
  return FromItems(std::move(out), true);
}

Val FnSift(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  if (!a[0].j || !a[0].j->is_object()) BadArg("sift", 0);
  if (!a[1].is_fn()) BadArg("sift", 1);
  const int arity = ev.Arity(a[1]);
  Json out = Json::object();
  for (const auto& [k, v] : a[0].j->items()) {
    Args args{Val::Part(a[0], &v)};
    if (arity >= 2) args.push_back(String(k));
    if (arity >= 3) args.push_back(a[0]);
    if (Truthy(ev.Apply(a[1], args, Val()))) out[k] = v;
  }
  if (out.empty()) return Val();
  return Val::Owned(std::move(out));
}

Val FnType(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return String(TypeOf(a[0]));
}

Val FnError(Evaluator&, Args& a, const Val&) {
  std::string message = "$error() function evaluated";
  if (Has(a, 0)) message = Str(a, 0, "error");
  Throw("D3137", message);
}

Val FnAssert(Evaluator&, Args& a, const Val&) {
  if (!a[0].j || !a[0].j->is_boolean()) BadArg("assert", 0);
  if (!a[0].j->get<bool>()) {
    std::string message = "$assert() statement failed";
    if (Has(a, 1)) message = Str(a, 1, "assert");
    Throw("D3141", message);
  }
  return Val();
}

// ---- higher-order ----

void NeedFunction(const Args& a, std::size_t i, const char* fn) {
  if (i >= a.size() || !a[i].is_fn()) BadArg(fn, i);
}

Val FnMap(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  NeedFunction(a, 1, "map");
  std::vector<Val> items = Items(a[0]);
  std::vector<Val> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    Val r = ev.CallHof(a[1], items[i], i, a[0]);
    if (!r.undefined()) out.push_back(std::move(r));
  }
  return FromItems(std::move(out), true);
}

Val FnFilter(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  NeedFunction(a, 1, "filter");
  std::vector<Val> items = Items(a[0]);
  std::vector<Val> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (Truthy(ev.CallHof(a[1], items[i], i, a[0]))) out.push_back(items[i]);
  }
  return FromItems(std::move(out), true);
}

Val FnSingle(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  std::vector<Val> items = Items(a[0]);
  Val found;
  bool have = false;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const bool match = !Has(a, 1) || Truthy(ev.CallHof(a[1], items[i], i, a[0]));
    if (!match) continue;
    if (have)
      Throw("D3138",
            "The $single() function expected exactly 1 matching result.  Instead it matched more.");
    found = items[i];
    have = true;
  }
  if (!have)
    Throw("D3139",
          "The $single() function expected exactly 1 matching result.  Instead it matched 0.");
  return found;
}

Val FnReduce(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  NeedFunction(a, 1, "reduce");
  const int arity = ev.Arity(a[1]);
  if (arity < 2)
    Throw("D3050",
          "The second argument of reduce function must be a function with at least two arguments");
  std::vector<Val> items = Items(a[0]);
  std::size_t i = 0;
  Val acc;
  if (Has(a, 2)) {
    acc = a[2];
  } else if (!items.empty()) {
    acc = items[0];
    i = 1;
  }
  for (; i < items.size(); ++i) {
    Args args{acc, items[i]};
    if (arity >= 3) args.push_back(Number(static_cast<double>(i)));
    if (arity >= 4) args.push_back(a[0]);
    acc = ev.Apply(a[1], args, Val());
  }
  return acc;
}

// ---- dates ----

// Minutes east of UTC for a JSONata timezone argument such as "+0100".
int ParseOffset(const std::string& tz) {
  if (tz.size() != 5 || (tz[0] != '+' && tz[0] != '-')) {
    Throw("D3134", "The timezone integer format specifier cannot have more than four digits");
  }
  for (std::size_t i = 1; i < 5; ++i) {
    if (tz[i] < '0' || tz[i] > '9')
      Throw("D3134", "The timezone integer format specifier cannot have more than four digits");
  }
  const int minutes =
      ((tz[1] - '0') * 10 + (tz[2] - '0')) * 60 + (tz[3] - '0') * 10 + (tz[4] - '0');
  return tz[0] == '-' ? -minutes : minutes;
}

std::string Padded(std::int64_t v, std::size_t width) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  while (digits.size() < width) digits.insert(digits.begin(), '0');
  return v < 0 ? "-" + digits : digits;
}

std::string Cased(std::string name, const std::string& modifier) {
  if (modifier == "N") {
    for (char& c : name) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
  } else if (modifier == "n") {
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return name;
}

// XPath-style date/time picture ("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01]")
// for $fromMillis and $now: numeric components, month and day names,
// am/pm and the time zone.
std::string FormatPicture(std::int64_t ms, const std::string& picture, int offset_minutes) {
  static const char* const kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
  static const char* const kDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                      "Friday", "Saturday", "Sunday"};
  const std::int64_t local = ms + static_cast<std::int64_t>(offset_minutes) * 60000;
  const std::string iso = sim::FormatTimestamp(sim::VirtualTime(sim::Millis(local)));
  const std::int64_t year = std::stoll(iso.substr(0, 4));
  const int month = std::stoi(iso.substr(5, 2));
  const int day = std::stoi(iso.substr(8, 2));
  const int hour = std::stoi(iso.substr(11, 2));
  const int minute = std::stoi(iso.substr(14, 2));
  const int second = std::stoi(iso.substr(17, 2));
  const int millis = std::stoi(iso.substr(20, 3));
  const std::int64_t days = (local >= 0 ? local : local - 86399999) / 86400000;
  const int weekday =
      static_cast<int>(((days % 7) + 7 + 3) % 7);  // 0 = Monday; 1970-01-01 was a Thursday
  std::string out;
  for (std::size_t i = 0; i < picture.size(); ++i) {
    const char c = picture[i];
    if (c == ']' && i + 1 < picture.size() && picture[i + 1] == ']') {
      out += ']';
      ++i;
      continue;
    }
    if (c != '[') {
      out += c;
      continue;
    }
    if (i + 1 < picture.size() && picture[i + 1] == '[') {
      out += '[';
      ++i;
      continue;
    }
    const std::size_t close = picture.find(']', i);
    if (close == std::string::npos)
      Throw("D3135", "No matching closing bracket ']' in date/time picture string");
    std::string marker;
    for (std::size_t k = i + 1; k < close; ++k) {
      if (picture[k] != ' ' && picture[k] != '\t' && picture[k] != '\n') marker += picture[k];
    }
    i = close;
    if (marker.empty()) continue;
    const char component = marker[0];
    std::string modifier = marker.substr(1);
    const std::size_t comma = modifier.find(',');
    if (comma != std::string::npos) modifier.resize(comma);
    auto numeric = [&](std::int64_t v, const char* fallback) {
      const std::string m = modifier.empty() ? std::string(fallback) : modifier;
      std::size_t width = 0;
      for (char d : m) {
        if (d >= '0' && d <= '9') ++width;
      }
      return Padded(v, width);
    };
    switch (component) {
      case 'Y':
        out += numeric(year, "1");
        break;
      case 'M':
        if (!modifier.empty() && (modifier[0] == 'N' || modifier[0] == 'n')) {
          out += Cased(kMonths[month - 1], modifier);
        } else {
          out += numeric(month, "1");
        }
        break;
      case 'D':
        out += numeric(day, "1");
        break;
      case 'F':
        if (modifier.empty() || modifier[0] == 'N' || modifier[0] == 'n') {
          out += Cased(kDays[weekday], modifier.empty() ? "n" : modifier);
        } else {
          out += numeric(weekday + 1, "1");
        }
        break;
      case 'H':
        out += numeric(hour, "1");
        break;
      case 'h':
        out += numeric(hour % 12 == 0 ? 12 : hour % 12, "1");
        break;
      case 'P':
        out += Cased(hour < 12 ? "am" : "pm", modifier.empty() ? "n" : modifier);
        break;
      case 'm':
        out += numeric(minute, "01");
        break;
      case 's':
        out += numeric(second, "01");
        break;
      case 'f': {
        std::string frac = Padded(millis, 3);
        std::size_t width = 0;
        for (char d : modifier) {
          if (d >= '0' && d <= '9') ++width;
        }
        if (width == 0) width = 3;
        while (frac.size() < width) frac += '0';
        out += frac.substr(0, width);
        break;
      }
      case 'Z':
      case 'z': {
        if (offset_minutes == 0 && !modifier.empty() && modifier.back() == 't') {
          out += 'Z';
          break;
        }
        const int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
        std::string tz = std::string(offset_minutes < 0 ? "-" : "+") + Padded(a / 60, 2) + ":" +
                         Padded(a % 60, 2);
        out += component == 'z' ? "GMT" + tz : tz;
        break;
      }
      default:
        Throw("D3132", std::string("Unknown component specifier ") + component +
                           " in date/time picture string");
    }
  }
  return out;
}

Val FromMillisWith(std::int64_t ms, const Args& a, std::size_t picture_at) {
  if (!Has(a, picture_at)) {
    if (Has(a, picture_at + 1)) {
      return String(FormatPicture(ms, "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]",
                                  ParseOffset(Str(a, picture_at + 1, "fromMillis"))));
    }
    return String(sim::FormatTimestamp(sim::VirtualTime(sim::Millis(ms))));
  }
  const std::string& picture = Str(a, picture_at, "fromMillis");
  const int offset = Has(a, picture_at + 1) ? ParseOffset(Str(a, picture_at + 1, "fromMillis")) : 0;
  return String(FormatPicture(ms, picture, offset));
}

Val FnNow(Evaluator& ev, Args& a, const Val&) {
  return FromMillisWith(ev.bindings().now.time_since_epoch().count(), a, 0);
}

Val FnMillis(Evaluator& ev, Args&, const Val&) {
  return Number(static_cast<double>(ev.bindings().now.time_since_epoch().count()));
}

Val FnToMillis(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "toMillis");
  if (Has(a, 1)) Throw("D3136", "Date/time pictures are not supported by stepsim's $toMillis()");
  sim::VirtualTime t;
  if (!sim::ParseTimestamp(s, &t)) {
    Throw("D3110",
          "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given " +
              Stringify(Json(s), false));
  }
  return Number(static_cast<double>(t.time_since_epoch().count()));
}

Val FnFromMillis(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const double ms = Num(a, 0, "fromMillis");
  return FromMillisWith(static_cast<std::int64_t>(std::floor(ms)), a, 1);
}

// ---- Step Functions additions (JSONATA-02) ----

Val FnPartition(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const double size = Num(a, 1, "partition");
  if (size <= 0 || std::floor(size) != size) BadArg("partition", 1);
  std::vector<Val> items = Items(a[0]);
  Json out = Json::array();
  const auto n = static_cast<std::size_t>(size);
  for (std::size_t i = 0; i < items.size(); i += n) {
    Json chunk = Json::array();
    for (std::size_t k = i; k < std::min(items.size(), i + n); ++k) chunk.push_back(*items[k].j);
    out.push_back(std::move(chunk));
  }
  return Val::Owned(std::move(out));
}

Val FnRange(Evaluator&, Args& a, const Val&) {
  const double start = Num(a, 0, "range");
  const double end = Num(a, 1, "range");
  const double step = Num(a, 2, "range");
  if (step == 0) BadArg("range", 2);
  Json out = Json::array();
  for (double v = start; step > 0 ? v <= end : v >= end; v += step) {
    out.push_back(MakeNumber(v));
    if (out.size() > 10000000)
      Throw("D2014", "The size of the sequence allocated by $range must not exceed 1e7");
  }
  return Val::Sequence(std::move(out));
}

Val FnHash(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& data = Str(a, 0, "hash");
  std::string algorithm = "SHA-256";
  if (Has(a, 1)) algorithm = Str(a, 1, "hash");
  const EVP_MD* md = nullptr;
  if (algorithm == "MD5")
    md = EVP_md5();
  else if (algorithm == "SHA-1")
    md = EVP_sha1();
  else if (algorithm == "SHA-256")
    md = EVP_sha256();
  else if (algorithm == "SHA-384")
    md = EVP_sha384();
  else if (algorithm == "SHA-512")
    md = EVP_sha512();
  else
    BadArg("hash", 1);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, md, nullptr) != 1) BadArg("hash", 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return String(std::move(out));
}

Val FnUuid(Evaluator& ev, Args&, const Val&) {
  sim::Rng* rng = ev.bindings().rng;
  if (!rng) Throw("D3137", "$uuid() needs a random number generator");
  std::uint64_t hi = rng->Next();
  std::uint64_t lo = rng->Next();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return String(buf);
}

void NormalizeNumbers(Json& j) {
  if (j.is_number_float()) {
    j = MakeNumber(j.get<double>());
  } else if (j.is_array() || j.is_object()) {
    for (auto& e : j) NormalizeNumbers(e);
  }
}

Val FnParse(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "parse");
  Json j = Json::parse(s, nullptr, false);
  if (j.is_discarded()) Throw("D3140", "Unable to parse JSON: " + Stringify(Json(s), false));
  NormalizeNumbers(j);
  return Val::Owned(std::move(j));
}

constexpr int kAny = 1000;

}  // namespace

const std::vector<Builtin>& Builtins() {
  static const std::vector<Builtin> kTable = {
      {"string", FnString, 1, 2, true, 'x', 'x'},
      {"length", FnLength, 1, 1, true, 's', 'x'},
      {"substring", FnSubstring, 2, 3, true, 's', 'n'},
      {"substringBefore", FnSubstringBefore, 2, 2, true, 's', 's'},
      {"substringAfter", FnSubstringAfter, 2, 2, true, 's', 's'},
      {"uppercase", FnUppercase, 1, 1, true, 's', 'x'},
      {"lowercase", FnLowercase, 1, 1, true, 's', 'x'},
      {"trim", FnTrim, 1, 1, true, 's', 'x'},
      {"pad", FnPad, 2, 3, true, 's', 'n'},
      {"contains", FnContains, 2, 2, true, 's', 'r'},
      {"split", FnSplit, 2, 3, true, 's', 'r'},
      {"join", FnJoin, 1, 2, false, 'x', 'x'},
      {"match", FnMatch, 2, 3, true, 's', 'f'},
      {"replace", FnReplace, 3, 4, true, 's', 'r'},
      {"base64encode", FnBase64Encode, 1, 1, true, 's', 'x'},
      {"base64decode", FnBase64Decode, 1, 1, true, 's', 'x'},
      {"encodeUrlComponent", FnEncodeUrlComponent, 1, 1, true, 's', 'x'},
      {"encodeUrl", FnEncodeUrl, 1, 1, true, 's', 'x'},
      {"decodeUrlComponent", FnDecodeUrlComponent, 1, 1, true, 's', 'x'},
      {"decodeUrl", FnDecodeUrl, 1, 1, true, 's', 'x'},
      {"number", FnNumber, 1, 1, true, 'x', 'x'},
      {"abs", FnAbs, 1, 1, true, 'n', 'x'},
      {"floor", FnFloor, 1, 1, true, 'n', 'x'},
      {"ceil", FnCeil, 1, 1, true, 'n', 'x'},
      {"round", FnRound, 1, 2, true, 'n', 'n'},
      {"power", FnPower, 2, 2, true, 'n', 'n'},
      {"sqrt", FnSqrt, 1, 1, true, 'n', 'x'},
      {"random", FnRandom, 0, 1, false, 'x', 'x'},
      {"formatNumber", FnFormatNumber, 2, 3, true, 'n', 's'},
      {"formatBase", FnFormatBase, 1, 2, true, 'n', 'n'},
      {"sum", FnSum, 1, 1, false, 'x', 'x'},
      {"max", FnMax, 1, 1, false, 'x', 'x'},
      {"min", FnMin, 1, 1, false, 'x', 'x'},
      {"average", FnAverage, 1, 1, false, 'x', 'x'},
      {"count", FnCount, 0, 1, false, 'x', 'x'},
      {"boolean", FnBoolean, 1, 1, true, 'x', 'x'},
      {"not", FnNot, 1, 1, true, 'x', 'x'},
      {"exists", FnExists, 1, 1, false, 'x', 'x'},
      {"append", FnAppend, 2, 2, false, 'x', 'x'},
      {"reverse", FnReverse, 1, 1, false, 'x', 'x'},
      {"sort", FnSort, 1, 2, false, 'x', 'x'},
      {"shuffle", FnShuffle, 1, 1, false, 'x', 'x'},
      {"distinct", FnDistinct, 1, 1, false, 'x', 'x'},
      {"zip", FnZip, 0, kAny, false, 'x', 'x'},
      {"keys", FnKeys, 1, 1, true, 'x', 'x'},
      {"lookup", FnLookup, 2, 2, true, 'x', 's'},
      {"spread", FnSpread, 1, 1, true, 'x', 'x'},
      {"merge", FnMerge, 1, 1, false, 'x', 'x'},
      {"each", FnEach, 2, 2, true, 'x', 'f'},
      {"sift", FnSift, 2, 2, true, 'x', 'f'},
      {"type", FnType, 1, 1, false, 'x', 'x'},
      {"error", FnError, 0, 1, false, 'x', 'x'},
      {"assert", FnAssert, 1, 2, false, 'x', 'x'},
      {"map", FnMap, 2, 2, false, 'x', 'x'},
      {"filter", FnFilter, 2, 2, false, 'x', 'x'},
      {"single", FnSingle, 1, 2, false, 'x', 'x'},
      {"reduce", FnReduce, 2, 3, false, 'x', 'x'},
      {"now", FnNow, 0, 2, false, 'x', 'x'},
      {"millis", FnMillis, 0, 0, false, 'x', 'x'},
      {"toMillis", FnToMillis, 1, 2, true, 's', 's'},
      {"fromMillis", FnFromMillis, 1, 3, true, 'n', 's'},
      {"partition", FnPartition, 2, 2, false, 'x', 'x'},
      {"range", FnRange, 3, 3, false, 'x', 'x'},
      {"hash", FnHash, 1, 2, false, 'x', 'x'},
      {"uuid", FnUuid, 0, 0, false, 'x', 'x'},
      {"parse", FnParse, 1, 1, false, 'x', 'x'},
  };
  return kTable;
}

int FindBuiltin(std::string_view name) {
  const auto& table = Builtins();
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (name == table[i].name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace stepsim::jsonata::internal
