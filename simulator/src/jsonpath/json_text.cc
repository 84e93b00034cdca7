#include <stepsim/jsonpath/json_text.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

namespace stepsim::jsonpath {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

template <typename JsonT>
void Append(std::string& out, const JsonT& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      out += "null";
      break;
    case nlohmann::json::value_t::boolean:
      out += value.template get<bool>() ? "true" : "false";
      break;
    case nlohmann::json::value_t::number_integer: {
      char buffer[24];
      const auto r =
          std::to_chars(buffer, buffer + sizeof buffer, value.template get<std::int64_t>());
      out.append(buffer, r.ptr);
      break;
    }
    case nlohmann::json::value_t::number_unsigned: {
      char buffer[24];
      const auto r =
          std::to_chars(buffer, buffer + sizeof buffer, value.template get<std::uint64_t>());
      out.append(buffer, r.ptr);
      break;
    }
    case nlohmann::json::value_t::number_float:
      AppendJavaDouble(out, value.template get<double>());
      break;
    case nlohmann::json::value_t::string:
      AppendAwsJsonString(out, value.template get_ref<const typename JsonT::string_t&>());
      break;
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ',';
        first = false;
        Append(out, item);
      }
      out += ']';
      break;
    }
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ',';
        first = false;
        AppendAwsJsonString(out, it.key());
        out += ':';
        Append(out, it.value());
      }
      out += '}';
      break;
    }
    case nlohmann::json::value_t::binary:
      out += "null";
      break;
  }
}

}  // namespace

void AppendAwsJsonString(std::string& out, std::string_view text) {
  out += '"';
  std::size_t run = 0;  // start of the pending run of plain bytes
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
        break;
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

void AppendJavaDouble(std::string& out, double value) {
  if (std::isnan(value) || std::isinf(value)) {
    // JSON cannot hold these; nlohmann never produces them from text.
    out += "null";
    return;
  }
  if (value == 0.0) {
    out += std::signbit(value) ? "-0.0" : "0.0";
    return;
  }
  char buffer[64];
  const auto r =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  // buffer holds "[-]d[.ddd]e[+-]xx": split into digits and exponent.
  std::string_view text(buffer, static_cast<std::size_t>(r.ptr - buffer));
  const bool negative = text.front() == '-';
  if (negative) text.remove_prefix(1);
  const std::size_t e_pos = text.find('e');
  std::string digits;
  for (const char c : text.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  const int exponent = std::atoi(std::string(text.substr(e_pos + 1)).c_str());
  if (negative) out += '-';
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const auto int_len = static_cast<std::size_t>(exponent) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out.append(digits, 0, int_len);
        out += '.';
        out.append(digits, int_len, std::string::npos);
      }
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out += digits;
    }
    return;
  }
  out += digits[0];
  out += '.';
  if (digits.size() > 1) {
    out.append(digits, 1, std::string::npos);
  } else {
    out += '0';
  }
  out += 'E';
  out += std::to_string(exponent);
}

void AppendAwsJson(std::string& out, const nlohmann::json& value) { Append(out, value); }

void AppendAwsJson(std::string& out, const nlohmann::ordered_json& value) { Append(out, value); }

std::string ToAwsJson(const nlohmann::json& value) {
  std::string out;
  Append(out, value);
  return out;
}

std::string ToAwsJson(const nlohmann::ordered_json& value) {
  std::string out;
  Append(out, value);
  return out;
}

}  // namespace stepsim::jsonpath
