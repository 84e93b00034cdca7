#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "jsonata/eval.h"

namespace stepsim::jsonata::internal {
namespace {

constexpr double kMaxSafeInteger = 9007199254740992.0;  // 2^53

// Shortest round-trip digits and decimal exponent n with value = 0.d1d2.. * 10^n.
void ShortestDigits(double d, std::string* digits, int* n) {
  char buf[40];
  for (int p = 1; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*e", p - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  // buf is "d.ddde[+-]xx".
  std::string s(buf);
  const std::size_t e = s.find('e');
  const int exp10 = std::atoi(s.c_str() + e + 1);
  digits->clear();
  for (std::size_t i = 0; i < e; ++i) {
    if (s[i] >= '0' && s[i] <= '9') *digits += s[i];
  }
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
  *n = exp10 + 1;
}

void WriteString(const std::string& s, std::string* out) {
  *out += Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
}

void WriteJson(const Json& v, bool pretty, int indent, std::string* out) {
  switch (v.type()) {
    case Json::value_t::null:
      *out += "null";
      return;
    case Json::value_t::boolean:
      *out += v.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      if (std::fabs(v.get<double>()) < kMaxSafeInteger) {
        *out += v.dump();
        return;
      }
      [[fallthrough]];
    case Json::value_t::number_float: {
      const double d = v.get<double>();
      if (!std::isfinite(d)) {
        *out += "null";
        return;
      }
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.14e", d);
      *out += JsNumber(std::strtod(buf, nullptr));
      return;
    }
    case Json::value_t::string:
      WriteString(v.get_ref<const std::string&>(), out);
      return;
    case Json::value_t::array: {
      if (v.empty()) {
        *out += "[]";
        return;
      }
      *out += '[';
      bool first = true;
      for (const Json& e : v) {
        if (!first) *out += ',';
        first = false;
        if (pretty) {
          *out += '\n';
          out->append(static_cast<std::size_t>(indent + 2), ' ');
        }
        WriteJson(e, pretty, indent + 2, out);
      }
      if (pretty) {
        *out += '\n';
        out->append(static_cast<std::size_t>(indent), ' ');
      }
      *out += ']';
      return;
    }
    case Json::value_t::object: {
      if (v.empty()) {
        *out += "{}";
        return;
      }
      *out += '{';
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        if (!first) *out += ',';
        first = false;
        if (pretty) {
          *out += '\n';
          out->append(static_cast<std::size_t>(indent + 2), ' ');
        }
        WriteString(k, out);
        *out += pretty ? ": " : ":";
        WriteJson(e, pretty, indent + 2, out);
      }
      if (pretty) {
        *out += '\n';
        out->append(static_cast<std::size_t>(indent), ' ');
      }
      *out += '}';
      return;
    }
    default:
      *out += "null";
      return;
  }
}

}  // namespace

Json MakeNumber(double d) {
  if (d == std::floor(d) && std::fabs(d) < kMaxSafeInteger) {
    return Json(static_cast<std::int64_t>(d));
  }
  return Json(d);
}

std::string JsNumber(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  if (d == 0) return "0";
  if (d == std::floor(d) && std::fabs(d) < kMaxSafeInteger) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return buf;
  }
  std::string out;
  if (d < 0) {
    out += '-';
    d = -d;
  }
  std::string digits;
  int n = 0;
  ShortestDigits(d, &digits, &n);
  const int k = static_cast<int>(digits.size());
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<std::size_t>(n));
    out += '.';
    out += digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

std::string Stringify(const Json& v, bool pretty) {
  std::string out;
  WriteJson(v, pretty, 0, &out);
  return out;
}

std::string ToStringValue(const Val& v) {
  if (v.is_fn() || !v.j) return std::string();
  const Json& j = *v.j;
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_float() && !std::isfinite(j.get<double>())) {
    Throw("D3001", "Attempting to invoke string function on Infinity or NaN");
  }
  return Stringify(j, false);
}

bool Truthy(const Val& v) {
  if (v.is_fn() || !v.j) return false;
  const Json& j = *v.j;
  switch (j.type()) {
    case Json::value_t::boolean:
      return j.get<bool>();
    case Json::value_t::string:
      return !j.get_ref<const std::string&>().empty();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return j.get<double>() != 0;
    case Json::value_t::object:
      return !j.empty();
    case Json::value_t::array: {
      if (j.size() == 1) return Truthy(Val::Part(v, &j[0]));
      for (const Json& e : j) {
        if (Truthy(Val::Part(v, &e))) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

bool DeepEqual(const Json& a, const Json& b) { return a == b; }

Val Append(const Val& a, const Val& b) {
  if (a.undefined()) return b;
  if (b.undefined()) return a;
  Json out = Json::array();
  for (const Val* v : {&a, &b}) {
    if (v->is_fn()) Throw("T1001", "Functions cannot be stored in an array");
    if (v->j->is_array()) {
      for (const Json& e : *v->j) out.push_back(e);
    } else {
      out.push_back(*v->j);
    }
  }
  return Val::Owned(std::move(out));
}

std::string TypeOf(const Val& v) {
  if (v.is_fn()) return "function";
  if (!v.j) return std::string();
  return TypeName(*v.j);
}

}  // namespace stepsim::jsonata::internal
