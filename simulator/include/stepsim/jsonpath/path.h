#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <stepsim/error.h>
#include <stepsim/jsonpath/env.h>

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

  /// Parses `text`; throws SyntaxError.
  static Path Parse(std::string_view text);

  const std::string& text() const;
  Root root() const;
  /// For Root::kVariable, the variable's name ("customer" in "$customer.a").
  const std::string& variable() const;
  /// True when the syntax selects at most one node: no `..`, `*`, unions,
  /// slices or filters (PATH-02).
  bool is_reference() const;
  /// Jayway's definite path: reference syntax (an indefinite path always
  /// yields an array of its matches).
  bool is_definite() const { return is_reference(); }

  /// Selects from the root named by the path. A definite path yields the
  /// node or nullopt when nothing matches; an indefinite path yields an
  /// array of every match in document order (possibly empty).
  std::optional<Json> Select(const Env& env) const;
  /// Same, on an explicit root document (ignores the path's root kind).
  std::optional<Json> SelectFrom(const Json& root) const;

  /// Writes `value` at this reference path inside `target`, replacing an
  /// existing node and creating missing intermediate objects (IO-06).
  /// Returns false when it cannot be applied (IO-07), leaving `target`
  /// unchanged.
  bool Assign(Json& target, Json value) const;

  friend bool operator==(const Path& a, const Path& b) {
    return a.text() == b.text();
  }

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace stepsim::jsonpath
