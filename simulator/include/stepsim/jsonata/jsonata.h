#pragma once

#include <stepsim/error.h>
#include <stepsim/jsonpath/env.h>
#include <stepsim/sim/clock.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace stepsim::sim {
class Rng;
}

namespace stepsim::jsonata {

using Json = nlohmann::json;

/// A JSONata expression that does not parse. `offset` is the character
/// position (0-based) in the expression text; `what()` is JSONata's text with
/// its code first, e.g. "S0202: Expected \")\", got \"]\"".
class SyntaxError : public std::runtime_error {
 public:
  SyntaxError(std::size_t offset, const std::string& message)
      : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

/// What an expression is evaluated against. Pointers are borrowed and must
/// outlive the evaluation; a null member of `$states` makes referencing it an
/// error (JSONATA-04).
struct Bindings {
  const Json* input = nullptr;                        ///< `$states.input`
  const Json* context = nullptr;                      ///< `$states.context`
  const Json* result = nullptr;                       ///< `$states.result`
  const Json* error_output = nullptr;                 ///< `$states.errorOutput`
  const jsonpath::VariableView* variables = nullptr;  ///< workflow variables
  sim::Rng* rng = nullptr;                            ///< `$random()`, `$uuid()`, `$shuffle()`
  sim::VirtualTime now{};                             ///< `$now()`, `$millis()`
};

/// The outcome of a successful evaluation. JSONata distinguishes "nothing"
/// (undefined) from `null`, and an expression may produce a function, which
/// Step Functions cannot use as a value.
struct Value {
  enum class Kind { kJson, kUndefined, kFunction };
  Kind kind = Kind::kUndefined;
  Json json;  ///< set when kind is kJson

  bool is_undefined() const { return kind == Kind::kUndefined; }
};

/// A parsed JSONata 2.0.6 expression (JSONATA-02). Parse once, evaluate many
/// times; an Expression is immutable and can be shared between threads.
/// Not supported: `$eval` (absent on AWS too), functions stored inside
/// arrays or objects, and transform patterns other than field names, `*`,
/// `**`, blocks and predicates. Object keys iterate in sorted order (nlohmann::json), not
/// insertion order.
class Expression {
 public:
  /// Parses `text` (the part between `{%` and `%}`). Throws SyntaxError.
  static Expression Parse(std::string_view text);

  /// Evaluates with no context value (`$` is undefined at the top level).
  /// A failure is AslError{"States.QueryEvaluationError", "<CODE>: <msg>"},
  /// e.g. "T1006: Attempted to invoke a non-function".
  Result<Value> Evaluate(const Bindings& bindings) const;

  /// Evaluates with `context` as the context value `$`.
  Result<Value> Evaluate(const Json& context, const Bindings& bindings) const;

  /// True when the expression uses the implicit input document, which Step
  /// Functions does not have (JSONATA-03): `$` or a field name at the top
  /// level (outside predicates, lambdas and path steps after the first), or
  /// `$$` anywhere.
  bool UsesImplicitInput() const;

  /// The expression text as given to Parse.
  const std::string& text() const;

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

/// True when `s` is a JSONata expression string: it starts with "{%" and
/// ends with "%}", nothing outside the delimiters (JSONATA-01).
bool IsExpression(std::string_view s);

/// A field value of a JSONata-mode state (`Arguments`, `Output`, `Assign`,
/// `Condition`, ...) with every "{% %}" string compiled (JSONATA-01).
class CompiledTemplate {
 public:
  /// Compiles `value`, walking objects and arrays. Throws SyntaxError (with
  /// the message prefixed by the JSON Pointer of the bad string, e.g.
  /// "/a/0: S0202: ...") when an expression does not parse or uses the
  /// implicit input (JSONATA-03).
  static CompiledTemplate Compile(const Json& value);
  static CompiledTemplate Compile(const nlohmann::ordered_json& value);

  /// Replaces every expression by its value. `field` names the field for
  /// cause texts ("Arguments"); nested keys are appended with '/'. Causes
  /// are the tails AWS prints, e.g. "The JSONata expression '$doesNotExist'
  /// specified for the field 'Arguments/FunctionName' returned nothing
  /// (undefined)." The error is always States.QueryEvaluationError.
  Result<Json> Evaluate(const Bindings& bindings, std::string_view field) const;

  /// Like Evaluate, but a whole-field expression may also produce undefined
  /// or a function (for callers that report their own type errors, such as
  /// `Items` or `Condition`); nested expressions still must give a value.
  Result<Value> EvaluateValue(const Bindings& bindings, std::string_view field) const;

  /// True when the template contains no expression (a constant).
  bool is_constant() const;

  /// True when the whole field is one "{% %}" string.
  bool is_expression() const;

  /// The text between the delimiters (trimmed) when is_expression(), else "".
  const std::string& expression_text() const;

  /// The cause AWS gives when a whole-field expression produced a value of
  /// the wrong type, e.g. "The JSONata expression 'true' specified for the
  /// field 'Items' returned an unexpected result type. Expected 'array', but
  /// was 'boolean' for value: true". `expected` is a TypeName ("array").
  std::string UnexpectedTypeCause(std::string_view field, std::string_view expected,
                                  const Json& value) const;

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

/// One-shot convenience: Compile(value).Evaluate(bindings, field). A parse
/// error becomes a States.QueryEvaluationError.
Result<Json> EvaluateTemplate(const Json& value, const Bindings& bindings, std::string_view field);

/// The JSONata type name of a value as AWS prints it in cause texts:
/// "array", "object", "string", "number", "boolean", "null".
std::string TypeName(const Json& value);

}  // namespace stepsim::jsonata
