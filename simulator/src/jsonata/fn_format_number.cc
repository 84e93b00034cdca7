#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "jsonata/builtins.h"

// $formatNumber: the XPath F&O 3.1 fn:format-number picture (4.7), as
// jsonata-js 2.0.6 implements it, over code points.
namespace stepsim::jsonata::internal {
namespace {

using U32 = std::u32string;

struct Symbols {
  char32_t decimal = U'.';
  char32_t grouping = U',';
  char32_t exponent = U'e';
  char32_t minus = U'-';
  char32_t percent = U'%';
  char32_t per_mille = 0x2030;
  char32_t zero = U'0';
  char32_t digit = U'#';
  char32_t pattern = U';';

  bool IsDigit(char32_t c) const { return c >= zero && c < zero + 10; }
  bool IsActive(char32_t c) const {
    return IsDigit(c) || c == decimal || c == exponent || c == grouping || c == digit ||
           c == pattern;
  }
};

struct SubPicture {
  U32 text, prefix, suffix, active, mantissa, integer, fraction;
  bool has_exponent = false;
  U32 exponent;
};

struct Analysis {
  std::vector<int> integer_groups;
  int regular = 0;
  std::vector<int> fraction_groups;
  int min_integer = 0;
  int scaling = 0;
  int min_fraction = 0;
  int max_fraction = 0;
  int min_exponent = 0;
  U32 prefix, suffix, picture;
};

std::size_t Find(const U32& s, char32_t c, std::size_t from = 0) { return s.find(c, from); }

SubPicture Split(const U32& sub, const Symbols& sy) {
  SubPicture p;
  p.text = sub;
  std::size_t first = sub.size();
  for (std::size_t i = 0; i < sub.size(); ++i) {
    if (sy.IsActive(sub[i]) && sub[i] != sy.exponent) {
      first = i;
      break;
    }
  }
  p.prefix = sub.substr(0, first);
  std::size_t last = sub.size();
  for (std::size_t i = sub.size(); i-- > 0;) {
    if (sy.IsActive(sub[i]) && sub[i] != sy.exponent) {
      last = i + 1;
      break;
    }
  }
  p.suffix = first == sub.size() ? U32() : sub.substr(last);
  if (first == sub.size()) p.prefix = sub;
  const std::size_t active_end = sub.size() - p.suffix.size();
  p.active = p.prefix.size() <= active_end
                 ? sub.substr(p.prefix.size(), active_end - p.prefix.size())
                 : U32();
  const std::size_t e = Find(sub, sy.exponent, p.prefix.size());
  if (e == U32::npos || e > active_end) {
    p.mantissa = p.active;
  } else {
    // jsonata-js indexes the active part with the picture's position.
    p.mantissa = p.active.substr(0, std::min(e, p.active.size()));
    p.exponent = e + 1 <= p.active.size() ? p.active.substr(e + 1) : U32();
    p.has_exponent = true;
  }
  const std::size_t d = Find(p.mantissa, sy.decimal);
  if (d == U32::npos) {
    p.integer = p.mantissa;
    p.fraction = p.suffix;
  } else {
    p.integer = p.mantissa.substr(0, d);
    p.fraction = p.mantissa.substr(d + 1);
  }
  return p;
}

void Validate(const SubPicture& p, const Symbols& sy) {
  const char* error = nullptr;
  const U32& s = p.text;
  auto count = [&](char32_t c) { return std::count(s.begin(), s.end(), c); };
  const std::size_t decimal_pos = Find(s, sy.decimal);
  if (count(sy.decimal) > 1) error = "D3081";
  if (count(sy.percent) > 1) error = "D3082";
  if (count(sy.per_mille) > 1) error = "D3083";
  if (count(sy.percent) > 0 && count(sy.per_mille) > 0) error = "D3084";
  if (std::none_of(p.mantissa.begin(), p.mantissa.end(),
                   [&](char32_t c) { return sy.IsDigit(c) || c == sy.digit; })) {
    error = "D3085";
  }
  if (std::any_of(p.active.begin(), p.active.end(), [&](char32_t c) { return !sy.IsActive(c); })) {
    error = "D3086";
  }
  if (decimal_pos != U32::npos) {
    if ((decimal_pos > 0 && s[decimal_pos - 1] == sy.grouping) ||
        (decimal_pos + 1 < s.size() && s[decimal_pos + 1] == sy.grouping)) {
      error = "D3087";
    }
  } else if (!p.integer.empty() && p.integer.back() == sy.grouping) {
    error = "D3088";
  }
  if (s.find(U32{sy.grouping, sy.grouping}) != U32::npos) error = "D3089";
  const std::size_t opt = Find(p.integer, sy.digit);
  if (opt != U32::npos && std::any_of(p.integer.begin(), p.integer.begin() + static_cast<long>(opt),
                                      [&](char32_t c) { return sy.IsDigit(c); })) {
    error = "D3090";
  }
  const std::size_t last_opt = p.fraction.rfind(sy.digit);
  if (last_opt != U32::npos &&
      std::any_of(p.fraction.begin() + static_cast<long>(last_opt), p.fraction.end(),
                  [&](char32_t c) { return sy.IsDigit(c); })) {
    error = "D3091";
  }
  if (p.has_exponent && !p.exponent.empty() && (count(sy.percent) > 0 || count(sy.per_mille) > 0)) {
    error = "D3092";
  }
  if (p.has_exponent &&
      (p.exponent.empty() || std::any_of(p.exponent.begin(), p.exponent.end(),
                                         [&](char32_t c) { return !sy.IsDigit(c); }))) {
    error = "D3093";
  }
  if (!error) return;
  static const std::pair<const char*, const char*> kMessages[] = {
      {"D3081",
       "The sub-picture must not contain more than one instance of the 'decimal-separator' "
       "character"},
      {"D3082",
       "The sub-picture must not contain more than one instance of the 'percent' character"},
      {"D3083",
       "The sub-picture must not contain more than one instance of the 'per-mille' character"},
      {"D3084", "The sub-picture must not contain both a 'percent' and a 'per-mille' character"},
      {"D3085",
       "The mantissa part of a sub-picture must contain at least one character that is "
       "either an 'optional digit character' or a member of the 'decimal digit family'"},
      {"D3086",
       "The sub-picture must not contain a passive character that is preceded by an active "
       "character and that is followed by another active character"},
      {"D3087",
       "The sub-picture must not contain a 'grouping-separator' character that appears "
       "adjacent to a 'decimal-separator' character"},
      {"D3088",
       "The sub-picture must not contain a 'grouping-separator' at the end of the integer "
       "part"},
      {"D3089",
       "The sub-picture must not contain two adjacent instances of the 'grouping-separator' "
       "character"},
      {"D3090",
       "The integer part of the sub-picture must not contain a member of the 'decimal digit "
       "family' that is followed by an instance of the 'optional digit character'"},
      {"D3091",
       "The fractional part of the sub-picture must not contain an instance of the "
       "'optional digit character' that is followed by a member of the 'decimal digit "
       "family'"},
      {"D3092",
       "A sub-picture that contains a 'percent' or 'per-mille' character must not contain "
       "a character treated as an 'exponent-separator'"},
      {"D3093",
       "The exponent part of the sub-picture must comprise only of one or more characters "
       "that are members of the 'decimal digit family'"},
  };
  for (const auto& [code, message] : kMessages) {
    if (std::string(code) == error) Throw(code, message);
  }
}

// Digits (or optional digits) right of each grouping separator; `to_left`
// counts them on the left instead (the fractional part).
std::vector<int> GroupingPositions(const U32& part, const U32& integer_part, bool to_left,
                                   const Symbols& sy) {
  std::vector<int> positions;
  std::size_t pos = Find(part, sy.grouping);
  while (pos != U32::npos) {
    const U32 side = to_left ? part.substr(0, pos) : part.substr(pos);
    positions.push_back(static_cast<int>(std::count_if(
        side.begin(), side.end(), [&](char32_t c) { return sy.IsDigit(c) || c == sy.digit; })));
    // jsonata-js searches the integer part for the next one, whichever part this is.
    pos = Find(integer_part, sy.grouping, pos + 1);
  }
  return positions;
}

int Regular(const std::vector<int>& indexes) {
  if (indexes.empty()) return 0;
  int factor = indexes[0];
  for (int i : indexes) factor = std::gcd(factor, i);
  for (std::size_t i = 1; i <= indexes.size(); ++i) {
    if (std::find(indexes.begin(), indexes.end(), static_cast<int>(i) * factor) == indexes.end()) {
      return 0;
    }
  }
  return factor;
}

Analysis Analyse(const SubPicture& p, const Symbols& sy) {
  Analysis a;
  auto digits = [&](const U32& s) {
    return static_cast<int>(
        std::count_if(s.begin(), s.end(), [&](char32_t c) { return sy.IsDigit(c); }));
  };
  a.integer_groups = GroupingPositions(p.integer, p.integer, false, sy);
  a.regular = Regular(a.integer_groups);
  a.fraction_groups = GroupingPositions(p.fraction, p.integer, true, sy);
  a.min_integer = digits(p.integer);
  a.scaling = a.min_integer;
  a.min_fraction = digits(p.fraction);
  a.max_fraction =
      static_cast<int>(std::count_if(p.fraction.begin(), p.fraction.end(),
                                     [&](char32_t c) { return sy.IsDigit(c) || c == sy.digit; }));
  if (a.min_integer == 0 && a.max_fraction == 0) {
    if (p.has_exponent) {
      a.min_fraction = 1;
      a.max_fraction = 1;
    } else {
      a.min_integer = 1;
    }
  }
  if (p.has_exponent && a.min_integer == 0 && Find(p.integer, sy.digit) != U32::npos) {
    a.min_integer = 1;
  }
  if (a.min_integer == 0 && a.min_fraction == 0) a.min_fraction = 1;
  if (p.has_exponent) a.min_exponent = digits(p.exponent);
  a.prefix = p.prefix;
  a.suffix = p.suffix;
  a.picture = p.text;
  return a;
}

U32 Fixed(double value, int places, const Symbols& sy) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", std::min(places, 100), std::fabs(value));
  U32 out;
  for (const char* c = buf; *c; ++c) {
    out += (*c >= '0' && *c <= '9') ? sy.zero + static_cast<char32_t>(*c - '0')
                                    : static_cast<char32_t>(*c);
  }
  return out;
}

char32_t Symbol(const Json& options, const char* key, char32_t fallback) {
  auto it = options.find(key);
  if (it == options.end() || !it->is_string()) return fallback;
  const U32 s = Decode(it->get<std::string>());
  return s.empty() ? fallback : s[0];
}

std::string Format(double value, const Analysis& pic, const Symbols& sy, const U32& exponent_sep) {
  double adjusted = value;
  if (Find(pic.picture, sy.percent) != U32::npos) {
    adjusted = value * 100;
  } else if (Find(pic.picture, sy.per_mille) != U32::npos) {
    adjusted = value * 1000;
  }
  double mantissa = adjusted;
  bool has_exponent = false;
  int exponent = 0;
  if (pic.min_exponent != 0) {
    has_exponent = true;
    const double max_mantissa = std::pow(10, pic.scaling);
    const double min_mantissa = std::pow(10, pic.scaling - 1);
    for (int guard = 0; mantissa < min_mantissa && mantissa != 0 && guard < 400; ++guard) {
      mantissa *= 10;
      exponent -= 1;
    }
    for (int guard = 0; mantissa > max_mantissa && guard < 400; ++guard) {
      mantissa /= 10;
      exponent += 1;
    }
  }
  const double rounded = RoundHalfEven(mantissa, pic.max_fraction);
  U32 s = Fixed(rounded, pic.max_fraction, sy);
  const std::size_t dot = Find(s, U'.');
  if (dot == U32::npos) {
    s += sy.decimal;
  } else {
    s[dot] = sy.decimal;
  }
  while (!s.empty() && s.front() == sy.zero) s.erase(s.begin());
  while (!s.empty() && s.back() == sy.zero) s.pop_back();
  std::size_t decimal_pos = Find(s, sy.decimal);
  const int pad_left = pic.min_integer - static_cast<int>(decimal_pos);
  const int pad_right =
      pic.min_fraction - (static_cast<int>(s.size()) - static_cast<int>(decimal_pos) - 1);
  if (pad_left > 0) s.insert(0, static_cast<std::size_t>(pad_left), sy.zero);
  if (pad_right > 0) s.append(static_cast<std::size_t>(pad_right), sy.zero);
  decimal_pos = Find(s, sy.decimal);
  auto insert_at = [&](long at) {
    at = std::clamp(at, 0L, static_cast<long>(s.size()));
    s.insert(static_cast<std::size_t>(at), 1, sy.grouping);
  };
  if (pic.regular > 0) {
    const long groups = (static_cast<long>(decimal_pos) - 1) / pic.regular;
    for (long g = 1; g <= groups; ++g) insert_at(static_cast<long>(decimal_pos) - g * pic.regular);
  } else {
    for (int pos : pic.integer_groups) {
      insert_at(static_cast<long>(decimal_pos) - pos);
      ++decimal_pos;
    }
  }
  decimal_pos = Find(s, sy.decimal);
  for (int pos : pic.fraction_groups) insert_at(pos + static_cast<long>(decimal_pos) + 1);
  decimal_pos = Find(s, sy.decimal);
  if (Find(pic.picture, sy.decimal) == U32::npos || decimal_pos == s.size() - 1) s.pop_back();
  if (has_exponent) {
    U32 e = Fixed(exponent, 0, sy);
    const int pad = pic.min_exponent - static_cast<int>(e.size());
    if (pad > 0) e.insert(0, static_cast<std::size_t>(pad), sy.zero);
    s += exponent_sep;
    if (exponent < 0) s += sy.minus;
    s += e;
  }
  return Encode(pic.prefix + s + pic.suffix);
}

}  // namespace

