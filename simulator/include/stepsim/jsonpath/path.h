#pragma once

#include <stepsim/error.h>
#include <stepsim/jsonpath/env.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace stepsim::jsonpath {

/// A path that does not parse: what and at which character offset.
class SyntaxError : public std::runtime_error {
 public:
  SyntaxError(std::size_t offset, const std::string& message)
      : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

/// A compiled JSONPath as Step Functions evaluates it (PATH-01..05): Jayway
/// syntax rooted at `$` (state input), `$$` (Context object) or `$name`
/// (workflow variable). Parsed once, evaluated many times; cheap to copy.
class Path {
 public:
  enum class Root { kInput, kContext, kVariable };

  /// Parses `text`; throws SyntaxError (lower-case message, offset of the
  /// offending character). Filters support ==, !=, <, <=, >, >=, =~ /re/i,
  /// in, nin, subsetof, anyof, noneof, size, empty, &&, ||, !, parentheses,
  /// existence (`[?(@.isbn)]`), `@` and `$` operand paths and JSON literals.
  /// Jayway functions (`.length()`) are not supported.
  static Path Parse(std::string_view text);

  const std::string& text() const;
  Root root() const;
  /// For Root::kVariable, the variable's name ("customer" in "$customer.a").
  const std::string& variable() const;
  /// True when the syntax selects at most one node (PATH-02): only
  /// single names and single indexes, no `..`, `*`, unions, slices or
  /// filters. ResultPath requires it (IO-06).
  bool is_reference() const;
  /// Jayway's definite path: a reference path, or one whose only
  /// indefinite-looking part is a final name union (`$.a['b','c']`), which
  /// Jayway merges into one object. Any other path is indefinite and always
  /// yields an array of its matches.
  bool is_definite() const;
  /// Jayway's normalised bracket form, e.g. "$['a'][0]" for "$.a[0]", as it
  /// appears in AWS's error causes. `$$` and `$name` roots print as `$`.
  const std::string& normalized() const;

  /// Selects from the root named by the path. A definite path yields the
  /// node or nullopt when nothing matches; an indefinite path yields an
  /// array of every match in document order, possibly empty, whatever the
  /// document holds (AWS gives [] for `$.missing[*]`). Object members are
  /// visited in nlohmann::json's sorted key order, where AWS would use the
  /// order it received them (a known limit for `*` and `..` on objects).
  /// A `$$` path with no
  /// context or a `$name` path whose variable has no value yields nullopt.
  std::optional<Json> Select(const Env& env) const;
  /// Same, on an explicit root document (ignores the path's root kind).
  std::optional<Json> SelectFrom(const Json& root) const;

  /// The root document this path reads from in `env` (`input`, `context` or
  /// the variable's value), or nullptr when it is unavailable.
  const Json* RootIn(const Env& env) const;
  /// Copy-free lookup for a path whose result is one existing node (a
  /// reference path): the node, or nullptr when nothing matches. Throws
  /// UsageError for any other path.
  const Json* Find(const Json& root) const;
  const Json* Find(const Env& env) const;

  /// Jayway's exception text for a path that yields nullopt on `root`, as
  /// AWS quotes it: "No results for path: $['x']" when the last name or
  /// index is missing, "Missing property in path $['a']" when an inner name
  /// is, and Jayway's type-mismatch texts otherwise. Empty when the path
  /// matches or is indefinite.
  std::string MissMessage(const Json& root) const;

  /// Select that turns a miss into the AWS runtime error for `InputPath`,
  /// `OutputPath`, `ItemsPath`, `*SecondsPath`, `*Path` fields (IO-08):
  /// `States.Runtime` with cause "Invalid path '<text>' : <MissMessage>".
  Result<Json> SelectOrInvalidPath(const Env& env) const;
  /// Select that turns a miss into the AWS runtime error for a payload
  /// template field or Fail `ErrorPath`/`CausePath` (PT-06): `States.Runtime`
  /// with cause "The JSONPath '<text>' specified for the field '<field>'
  /// could not be found in the input '<ToAwsJson(*env.input)>'".
  Result<Json> SelectForField(const Env& env, std::string_view field) const;

  /// Writes `value` at this reference path inside `target`, replacing an
  /// existing node and creating missing intermediate objects (IO-06).
  /// Returns false when it cannot be applied (IO-07), leaving `target`
  /// unchanged: a name step on a non-object, an index step on a non-array
  /// or out of range, an index step on a node that would have to be
  /// created, or a path that is not a `$` reference path.
  bool Assign(Json& target, Json value) const;

  friend bool operator==(const Path& a, const Path& b) { return a.text() == b.text(); }

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

/// The cause AWS gives with `States.Runtime` when `InputPath`/`OutputPath`
/// (or another `*Path` field) matches nothing: "Invalid path '<text>' :
/// <MissMessage>" (IO-08). `root` is what the path was applied to, or null
/// when it was unavailable.
std::string InvalidPathCause(const Path& path, const Json* root);

/// The cause AWS gives with `States.Runtime` when the path of template field
/// `field` (e.g. "x.$", or "ErrorPath") matches nothing (PT-06): "The
/// JSONPath '<text>' specified for the field '<field>' could not be found in
/// the input '<json text of input>'".
std::string FieldNotFoundCause(std::string_view path_text, std::string_view field,
                               const Json& input);

/// The cause used with `States.ResultPathMatchFailure` when ResultPath
/// cannot be applied (IO-07): "Unable to apply ReferencePath <text> to input
/// '<json text of input>'". Not pinned by a recording [verify].
std::string ResultPathCause(const Path& path, const Json& input);

}  // namespace stepsim::jsonpath
