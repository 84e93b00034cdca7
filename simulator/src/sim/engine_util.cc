#include "sim/engine_util.h"

#include <stepsim/jsonpath/json_text.h>
#include <stepsim/sim/clock.h>

namespace stepsim::sim::internal {
namespace {

int Compare(const std::string& a, const std::string& b) { return a < b ? -1 : (a == b ? 0 : 1); }

std::size_t SizeBound(const Json& v) {
  switch (v.type()) {
    case Json::value_t::object: {
      std::size_t n = 2;
      for (const auto& [k, x] : v.items()) n += k.size() * 6 + 4 + SizeBound(x);
      return n;
    }
    case Json::value_t::array: {
      std::size_t n = 2;
      for (const auto& x : v) n += SizeBound(x) + 1;
      return n;
    }
    case Json::value_t::string:
      return v.get_ref<const std::string&>().size() * 6 + 2;
    default:
      return 26;
  }
}

}  // namespace

std::optional<bool> StringMatches(std::string_view value, std::string_view pattern) {
  // Pattern as (literal-segment, is-star) items, escapes resolved.
  struct Item {
    bool star;
    std::string text;
  };
  std::vector<Item> items;
  std::string lit;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 >= pattern.size() || (pattern[i + 1] != '*' && pattern[i + 1] != '\\')) {
        return std::nullopt;
      }
      lit += pattern[++i];
    } else if (c == '*') {
      items.push_back({false, std::move(lit)});
      lit.clear();
      items.push_back({true, {}});
    } else {
      lit += c;
    }
  }
  items.push_back({false, std::move(lit)});
  // Greedy-with-backtracking glob match over literal segments.
  std::size_t pos = 0;
  bool any = false;  // a star precedes the current segment
  for (std::size_t k = 0; k < items.size(); ++k) {
    const Item& it = items[k];
    if (it.star) {
      any = true;
      continue;
    }
    const bool last = k + 1 == items.size();
    if (!any) {
      if (value.substr(pos, it.text.size()) != it.text) return false;
      pos += it.text.size();
      if (last && pos != value.size()) return false;
    } else if (last) {
      if (value.size() < pos + it.text.size()) return false;
      return value.substr(value.size() - it.text.size()) == it.text;
    } else {
      const auto found = value.find(it.text, pos);
      if (found == std::string_view::npos) return false;
      pos = found + it.text.size();
    }
    any = false;
  }
  return any || pos == value.size();
}

