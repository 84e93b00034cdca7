// Text summary, thresholds and the helpers the other writers share.
#include <stepsim/report/writers.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "report_util.h"

namespace stepsim::report {
namespace internal {

bool IsErrorPath(analysis::ObligationKind kind) {
  using analysis::ObligationKind;
  switch (kind) {
    case ObligationKind::kNoChoiceMatched:
    case ObligationKind::kRetried:
    case ObligationKind::kRetryExhausted:
    case ObligationKind::kCatch:
    case ObligationKind::kUncaught:
    case ObligationKind::kTimeout:
    case ObligationKind::kHeartbeatTimeout:
    case ObligationKind::kBranchesFailed:
      return true;
    case ObligationKind::kState:
    case ObligationKind::kTransition:
    case ObligationKind::kChoiceRule:
    case ObligationKind::kChoiceDefault:
    case ObligationKind::kBranchesSucceeded:
      return false;
  }
  return false;
}

std::vector<LineInfo> Lines(const DefinitionCoverage& definition) {
  std::map<std::string, std::int64_t> line_of;  // state name -> line
  std::map<std::int64_t, LineInfo> lines;
  for (const ObligationCoverage& o : definition.obligations) {
    if (o.kind != analysis::ObligationKind::kState) continue;
    const std::int64_t line = std::max<std::int64_t>(1, o.line);
    line_of[o.state] = line;
    LineInfo& info = lines[line];
    info.line = line;
    info.states.push_back(&o);
  }
  for (const ObligationCoverage& o : definition.obligations) {
    if (o.kind == analysis::ObligationKind::kState) continue;
    const auto it = line_of.find(o.state);
    if (it == line_of.end()) continue;
    LineInfo& info = lines[it->second];
    (IsErrorPath(o.kind) ? info.errors : info.normal).push_back(&o);
  }
  std::vector<LineInfo> out;
  for (auto& [line, info] : lines) {
    bool any_zero = false;
    std::int64_t sum = 0;
    for (const ObligationCoverage* s : info.states) {
      any_zero = any_zero || s->hits == 0;
      sum += s->hits;
    }
    info.hits = any_zero ? 0 : sum;
    out.push_back(std::move(info));
  }
  return out;
}

std::string Plural(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

Totals CountTotals(const CoverageData& data) {
  std::set<std::string> tests;
  Totals totals;
  totals.definitions = static_cast<std::int64_t>(data.definitions.size());
  for (const DefinitionCoverage& d : data.definitions) {
    tests.insert(d.tests.begin(), d.tests.end());
    totals.executions += d.executions;
  }
  totals.tests = static_cast<std::int64_t>(tests.size());
  return totals;
}

std::string Rate(std::int64_t covered, std::int64_t total) {
  if (total <= 0 || covered >= total) return "1";
  const std::int64_t tenk = covered * 10000 / total;
  std::string digits = std::to_string(tenk);
  digits.insert(0, 4 - std::min<std::size_t>(4, digits.size()), '0');
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return digits.empty() ? "0" : "0." + digits;
}

}  // namespace internal

namespace {

using internal::Plural;

std::string Location(const DefinitionCoverage& d, const ObligationCoverage& o) {
  std::string out = d.file;
  if (o.line > 0) out += ":" + std::to_string(o.line) + ":" + std::to_string(o.column);
  return out;
}

std::string Pad(std::string text, std::size_t width, bool right) {
  if (text.size() >= width) return text;
  const std::string fill(width - text.size(), ' ');
  return right ? fill + text : text + fill;
}

void Table(const std::vector<CriterionSummary>& summaries, std::ostringstream& out) {
  out << "  " << Pad("criterion", 12, false) << Pad("covered", 8, true) << Pad("total", 7, true)
      << Pad("percent", 9, true) << '\n';
  for (const CriterionSummary& s : summaries) {
    out << "  " << Pad(std::string(analysis::ToString(s.criterion)), 12, false)
        << Pad(std::to_string(s.covered), 8, true) << Pad(std::to_string(s.total), 7, true)
        << Pad(FormatPercent(s), 9, true) << '\n';
  }
}

std::string FormatNumber(double value) {
  std::ostringstream s;
  s << value;
  return s.str();
}

}  // namespace

std::string FormatPercent(const CriterionSummary& summary) {
  if (summary.total <= 0) return "100.0%";
  const std::int64_t tenths = summary.covered * 1000 / summary.total;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "%";
}

std::string FormatText(const CoverageData& data, const TextOptions& options) {
  std::ostringstream out;
  const internal::Totals totals = internal::CountTotals(data);
  out << "stepsim coverage: " << Plural(totals.definitions, "definition", "definitions") << ", "
      << Plural(totals.executions, "execution", "executions") << ", "
      << Plural(totals.tests, "test", "tests") << '\n';
  for (const DefinitionCoverage& d : data.definitions) {
    out << '\n'
        << d.file << " (" << d.digest.substr(0, 19) << ", "
        << Plural(d.executions, "execution", "executions") << ", "
        << Plural(static_cast<std::int64_t>(d.tests.size()), "test", "tests") << ")\n";
    Table(Summarize(d), out);
    std::vector<const ObligationCoverage*> uncovered;
    for (const ObligationCoverage& o : d.obligations) {
      if (o.hits == 0) uncovered.push_back(&o);
    }
    if (uncovered.empty()) {
      out << "  uncovered: none\n";
      continue;
    }
    out << "  uncovered (" << uncovered.size() << "):\n";
    for (const ObligationCoverage* o : uncovered) {
      out << "    " << Location(d, *o) << ": " << o->id << ": " << o->description << '\n';
      if (options.witness) {
        if (const auto witness = options.witness(d, *o)) {
          out << "      to cover: " << *witness << '\n';
        }
      }
    }
  }
  if (data.definitions.size() > 1) {
    out << "\ntotal\n";
    Table(Summarize(data), out);
  }
  return out.str();
}

Thresholds ParseThresholds(std::string_view text) {
  Thresholds out;
  if (text.empty()) throw UsageError("--fail-under needs CRITERION=PERCENT[,...]");
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, comma - start);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      throw UsageError("--fail-under: expected CRITERION=PERCENT, got \"" + std::string(item) +
                       "\"");
    }
    const std::string_view name = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    const auto criterion = analysis::ParseCriterion(name);
    if (!criterion) {
      throw UsageError("--fail-under: unknown criterion \"" + std::string(name) +
                       "\" (expected states, transitions, choices, retries, catches or errors)");
    }
    double percent = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), percent);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
        !std::isfinite(percent) || percent < 0 || percent > 100) {
      throw UsageError("--fail-under: " + std::string(name) +
                       " needs a percentage from 0 to 100, got \"" + std::string(value) + "\"");
    }
    out.minimum[*criterion] = percent;
    start = comma + 1;
  }
  return out;
}

