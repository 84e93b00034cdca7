#include "jsonata/picture.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "jsonata/builtins.h"

namespace stepsim::jsonata::internal {
namespace {

constexpr const char* kFew[] = {"Zero",    "One",     "Two",       "Three",    "Four",
                                "Five",    "Six",     "Seven",     "Eight",    "Nine",
                                "Ten",     "Eleven",  "Twelve",    "Thirteen", "Fourteen",
                                "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"};
constexpr const char* kOrdinals[] = {
    "Zeroth",     "First",     "Second",    "Third",       "Fourth",     "Fifth",     "Sixth",
    "Seventh",    "Eighth",    "Ninth",     "Tenth",       "Eleventh",   "Twelfth",   "Thirteenth",
    "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"};
constexpr const char* kDecades[] = {"Twenty",  "Thirty", "Forty",  "Fifty",  "Sixty",
                                    "Seventy", "Eighty", "Ninety", "Hundred"};
constexpr const char* kMagnitudes[] = {"Thousand", "Million", "Billion", "Trillion"};
constexpr const char* kDays[] = {"",         "Monday", "Tuesday",  "Wednesday",
                                 "Thursday", "Friday", "Saturday", "Sunday"};
constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
constexpr std::int64_t kDayMillis = 86400000;

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string Words(double num, bool prev, bool ordinal) {
  std::string words;
  if (num <= 19) {
    const auto i = static_cast<std::size_t>(num);
    words = std::string(prev ? " and " : "") + (ordinal ? kOrdinals[i] : kFew[i]);
  } else if (num < 100) {
    const auto tens = static_cast<std::size_t>(std::floor(num / 10));
    const double rest = std::fmod(num, 10);
    words = std::string(prev ? " and " : "") + kDecades[tens - 2];
    if (rest > 0) {
      words += "-" + Words(rest, false, ordinal);
    } else if (ordinal) {
      words = words.substr(0, words.size() - 1) + "ieth";
    }
  } else if (num < 1000) {
    const auto hundreds = static_cast<std::size_t>(std::floor(num / 100));
    const double rest = std::fmod(num, 100);
    words = std::string(prev ? ", " : "") + kFew[hundreds] + " Hundred";
    if (rest > 0) {
      words += Words(rest, true, ordinal);
    } else if (ordinal) {
      words += "th";
    }
  } else {
    auto mag = static_cast<int>(std::floor(std::log10(num) / 3));
    if (mag > 4) mag = 4;
    const double factor = std::pow(10, mag * 3);
    const double mant = std::floor(num / factor);
    const double rest = num - mant * factor;
    words = std::string(prev ? ", " : "") + Words(mant, false, false) + " " + kMagnitudes[mag - 1];
    if (rest > 0) {
      words += Words(rest, true, ordinal);
    } else if (ordinal) {
      words += "th";
    }
  }
  return words;
}

// Word -> value, in jsonata-js's order (the parse regex lists them so).
const std::vector<std::pair<std::string, double>>& WordValues() {
  static const std::vector<std::pair<std::string, double>> kValues = [] {
    std::vector<std::pair<std::string, double>> v;
    for (int i = 0; i < 20; ++i) v.emplace_back(Lower(kFew[i]), i);
    for (int i = 0; i < 20; ++i) v.emplace_back(Lower(kOrdinals[i]), i);
    for (int i = 0; i < 9; ++i) {
      const std::string w = Lower(kDecades[i]);
      v.emplace_back(w, (i + 2) * 10);
      v.emplace_back(w.substr(0, w.size() - 1) + "ieth", (i + 2) * 10);
    }
    v.emplace_back("hundredth", 100);
    for (int i = 0; i < 4; ++i) {
      const std::string w = Lower(kMagnitudes[i]);
      v.emplace_back(w, std::pow(10, (i + 1) * 3));
      v.emplace_back(w + "th", std::pow(10, (i + 1) * 3));
    }
    return v;
  }();
  return kValues;
}

double WordsToNumber(const std::string& text) {
  // Split on ", ", " and ", whitespace, '\' and '-'.
  std::vector<std::string> parts;
  std::string cur;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, ", ") == 0) {
      parts.push_back(cur);
      cur.clear();
      ++i;
    } else if (text.compare(i, 5, " and ") == 0) {
      parts.push_back(cur);
      cur.clear();
      i += 4;
    } else if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\\' ||
               text[i] == '-') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += text[i];
    }
  }
  parts.push_back(cur);
  std::vector<double> segs{0};
  for (const auto& part : parts) {
    double value = NAN;
    for (const auto& [w, v] : WordValues()) {
      if (w == part) value = v;
    }
    if (value < 100) {
      double top = segs.back();
      segs.pop_back();
      if (top >= 1000) {
        segs.push_back(top);
        top = 0;
      }
      segs.push_back(top + value);
    } else {
      const double top = segs.back();
      segs.back() = top * value;
    }
  }
  return std::accumulate(segs.begin(), segs.end(), 0.0);
}

