#include <stepsim/report/writers.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "report_util.h"

namespace stepsim::report {
namespace {

using internal::LineInfo;
using internal::Rate;
using internal::XmlEscape;

struct Counts {
  std::int64_t lines = 0;
  std::int64_t lines_hit = 0;
  std::int64_t branches = 0;
  std::int64_t branches_hit = 0;

  void Add(const LineInfo& line) {
    ++lines;
    if (line.hits > 0) ++lines_hit;
    for (const auto* set : {&line.normal, &line.errors}) {
      for (const ObligationCoverage* o : *set) {
        ++branches;
        if (o->hits > 0) ++branches_hit;
      }
    }
  }
  void Add(const Counts& c) {
    lines += c.lines;
    lines_hit += c.lines_hit;
    branches += c.branches;
    branches_hit += c.branches_hit;
  }
  [[nodiscard]] std::string Rates() const {
    return "line-rate=\"" + Rate(lines_hit, lines) + "\" branch-rate=\"" +
           Rate(branches_hit, branches) + "\"";
  }
};

// "fixtures/order" -> "fixtures.order"; the top folder is ".".
std::string PackageName(const std::string& file) {
  std::string folder = std::filesystem::path(file).parent_path().generic_string();
  while (folder.rfind("./", 0) == 0) folder.erase(0, 2);
  if (folder.empty() || folder == ".") return ".";
  std::replace(folder.begin(), folder.end(), '/', '.');
  return folder;
}

void WriteLine(const LineInfo& line, const std::string& indent, std::ostringstream& out) {
  const std::size_t total = line.normal.size() + line.errors.size();
  out << indent << "<line number=\"" << line.line << "\" hits=\"" << line.hits << '"';
  if (total == 0) {
    out << " branch=\"false\"/>\n";
    return;
  }
  std::int64_t covered = 0;
  for (const auto* set : {&line.normal, &line.errors}) {
    for (const ObligationCoverage* o : *set) covered += o->hits > 0 ? 1 : 0;
  }
  const std::int64_t percent = covered * 100 / static_cast<std::int64_t>(total);
  out << R"( branch="true" condition-coverage=")" << percent << "% (" << covered << '/' << total
      << ")\">\n"
      << indent << "  <conditions>\n"
      << indent << R"(    <condition number="0" type="jump" coverage=")" << percent << "%\"/>\n"
      << indent << "  </conditions>\n"
      << indent << "</line>\n";
}

}  // namespace

std::string FormatCobertura(const CoverageData& data, const CoberturaOptions& options) {
  // package name -> definitions, in (file, digest) order.
  std::map<std::string, std::vector<const DefinitionCoverage*>> packages;
  std::map<std::string, int> file_count;
  for (const DefinitionCoverage& d : data.definitions) {
    packages[PackageName(d.file)].push_back(&d);
    ++file_count[d.file];
  }

  Counts total;
  std::ostringstream body;
  for (const auto& [package, definitions] : packages) {
    Counts package_counts;
    std::ostringstream classes;
    for (const DefinitionCoverage* d : definitions) {
      const std::vector<LineInfo> lines = internal::Lines(*d);
      Counts class_counts;
      for (const LineInfo& line : lines) class_counts.Add(line);
      package_counts.Add(class_counts);

      std::string name = std::filesystem::path(d->file).filename().string();
      // Versions of one file sit side by side; the digest tells them apart.
      if (file_count[d->file] > 1) name += " (" + d->digest.substr(0, 19) + ")";
      classes << "        <class name=\"" << XmlEscape(name) << "\" filename=\""
              << XmlEscape(d->file) << "\" " << class_counts.Rates() << " complexity=\"0\">\n"
              << "          <methods>\n";
      for (const ScopeCoverage& scope : d->scopes) {
        const std::set<std::string> states(scope.states.begin(), scope.states.end());
        Counts method_counts;
        std::ostringstream method_lines;
        for (const LineInfo& line : lines) {
          const bool mine =
              std::any_of(line.states.begin(), line.states.end(),
                          [&](const ObligationCoverage* s) { return states.count(s->state) > 0; });
          if (!mine) continue;
          method_counts.Add(line);
          WriteLine(line, "                ", method_lines);
        }
        classes << "            <method name=\"" << XmlEscape(scope.name) << R"(" signature="" )"
                << method_counts.Rates() << " complexity=\"0\">\n"
                << "              <lines>\n"
                << method_lines.str() << "              </lines>\n"
                << "            </method>\n";
      }
      classes << "          </methods>\n"
              << "          <lines>\n";
      for (const LineInfo& line : lines) WriteLine(line, "            ", classes);
      classes << "          </lines>\n"
              << "        </class>\n";
    }
    total.Add(package_counts);
    body << "    <package name=\"" << XmlEscape(package) << "\" " << package_counts.Rates()
         << " complexity=\"0\">\n"
         << "      <classes>\n"
         << classes.str() << "      </classes>\n"
         << "    </package>\n";
  }

  std::ostringstream out;
  out << "<?xml version=\"1.0\" ?>\n"
      << "<!DOCTYPE coverage SYSTEM \"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n"
      << "<coverage " << total.Rates() << " lines-covered=\"" << total.lines_hit
      << "\" lines-valid=\"" << total.lines << "\" branches-covered=\"" << total.branches_hit
      << "\" branches-valid=\"" << total.branches << R"(" complexity="0" version=")"
      << XmlEscape(options.version) << "\" timestamp=\"" << options.timestamp << "\">\n"
      << "  <sources>\n"
      << "    <source>" << XmlEscape(options.source) << "</source>\n"
      << "  </sources>\n"
      << "  <packages>\n"
      << body.str() << "  </packages>\n"
      << "</coverage>\n";
  return out.str();
}

}  // namespace stepsim::report
