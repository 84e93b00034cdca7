#include <stepsim/jsonata/jsonata.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jsonata/ast.h"
#include "jsonata/eval.h"

namespace stepsim::jsonata {

struct Expression::Impl {
  std::string text;
  internal::NodePtr root;
};

namespace {

using internal::Node;
using internal::NodeType;

bool UsesInput(const Node& n, bool top) {
  switch (n.type) {
    case NodeType::kVariable:
      if (n.str == "$") return true;
      if (n.str.empty() && top) return true;
      break;
    case NodeType::kName:
    case NodeType::kWildcard:
    case NodeType::kDescendant:
    case NodeType::kParent:
      if (top) return true;
      break;
    case NodeType::kLambda:
      return UsesInput(*n.lhs, false);
    case NodeType::kTransform:
      // The pattern and clauses apply to the transformed value.
      return UsesInput(*n.cond, false) || UsesInput(*n.lhs, false) ||
             (n.rhs && UsesInput(*n.rhs, false));
    default:
      break;
  }
  if (n.type == NodeType::kPath) {
    for (std::size_t i = 0; i < n.args.size(); ++i) {
      if (UsesInput(*n.args[i], top && i == 0)) return true;
    }
  } else {
    for (const auto& a : n.args) {
      if (UsesInput(*a, top)) return true;
    }
  }
  for (const internal::NodePtr* p : {&n.lhs, &n.rhs, &n.cond}) {
    if (*p && UsesInput(**p, top)) return true;
  }
  for (const auto& [k, v] : n.pairs) {
    if (UsesInput(*k, top) || UsesInput(*v, top)) return true;
  }
  for (const auto& p : n.predicates) {
    if (UsesInput(*p, false)) return true;
  }
  for (const auto& p : n.stages) {
    if (UsesInput(*p, false)) return true;
  }
  for (const auto& [k, v] : n.group) {
    if (UsesInput(*k, false) || UsesInput(*v, false)) return true;
  }
  for (const auto& t : n.terms) {
    if (UsesInput(*t.expr, false)) return true;
  }
  return false;
}

Result<Value> Run(const Expression::Impl& impl, const internal::Val& context,
                  const Bindings& bindings) {
  internal::Evaluator ev(bindings);
  ev.set_root(context);
  internal::Frame frame;
  internal::Frame* const env = &frame;
  Value out;
  try {
    internal::Val v = ev.Eval(*impl.root, context, env);
    if (v.is_tuples()) {
      std::vector<internal::Val> items;
      for (const internal::Tuple& t : *v.tuples) items.push_back(t.focus);
      v = internal::FromItems(std::move(items), true);
    }
    if (v.is_fn()) {
      out.kind = Value::Kind::kFunction;
    } else if (v.j) {
      out.kind = Value::Kind::kJson;
      if (v.j.use_count() == 1) {
        // Sole owner of a value made by Val::Owned (a non-const object).
        out.json = std::move(const_cast<Json&>(*v.j));
      } else {
        out.json = *v.j;
      }
    }
  } catch (const internal::EvalError& e) {
    return AslError{errors::kQueryEvaluationError, e.code + ": " + e.message};
  }
  return out;
}

}  // namespace

Expression Expression::Parse(std::string_view text) {
  auto impl = std::make_shared<Impl>();
  impl->text = std::string(text);
  impl->root = internal::ParseExpression(text);
  Expression e;
  e.impl_ = std::move(impl);
  return e;
}

Result<Value> Expression::Evaluate(const Bindings& bindings) const {
  return Run(*impl_, internal::Val(), bindings);
}

Result<Value> Expression::Evaluate(const Json& context, const Bindings& bindings) const {
  return Run(*impl_, internal::Val::Borrow(&context), bindings);
}

bool Expression::UsesImplicitInput() const { return UsesInput(*impl_->root, true); }

const std::string& Expression::text() const { return impl_->text; }

bool IsExpression(std::string_view s) {
  return s.size() >= 4 && s.substr(0, 2) == "{%" && s.substr(s.size() - 2) == "%}";
}

std::string TypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "array";
    case Json::value_t::object:
      return "object";
    default:
      return "number";
  }
}

// ---- templates ----

