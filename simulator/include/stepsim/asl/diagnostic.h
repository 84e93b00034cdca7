#pragma once

#include <stepsim/asl/json_source.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace stepsim::asl {

/// kInfo: a finding worth knowing that fails nothing (graph lint).
enum class Severity { kError, kWarning, kInfo };

/// One problem found in a definition (VAL-01). `pointer` is an RFC 6901 JSON
/// Pointer ("/States/Charge/Retry/0/IntervalSeconds", "" for the root);
/// `code` is AWS's ValidateStateMachineDefinition code where AWS has one
/// (`MISSING_TRANSITION_TARGET`), one of ours in the same style elsewhere;
/// `message` is lower case, has no final period and says what was found.
struct Diagnostic {
  std::string pointer;
  std::string code;
  Severity severity = Severity::kError;
  std::string message;
  std::string file;
  TextPosition position;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// "file:line:col: severity[CODE]: /pointer: message", the CLI's line.
std::string FormatDiagnostic(const Diagnostic& d);
/// AWS's location form of a pointer: "/States/A/Retry[0]/IntervalSeconds".
std::string AwsLocation(const std::string& pointer);
bool HasErrors(const std::vector<Diagnostic>& diagnostics);

void to_json(nlohmann::json& j, const Diagnostic& d);
void PrintTo(const Diagnostic& d, std::ostream* os);

/// Thrown by asl::Load when a definition has errors; holds every diagnostic
/// (warnings included).
class DefinitionError : public std::runtime_error {
 public:
  explicit DefinitionError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace stepsim::asl
