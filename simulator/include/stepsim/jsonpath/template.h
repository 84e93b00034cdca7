#pragma once

#include <stepsim/error.h>
#include <stepsim/jsonpath/env.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace stepsim::jsonpath {

/// A template that does not compile: the JSON Pointer (relative to the
/// template's root) of the offending key or value, and what is wrong.
class TemplateError : public std::runtime_error {
 public:
  TemplateError(std::string pointer, const std::string& message)
      : std::runtime_error(message), pointer_(std::move(pointer)) {}
  const std::string& pointer() const { return pointer_; }

 private:
  std::string pointer_;
};

/// A compiled JSONPath-mode payload template: `Parameters`, `ItemSelector`,
/// `ResultSelector`, a `.$`-keyed `Assign` (PT-01..07). Keys ending in `.$`
/// take a path (`$`, `$$`, `$var`) or an intrinsic call; other values are
/// copied as they are.
class Template {
 public:
  /// Compiles `value` (any JSON value; objects and arrays are walked).
  /// Throws TemplateError on a bad path or intrinsic, or on two keys equal
  /// after stripping `.$` (PT-04).
  static Template Compile(const nlohmann::ordered_json& value);

  /// Evaluates against `env`. A path that matches nothing or a failing
  /// intrinsic gives the AslError AWS reports; its `cause` is the text AWS
  /// prints after "An error occurred while executing the state '<S>'
  /// (entered at the event id #<n>). ", which the interpreter prepends.
  Result<Json> Evaluate(const Env& env) const;

  /// The template as written.
  const nlohmann::ordered_json& source() const;

  friend bool operator==(const Template& a, const Template& b) { return a.source() == b.source(); }

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace stepsim::jsonpath