struct CompiledTemplate::Impl {
  enum class Kind { kConstant, kExpression, kObject, kArray };
  Kind kind = Kind::kConstant;
  Json constant;
  std::optional<Expression> expression;
  std::string expression_text;  // between the delimiters, trimmed
  std::vector<std::pair<std::string, Impl>> members;
  std::vector<Impl> items;
  bool has_expression = false;
};

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string EscapePointerToken(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

template <typename J>
CompiledTemplate::Impl CompileNode(const J& value, const std::string& pointer) {
  using Impl = CompiledTemplate::Impl;
  Impl node;
  if (value.is_string()) {
    const auto& s = value.template get_ref<const std::string&>();
    if (!IsExpression(s)) {
      node.constant = s;
      return node;
    }
    const std::string_view inner = std::string_view(s).substr(2, s.size() - 4);
    node.kind = Impl::Kind::kExpression;
    node.expression_text = std::string(Trim(inner));
    node.has_expression = true;
    try {
      node.expression = Expression::Parse(inner);
    } catch (const SyntaxError& e) {
      throw SyntaxError(e.offset(), pointer + ": " + e.what());
    }
    if (node.expression->UsesImplicitInput()) {
      throw SyntaxError(0, pointer + ": the JSONata expression '" + node.expression_text +
                               "' uses the input document ($, $$ or a field name), which Step "
                               "Functions does not provide; use $states.input");
    }
    return node;
  }
  if (value.is_object()) {
    node.kind = Impl::Kind::kObject;
    for (const auto& [k, v] : value.items()) {
      Impl child = CompileNode(v, pointer + "/" + EscapePointerToken(k));
      node.has_expression = node.has_expression || child.has_expression;
      node.members.emplace_back(k, std::move(child));
    }
  } else if (value.is_array()) {
    node.kind = Impl::Kind::kArray;
    std::size_t i = 0;
    for (const auto& v : value) {
      Impl child = CompileNode(v, pointer + "/" + std::to_string(i++));
      node.has_expression = node.has_expression || child.has_expression;
      node.items.push_back(std::move(child));
    }
  }
  if (!node.has_expression) {
    node.kind = Impl::Kind::kConstant;
    node.members.clear();
    node.items.clear();
    node.constant = Json(value);
  }
  return node;
}

std::string CausePrefix(const CompiledTemplate::Impl& node, std::string_view field) {
  std::string out = "The JSONata expression '";
  out += node.expression_text;
  out += "' specified for the field '";
  out += field;
  out += "' ";
  return out;
}

Result<Value> EvalExpressionNode(const CompiledTemplate::Impl& node, const Bindings& bindings,
                                 std::string_view field) {
  Result<Value> r = node.expression->Evaluate(bindings);
  if (!r.ok()) {
    return AslError{
        errors::kQueryEvaluationError,
        CausePrefix(node, field) + "threw an error during evaluation. " + r.error().cause};
  }
  return r;
}

// `path` holds the field name and the keys down to `node`; the joined name
// is only built for an error.
std::string FieldName(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& p : path) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

Result<Json> EvalNode(const CompiledTemplate::Impl& node, const Bindings& bindings,
                      std::vector<std::string>* path) {
  using Impl = CompiledTemplate::Impl;
  switch (node.kind) {
    case Impl::Kind::kConstant:
      return node.constant;
    case Impl::Kind::kExpression: {
      Result<Value> r = node.expression->Evaluate(bindings);
      if (!r.ok()) {
        return AslError{errors::kQueryEvaluationError, CausePrefix(node, FieldName(*path)) +
                                                           "threw an error during evaluation. " +
                                                           r.error().cause};
      }
      Value& v = r.value();
      if (v.kind == Value::Kind::kUndefined) {
        return AslError{errors::kQueryEvaluationError,
                        CausePrefix(node, FieldName(*path)) + "returned nothing (undefined)."};
      }
      if (v.kind == Value::Kind::kFunction) {
        return AslError{errors::kQueryEvaluationError, CausePrefix(node, FieldName(*path)) +
                                                           "returned an unsupported result type."};
      }
      return std::move(v.json);
    }
    case Impl::Kind::kObject: {
      Json out = Json::object();
      for (const auto& [k, child] : node.members) {
        if (child.kind == Impl::Kind::kConstant) {
          out[k] = child.constant;
          continue;
        }
        path->push_back(k);
        Result<Json> r = EvalNode(child, bindings, path);
        path->pop_back();
        if (!r.ok()) return r.error();
        out[k] = std::move(r.value());
      }
      return out;
    }
    case Impl::Kind::kArray: {
      Json out = Json::array();
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        path->push_back(std::to_string(i));
        Result<Json> r = EvalNode(node.items[i], bindings, path);
        path->pop_back();
        if (!r.ok()) return r.error();
        out.push_back(std::move(r.value()));
      }
      return out;
    }
  }
  return Json();
}

}  // namespace

CompiledTemplate CompiledTemplate::Compile(const Json& value) {
  CompiledTemplate t;
  t.impl_ = std::make_shared<const Impl>(CompileNode(value, ""));
  return t;
}

CompiledTemplate CompiledTemplate::Compile(const nlohmann::ordered_json& value) {
  CompiledTemplate t;
  t.impl_ = std::make_shared<const Impl>(CompileNode(value, ""));
  return t;
}

Result<Json> CompiledTemplate::Evaluate(const Bindings& bindings, std::string_view field) const {
  if (impl_->kind == Impl::Kind::kConstant) return impl_->constant;
  std::vector<std::string> path{std::string(field)};
  return EvalNode(*impl_, bindings, &path);
}

Result<Value> CompiledTemplate::EvaluateValue(const Bindings& bindings,
                                              std::string_view field) const {
  if (impl_->kind == Impl::Kind::kExpression) return EvalExpressionNode(*impl_, bindings, field);
  Result<Json> r = Evaluate(bindings, field);
  if (!r.ok()) return r.error();
  Value v;
  v.kind = Value::Kind::kJson;
  v.json = std::move(r.value());
  return v;
}

bool CompiledTemplate::is_constant() const { return impl_->kind == Impl::Kind::kConstant; }

bool CompiledTemplate::is_expression() const { return impl_->kind == Impl::Kind::kExpression; }

const std::string& CompiledTemplate::expression_text() const { return impl_->expression_text; }

std::string CompiledTemplate::UnexpectedTypeCause(std::string_view field, std::string_view expected,
                                                  const Json& value) const {
  std::string out = CausePrefix(*impl_, field);
  out += "returned an unexpected result type. Expected '";
  out += expected;
  out += "', but was '";
  out += TypeName(value);
  out += "' for value: ";
  out += value.dump(-1, ' ', false, Json::error_handler_t::replace);
  return out;
}

Result<Json> EvaluateTemplate(const Json& value, const Bindings& bindings, std::string_view field) {
  try {
    return CompiledTemplate::Compile(value).Evaluate(bindings, field);
  } catch (const SyntaxError& e) {
    return AslError{errors::kQueryEvaluationError, e.what()};
  }
}

}  // namespace stepsim::jsonata
