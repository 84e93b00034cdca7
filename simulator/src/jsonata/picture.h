#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// XPath F&O pictures as JSONata 2.0.6 implements them: $formatInteger,
// $parseInteger, and the date/time pictures of $fromMillis and $toMillis.
// Failures throw EvalError with jsonata-js's codes (D3130..D3136).
namespace stepsim::jsonata::internal {

enum class IntegerStyle { kDecimal, kLetters, kRoman, kWords, kSequence };
enum class LetterCase { kUpper, kLower, kTitle };

struct GroupingSeparator {
  int position = 0;  // digits to its right
  char32_t character = U',';
};

/// An analysed integer picture ("#,##0", "w;o", "A", "٠٠").
struct IntegerPicture {
  IntegerStyle style = IntegerStyle::kDecimal;
  LetterCase letter_case = LetterCase::kLower;
  bool ordinal = false;
  char32_t zero = U'0';  // the decimal digit family
  int mandatory_digits = 0;
  int optional_digits = 0;
  bool regular = false;  // one separator repeating every separators[0].position digits
  std::vector<GroupingSeparator> separators;
  std::string token;    // the picture, for kSequence
  int fixed_width = 0;  // digits a parse must read (0: one or more)
};

IntegerPicture AnalyseIntegerPicture(const std::string& picture);
/// Formats floor(value) with `picture` (D3130 for a numbering sequence).
std::string FormatInteger(double value, const IntegerPicture& picture);
/// Parses `text` written with `picture`; nullopt when it does not fit.
std::optional<double> ParseInteger(const std::string& text, const IntegerPicture& picture);

/// $fromMillis: `picture` null means ISO 8601; `timezone` is "±hhmm" or null.
std::string FormatDateTime(std::int64_t millis, const std::string* picture,
                           const std::string* timezone);

/// $toMillis with a picture: nullopt when the text does not match (undefined).
/// Components left of the given ones come from `now_millis`.
std::optional<double> ParseDateTime(const std::string& text, const std::string& picture,
                                    std::int64_t now_millis);

}  // namespace stepsim::jsonata::internal
