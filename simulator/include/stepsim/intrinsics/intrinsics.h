#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <stepsim/error.h>
#include <stepsim/jsonpath/env.h>
#include <stepsim/jsonpath/path.h>

namespace stepsim::intrinsics {

using Json = nlohmann::json;

/// True when `text` looks like an intrinsic call ("States.Xxx(" prefix), as
/// opposed to a path.
bool LooksLikeCall(std::string_view text);

/// A compiled intrinsic function call (INT-01..21), possibly nested, with
/// string, number, null, path and call arguments. Parsed once.
class Call {
 public:
  /// Parses `text`; throws jsonpath::SyntaxError with the character offset
  /// (unknown function, wrong argument count where it is fixed, bad string
  /// escape, nesting deeper than 10).
  static Call Parse(std::string_view text);

  const std::string& text() const;
  /// The function name, e.g. "States.Format".
  const std::string& name() const;

  /// Evaluates against `env`. Failures give `States.IntrinsicFailure` (or
  /// the error AWS reports) with AWS's cause text (without the "An error
  /// occurred while executing the state" prefix).
  Result<Json> Evaluate(const jsonpath::Env& env) const;

  friend bool operator==(const Call& a, const Call& b) {
    return a.text() == b.text();
  }

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace stepsim::intrinsics
