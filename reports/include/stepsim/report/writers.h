#pragma once

#include <stepsim/analysis/graph.h>
#include <stepsim/analysis/obligations.h>
#include <stepsim/analysis/render.h>
#include <stepsim/asl/definition.h>
#include <stepsim/report/coverage.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::report {

/// What would cover an uncovered obligation (an input and task outcomes found
/// by witness synthesis), as one line of text; nullopt when unknown. The
/// report writers print it under the obligation.
using WitnessFn = std::function<std::optional<std::string>(const DefinitionCoverage& definition,
                                                           const ObligationCoverage& obligation)>;

/// The definition `d` was collected from: the file at `d.file`, loaded, when
/// its text (or canonical document) still has `d.digest`; nullptr otherwise,
/// with why in `*reason` ("the definition file cannot be read", "... no
/// longer loads", "... changed since the coverage was collected").
std::shared_ptr<const asl::Definition> LoadRecordedDefinition(const DefinitionCoverage& d,
                                                              std::string* reason);

/// What would cover each uncovered obligation, from witness synthesis
/// (analysis::SynthesizeWitnesses, run once per definition and cached by the
/// returned function): "input {...}, outcomes {...}" of the first verified
/// witness whose run hits the obligation, or "no witness: <reason>" when
/// synthesis could not cover it; nullopt when the definition cannot be
/// loaded (see LoadRecordedDefinition).
WitnessFn WitnessHints();

/// Percent with one decimal, rounded down so that 99.96% never reads 100.0%:
/// "87.5%".
std::string FormatPercent(const CriterionSummary& summary);

// ---- text summary -------------------------------------------------------------

struct TextOptions {
  /// Optional: what would cover each uncovered obligation.
  WitnessFn witness;
};

/// The text report: per definition a table of criteria (covered, total,
/// percent), then every uncovered obligation as
/// "file:line:col: id: description"; a total when there are several
/// definitions.
std::string FormatText(const CoverageData& data, const TextOptions& options = {});

// ---- thresholds ---------------------------------------------------------------

/// Minimum percentages per criterion (`--fail-under`).
struct Thresholds {
  std::map<analysis::Criterion, double> minimum;
};

/// Parses "states=100,transitions=90.5": criteria by analysis::ToString,
/// percentages 0..100. Throws UsageError saying what is wrong.
Thresholds ParseThresholds(std::string_view text);

/// One criterion of one definition below its threshold.
struct ThresholdFailure {
  std::string file;
  std::string digest;
  CriterionSummary summary;
  double required = 0;
  /// The uncovered obligations of that criterion, in file order.
  std::vector<ObligationCoverage> missing;
};

/// Every (definition, criterion) below its threshold; empty when the gate
/// passes. Each definition is gated on its own.
std::vector<ThresholdFailure> CheckThresholds(const CoverageData& data,
                                              const Thresholds& thresholds);
/// "coverage below threshold:" and, per failure, the criterion line and every
/// missing obligation as "file:line:col: id: description".
std::string FormatThresholdFailures(const std::vector<ThresholdFailure>& failures);

// ---- lcov ---------------------------------------------------------------------

struct LcovOptions {
  /// The `TN:` name (characters other than [A-Za-z0-9_] become '_').
  std::string test_name = "stepsim";
};

/// An lcov tracefile (geninfo format, read by lcov 1.16's genhtml and
/// `lcov --summary`): per definition `SF` = the ASL file, `FN`/`FNDA` per
/// scope, `DA` per state line, `BRDA` per outcome of a state on its line
/// (block 0: normal outcomes, block 1: error paths), `end_of_record`.
/// reports/COVERAGE.md documents the mapping.
std::string FormatLcov(const CoverageData& data, const LcovOptions& options = {});

// ---- Cobertura ----------------------------------------------------------------

struct CoberturaOptions {
  /// The one `<source>`: the folder the files' paths are relative to.
  std::string source = ".";
  std::string version = "stepsim 0.1.0";
  /// `timestamp` (ms since the epoch); 0 keeps the output reproducible.
  std::int64_t timestamp = 0;
};

/// Cobertura XML valid against coverage-04.dtd (reports/dtd): a package per
/// folder, a class per definition, a method per scope, a line per state line
/// with its hits, and `condition-coverage` on lines with outcomes.
std::string FormatCobertura(const CoverageData& data, const CoberturaOptions& options = {});

// ---- graph colours and HTML ---------------------------------------------------

/// Hit counts of `graph`'s nodes and edges from `definition`'s obligations
/// (matched by obligation id): a state by `state:S`, an edge by its
/// transition, rule, Default, catcher, retrier or uncaught obligation, a sink
/// by the sum of its incoming edges. Items without an obligation stay
/// uncoloured. The style copies what it needs: it may outlive `definition`.
analysis::RenderStyle StyleFromCoverage(const DefinitionCoverage& definition,
                                        const analysis::Graph& graph);

/// Lays DOT text out as SVG by running Graphviz's `program` (`dot -Tsvg`).
/// Throws UsageError when it cannot run or fails.
std::string GraphvizSvg(const std::string& dot, const std::string& program = "dot");

struct HtmlOptions {
  std::string title = "stepsim coverage";
  /// The Graphviz program used to lay out each graph.
  std::string dot_program = "dot";
  /// Loads the definition a DefinitionCoverage describes; nullptr when it
  /// cannot (the page then lists obligations without a graph). Default: the
  /// file at DefinitionCoverage::file, if its text (or canonical document)
  /// still has the recorded digest.
  std::function<std::shared_ptr<const asl::Definition>(const DefinitionCoverage&)> load;
  WitnessFn witness;
};

/// One self-contained HTML page for the whole suite: per definition a table
/// of criteria, the workflow graph as inline SVG (Graphviz layout of
/// analysis::RenderDot coloured by StyleFromCoverage; hovering a state shows
/// its counts), the uncovered obligations beside it and every obligation
/// with its hits and tests. No scripts, no external resources.
std::string FormatHtml(const CoverageData& data, const HtmlOptions& options = {});
/// Creates `dir` and writes FormatHtml to `dir/index.html`; throws
/// UsageError when it cannot.
void WriteHtmlReport(const std::string& dir, const CoverageData& data,
                     const HtmlOptions& options = {});

}  // namespace stepsim::report
