#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace stepsim::jsonpath {

/// Renders `value` as compact JSON text the way AWS Step Functions writes it
/// in history payloads, `States.JsonToString`, `States.Format` and error
/// causes (number formatting, escaping). Used everywhere stepsim turns a
/// payload into text, so there is one rule.
std::string ToAwsJson(const nlohmann::json& value);

}  // namespace stepsim::jsonpath