std::string Roman(double value) {
  static const std::pair<int, const char*> kNumerals[] = {
      {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
      {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
  std::string out;
  for (const auto& [v, s] : kNumerals) {
    while (value >= v) {
      out += s;
      value -= v;
    }
  }
  return out;
}

double RomanToDecimal(const std::string& roman) {
  auto value_of = [](char c) -> double {
    switch (c) {
      case 'M':
        return 1000;
      case 'D':
        return 500;
      case 'C':
        return 100;
      case 'L':
        return 50;
      case 'X':
        return 10;
      case 'V':
        return 5;
      case 'I':
        return 1;
      default:
        return NAN;
    }
  };
  double decimal = 0;
  double max = 1;
  for (auto it = roman.rbegin(); it != roman.rend(); ++it) {
    const double v = value_of(*it);
    if (v < max) {
      decimal -= v;
    } else {
      max = v;
      decimal += v;
    }
  }
  return decimal;
}

std::string Letters(double value, char a) {
  std::string out;
  while (value > 0) {
    out.insert(out.begin(), static_cast<char>(a + static_cast<int>(std::fmod(value - 1, 26))));
    value = std::floor((value - 1) / 26);
  }
  return out;
}

double LettersToDecimal(const std::string& letters, char a) {
  double decimal = 0;
  const std::size_t n = letters.size();
  for (std::size_t i = 0; i < n; ++i) {
    decimal += (letters[n - i - 1] - a + 1) * std::pow(26, static_cast<double>(i));
  }
  return decimal;
}

constexpr char32_t kDecimalGroups[] = {
    0x30,   0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
    0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0,
    0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};

// The grouping interval when every separator is the same character at a
// multiple of one interval, else 0.
int RegularInterval(const std::vector<GroupingSeparator>& separators) {
  if (separators.empty()) return 0;
  for (const auto& s : separators) {
    if (s.character != separators[0].character) return 0;
  }
  int factor = separators[0].position;
  for (const auto& s : separators) factor = std::gcd(factor, s.position);
  for (std::size_t i = 1; i <= separators.size(); ++i) {
    const int want = static_cast<int>(i) * factor;
    if (std::none_of(separators.begin(), separators.end(),
                     [&](const GroupingSeparator& s) { return s.position == want; })) {
      return 0;
    }
  }
  return factor;
}

void AnalyseDecimal(const std::string& primary, IntegerPicture* f) {
  std::u32string cps = Decode(primary);
  std::reverse(cps.begin(), cps.end());
  bool have_zero = false;
  int position = 0;
  std::vector<GroupingSeparator> separators;
  for (char32_t cp : cps) {
    bool digit = false;
    for (char32_t group : kDecimalGroups) {
      if (cp >= group && cp <= group + 9) {
        digit = true;
        ++f->mandatory_digits;
        ++position;
        if (!have_zero) {
          f->zero = group;
          have_zero = true;
        } else if (group != f->zero) {
          Throw("D3131",
                "In a decimal digit pattern, all digits must be from the same decimal group");
        }
        break;
      }
    }
    if (digit) continue;
    if (cp == U'#') {
      ++position;
      ++f->optional_digits;
    } else {
      separators.push_back({position, cp});
    }
  }
  if (f->mandatory_digits == 0) {
    f->style = IntegerStyle::kSequence;
    f->token = primary;
    return;
  }
  const int interval = RegularInterval(separators);
  if (interval > 0) {
    f->regular = true;
    f->separators = {{interval, separators[0].character}};
  } else {
    f->separators = std::move(separators);
  }
}

}  // namespace

IntegerPicture AnalyseIntegerPicture(const std::string& picture) {
  IntegerPicture f;
  std::string primary = picture;
  const std::size_t semicolon = picture.rfind(';');
  if (semicolon != std::string::npos) {
    primary = picture.substr(0, semicolon);
    if (picture.compare(semicolon + 1, 1, "o") == 0) f.ordinal = true;
  }
  if (primary == "A" || primary == "a") {
    f.style = IntegerStyle::kLetters;
    if (primary == "A") f.letter_case = LetterCase::kUpper;
  } else if (primary == "I" || primary == "i") {
    f.style = IntegerStyle::kRoman;
    if (primary == "I") f.letter_case = LetterCase::kUpper;
  } else if (primary == "W" || primary == "Ww" || primary == "w") {
    f.style = IntegerStyle::kWords;
    if (primary == "W") f.letter_case = LetterCase::kUpper;
    if (primary == "Ww") f.letter_case = LetterCase::kTitle;
  } else {
    AnalyseDecimal(primary, &f);
  }
  return f;
}

std::string FormatInteger(double value, const IntegerPicture& f) {
  const bool negative = value < 0;
  value = std::fabs(value);
  std::string out;
  switch (f.style) {
    case IntegerStyle::kLetters:
      out = Letters(value, f.letter_case == LetterCase::kUpper ? 'A' : 'a');
      break;
    case IntegerStyle::kRoman:
      out = Roman(value);
      if (f.letter_case == LetterCase::kUpper) out = Upper(out);
      break;
    case IntegerStyle::kWords:
      out = Words(value, false, f.ordinal);
      if (f.letter_case == LetterCase::kUpper) out = Upper(out);
      if (f.letter_case == LetterCase::kLower) out = Lower(out);
      break;
    case IntegerStyle::kDecimal: {
      std::u32string digits;
      for (char c : JsNumber(value)) digits += static_cast<char32_t>(c);
      if (static_cast<int>(digits.size()) < f.mandatory_digits) {
        digits.insert(0, static_cast<std::size_t>(f.mandatory_digits) - digits.size(), U'0');
      }
      if (f.zero != U'0') {
        for (char32_t& c : digits) {
          if (c >= U'0' && c <= U'9') c = c - U'0' + f.zero;
        }
      }
      if (f.regular) {
        const int every = f.separators[0].position;
        const int n = (static_cast<int>(digits.size()) - 1) / every;
        for (int k = n; k > 0; --k) {
          const std::size_t pos = digits.size() - static_cast<std::size_t>(k * every);
          digits.insert(pos, 1, f.separators[0].character);
        }
      } else {
        for (auto it = f.separators.rbegin(); it != f.separators.rend(); ++it) {
          const auto p = static_cast<std::size_t>(it->position);
          if (p > digits.size()) continue;
          digits.insert(digits.size() - p, 1, it->character);
        }
      }
      out = Encode(digits);
      if (f.ordinal) {
        const char last = out.empty() ? '\0' : out.back();
        const char* suffix = last == '1' ? "st" : last == '2' ? "nd" : last == '3' ? "rd" : "th";
        if (out.size() > 1 && out[out.size() - 2] == '1') suffix = "th";
        out += suffix;
      }
      break;
    }
    case IntegerStyle::kSequence:
      Throw("D3130", "Formatting or parsing an integer as a sequence starting with " + f.token +
                         " is not supported by this implementation");
  }
  return negative ? "-" + out : out;
}

std::optional<double> ParseInteger(const std::string& text, const IntegerPicture& f) {
  switch (f.style) {
    case IntegerStyle::kLetters:
      return LettersToDecimal(text, f.letter_case == LetterCase::kUpper ? 'A' : 'a');
    case IntegerStyle::kRoman:
      return RomanToDecimal(f.letter_case == LetterCase::kUpper ? text : Upper(text));
    case IntegerStyle::kWords:
      return WordsToNumber(Lower(text));
    case IntegerStyle::kDecimal: {
      std::u32string digits = Decode(text);
      if (f.ordinal && digits.size() >= 2) digits.resize(digits.size() - 2);
      std::u32string kept;
      for (char32_t c : digits) {
        bool separator = false;
        if (f.regular) {
          separator = c == U',';
        } else {
          for (const auto& s : f.separators) separator = separator || c == s.character;
        }
        if (!separator) kept += f.zero != U'0' ? c - f.zero + U'0' : c;
      }
      double value = 0;
      std::size_t i = 0;
      for (; i < kept.size() && kept[i] >= U'0' && kept[i] <= U'9'; ++i) {
        value = value * 10 + static_cast<double>(kept[i] - U'0');
      }
      if (i == 0) return std::nullopt;
      return value;
    }
    case IntegerStyle::kSequence:
      Throw("D3130", "Formatting or parsing an integer as a sequence starting with " + f.token +
                         " is not supported by this implementation");
  }
  return std::nullopt;
}

// ---- date/time pictures ----

namespace {

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::int64_t DaysFromCivil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = FloorDiv(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  std::int64_t year;
  int month;  // 1..12
  int day;
};

Civil CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = FloorDiv(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const auto d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

// JavaScript's Date.UTC (month 0-based, any field may overflow).
double DateUtc(double year, double month0, double day, double h, double m, double s, double ms) {
  if (year >= 0 && year <= 99) year += 1900;
  const double y = year + std::floor(month0 / 12);
  const double mo = month0 - std::floor(month0 / 12) * 12;
  const auto days = static_cast<double>(DaysFromCivil(static_cast<std::int64_t>(y),
                                                      static_cast<std::int64_t>(mo) + 1, 1)) +
                    day - 1;
  return days * kDayMillis + h * 3600000 + m * 60000 + s * 1000 + ms;
}

struct Instant {
  std::int64_t millis;
  Civil date;
  std::int64_t days;
  int hour, minute, second, ms;
  int weekday;  // 0 = Sunday, as getUTCDay
};

Instant At(std::int64_t millis) {
  Instant t{};
  t.millis = millis;
  t.days = FloorDiv(millis, kDayMillis);
  const std::int64_t in_day = millis - t.days * kDayMillis;
  t.date = CivilFromDays(t.days);
  t.hour = static_cast<int>(in_day / 3600000);
  t.minute = static_cast<int>(in_day / 60000 % 60);
  t.second = static_cast<int>(in_day / 1000 % 60);
  t.ms = static_cast<int>(in_day % 1000);
  t.weekday = static_cast<int>(((t.days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  return t;
}

// Start of ISO week 1 of the year (month 0) or month: the week with the first Thursday.
double StartOfFirstWeek(double year, double month0) {
  const double first = DateUtc(year, month0, 1, 0, 0, 0, 0);
  int dow = At(static_cast<std::int64_t>(first)).weekday;
  if (dow == 0) dow = 7;
  return dow > 4 ? first + (8 - dow) * static_cast<double>(kDayMillis)
                 : first - (dow - 1) * static_cast<double>(kDayMillis);
}

double DeltaWeeks(double start, double end) {
  return (end - start) / (static_cast<double>(kDayMillis) * 7) + 1;
}

struct Fragment {
  double number = 0;
  std::string text;  // P, C, E
  bool is_text = false;
};

Fragment Component(const Instant& t, char component) {
  Fragment f;
  const auto y = static_cast<double>(t.date.year);
  const double m0 = t.date.month - 1;
  switch (component) {
    case 'Y':
      f.number = y;
      break;
    case 'M':
      f.number = t.date.month;
      break;
    case 'D':
      f.number = t.date.day;
      break;
    case 'd':
      f.number = static_cast<double>(t.days - DaysFromCivil(t.date.year, 1, 1) + 1);
      break;
    case 'F':
      f.number = t.weekday == 0 ? 7 : t.weekday;
      break;
    case 'W': {
      const double today = DateUtc(y, m0, t.date.day, 0, 0, 0, 0);
      double week = DeltaWeeks(StartOfFirstWeek(y, 0), today);
      if (week > 52) {
        if (today >= StartOfFirstWeek(y + 1, 0)) week = 1;
      } else if (week < 1) {
        week = DeltaWeeks(StartOfFirstWeek(y - 1, 0), today);
      }
      f.number = std::floor(week);
      break;
    }
    case 'w': {
      const double today = DateUtc(y, m0, t.date.day, 0, 0, 0, 0);
      double week = DeltaWeeks(StartOfFirstWeek(y, m0), today);
      if (week > 4) {
        if (today >= StartOfFirstWeek(y, m0 + 1)) week = 1;
      } else if (week < 1) {
        week = DeltaWeeks(StartOfFirstWeek(y, m0 - 1), today);
      }
      f.number = std::floor(week);
      break;
    }
    case 'X': {
      const auto now = static_cast<double>(t.millis);
      if (now < StartOfFirstWeek(y, 0)) {
        f.number = y - 1;
      } else if (now >= StartOfFirstWeek(y + 1, 0)) {
        f.number = y + 1;
      } else {
        f.number = y;
      }
      break;
    }
    case 'x': {
      const auto now = static_cast<double>(t.millis);
      if (now < StartOfFirstWeek(y, m0)) {
        f.number = m0 == 0 ? 12 : m0;
      } else if (now >= StartOfFirstWeek(y, m0 + 1)) {
        f.number = m0 == 11 ? 1 : m0 + 2;
      } else {
        f.number = m0 + 1;
      }
      break;
    }
    case 'H':
      f.number = t.hour;
      break;
    case 'h':
      f.number = t.hour % 12 == 0 ? 12 : t.hour % 12;
      break;
    case 'P':
      f.text = t.hour >= 12 ? "pm" : "am";
      f.is_text = true;
      break;
    case 'm':
      f.number = t.minute;
      break;
    case 's':
      f.number = t.second;
      break;
    case 'f':
      f.number = t.ms;
      break;
    case 'C':
    case 'E':
      f.text = "ISO";
      f.is_text = true;
      break;
    default:
      break;
  }
  return f;
}

struct Marker {
  bool literal = false;
  std::string text;  // the literal
  char component = 0;
  std::string presentation1;
  char presentation2 = 0;
  bool has_names = false;
  LetterCase names = LetterCase::kLower;
  std::optional<int> width_min;
  std::optional<int> width_max;
  bool has_integer = false;
  IntegerPicture integer;
  int n = -1;  // year digits kept
};

const char* DefaultPresentation(char component) {
  switch (component) {
    case 'Y':
    case 'M':
    case 'D':
    case 'd':
    case 'W':
    case 'w':
    case 'X':
    case 'x':
    case 'H':
    case 'h':
    case 'f':
      return "1";
    case 'F':
    case 'P':
    case 'C':
    case 'E':
      return "n";
    case 'm':
    case 's':
      return "01";
    case 'Z':
    case 'z':
      return "01:01";
    default:
      return nullptr;
  }
}

std::optional<int> ParseWidth(const std::string& w, bool present) {
  if (!present || w == "*") return std::nullopt;
  std::size_t i = 0;
  int v = 0;
  while (i < w.size() && w[i] >= '0' && w[i] <= '9') v = v * 10 + (w[i++] - '0');
  if (i == 0) return std::nullopt;
  return v;
}

Marker AnalyseMarker(const std::string& body) {
  std::string marker;
  for (char c : body) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') marker += c;
  }
  Marker m;
  m.component = marker.empty() ? '\0' : marker[0];
  std::string pres;
  const std::size_t comma = marker.rfind(',');
  if (comma != std::string::npos) {
    const std::string width = marker.substr(comma + 1);
    const std::size_t dash = width.find('-');
    if (dash == std::string::npos) {
      m.width_min = ParseWidth(width, true);
    } else {
      m.width_min = ParseWidth(width.substr(0, dash), true);
      m.width_max = ParseWidth(width.substr(dash + 1), true);
    }
    pres = marker.substr(1, comma - 1);
  } else if (!marker.empty()) {
    pres = marker.substr(1);
  }
  if (pres.size() == 1) {
    m.presentation1 = pres;
  } else if (pres.size() > 1) {
    const char last = pres.back();
    if (std::string_view("atco").find(last) != std::string_view::npos) {
      m.presentation2 = last;
      m.presentation1 = pres.substr(0, pres.size() - 1);
    } else {
      m.presentation1 = pres;
    }
  } else {
    const char* def = DefaultPresentation(m.component);
    if (!def) {
      Throw("D3132", std::string("Unknown component specifier ") + m.component +
                         " in date/time picture string");
    }
    m.presentation1 = def;
  }
  if (m.presentation1[0] == 'n') {
    m.has_names = true;
  } else if (m.presentation1[0] == 'N') {
    m.has_names = true;
    m.names = m.presentation1.size() > 1 && m.presentation1[1] == 'n' ? LetterCase::kTitle
                                                                      : LetterCase::kUpper;
  } else if (std::string_view("YMDdFWwXxHhmsf").find(m.component) != std::string_view::npos) {
    std::string pattern = m.presentation1;
    if (m.presentation2) pattern += std::string(";") + m.presentation2;
    m.integer = AnalyseIntegerPicture(pattern);
    m.has_integer = true;
    if (m.width_min && m.integer.mandatory_digits < *m.width_min) {
      m.integer.mandatory_digits = *m.width_min;
    }
    if (m.component == 'Y') {
      if (m.width_max) {
        m.n = *m.width_max;
        m.integer.mandatory_digits = m.n;
      } else if (m.integer.mandatory_digits + m.integer.optional_digits >= 2) {
        m.n = m.integer.mandatory_digits + m.integer.optional_digits;
      }
    }
  }
  if (m.component == 'Z' || m.component == 'z') {
    m.integer = AnalyseIntegerPicture(m.presentation1);
    m.has_integer = true;
  }
  return m;
}

std::vector<Marker> AnalyseDateTimePicture(const std::string& picture) {
  std::vector<Marker> spec;
  auto add_literal = [&](std::size_t start, std::size_t end) {
    if (end <= start) return;
    std::string text = picture.substr(start, end - start);
    std::string unescaped;
    for (std::size_t i = 0; i < text.size(); ++i) {
      unescaped += text[i];
      if (text[i] == ']' && i + 1 < text.size() && text[i + 1] == ']') ++i;
    }
    Marker m;
    m.literal = true;
    m.text = std::move(unescaped);
    spec.push_back(std::move(m));
  };
  std::size_t start = 0;
  std::size_t pos = 0;
  while (pos < picture.size()) {
    if (picture[pos] == '[') {
      if (pos + 1 < picture.size() && picture[pos + 1] == '[') {
        add_literal(start, pos);
        Marker m;
        m.literal = true;
        m.text = "[";
        spec.push_back(std::move(m));
        pos += 2;
        start = pos;
        continue;
      }
      add_literal(start, pos);
      start = pos;
      pos = picture.find(']', start);
      if (pos == std::string::npos) {
        Throw("D3135", "No matching closing bracket ']' in date/time picture string");
      }
      spec.push_back(AnalyseMarker(picture.substr(start + 1, pos - start - 1)));
      start = pos + 1;
    }
    ++pos;
  }
  add_literal(start, pos);
  return spec;
}

// JavaScript's parseInt on a decimal string (NaN -> 0 here).
int ParseIntPrefix(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  int v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
  return negative ? -v : v;
}

std::string FormatTimezone(const Marker& m, int offset_hours, int offset_minutes) {
  const int offset = offset_hours * 100 + offset_minutes;
  std::string value;
  if (m.integer.regular) {
    value = FormatInteger(offset, m.integer);
  } else {
    const int digits = m.integer.mandatory_digits;
    if (digits == 1 || digits == 2) {
      value = FormatInteger(offset_hours, m.integer);
      if (offset_minutes != 0) {
        value += ":" + FormatInteger(offset_minutes, AnalyseIntegerPicture("00"));
      }
    } else if (digits == 3 || digits == 4) {
      value = FormatInteger(offset, m.integer);
    } else {
      Throw("D3134", "The timezone integer format specifier cannot have more than four digits");
    }
  }
  if (offset >= 0) value = "+" + value;
  if (m.component == 'z') value = "GMT" + value;
  if (offset == 0 && m.presentation2 == 't') value = "Z";
  return value;
}

std::string FormatMarker(const Marker& m, const Instant& t, int offset_hours, int offset_minutes) {
  if (m.component == 'Z' || m.component == 'z') {
    return FormatTimezone(m, offset_hours, offset_minutes);
  }
  Fragment value = Component(t, m.component);
  if (std::string_view("YMDdFWwXxHhms").find(m.component) != std::string_view::npos) {
    if (m.component == 'Y' && m.n != -1) value.number = std::fmod(value.number, std::pow(10, m.n));
    if (!m.has_names) return FormatInteger(value.number, m.integer);
    std::string name;
    if (m.component == 'M' || m.component == 'x') {
      name = kMonths[static_cast<int>(value.number) - 1];
    } else if (m.component == 'F') {
      name = kDays[static_cast<int>(value.number)];
    } else {
      Throw("D3133", std::string("The 'name' modifier can only be applied to months and days in "
                                 "the date/time picture string, not ") +
                         m.component);
    }
    if (m.names == LetterCase::kUpper) name = Upper(name);
    if (m.names == LetterCase::kLower) name = Lower(name);
    if (m.width_max && static_cast<int>(name.size()) > *m.width_max) {
      name.resize(static_cast<std::size_t>(*m.width_max));
    }
    return name;
  }
  if (m.component == 'f') return FormatInteger(value.number, m.integer);
  if (m.component == 'P' && m.has_names && m.names == LetterCase::kUpper) return Upper(value.text);
  return value.text;
}

}  // namespace

std::string FormatDateTime(std::int64_t millis, const std::string* picture,
                           const std::string* timezone) {
  int offset_hours = 0;
  int offset_minutes = 0;
  if (timezone) {
    const int offset = ParseIntPrefix(*timezone);
    offset_hours = static_cast<int>(std::floor(offset / 100.0));
    offset_minutes = offset % 100;
  }
  static const std::string kIso = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";
  const std::vector<Marker> spec = AnalyseDateTimePicture(picture ? *picture : kIso);
  const Instant t =
      At(millis + (static_cast<std::int64_t>(offset_hours) * 60 + offset_minutes) * 60000);
  std::string out;
  for (const Marker& m : spec) {
    out += m.literal ? m.text : FormatMarker(m, t, offset_hours, offset_minutes);
  }
  return out;
}

// ---- parsing with a picture ----

namespace {

std::string EscapeRegex(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view(".*+?^${}()|[]\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

struct PartMatcher {
  std::string regex;
  char component = 0;  // 0 for a literal
  const Marker* marker = nullptr;
};

std::string IntegerRegex(const IntegerPicture& f, int n) {
  switch (f.style) {
    case IntegerStyle::kLetters:
      return f.letter_case == LetterCase::kUpper ? "[A-Z]+" : "[a-z]+";
    case IntegerStyle::kRoman:
      return f.letter_case == LetterCase::kUpper ? "[MDCLXVI]+" : "[mdclxvi]+";
    case IntegerStyle::kWords: {
      std::string r = "(?:";
      for (const auto& [w, v] : WordValues()) r += w + "|";
      return r + "and|[\\-, ])+";
    }
    case IntegerStyle::kDecimal: {
      std::string r = "[0-9]";
      r += n > 0 ? "{" + std::to_string(n) + "}" : "+";
      if (f.ordinal) r += "(?:th|st|nd|rd)";
      return r;
    }
    case IntegerStyle::kSequence:
      Throw("D3130", "Formatting or parsing an integer as a sequence starting with " + f.token +
                         " is not supported by this implementation");
  }
  return "";
}

std::optional<double> ParseName(const Marker& m, const std::string& value) {
  if (m.component == 'P') {
    if (value == "am" || value == "AM") return 0;
    if (value == "pm" || value == "PM") return 1;
    return std::nullopt;
  }
  const bool months = m.component == 'M' || m.component == 'x';
  const int count = months ? 12 : 7;
  for (int i = 0; i < count; ++i) {
    std::string name = months ? kMonths[i] : kDays[i + 1];
    if (m.width_max) name = name.substr(0, static_cast<std::size_t>(*m.width_max));
    if (name == value) return i + 1;
  }
  return std::nullopt;
}

std::optional<double> ParseZone(const Marker& m, std::string value) {
  if (m.component == 'z') value = value.substr(3);
  int hours = 0;
  int minutes = 0;
  if (m.integer.regular) {
    const std::string sep = Encode(std::u32string(1, m.integer.separators[0].character));
    const std::size_t at = value.find(sep);
    hours = ParseIntPrefix(value.substr(0, at));
    minutes = at == std::string::npos ? 0 : ParseIntPrefix(value.substr(at + sep.size()));
  } else if (value.size() - 1 <= 2) {
    hours = ParseIntPrefix(value);
  } else {
    hours = ParseIntPrefix(value.substr(0, 3));
    minutes = ParseIntPrefix(value.substr(3));
  }
  return hours * 60 + minutes;
}

PartMatcher MatcherFor(const Marker& m) {
  PartMatcher p;
  p.marker = &m;
  if (m.literal) {
    p.regex = EscapeRegex(m.text);
    return p;
  }
  p.component = m.component;
  if (m.component == 'Z' || m.component == 'z') {
    p.regex = m.component == 'z' ? "GMT" : "";
    p.regex += "[-+][0-9]+";
    if (m.integer.regular) {
      p.regex +=
          EscapeRegex(Encode(std::u32string(1, m.integer.separators[0].character))) + "[0-9]+";
    }
  } else if (m.has_integer) {
    // A fixed number of digits lets adjacent numbers ("20180205") split.
    int n = m.n;
    if (m.component != 'Y' && m.integer.optional_digits == 0 && m.integer.mandatory_digits >= 2) {
      n = m.integer.mandatory_digits;
    }
    p.regex = IntegerRegex(m.integer, n);
  } else {
    if (m.component != 'M' && m.component != 'x' && m.component != 'F' && m.component != 'P') {
      Throw("D3133", std::string("The 'name' modifier can only be applied to months and days in "
                                 "the date/time picture string, not ") +
                         m.component);
    }
    p.regex = "[a-zA-Z]+";
  }
  return p;
}

bool IsType(int type, int mask) { return !(~type & mask) && (type & mask); }

}  // namespace

std::optional<double> ParseDateTime(const std::string& text, const std::string& picture,
                                    std::int64_t now_millis) {
  const std::vector<Marker> spec = AnalyseDateTimePicture(picture);
  std::vector<PartMatcher> parts;
  std::string full = "^";
  for (const Marker& m : spec) {
    parts.push_back(MatcherFor(m));
    full += "(" + parts.back().regex + ")";
  }
  full += "$";
  std::smatch match;
  const std::regex re(full, std::regex::ECMAScript | std::regex::icase);
  if (!std::regex_match(text, match, re)) return std::nullopt;
  std::map<char, double> comps;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const PartMatcher& p = parts[i];
    if (!p.component) continue;
    const std::string value = match.str(i + 1);
    std::optional<double> v;
    if (p.component == 'Z' || p.component == 'z') {
      v = ParseZone(*p.marker, value);
    } else if (p.marker->has_integer) {
      v = ParseInteger(value, p.marker->integer);
    } else {
      v = ParseName(*p.marker, value);
    }
    comps[p.component] = v ? *v : NAN;
  }
  if (comps.empty()) return std::nullopt;
  auto truthy = [&](char c) {
    auto it = comps.find(c);
    return it != comps.end() && it->second != 0 && !std::isnan(it->second);
  };
  int mask = 0;
  for (char c : std::string("YXMxWwdD")) mask = (mask << 1) + (truthy(c) ? 1 : 0);
  const bool date_a = IsType(161, mask);
  const bool date_b = !date_a && IsType(130, mask);
  const bool date_c = IsType(84, mask);
  const bool date_d = !date_c && IsType(72, mask);
  mask = 0;
  for (char c : std::string("PHhmsf")) mask = (mask << 1) + (truthy(c) ? 1 : 0);
  const bool time_a = IsType(23, mask);
  const bool time_b = !time_a && IsType(47, mask);
  const std::string order = std::string(date_b   ? "YD"
                                        : date_c ? "XxwF"
                                        : date_d ? "XWF"
                                                 : "YMD") +
                            (time_b ? "Phmsf" : "Hmsf");
  const Instant now = At(now_millis);
  bool start = false;
  bool end = false;
  for (char c : order) {
    if (comps.find(c) == comps.end()) {
      if (start) {
        comps[c] = (c == 'M' || c == 'D' || c == 'd') ? 1 : 0;
        end = true;
      } else {
        const Fragment f = Component(now, c);
        comps[c] = f.is_text ? NAN : f.number;
      }
    } else {
      start = true;
      if (end) {
        Throw("D3136",
              "The date/time picture string is missing specifiers required to parse the timestamp");
      }
    }
  }
  double month0 = comps['M'] > 0 ? comps['M'] - 1 : 0;
  double day = comps['D'];
  if (date_b) {
    const double ms = DateUtc(comps['Y'], 0, 1, 0, 0, 0, 0) + (comps['d'] - 1) * kDayMillis;
    const Instant derived = At(static_cast<std::int64_t>(ms));
    month0 = derived.date.month - 1;
    day = derived.date.day;
  }
  if (date_c || date_d) {
    Throw("D3136",
          "The date/time picture string is missing specifiers required to parse the timestamp");
  }
  double hour = comps['H'];
  if (time_b) {
    hour = comps['h'] == 12 ? 0 : comps['h'];
    if (comps['P'] == 1) hour += 12;
  }
  double millis = DateUtc(comps['Y'], month0, day, hour, comps['m'], comps['s'], comps['f']);
  const double zone = truthy('Z') ? comps['Z'] : truthy('z') ? comps['z'] : 0;
  millis -= zone * 60 * 1000;
  return millis;
}

}  // namespace stepsim::jsonata::internal
