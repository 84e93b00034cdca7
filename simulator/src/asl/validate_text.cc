#include "asl/validate_text.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace stepsim::asl::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `count` digits at `pos`; false when any is missing.
bool ReadDigits(std::string_view text, std::size_t pos, std::size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!IsDigit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays.at(static_cast<std::size_t>(month - 1));
}

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::size_t CodePointCount(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
  }
  return count;
}

bool IsRfc3339Timestamp(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!ReadDigits(text, 0, 4, &year) || text.size() < 20 || text[4] != '-' ||
      !ReadDigits(text, 5, 2, &month) || text[7] != '-' || !ReadDigits(text, 8, 2, &day) ||
      text[10] != 'T' || !ReadDigits(text, 11, 2, &hour) || text[13] != ':' ||
      !ReadDigits(text, 14, 2, &minute) || text[16] != ':' || !ReadDigits(text, 17, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return false;
  }
  std::size_t pos = 19;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos;
    if (pos == start) return false;
  }
  if (pos == text.size()) return false;
  if (text[pos] == 'Z') return pos + 1 == text.size();
  if (text[pos] != '+' && text[pos] != '-') return false;
  int offset_hour = 0;
  int offset_minute = 0;
  return pos + 6 == text.size() && ReadDigits(text, pos + 1, 2, &offset_hour) &&
         text[pos + 3] == ':' && ReadDigits(text, pos + 4, 2, &offset_minute) &&
         offset_hour <= 23 && offset_minute <= 59;
}

bool IsJsonataExpression(std::string_view text) {
  return text.size() >= 4 && text.substr(0, 2) == "{%" && text.substr(text.size() - 2) == "%}";
}

bool LooksLikePath(std::string_view text) {
  if (text.empty() || text[0] != '$') return false;
  if (text.size() == 1) return true;
  return text[1] == '.' || text[1] == '[' || text[1] == '$';
}

bool IsValidVariableName(std::string_view name) {
  if (name.empty() || CodePointCount(name) > 80) return false;
  if (IsDigit(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80U || std::isalnum(u) != 0 || c == '_';
  });
}

bool IsValidLabel(std::string_view label) {
  if (label.empty() || CodePointCount(label) > 40) return false;
  static constexpr std::string_view kForbidden = "<>{}[]?*\"#%\\^|~`$&,;:/";
  for (std::size_t i = 0; i < label.size(); ++i) {
    const auto u = static_cast<unsigned char>(label[i]);
    if (u <= 0x20U || u == 0x7FU) return false;
    if (kForbidden.find(label[i]) != std::string_view::npos) return false;
    // U+0080..U+009F are encoded as C2 80..C2 9F.
    if (u == 0xC2U && i + 1 < label.size()) {
      const auto next = static_cast<unsigned char>(label[i + 1]);
      if (next >= 0x80U && next <= 0x9FU) return false;
    }
    // Non-breaking and other Unicode spaces commonly typed by accident.
    if (u == 0xC2U && i + 1 < label.size() && static_cast<unsigned char>(label[i + 1]) == 0xA0U) {
      return false;
    }
  }
  return true;
}

std::string NearestName(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_distance = 0;
  for (const std::string_view candidate : candidates) {
    const std::size_t distance = EditDistance(word, candidate);
    const std::size_t limit = std::max<std::size_t>(1, candidate.size() / 3);
    if (distance > limit || distance == 0) continue;
    if (best.empty() || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  // A case-only difference (distance 0 after folding) is the best hint.
  for (const std::string_view candidate : candidates) {
    if (candidate != word && candidate.size() == word.size() &&
        EditDistance(word, candidate) == 0) {
      return std::string(candidate);
    }
  }
  return std::string(best);
}

std::string Describe(const nlohmann::ordered_json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  std::string text = value.dump();
  static constexpr std::size_t kMaxLength = 60;
  if (CodePointCount(text) > kMaxLength) {
    std::size_t cut = 0;
    std::size_t points = 0;
    while (cut < text.size() && points < kMaxLength) {
      ++cut;
      while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
        ++cut;
      }
      ++points;
    }
    text = text.substr(0, cut) + "...";
  }
  return text;
}

}  // namespace stepsim::asl::internal
