#include <algorithm>
#include <cmath>
#include <cstdint>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jsonata/builtins.h"
#include "text/utf8.h"

namespace stepsim::jsonata::internal {

namespace {

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

void CheckNonEmptyMatch(const std::smatch& m) {
  if (m.length(0) == 0) Throw("D1004", "Regular expression matches zero length string");
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

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Val UrlEncode(Args& a, const char* fn, const char* keep) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, fn);
  for (char32_t c : Decode(s)) {
    // A lone surrogate cannot be percent-encoded (JavaScript's URIError).
    if (c >= 0xD800 && c <= 0xDFFF) {
      Throw("D3140",
            "Malformed URL passed to $" + std::string(fn) + "(): " + Stringify(Json(s), false));
    }
  }
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

}  // namespace

// ---- strings ----

Val FnString(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  if (Has(a, 1) && !(a[1].j && a[1].j->is_boolean())) BadArg("string", 1);
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
    limit = std::floor(limit);
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

Val FnEncodeUrlComponent(Evaluator&, Args& a, const Val&) {
  return UrlEncode(a, "encodeUrlComponent", "");
}

Val FnEncodeUrl(Evaluator&, Args& a, const Val&) {
  return UrlEncode(a, "encodeUrl", ";,/?:@&=+$#");
}

Val FnDecodeUrlComponent(Evaluator&, Args& a, const Val&) {
  return UrlDecode(a, "decodeUrlComponent");
}

Val FnDecodeUrl(Evaluator&, Args& a, const Val&) { return UrlDecode(a, "decodeUrl"); }

}  // namespace stepsim::jsonata::internal
