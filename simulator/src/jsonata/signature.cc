#include "jsonata/signature.h"

#include <stepsim/jsonata/jsonata.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace stepsim::jsonata::internal {
namespace {

// One letter per argument, as jsonata-js matches them against the signature.
char Symbol(const Val& v) {
  if (v.is_fn()) return 'f';
  if (!v.j) return 'm';
  switch (v.j->type()) {
    case Json::value_t::string:
      return 's';
    case Json::value_t::boolean:
      return 'b';
    case Json::value_t::null:
      return 'l';
    case Json::value_t::array:
      return 'a';
    case Json::value_t::object:
      return 'o';
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return 'n';
    default:
      return 'm';
  }
}

std::size_t Matching(std::string_view text, std::size_t open, char o, char c) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (text[i] == o) ++depth;
    if (text[i] == c && --depth == 0) return i;
  }
  return std::string_view::npos;
}

const char* ArrayTypeName(const std::string& subtype) {
  switch (subtype.empty() ? 'x' : subtype[0]) {
    case 'a':
      return "arrays";
    case 'b':
      return "booleans";
    case 'f':
      return "functions";
    case 'n':
      return "numbers";
    case 'o':
      return "objects";
    case 's':
      return "strings";
    default:
      return "values";
  }
}

}  // namespace

std::shared_ptr<const Signature> Signature::Parse(std::string_view text, std::size_t pos) {
  auto sig = std::make_shared<Signature>();
  std::vector<Param>& params = sig->params_;
  // Skip the opening '<'; stop at ':' (the return type is not checked).
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (c == ':') break;
    Param p;
    switch (c) {
      case 's':
      case 'n':
      case 'b':
      case 'l':
      case 'o':
        p.type = c;
        p.regex = std::string("[") + c + "m]";
        params.push_back(p);
        break;
      case 'a':
        p.type = 'a';
        p.regex = "[asnblfom]";
        params.push_back(p);
        break;
      case 'f':
        p.type = 'f';
        p.regex = "f";
        params.push_back(p);
        break;
      case 'j':
        p.type = 'j';
        p.regex = "[asnblom]";
        params.push_back(p);
        break;
      case 'x':
        p.type = 'x';
        p.regex = "[asnblfom]";
        params.push_back(p);
        break;
      case '-':
        if (params.empty()) throw SyntaxError(pos + i, "S0401: Malformed function signature");
        params.back().context = true;
        params.back().context_regex = params.back().regex;
        params.back().regex += "?";
        break;
      case '?':
      case '+':
        if (params.empty()) throw SyntaxError(pos + i, "S0401: Malformed function signature");
        params.back().regex += c;
        break;
      case '(': {
        const std::size_t end = Matching(text, i, '(', ')');
        if (end == std::string_view::npos) {
          throw SyntaxError(pos + i, "S0401: Malformed function signature");
        }
        const std::string choice(text.substr(i + 1, end - i - 1));
        p.type = '(';
        p.regex = "[" + choice + "m]";
        params.push_back(p);
        i = end;
        break;
      }
      case '<': {
        if (params.empty() || (params.back().type != 'a' && params.back().type != 'f')) {
          throw SyntaxError(pos + i,
                            "S0401: Type parameter can only be applied to functions and arrays");
        }
        const std::size_t end = Matching(text, i, '<', '>');
        if (end == std::string_view::npos) {
          throw SyntaxError(pos + i, "S0401: Malformed function signature");
        }
        params.back().subtype = std::string(text.substr(i + 1, end - i - 1));
        i = end;
        break;
      }
      default:
        throw SyntaxError(pos + i, std::string("S0401: Unknown type in function signature: ") + c);
    }
  }
  std::string regex = "^";
  for (const Param& p : params) regex += "(" + p.regex + ")";
  regex += "$";
  sig->regex_ = std::regex(regex);
  return sig;
}

std::vector<Val> Signature::Validate(const std::vector<Val>& args, const Val& context,
                                     const std::string& name) const {
  std::string supplied;
  for (const Val& a : args) supplied += Symbol(a);
  std::smatch m;
  if (!std::regex_match(supplied, m, regex_)) {
    // The first argument that does not fit a prefix of the signature.
    std::size_t index = std::min<std::size_t>(supplied.size(), params_.size()) + 1;
    for (std::size_t k = 0; k < args.size() && k < params_.size(); ++k) {
      if (!std::regex_match(std::string(1, supplied[k]), std::regex(params_[k].regex))) {
        index = k + 1;
        break;
      }
    }
    Throw("T0410", "Argument " + std::to_string(index) + " of function " + name +
                       " does not match function signature");
  }
  std::vector<Val> out;
  std::size_t at = 0;
  for (std::size_t p = 0; p < params_.size(); ++p) {
    const Param& param = params_[p];
    const std::string match = m.str(p + 1);
    if (match.empty()) {
      if (param.context && !param.context_regex.empty()) {
        const std::string type(1, Symbol(context));
        if (!std::regex_match(type, std::regex(param.context_regex))) {
          Throw("T0411", "Context value is not a compatible type with argument " +
                             std::to_string(at + 1) + " of function " + name);
        }
        out.push_back(context);
      } else {
        out.push_back(at < args.size() ? args[at] : Val());
        ++at;
      }
      continue;
    }
    for (char single : match) {
      Val arg = at < args.size() ? args[at] : Val();
      if (param.type == 'a' && single != 'm') {
        bool ok = true;
        if (!param.subtype.empty()) {
          if (single != 'a' && std::string(1, single) != param.subtype) {
            ok = false;
          } else if (single == 'a' && arg.j && !arg.j->empty()) {
            const char first = Symbol(Val::Part(arg, &(*arg.j)[0]));
            ok = first == param.subtype[0];
            for (const Json& e : *arg.j) ok = ok && Symbol(Val::Part(arg, &e)) == first;
          }
        }
        if (!ok) {
          Throw("T0412", "Argument " + std::to_string(at + 1) + " of function " + name +
                             " must be an array of " + ArrayTypeName(param.subtype));
        }
        if (single != 'a') arg = FromItems({arg}, false);
      }
      out.push_back(arg);
      ++at;
    }
  }
  return out;
}

}  // namespace stepsim::jsonata::internal