Result<bool> EvaluateChoiceRule(const asl::ChoiceRule& rule, const jsonpath::Env& env) {
  using Kind = asl::ChoiceRule::Kind;
  using Op = asl::ChoiceOperator;
  switch (rule.kind) {
    case Kind::kAnd:
      for (const auto& c : rule.children) {
        auto r = EvaluateChoiceRule(c, env);
        if (!r.ok() || !r.value()) return r;
      }
      return true;
    case Kind::kOr:
      for (const auto& c : rule.children) {
        auto r = EvaluateChoiceRule(c, env);
        if (!r.ok() || r.value()) return r;
      }
      return false;
    case Kind::kNot: {
      auto r = EvaluateChoiceRule(rule.children.at(0), env);
      if (!r.ok()) return r;
      return !r.value();
    }
    case Kind::kCondition:
      // JSONata rules are run by the interpreter's JSONata path; a JSONPath
      // state never holds one (the validator rejects it).
      return AslError{errors::kRuntime,
                      "A JSONata Condition cannot be evaluated in a JSONPath "
                      "Choice state"};
    case Kind::kDataTest:
      break;
  }
  STEPSIM_CHECK(rule.variable.has_value());
  const std::optional<Json> value = rule.variable->Select(env);
  if (rule.op == Op::kIsPresent) {
    return value.has_value() == rule.operand.get<bool>();
  }
  if (!value) {
    return AslError{errors::kRuntime,
                    jsonpath::InvalidPathCause(*rule.variable, rule.variable->RootIn(env))};
  }
  const Json& v = *value;
  std::optional<Json> operand_holder;
  const Json* operand = &rule.operand;
  if (rule.operand_is_path && rule.operand_path) {
    operand_holder = rule.operand_path->Select(env);
    if (!operand_holder) {
      return AslError{errors::kRuntime, jsonpath::InvalidPathCause(*rule.operand_path,
                                                                   rule.operand_path->RootIn(env))};
    }
    operand = &*operand_holder;
  }
  const Json& o = *operand;
  auto both_strings = [&] { return v.is_string() && o.is_string(); };
  auto both_numbers = [&] { return v.is_number() && o.is_number(); };
  auto timestamps = [&](VirtualTime* a, VirtualTime* b) {
    return v.is_string() && o.is_string() && ParseTimestamp(v.get_ref<const std::string&>(), a) &&
           ParseTimestamp(o.get_ref<const std::string&>(), b);
  };
  auto str_cmp = [&] {
    return Compare(v.get_ref<const std::string&>(), o.get_ref<const std::string&>());
  };
  VirtualTime ta, tb;
  switch (rule.op) {
    case Op::kStringEquals:
      return both_strings() && str_cmp() == 0;
    case Op::kStringLessThan:
      return both_strings() && str_cmp() < 0;
    case Op::kStringGreaterThan:
      return both_strings() && str_cmp() > 0;
    case Op::kStringLessThanEquals:
      return both_strings() && str_cmp() <= 0;
    case Op::kStringGreaterThanEquals:
      return both_strings() && str_cmp() >= 0;
    case Op::kStringMatches: {
      if (!both_strings()) return false;
      auto m = StringMatches(v.get_ref<const std::string&>(), o.get_ref<const std::string&>());
      if (!m) {
        return AslError{errors::kRuntime, "Invalid StringMatches pattern: " + o.get<std::string>()};
      }
      return *m;
    }
    case Op::kNumericEquals:
      return both_numbers() && v.get<double>() == o.get<double>();
    case Op::kNumericLessThan:
      return both_numbers() && v.get<double>() < o.get<double>();
    case Op::kNumericGreaterThan:
      return both_numbers() && v.get<double>() > o.get<double>();
    case Op::kNumericLessThanEquals:
      return both_numbers() && v.get<double>() <= o.get<double>();
    case Op::kNumericGreaterThanEquals:
      return both_numbers() && v.get<double>() >= o.get<double>();
    case Op::kBooleanEquals:
      return v.is_boolean() && o.is_boolean() && v == o;
    case Op::kTimestampEquals:
      return timestamps(&ta, &tb) && ta == tb;
    case Op::kTimestampLessThan:
      return timestamps(&ta, &tb) && ta < tb;
    case Op::kTimestampGreaterThan:
      return timestamps(&ta, &tb) && ta > tb;
    case Op::kTimestampLessThanEquals:
      return timestamps(&ta, &tb) && ta <= tb;
    case Op::kTimestampGreaterThanEquals:
      return timestamps(&ta, &tb) && ta >= tb;
    case Op::kIsNull:
      return v.is_null() == o.get<bool>();
    case Op::kIsNumeric:
      return v.is_number() == o.get<bool>();
    case Op::kIsString:
      return v.is_string() == o.get<bool>();
    case Op::kIsBoolean:
      return v.is_boolean() == o.get<bool>();
    case Op::kIsTimestamp: {
      const bool is_ts = v.is_string() && ParseTimestamp(v.get_ref<const std::string&>(), &ta);
      return is_ts == o.get<bool>();
    }
    case Op::kIsPresent:
      break;
  }
  return false;
}

bool ExceedsSize(const Json& value, std::size_t limit) {
  if (SizeBound(value) <= limit) return false;
  return jsonpath::ToAwsJson(value).size() > limit;
}

}  // namespace stepsim::sim::internal
