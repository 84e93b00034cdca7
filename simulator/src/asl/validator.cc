// Placeholder until the validator lands: accepts every parsed document.
#include "asl/validator.h"

namespace stepsim::asl::internal {

std::vector<Diagnostic> ValidateDocument(const ParsedJson& /*document*/,
                                         const LoadOptions& /*options*/) {
  return {};
}

}  // namespace stepsim::asl::internal
