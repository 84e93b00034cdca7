#pragma once

#include <stepsim/error.h>
#include <stepsim/jsonpath/env.h>
#include <stepsim/jsonpath/path.h>

#include <memory>
#include <string>
#include <string_view>

namespace stepsim::intrinsics {

using Json = nlohmann::json;

/// True when `text` looks like an intrinsic call ("States.Xxx(" prefix: a
/// letter, then `A-Z a-z 0-9 . _`, then `(`), as opposed to a path.
bool LooksLikeCall(std::string_view text);

/// A compiled intrinsic function call (INT-01..21), possibly nested, with
/// string, number, null, true/false, path and call arguments. Parsed once,
/// evaluated many times; cheap to copy.
///
/// Semantics follow what AWS recorded: States.Format prints strings,
/// numbers, booleans and null bare and objects/arrays the way Java's
/// toString does (`{a=1, b=[x]}`); States.StringSplit splits on every
/// character of the delimiter and drops empty tokens; States.MathRandom
/// draws from [start, end) (end exclusive), with a seed exactly like
/// `start + new java.util.Random(seed).nextInt(end - start)`, without one
/// from `env.rng`; numeric arguments are rounded like Java's Math.round and
/// must fit in 32 bits.
class Call {
 public:
  /// Parses `text`; throws jsonpath::SyntaxError with the character offset
  /// and a lower-case message (unknown function, wrong argument count where
  /// it is fixed, unterminated string, a literal given to
  /// States.JsonToString, a bad path argument, nesting deeper than 10).
  /// A backslash that escapes nothing inside a string parses, and fails the
  /// call at run time with `States.Runtime`, as AWS documents (INT-02).
  static Call Parse(std::string_view text);

  const std::string& text() const;
  /// The function name, e.g. "States.Format".
  const std::string& name() const;

  /// Evaluates against `env`. Failures give `States.IntrinsicFailure` (or
  /// the error AWS reports) with AWS's cause text (without the "An error
  /// occurred while executing the state" prefix). Bad argument types and
  /// values give "Invalid arguments in States.Xxx: <what>" [verify: no
  /// recording pins these texts].
  Result<Json> Evaluate(const jsonpath::Env& env) const;
  /// Same, naming the template field being evaluated ("FunctionResult.$",
  /// "CausePath") in the cause AWS gives when a path argument matches
  /// nothing: `States.Runtime`, "The JSONPath '$.x' specified for the field
  /// 'FunctionResult.$' could not be found in the input '<json>'".
  /// States.UUID and States.MathRandom without a seed draw from `env.rng`,
  /// which must then be set (UsageError otherwise).
  Result<Json> Evaluate(const jsonpath::Env& env, std::string_view field) const;

  friend bool operator==(const Call& a, const Call& b) { return a.text() == b.text(); }

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace stepsim::intrinsics
