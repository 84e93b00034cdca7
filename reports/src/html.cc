// Graph colours from coverage, the Graphviz layout and the HTML page.
#include <fcntl.h>
#include <spawn.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/loader.h>
#include <stepsim/report/writers.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "report_util.h"

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace stepsim::report {
namespace {

using analysis::EdgeKind;
using analysis::Graph;
using analysis::NodeKind;
using internal::Plural;
using internal::XmlEscape;

// The obligation id an edge of the graph stands for; "" when none does.
std::string EdgeObligationId(const Graph& graph, analysis::EdgeDescriptor e) {
  const analysis::Node& from = graph.node(boost::source(e, graph.boost()));
  const analysis::Node& to = graph.node(boost::target(e, graph.boost()));
  const analysis::Edge& edge = graph.edge(e);
  if (from.state == nullptr) return {};
  const std::string& s = from.state->name;
  const std::string index = std::to_string(edge.index);
  switch (edge.kind) {
    case EdgeKind::kNext:
      return to.state != nullptr ? "transition:" + s + "->" + to.state->name
                                 : "transition:" + s + "->(end)";
    case EdgeKind::kEnd:
      return "transition:" + s + "->(end)";
    case EdgeKind::kChoiceRule:
      return "choice:" + s + "#" + index;
    case EdgeKind::kDefault:
      return "choice:" + s + "#default";
    case EdgeKind::kNoChoiceMatched:
      return "choice:" + s + "#nomatch";
    case EdgeKind::kCatch:
      return "catch:" + s + "#" + index;
    case EdgeKind::kRetry:
      return "retry:" + s + "#" + index + ":retried";
    case EdgeKind::kFailState:
      return "state:" + s;
    case EdgeKind::kUncaught:
      return "uncaught:" + s;
  }
  return {};
}

std::optional<std::int64_t> Lookup(const std::map<std::string, std::int64_t>& hits,
                                   const std::string& id) {
  if (id.empty()) return std::nullopt;
  const auto it = hits.find(id);
  if (it == hits.end()) return std::nullopt;
  return it->second;
}

// Removes a file when it goes out of scope.
class TempFile {
 public:
  TempFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "stepsim-dot-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0)
      throw UsageError("cannot create a temporary file: " + std::string(std::strerror(errno)));
    ::close(fd);
    path_ = pattern;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Hover text of a state: its name, type and every obligation's hits.
std::string StateTooltip(const DefinitionCoverage& d, const asl::State& state) {
  std::string text = state.name + " (" + std::string(asl::ToString(state.type)) + ")";
  for (const ObligationCoverage& o : d.obligations) {
    if (o.state != state.name) continue;
    text += "\n" + o.id + ": " + std::to_string(o.hits) + (o.hits == 1 ? " hit" : " hits");
  }
  return text;
}

// Graphviz writes `<title>s3</title>` for node s3; the page shows the
// state's counts there instead (browsers show it on hover).
std::string Retitle(std::string svg, const Graph& graph, const DefinitionCoverage& d) {
  const auto& g = graph.boost();
  for (auto [it, end] = boost::vertices(g); it != end; ++it) {
    const analysis::Node& node = graph.node(*it);
    if (node.kind != NodeKind::kState || node.state == nullptr) continue;
    const std::string from = "<title>s" + std::to_string(*it) + "</title>";
    const auto at = svg.find(from);
    if (at == std::string::npos) continue;
    svg.replace(at, from.size(), "<title>" + XmlEscape(StateTooltip(d, *node.state)) + "</title>");
  }
  return svg;
}

std::string InlineSvg(const std::string& svg) {
  const auto start = svg.find("<svg");
  return start == std::string::npos ? svg : svg.substr(start);
}

constexpr const char* kStyle = R"css(
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px;
       color: #1f2328; background: #ffffff; }
h1 { font-size: 22px; margin: 0 0 4px 0; }
h2 { font-size: 18px; margin: 28px 0 4px 0; font-family: monospace; }
h3 { font-size: 15px; margin: 0 0 8px 0; }
.meta { color: #57606a; margin: 0 0 12px 0; }
table { border-collapse: collapse; margin: 8px 0 16px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; font-size: 14px; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { width: 160px; height: 12px; background: #f8d7da; border-radius: 3px; overflow: hidden; }
.bar > div { height: 100%; background: #2da44e; }
.row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.graph { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; background: #ffffff;
         max-width: 100%; overflow: auto; }
.graph svg { max-width: 100%; height: auto; }
.uncovered { min-width: 280px; max-width: 520px; }
.uncovered li { margin-bottom: 8px; font-size: 14px; }
.uncovered code, td code { font-size: 12px; }
.none { color: #1a7f37; font-weight: bold; }
.note { color: #9a6700; }
tr.hit td.hits { color: #1a7f37; }
tr.miss td { background: #ffebe9; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 8px; border-radius: 3px;
               font-size: 13px; }
.legend .covered { background: #2da44e; color: #ffffff; }
.legend .uncovered-key { background: #cf222e; color: #ffffff; }
)css";

void CriteriaTable(const std::vector<CriterionSummary>& summaries, std::ostringstream& out) {
  out << "<table class=\"criteria\">\n<tr><th>criterion</th><th>covered</th><th>total</th>"
         "<th>percent</th><th></th></tr>\n";
  for (const CriterionSummary& s : summaries) {
    const std::int64_t width = s.total == 0 ? 100 : s.covered * 100 / s.total;
    out << "<tr><td>" << analysis::ToString(s.criterion) << "</td><td class=\"num\">" << s.covered
        << "</td><td class=\"num\">" << s.total << "</td><td class=\"num\">" << FormatPercent(s)
        << R"(</td><td><div class="bar"><div style="width:)" << width
        << "%\"></div></div></td></tr>\n";
  }
  out << "</table>\n";
}

void Section(const DefinitionCoverage& d, const HtmlOptions& options, std::ostringstream& out) {
  out << "<section>\n<h2>" << XmlEscape(d.file) << "</h2>\n<p class=\"meta\">"
      << XmlEscape(d.digest) << " &middot; " << Plural(d.executions, "execution", "executions")
      << " &middot; " << Plural(static_cast<std::int64_t>(d.tests.size()), "test", "tests")
      << "</p>\n";
  CriteriaTable(Summarize(d), out);

  out << "<div class=\"row\">\n<div class=\"graph\">\n";
  std::string reason;
  std::shared_ptr<const asl::Definition> definition;
  if (options.load) {
    definition = options.load(d);
    if (!definition) reason = "the definition is not available";
  } else {
    definition = LoadRecordedDefinition(d, &reason);
  }
  if (definition) {
    try {
      const Graph graph = Graph::Build(*definition);
      analysis::RenderStyle style = StyleFromCoverage(d, graph);
      style.title = d.file;
      const std::string svg = GraphvizSvg(analysis::RenderDot(graph, style), options.dot_program);
      out << "<p class=\"legend\"><span class=\"covered\">covered</span>"
             "<span class=\"uncovered-key\">never taken</span>hover a state for its counts</p>\n"
          << InlineSvg(Retitle(svg, graph, d)) << '\n';
    } catch (const UsageError& e) {
      reason = e.what();
    }
  }
  if (!reason.empty()) {
    out << "<p class=\"note\">No graph: " << XmlEscape(reason) << ".</p>\n";
  }
  out << "</div>\n<div class=\"uncovered\">\n";
  std::vector<const ObligationCoverage*> uncovered;
  for (const ObligationCoverage& o : d.obligations) {
    if (o.hits == 0) uncovered.push_back(&o);
  }
  out << "<h3>Uncovered (" << uncovered.size() << ")</h3>\n";
  if (uncovered.empty()) {
    out << "<p class=\"none\">Every obligation is covered.</p>\n";
  } else {
    out << "<ul>\n";
    for (const ObligationCoverage* o : uncovered) {
      out << "<li><code>" << o->line << ':' << o->column << "</code> <code>" << XmlEscape(o->id)
          << "</code><br>" << XmlEscape(o->description);
      if (options.witness) {
        if (const auto witness = options.witness(d, *o)) {
          out << "<br><em>to cover:</em> <code>" << XmlEscape(*witness) << "</code>";
        }
      }
      out << "</li>\n";
    }
    out << "</ul>\n";
  }
  out << "</div>\n</div>\n";

  out << "<details>\n<summary>All obligations (" << d.obligations.size()
      << ")</summary>\n<table class=\"obligations\">\n<tr><th>obligation</th><th>criterion</th>"
         "<th>line:col</th><th>hits</th><th>tests</th><th>description</th></tr>\n";
  for (const ObligationCoverage& o : d.obligations) {
    std::string tests;
    for (const std::string& t : o.tests) tests += (tests.empty() ? "" : ", ") + t;
    out << "<tr class=\"" << (o.hits > 0 ? "hit" : "miss") << "\"><td><code>" << XmlEscape(o.id)
        << "</code></td><td>" << analysis::ToString(o.criterion) << "</td><td class=\"num\">"
        << o.line << ':' << o.column << "</td><td class=\"num hits\">" << o.hits << "</td><td>"
        << XmlEscape(tests) << "</td><td>" << XmlEscape(o.description) << "</td></tr>\n";
  }
  out << "</table>\n</details>\n</section>\n";
}

}  // namespace

analysis::RenderStyle StyleFromCoverage(const DefinitionCoverage& definition,
                                        const analysis::Graph& graph) {
  std::map<std::string, std::int64_t> hits;
  for (const ObligationCoverage& o : definition.obligations) hits[o.id] = o.hits;

  const auto& g = graph.boost();
  std::vector<std::optional<std::int64_t>> node_hits(boost::num_vertices(g));
  for (auto [it, end] = boost::vertices(g); it != end; ++it) {
    const analysis::Node& node = graph.node(*it);
    if (node.kind == NodeKind::kState && node.state != nullptr) {
      node_hits[*it] = Lookup(hits, "state:" + node.state->name);
      continue;
    }
    // A sink: how often control reached it, over the edges that say.
    std::optional<std::int64_t> sum;
    for (auto [e, e_end] = boost::in_edges(*it, g); e != e_end; ++e) {
      if (const auto h = Lookup(hits, EdgeObligationId(graph, *e))) sum = sum.value_or(0) + *h;
    }
    node_hits[*it] = sum;
  }

  analysis::RenderStyle style;
  style.title = definition.file;
  style.node_hits = [node_hits](analysis::Vertex v) -> std::optional<std::int64_t> {
    return v < node_hits.size() ? node_hits[v] : std::nullopt;
  };
  const Graph* graph_ptr = &graph;
  style.edge_hits = [hits = std::move(hits),
                     graph_ptr](analysis::EdgeDescriptor e) -> std::optional<std::int64_t> {
    return Lookup(hits, EdgeObligationId(*graph_ptr, e));
  };
  return style;
}

std::string GraphvizSvg(const std::string& dot, const std::string& program) {
  const TempFile input;
  const TempFile output;
  const TempFile errors;
  {
    std::ofstream in(input.path(), std::ios::binary);
    in << dot;
    if (!in) throw UsageError("cannot write a temporary file for Graphviz");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, input.path().c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, output.path().c_str(), O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addopen(&actions, 2, errors.path().c_str(), O_WRONLY | O_TRUNC, 0);
  std::string arg0 = program;
  std::string arg1 = "-Tsvg";
  std::array<char*, 3> argv = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    throw UsageError("cannot run Graphviz \"" + program + "\": " + std::strerror(spawned));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw UsageError("cannot wait for Graphviz \"" + program + "\"");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string message = ReadAll(errors.path());
    if (const auto nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) message = "program not found";
    throw UsageError("Graphviz \"" + program + "\" failed" +
                     (message.empty() ? std::string() : ": " + message));
  }
  return ReadAll(output.path());
}

std::string FormatHtml(const CoverageData& data, const HtmlOptions& options) {
  std::ostringstream out;
  const internal::Totals totals = internal::CountTotals(data);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
      << XmlEscape(options.title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
      << "<h1>" << XmlEscape(options.title) << "</h1>\n<p class=\"meta\">"
      << Plural(totals.definitions, "definition", "definitions") << " &middot; "
      << Plural(totals.executions, "execution", "executions") << " &middot; "
      << Plural(totals.tests, "test", "tests") << "</p>\n";
  if (data.definitions.size() > 1) {
    out << "<h3>Total</h3>\n";
    CriteriaTable(Summarize(data), out);
  }
  for (const DefinitionCoverage& d : data.definitions) Section(d, options, out);
  out << "</body>\n</html>\n";
  return out.str();
}

void WriteHtmlReport(const std::string& dir, const CoverageData& data, const HtmlOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UsageError(dir + ": cannot create the directory: " + ec.message());
  const std::string path = (std::filesystem::path(dir) / "index.html").string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << FormatHtml(data, options);
  out.flush();
  if (!out) throw UsageError(path + ": cannot write the file");
}

}  // namespace stepsim::report