std::vector<ThresholdFailure> CheckThresholds(const CoverageData& data,
                                              const Thresholds& thresholds) {
  std::vector<ThresholdFailure> failures;
  for (const DefinitionCoverage& d : data.definitions) {
    const auto summaries = Summarize(d);
    for (const auto& [criterion, required] : thresholds.minimum) {
      const CriterionSummary& s = summaries[static_cast<std::size_t>(criterion)];
      // covered/total >= required/100, compared without rounding the ratio.
      const bool passes = s.total == 0 || static_cast<double>(s.covered) * 100.0 >=
                                              required * static_cast<double>(s.total) - 1e-9;
      if (passes) continue;
      ThresholdFailure f;
      f.file = d.file;
      f.digest = d.digest;
      f.summary = s;
      f.required = required;
      for (const ObligationCoverage& o : d.obligations) {
        if (o.criterion == criterion && o.hits == 0) f.missing.push_back(o);
      }
      failures.push_back(std::move(f));
    }
  }
  return failures;
}

std::string FormatThresholdFailures(const std::vector<ThresholdFailure>& failures) {
  if (failures.empty()) return {};
  std::ostringstream out;
  out << "coverage below threshold:\n";
  for (const ThresholdFailure& f : failures) {
    out << "  " << f.file << ": " << analysis::ToString(f.summary.criterion) << ' '
        << FormatPercent(f.summary) << " (" << f.summary.covered << '/' << f.summary.total << ") < "
        << FormatNumber(f.required) << "%\n";
    for (const ObligationCoverage& o : f.missing) {
      DefinitionCoverage where;
      where.file = f.file;
      out << "    " << Location(where, o) << ": " << o.id << ": " << o.description << '\n';
    }
  }
  return out.str();
}

}  // namespace stepsim::report
