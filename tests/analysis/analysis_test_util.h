#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace stepsim::analysis {

/// The conformance corpus: real definitions AWS accepted, next to the
/// source tree (absent on machines without it).
inline std::filesystem::path CorpusRoot() {
  return std::filesystem::path(STEPSIM_FIXTURES_DIR) / "../../shared/conformance/cases";
}

/// Every `definition.asl.json` below `root`, sorted so that loops over the
/// corpus report in a stable order.
inline std::vector<std::filesystem::path> CorpusDefinitions(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().filename() == "definition.asl.json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace stepsim::analysis
