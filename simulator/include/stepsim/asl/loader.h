#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/asl/diagnostic.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::asl {

struct LoadOptions {
  /// Name reported in diagnostics ("" for a string).
  std::string file;
  /// Warnings do not stop loading; set to make them errors.
  bool warnings_as_errors = false;
};

/// Validates `text` and builds the model. Throws DefinitionError holding
/// every diagnostic when there is any error (VAL-04).
std::shared_ptr<const Definition> Load(std::string_view text, const LoadOptions& options = {});
/// Reads and loads a file; an unreadable file is a DefinitionError with code
/// `FILE_NOT_READABLE`.
std::shared_ptr<const Definition> LoadFile(const std::string& path);

/// Every diagnostic for `text`, errors and warnings, in document order
/// (VAL-01..05). Never throws on bad input.
std::vector<Diagnostic> Validate(std::string_view text, const LoadOptions& options = {});

}  // namespace stepsim::asl
