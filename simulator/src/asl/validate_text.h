#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::asl::internal {

/// Number of Unicode code points in UTF-8 `text`.
std::size_t CodePointCount(std::string_view text);

/// True for an RFC 3339 timestamp as Step Functions accepts it (CHO-09):
/// `YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)`, uppercase `T` and `Z`,
/// with a real calendar date.
bool IsRfc3339Timestamp(std::string_view text);

/// True for a JSONata expression string: starts with `{%` and ends with `%}`
/// (JSONATA-01).
bool IsJsonataExpression(std::string_view text);

/// True when `text` reads like a JSONPath (`$`, `$.x`, `$[0]`, `$$.x`).
bool LooksLikePath(std::string_view text);

/// True for a variable name AWS accepts in `Assign` (VAR-01): an identifier
/// of at most 80 characters (ASCII letters, digits and `_`, not starting
/// with a digit; non-ASCII letters are accepted).
bool IsValidVariableName(std::string_view name);

/// True for a Distributed Map `Label` (DMAP-03): 1..40 characters, none of
/// whitespace, brackets, wildcards, special or control characters.
bool IsValidLabel(std::string_view label);

/// The candidate nearest to `word` by case-insensitive edit distance, or ""
/// when none is close enough to be a likely typo.
std::string NearestName(std::string_view word, const std::vector<std::string_view>& candidates);

/// A short rendering of a JSON value for "got ..." in messages: scalars as
/// compact JSON (long ones shortened), "an object", "an array".
std::string Describe(const nlohmann::ordered_json& value);

}  // namespace stepsim::asl::internal
