// Stable public header: the API below is relied on by other areas; extend,
// do not change.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <stepsim/analysis/obligations.h>
#include <stepsim/asl/definition.h>
#include <stepsim/sim/listener.h>

namespace stepsim::report {

/// One obligation of one definition with what covered it.
struct ObligationCoverage {
  std::string id;           ///< analysis::Obligation::id
  analysis::ObligationKind kind = analysis::ObligationKind::kState;
  analysis::Criterion criterion = analysis::Criterion::kStates;
  std::string state;        ///< the state's name
  std::string pointer;      ///< JSON Pointer of Obligation::source
  std::int64_t line = 0;    ///< 1-based line of Obligation::source in the file
  std::int64_t column = 0;  ///< 1-based column
  std::string description;
  std::int64_t hits = 0;
  /// Names of the tests/scenarios that hit it, sorted, each once.
  std::set<std::string> tests;
};

/// The coverage of one definition file.
struct DefinitionCoverage {
  /// The definition file as given to stepsim (the merge key, with `digest`).
  std::string file;
  /// "sha256:<hex>" of the definition text: files of different versions of a
  /// definition are never merged into each other.
  std::string digest;
  /// Every obligation, in analysis::Obligations order.
  std::vector<ObligationCoverage> obligations;
  /// Names of every test/scenario that ran this definition, sorted.
  std::set<std::string> tests;
  std::int64_t executions = 0;
};

/// A coverage file: any number of definitions, sorted by (file, digest).
/// Its JSON form ("stepsim-coverage/1") is documented in reports/COVERAGE.md.
struct CoverageData {
  std::vector<DefinitionCoverage> definitions;
};

void to_json(nlohmann::json& j, const CoverageData& data);
/// Throws UsageError naming the JSON Pointer of the first bad member.
void from_json(const nlohmann::json& j, CoverageData& data);
void PrintTo(const CoverageData& data, std::ostream* os);

/// Sums `b` into `a`: hits add up, test sets unite. Commutative and
/// associative: merging files in any order gives the same bytes.
void MergeInto(CoverageData& a, const CoverageData& b);

/// Reads a coverage file; throws UsageError with the file name on failure.
CoverageData ReadCoverageFile(const std::string& path);
/// Writes `data` as canonical JSON text (sorted keys, 2-space indent, final
/// newline).
void WriteCoverageFile(const std::string& path, const CoverageData& data);

/// Collects coverage of one definition on the simulator's listener. Add it to
/// sim::Options::listeners; call BeginTest before the runs of each test or
/// scenario so hits are attributed to it.
class CoverageCollector : public sim::ExecutionListener {
 public:
  /// `file` is what DefinitionCoverage::file will say; `text` is the
  /// definition's text (for the digest; "" to digest the canonical document).
  CoverageCollector(std::shared_ptr<const asl::Definition> definition, std::string file,
                    std::string_view text = {});
  ~CoverageCollector() override;

  /// Attributes the following runs to `test` ("" = unattributed).
  void BeginTest(std::string test);

  void OnEvent(const sim::HistoryEvent& event) override;
  void OnTransition(const sim::Transition& transition) override;

  /// The coverage so far.
  DefinitionCoverage Result() const;
  const analysis::Obligations& obligations() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stepsim::report
