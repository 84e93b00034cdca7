#include <stepsim/report/writers.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "report_util.h"

namespace stepsim::report {
namespace {

std::string TestName(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out.push_back(word ? c : '_');
  }
  return out.empty() ? "stepsim" : out;
}

// lcov function names end at a comma; keep them free of separators.
std::string FunctionName(std::string_view name) {
  std::string out;
  for (const char c : name) out.push_back(c == ',' || c == '\n' || c == '\r' ? '_' : c);
  return out;
}

}  // namespace

std::string FormatLcov(const CoverageData& data, const LcovOptions& options) {
  std::ostringstream out;
  const std::string test = TestName(options.test_name);
  for (const DefinitionCoverage& d : data.definitions) {
    out << "TN:" << test << '\n' << "SF:" << d.file << '\n';

    std::map<std::string, std::int64_t> state_hits;
    for (const ObligationCoverage& o : d.obligations) {
      if (o.kind == analysis::ObligationKind::kState) state_hits[o.state] = o.hits;
    }
    std::int64_t functions_hit = 0;
    for (const ScopeCoverage& s : d.scopes) {
      out << "FN:" << std::max<std::int64_t>(1, s.line) << ',' << FunctionName(s.name) << '\n';
    }
    for (const ScopeCoverage& s : d.scopes) {
      const auto it = state_hits.find(s.start);
      const std::int64_t hits = it == state_hits.end() ? 0 : it->second;
      if (hits > 0) ++functions_hit;
      out << "FNDA:" << hits << ',' << FunctionName(s.name) << '\n';
    }
    out << "FNF:" << d.scopes.size() << '\n' << "FNH:" << functions_hit << '\n';

    std::int64_t lines_hit = 0;
    std::int64_t branches = 0;
    std::int64_t branches_hit = 0;
    const std::vector<internal::LineInfo> lines = internal::Lines(d);
    for (const internal::LineInfo& line : lines) {
      out << "DA:" << line.line << ',' << line.hits << '\n';
      if (line.hits > 0) ++lines_hit;
      int block = 0;
      for (const auto* set : {&line.normal, &line.errors}) {
        int branch = 0;
        for (const ObligationCoverage* o : *set) {
          out << "BRDA:" << line.line << ',' << block << ',' << branch++ << ',';
          // "-": the state was never entered, so the branch could not be taken.
          if (state_hits[o->state] > 0) {
            out << o->hits;
          } else {
            out << '-';
          }
          out << '\n';
          ++branches;
          if (o->hits > 0) ++branches_hit;
        }
        ++block;
      }
    }
    out << "BRF:" << branches << '\n' << "BRH:" << branches_hit << '\n';
    out << "LF:" << lines.size() << '\n' << "LH:" << lines_hit << '\n' << "end_of_record\n";
  }
  return out.str();
}

}  // namespace stepsim::report
