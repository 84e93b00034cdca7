#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace stepsim::jsonpath {

/// Renders `value` as compact JSON text the way AWS Step Functions writes it
/// in history payloads, `States.JsonToString`, `States.Format` and error
/// causes (number formatting, escaping). Used everywhere stepsim turns a
/// payload into text, so there is one rule:
/// - no whitespace; object members in the value's own order (nlohmann::json
///   sorts keys, whereas AWS keeps the order it received: a known limit;
///   use the ordered_json overload where author order is known);
/// - integers as written; floating-point numbers as Java's
///   `Double.toString` (Jackson) prints them: shortest round-trip digits,
///   at least one fractional digit, plain notation for magnitudes in
///   [1e-3, 1e7) ("1.5", "0.1", "1234567.0") and `E` notation otherwise
///   ("1.0E7", "1.0E21", "1.0E-4");
/// - strings escape `"`, `\`, and control characters (`\b \t \n \f \r`,
///   others as `\u00XX` with upper-case hex); `/` and non-ASCII UTF-8 are
///   written as they are.
std::string ToAwsJson(const nlohmann::json& value);
/// Same, keeping the member order of an ordered_json.
std::string ToAwsJson(const nlohmann::ordered_json& value);

/// Appends ToAwsJson(value) to `out` (no temporary string).
void AppendAwsJson(std::string& out, const nlohmann::json& value);
void AppendAwsJson(std::string& out, const nlohmann::ordered_json& value);

/// Appends one string value as a quoted, escaped JSON string.
void AppendAwsJsonString(std::string& out, std::string_view text);
/// Appends a double as Java's `Double.toString` writes it (see ToAwsJson).
void AppendJavaDouble(std::string& out, double value);

}  // namespace stepsim::jsonpath
