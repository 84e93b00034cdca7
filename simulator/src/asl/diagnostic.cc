#include <stepsim/asl/diagnostic.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stepsim::asl {

namespace {

std::string JoinFormatted(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    if (!out.empty()) out.push_back('\n');
    out.append(FormatDiagnostic(d));
  }
  if (out.empty()) out = "invalid state machine definition";
  return out;
}

bool AllDigits(std::string_view token) {
  if (token.empty()) return false;
  for (char c : token) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string Unescape(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out.push_back(token[i + 1] == '0' ? '~' : '/');
      ++i;
    } else {
      out.push_back(token[i]);
    }
  }
  return out;
}

}  // namespace

std::string FormatDiagnostic(const Diagnostic& d) {
  std::string out;
  out.reserve(d.file.size() + d.pointer.size() + d.message.size() + 48);
  if (!d.file.empty()) {
    out.append(d.file);
    out.push_back(':');
  }
  if (d.position.line > 0) {
    out.append(std::to_string(d.position.line));
    out.push_back(':');
    out.append(std::to_string(d.position.column));
    out.push_back(':');
  }
  if (!out.empty()) out.push_back(' ');
  out.append(d.severity == Severity::kError     ? "error["
             : d.severity == Severity::kWarning ? "warning["
                                                : "info[");
  out.append(d.code);
  out.append("]: ");
  out.append(d.pointer.empty() ? std::string_view("/") : std::string_view(d.pointer));
  out.append(": ");
  out.append(d.message);
  return out;
}

std::string AwsLocation(const std::string& pointer) {
  std::string out;
  out.reserve(pointer.size() + 4);
  std::string_view rest(pointer);
  std::string_view previous;
  bool first = true;
  while (!rest.empty()) {
    // Tokens follow each '/'; a pointer not starting with '/' is malformed
    // and is passed through token by token all the same.
    if (rest.front() == '/') rest.remove_prefix(1);
    const std::size_t slash = rest.find('/');
    const std::string_view token = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    // A state named "0" is a member of `States`, not an array element.
    if (!first && AllDigits(token) && previous != "States") {
      out.push_back('[');
      out.append(token);
      out.push_back(']');
    } else {
      out.push_back('/');
      out.append(Unescape(token));
    }
    previous = token;
    first = false;
  }
  return out;
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::kError) return true;
  }
  return false;
}

void to_json(nlohmann::json& j, const Diagnostic& d) {
  j = nlohmann::json{
      {"severity", d.severity == Severity::kError     ? "ERROR"
                   : d.severity == Severity::kWarning ? "WARNING"
                                                      : "INFO"},
      {"code", d.code},
      {"message", d.message},
      {"location", AwsLocation(d.pointer)},
      {"line", d.position.line},
      {"column", d.position.column},
      {"pointer", d.pointer},
  };
}

void PrintTo(const Diagnostic& d, std::ostream* os) { *os << FormatDiagnostic(d); }

DefinitionError::DefinitionError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(JoinFormatted(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace stepsim::asl
