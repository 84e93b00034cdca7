#pragma once

#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/json_source.h>
#include <stepsim/asl/loader.h>

#include <vector>

namespace stepsim::asl::internal {

/// Every static rule of the checklist (TOP, ST, VAL and the static parts of
/// the other sections) over a parsed document. Diagnostics come in document
/// order, each with pointer, code, message, file and position filled in.
std::vector<Diagnostic> ValidateDocument(const ParsedJson& document, const LoadOptions& options);

}  // namespace stepsim::asl::internal
