// Stable public header: the API below is relied on by other areas; extend,
// do not change.
#pragma once

#include <stepsim/analysis/obligations.h>
#include <stepsim/asl/definition.h>
#include <stepsim/error.h>
#include <stepsim/sim/listener.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::report {

/// One obligation of one definition with what covered it.
struct ObligationCoverage {
  std::string id;  ///< analysis::Obligation::id
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

/// One scope of a definition (the root, a Parallel branch, a Map processor):
/// what lcov calls a function and Cobertura a method.
struct ScopeCoverage {
  /// "(root)", "<Parallel>/branch<i>" or "<Map>/processor".
  std::string name;
  /// The scope's StartAt state; its `state:` obligation's hits count the
  /// scope's entries.
  std::string start;
  std::string pointer;      ///< JSON Pointer of the {StartAt, States} object
  std::int64_t line = 0;    ///< 1-based line of that object
  std::int64_t column = 0;  ///< 1-based column
  /// The scope's own states, in definition order.
  std::vector<std::string> states;

  friend bool operator==(const ScopeCoverage&, const ScopeCoverage&) = default;
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
  /// Every scope, depth first in definition order (root first).
  std::vector<ScopeCoverage> scopes;
};

/// A coverage file: any number of definitions, sorted by (file, digest).
/// Its JSON form ("stepsim-coverage/1") is documented in reports/COVERAGE.md.
struct CoverageData {
  std::vector<DefinitionCoverage> definitions;
};

/// The `format` member of every coverage file.
inline constexpr std::string_view kCoverageFormat = "stepsim-coverage/1";

/// A coverage file or document that is not "stepsim-coverage/1": `pointer`
/// names the first bad member; what() is "/pointer: message" (or, from
/// ReadCoverageFile, "file:line:col: error[COVERAGE_FILE_INVALID]: /pointer:
/// message").
class CoverageFileError : public UsageError {
 public:
  CoverageFileError(std::string pointer, std::string message);
  CoverageFileError(std::string file, asl::TextPosition position, std::string code,
                    std::string pointer, std::string message);
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] asl::TextPosition position() const { return position_; }
  [[nodiscard]] const std::string& code() const { return code_; }
  [[nodiscard]] const std::string& pointer() const { return pointer_; }
  [[nodiscard]] const std::string& message() const { return message_; }

 private:
  std::string file_;
  asl::TextPosition position_;
  std::string code_;
  std::string pointer_;
  std::string message_;
};

void to_json(nlohmann::json& j, const ObligationCoverage& obligation);
void to_json(nlohmann::json& j, const ScopeCoverage& scope);
void to_json(nlohmann::json& j, const DefinitionCoverage& definition);
void PrintTo(const ObligationCoverage& obligation, std::ostream* os);
void PrintTo(const DefinitionCoverage& definition, std::ostream* os);
void to_json(nlohmann::json& j, const CoverageData& data);
/// Throws UsageError naming the JSON Pointer of the first bad member.
void from_json(const nlohmann::json& j, CoverageData& data);
void PrintTo(const CoverageData& data, std::ostream* os);

/// Sums `b` into `a`: hits add up, test sets unite. Commutative and
/// associative: merging files in any order gives the same bytes.
void MergeInto(CoverageData& a, const CoverageData& b);

/// The entry of `data` for `file` with `digest` (for instance
/// Sha256Digest of the file's text), or nullptr when there is none. Used by
/// `stepsim graph --coverage` to find the definition it draws.
const DefinitionCoverage* FindDefinition(const CoverageData& data, std::string_view file,
                                         std::string_view digest);

/// Reads a coverage file; throws UsageError with the file name on failure.
/// (A CoverageFileError whose what() is
/// "file:line:col: error[CODE]: /pointer: message"; codes FILE_NOT_READABLE,
/// INVALID_JSON, COVERAGE_FILE_INVALID.)
CoverageData ReadCoverageFile(const std::string& path);
/// Parses the text of a coverage file; `file` names it in errors.
CoverageData ParseCoverageText(std::string_view text, const std::string& file);
/// The canonical text WriteCoverageFile writes: equal data, equal bytes.
std::string ToCanonicalText(const CoverageData& data);
/// Writes `data` as canonical JSON text (sorted keys, 2-space indent, final
/// newline).
void WriteCoverageFile(const std::string& path, const CoverageData& data);

/// "sha256:<64 lower-case hex digits>" of `text`.
std::string Sha256Digest(std::string_view text);

/// Covered and total obligations of one criterion.
struct CriterionSummary {
  analysis::Criterion criterion = analysis::Criterion::kStates;
  std::int64_t covered = 0;
  std::int64_t total = 0;
  /// 100 * covered / total; 100 when total is 0 (nothing to cover).
  [[nodiscard]] double percent() const;
};

/// One entry per criterion, in analysis::kAllCriteria order.
std::vector<CriterionSummary> Summarize(const DefinitionCoverage& definition);
/// The same over every definition of `data`.
std::vector<CriterionSummary> Summarize(const CoverageData& data);

/// Collects coverage of one definition on the simulator's listener. Add it to
/// sim::Options::listeners; call BeginTest before the runs of each test or
/// scenario so hits are attributed to it.
/// Runs of another asl::Definition object loaded from the same text count
/// too (their states are matched by name).
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
  /// Distributed Map child executions count like the execution itself.
  void OnChildExecutionEvent(const sim::HistoryEvent& event) override;

  /// The coverage so far (attributing hits since the last BeginTest to the
  /// current test).
  [[nodiscard]] DefinitionCoverage Result() const;
  /// Result() as a one-definition file.
  [[nodiscard]] CoverageData Data() const;
  [[nodiscard]] const analysis::Obligations& obligations() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stepsim::report
