#pragma once

#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "jsonata/eval.h"

namespace stepsim::jsonata::internal {

/// A function signature such as `<n-n:n>` or `<a<n>s?:a>` (JSONata's
/// parameter type syntax): checks a lambda's arguments and fills the
/// context argument (`-`) as jsonata-js does.
class Signature {
 public:
  /// Parses `text` (with its angle brackets). Throws SyntaxError S0401/S0402.
  static std::shared_ptr<const Signature> Parse(std::string_view text, std::size_t pos);

  /// The arguments to call with: T0410 when they do not fit, T0411 when the
  /// context does not fit a `-` parameter, T0412 for an array of the wrong
  /// item type. `name` names the function in messages.
  std::vector<Val> Validate(const std::vector<Val>& args, const Val& context,
                            const std::string& name) const;

 private:
  struct Param {
    char type = 'x';
    std::string regex;
    bool context = false;
    std::string context_regex;
    std::string subtype;
  };
  std::vector<Param> params_;
  std::regex regex_;
};

}  // namespace stepsim::jsonata::internal
