#include <stepsim/intrinsics/intrinsics.h>
#include <stepsim/jsonata/jsonata.h>
#include <stepsim/jsonpath/env.h>
#include <stepsim/jsonpath/path.h>
#include <stepsim/jsonpath/template.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/rng.h>

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli_util.h"
#include "commands.h"

namespace stepsim::cli {
namespace {

using Json = nlohmann::json;

constexpr const char* kEvalUsage =
    "usage: stepsim eval (--jsonata EXPR | --jsonpath PATH | --intrinsic EXPR | --template JSON)\n"
    "                    [--input FILE | --input-json TEXT] [--variables JSON] [--context FILE]\n"
    "                    [--format text|json]\n"
    "\n"
    "Evaluates one expression the way a state would: a JSONata expression (with or\n"
    "without {% %}) as a JSONata state's field, with $states.input, $states.context and\n"
    "the workflow variables; a JSONPath on the input ($), the Context object ($$) or a\n"
    "variable ($name); an intrinsic function call (States.Format(...)); or a JSONPath\n"
    "payload template (keys ending in .$). The input defaults to {}.\n"
    "Prints the value, or error[CODE]: cause. Exits 0 with a value, 1 when the\n"
    "evaluation fails, 2 for bad usage or an expression that does not parse.\n";

struct Request {
  std::string kind;  // jsonata, jsonpath, intrinsic, template
  std::string text;
  Json input = Json::object();
  Json variables = Json::object();
  std::optional<Json> context;
  bool json = false;
};

bool ParseJsonArg(const std::string& text, const std::string& what, Json* out, std::ostream& err) {
  *out = Json::parse(text, nullptr, false);
  if (out->is_discarded()) {
    err << "stepsim eval: " << what << " is not JSON\n";
    return false;
  }
  return true;
}

bool ReadJsonFile(const std::string& path, Json* out, std::ostream& err) {
  std::string text;
  if (!internal::ReadFile(path, &text)) {
    err << path << ": error[FILE_NOT_READABLE]: /: cannot read the file\n";
    return false;
  }
  *out = Json::parse(text, nullptr, false);
  if (out->is_discarded()) {
    err << path << ": error[INVALID_JSON]: /: the file is not JSON\n";
    return false;
  }
  return true;
}

// Returns -1 when the arguments are complete, else the exit code.
int ParseArgs(const std::vector<std::string>& args, Request* r, std::ostream& out,
              std::ostream& err) {
  internal::ArgParser p("stepsim eval", kEvalUsage, args, out, err);
  while (p.Next()) {
    if (p.Help()) return 0;
    const std::string& flag = p.flag();
    std::string value;
    if (flag == "--jsonata" || flag == "--jsonpath" || flag == "--intrinsic" ||
        flag == "--template") {
      if (!r->kind.empty()) {
        err << "stepsim eval: give one of --jsonata, --jsonpath, --intrinsic, --template\n";
        return 2;
      }
      if (!p.Value(&r->text)) return 2;
      r->kind = flag.substr(2);
    } else if (flag == "--input") {
      if (!p.Value(&value) || !ReadJsonFile(value, &r->input, err)) return 2;
    } else if (flag == "--input-json") {
      if (!p.Value(&value) || !ParseJsonArg(value, "--input-json", &r->input, err)) return 2;
    } else if (flag == "--variables") {
      if (!p.Value(&value) || !ParseJsonArg(value, "--variables", &r->variables, err)) return 2;
      if (!r->variables.is_object()) {
        err << "stepsim eval: --variables must be a JSON object\n";
        return 2;
      }
    } else if (flag == "--context") {
      Json context;
      if (!p.Value(&value) || !ReadJsonFile(value, &context, err)) return 2;
      r->context = std::move(context);
    } else if (flag == "--format") {
      std::string format;
      if (!p.FormatValue("text", "json", &format)) return 2;
      r->json = format == "json";
    } else {
      p.UnknownOption(p.arg());
      return 2;
    }
  }
  if (r->kind.empty()) {
    err << kEvalUsage;
    return 2;
  }
  return -1;
}

// The virtual "now" of the evaluation: the Context object's state entry time
// when given, else the epoch.
sim::VirtualTime NowOf(const std::optional<Json>& context) {
  sim::VirtualTime t{};
  if (context && context->is_object()) {
    const Json* entered = nullptr;
    if (context->contains("State") && (*context)["State"].is_object() &&
        (*context)["State"].contains("EnteredTime")) {
      entered = &(*context)["State"]["EnteredTime"];
    }
    if (entered && entered->is_string()) sim::ParseTimestamp(entered->get<std::string>(), &t);
  }
  return t;
}

std::string JsonataText(const std::string& text) {
  return jsonata::IsExpression(text) ? text : "{%" + text + "%}";
}

Result<Json> Evaluate(const Request& r, std::string* syntax_error) {
  jsonpath::ObjectVariables variables(r.variables);
  sim::Rng rng(0);
  const Json* context = r.context ? &*r.context : nullptr;
  try {
    if (r.kind == "jsonata") {
      jsonata::Bindings b;
      b.input = &r.input;
      b.context = context;
      b.variables = &variables;
      b.rng = &rng;
      b.now = NowOf(r.context);
      const auto t = jsonata::CompiledTemplate::Compile(Json(JsonataText(r.text)));
      return t.Evaluate(b, "Output");
    }
    jsonpath::Env env;
    env.input = &r.input;
    env.context = context;
    env.variables = &variables;
    env.rng = &rng;
    if (r.kind == "jsonpath") return jsonpath::Path::Parse(r.text).SelectOrInvalidPath(env);
    if (r.kind == "intrinsic") return intrinsics::Call::Parse(r.text).Evaluate(env);
    const nlohmann::ordered_json source = nlohmann::ordered_json::parse(r.text, nullptr, false);
    if (source.is_discarded()) {
      *syntax_error = "--template is not JSON";
      return Json();
    }
    return jsonpath::Template::Compile(source).Evaluate(env);
  } catch (const jsonata::SyntaxError& e) {
    *syntax_error = e.what();
  } catch (const jsonpath::SyntaxError& e) {
    *syntax_error = e.what();
  } catch (const jsonpath::TemplateError& e) {
    *syntax_error = e.pointer() + ": " + e.what();
  }
  return Json();
}

}  // namespace

int EvalCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Request r;
  const int code = ParseArgs(args, &r, out, err);
  if (code >= 0) return code;
  std::string syntax_error;
  Result<Json> result = Evaluate(r, &syntax_error);
  if (!syntax_error.empty()) {
    std::string message = syntax_error;
    if (message.rfind(": ", 0) == 0) message = message.substr(2);
    if (r.json) {
      out << Json{{"error", "SyntaxError"}, {"cause", message}}.dump(2) << '\n';
    } else {
      err << "stepsim eval: error[SYNTAX_ERROR]: " << message << '\n';
    }
    return 2;
  }
  if (!result.ok()) {
    if (r.json) {
      out << Json{{"error", result.error().error}, {"cause", result.error().cause}}.dump(2) << '\n';
    } else {
      out << "error[" << result.error().error << "]: " << result.error().cause << '\n';
    }
    return 1;
  }
  if (r.json) {
    out << Json{{"value", result.value()}}.dump(2) << '\n';
  } else {
    out << result.value().dump(2) << '\n';
  }
  return 0;
}

}  // namespace stepsim::cli