Val FnFormatNumber(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const double value = Num(a, 0, "formatNumber");
  const U32 picture = Decode(Str(a, 1, "formatNumber"));
  Symbols sy;
  U32 exponent_sep = U"e";
  if (Has(a, 2)) {
    if (!a[2].j || !a[2].j->is_object()) BadArg("formatNumber", 2);
    const Json& o = *a[2].j;
    sy.decimal = Symbol(o, "decimal-separator", sy.decimal);
    sy.grouping = Symbol(o, "grouping-separator", sy.grouping);
    sy.exponent = Symbol(o, "exponent-separator", sy.exponent);
    sy.minus = Symbol(o, "minus-sign", sy.minus);
    sy.percent = Symbol(o, "percent", sy.percent);
    sy.per_mille = Symbol(o, "per-mille", sy.per_mille);
    sy.zero = Symbol(o, "zero-digit", sy.zero);
    sy.digit = Symbol(o, "digit", sy.digit);
    sy.pattern = Symbol(o, "pattern-separator", sy.pattern);
    exponent_sep = U32(1, sy.exponent);
  }
  std::vector<U32> subs{U32()};
  for (char32_t c : picture) {
    if (c == sy.pattern) {
      subs.emplace_back();
    } else {
      subs.back() += c;
    }
  }
  if (subs.size() > 2) {
    Throw("D3080", "The picture string must only contain a maximum of two sub-pictures");
  }
  std::vector<SubPicture> parts;
  for (const U32& s : subs) parts.push_back(Split(s, sy));
  for (const SubPicture& p : parts) Validate(p, sy);
  std::vector<Analysis> pics;
  for (const SubPicture& p : parts) pics.push_back(Analyse(p, sy));
  if (pics.size() == 1) {
    pics.push_back(pics[0]);
    pics[1].prefix.insert(pics[1].prefix.begin(), sy.minus);
  }
  return String(Format(value, value >= 0 ? pics[0] : pics[1], sy, exponent_sep));
}

}  // namespace stepsim::jsonata::internal
