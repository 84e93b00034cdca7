#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/error.h>
#include <stepsim/jsonpath/env.h>
#include <stepsim/jsonpath/path.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace stepsim::sim::internal {

using Json = nlohmann::json;

/// StringMatches (CHO-06): `*` any run of characters, `\*` a literal star,
/// `\\` a literal backslash. nullopt for a malformed pattern (lone `\`).
std::optional<bool> StringMatches(std::string_view value, std::string_view pattern);

/// Evaluates one JSONPath Choice rule (CHO-02..10) against `env`. An error
/// is States.Runtime with the cause tail (no state prefix).
Result<bool> EvaluateChoiceRule(const asl::ChoiceRule& rule, const jsonpath::Env& env);

/// Upper-bound-checked size test: true when the JSON text of `value` is
/// longer than `limit` bytes (IO-11).
bool ExceedsSize(const Json& value, std::size_t limit);

}  // namespace stepsim::sim::internal
