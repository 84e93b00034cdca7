// Loading a recorded definition back, and what would cover what a suite
// missed (witness synthesis).
#include <stepsim/analysis/witness.h>
#include <stepsim/asl/loader.h>
#include <stepsim/report/writers.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace stepsim::report {

std::shared_ptr<const asl::Definition> LoadRecordedDefinition(const DefinitionCoverage& d,
                                                              std::string* reason) {
  std::ifstream in(d.file, std::ios::binary);
  if (!in) {
    *reason = "the definition file cannot be read";
    return nullptr;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::shared_ptr<const asl::Definition> definition;
  try {
    asl::LoadOptions options;
    options.file = d.file;
    definition = asl::Load(text, options);
  } catch (const asl::DefinitionError&) {
    *reason = "the definition file no longer loads";
    return nullptr;
  }
  if (Sha256Digest(text) != d.digest && Sha256Digest(definition->document().dump()) != d.digest) {
    *reason = "the definition file changed since the coverage was collected";
    return nullptr;
  }
  return definition;
}

WitnessFn WitnessHints() {
  // Synthesis runs once per definition version, however many obligations ask.
  auto cache = std::make_shared<std::map<std::string, std::optional<analysis::WitnessSuite>>>();
  return [cache](const DefinitionCoverage& d,
                 const ObligationCoverage& o) -> std::optional<std::string> {
    auto it = cache->find(d.file + '\n' + d.digest);
    if (it == cache->end()) {
      std::string reason;
      std::optional<analysis::WitnessSuite> suite;
      if (auto definition = LoadRecordedDefinition(d, &reason)) {
        suite = analysis::SynthesizeWitnesses(definition);
      }
      it = cache->emplace(d.file + '\n' + d.digest, std::move(suite)).first;
    }
    if (!it->second) return std::nullopt;
    for (const analysis::Witness& w : it->second->witnesses) {
      if (std::find(w.covers.begin(), w.covers.end(), o.id) == w.covers.end()) continue;
      nlohmann::json outcomes = nlohmann::json::object();
      for (const auto& [state, answers] : w.outcomes) outcomes[state] = answers;
      return "input " + w.input.dump() + ", outcomes " + outcomes.dump();
    }
    for (const analysis::Unwitnessed& u : it->second->unwitnessed) {
      if (u.obligation == o.id) return "no witness: " + u.reason;
    }
    return std::nullopt;
  };
}

}  // namespace stepsim::report
