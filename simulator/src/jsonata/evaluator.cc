#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jsonata/eval.h"
#include "jsonata/signature.h"

namespace stepsim::jsonata::internal {
namespace {

constexpr int kMaxDepth = 500;

bool IsVariableLike(const Node& n) {
  return n.type == NodeType::kVariable || n.type == NodeType::kStatesMember;
}

double NumberOf(const Json& j) { return j.get<double>(); }

// The elements of `v` when it is a JSON array (borrowed), else `v` itself.
void PushItems(const Val& v, std::vector<Val>* out) {
  if (v.j && v.j->is_array()) {
    for (const Json& e : *v.j) out->push_back(Val::Part(v, &e));
  } else if (!v.undefined()) {
    out->push_back(v);
  }
}

// JSONata's fn.lookup: object member, mapped (and flattened) over arrays.
void Lookup(const Val& owner, const Json& input, const std::string& key, std::vector<Val>* out) {
  if (input.is_array()) {
    for (const Json& e : input) {
      if (e.is_array()) {
        std::vector<Val> sub;
        Lookup(owner, e, key, &sub);
        for (auto& s : sub) {
          if (s.j->is_array() && !s.seq) {
            for (const Json& x : *s.j) out->push_back(Val::Part(owner, &x));
          } else {
            out->push_back(std::move(s));
          }
        }
      } else if (e.is_object()) {
        auto it = e.find(key);
        if (it == e.end()) continue;
        if (it->is_array()) {
          for (const Json& x : *it) out->push_back(Val::Part(owner, &x));
        } else {
          out->push_back(Val::Part(owner, &*it));
        }
      }
    }
  } else if (input.is_object()) {
    auto it = input.find(key);
    if (it != input.end()) out->push_back(Val::Part(owner, &*it));
  }
}

void Descendants(const Val& owner, const Json& v, std::vector<Val>* out) {
  if (!v.is_array()) out->push_back(Val::Part(owner, &v));
  if (v.is_array()) {
    for (const Json& e : v) Descendants(owner, e, out);
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.items()) Descendants(owner, e, out);
  }
}

void FlattenInto(const Json& v, Json* out) {
  if (v.is_array()) {
    for (const Json& e : v) FlattenInto(e, out);
  } else {
    out->push_back(v);
  }
}

bool IsArrayOfNumbers(const Json& j) {
  if (!j.is_array()) return false;
  return std::all_of(j.begin(), j.end(), [](const Json& e) { return e.is_number(); });
}

}  // namespace

void Throw(const char* code, std::string message) { throw EvalError{code, std::move(message)}; }

Val FromItems(std::vector<Val> items, bool seq) {
  Json arr = Json::array();
  arr.get_ref<Json::array_t&>().reserve(items.size());
  for (auto& v : items) {
    if (v.is_fn()) Throw("T1001", "Functions cannot be stored in an array");
    if (v.j) arr.push_back(*v.j);
  }
  Val r = Val::Owned(std::move(arr));
  r.seq = seq;
  return r;
}

std::vector<Val> Items(const Val& v) {
  std::vector<Val> out;
  PushItems(v, &out);
  return out;
}

Val Evaluator::Eval(const Node& n, const Val& input, const FramePtr& env) {
  if (++depth_ > kMaxDepth) {
    --depth_;
    Throw("U1001",
          "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting "
          "as tail-recursive.");
  }
  Val r = EvalInner(n, input, env);
  for (const auto& p : n.predicates) r = EvalFilter(*p, r, env);
  if (n.type != NodeType::kPath && n.has_group) r = EvalGroup(n.group, r, env);
  if (r.seq && r.j) {
    if (n.keep_array) r.keep_singleton = true;
    if (r.j->empty()) {
      r = Val();
    } else if (r.j->size() == 1 && !r.keep_singleton) {
      r = Val::Part(r, &(*r.j)[0]);
    }
  }
  --depth_;
  return r;
}

Val Evaluator::EvalInner(const Node& n, const Val& input, const FramePtr& env) {
  switch (n.type) {
    case NodeType::kLiteral:
      return Val::Borrow(&n.literal);
    case NodeType::kName: {
      if (!input.j) return Val();
      std::vector<Val> out;
      Lookup(input, *input.j, n.str, &out);
      if (!input.j->is_array()) return out.empty() ? Val() : std::move(out[0]);
      return FromItems(std::move(out), true);
    }
    case NodeType::kVariable:
      return LookupVariable(n, input, env);
    case NodeType::kStatesMember: {
      const Json* p = nullptr;
      if (n.str == "input")
        p = bindings_.input;
      else if (n.str == "context")
        p = bindings_.context;
      else if (n.str == "result")
        p = bindings_.result;
      else
        p = bindings_.error_output;
      return Val::Borrow(p);
    }
    case NodeType::kWildcard: {
      if (!input.j) return Val();
      Json out = Json::array();
      const Json* in = input.j.get();
      if (in->is_array() && !in->empty() && input.seq) in = &(*in)[0];
      if (in->is_object()) {
        for (const auto& [k, v] : in->items()) {
          if (v.is_array()) {
            FlattenInto(v, &out);
          } else {
            out.push_back(v);
          }
        }
      }
      return Val::Sequence(std::move(out));
    }
    case NodeType::kDescendant: {
      if (!input.j) return Val();
      std::vector<Val> out;
      Descendants(input, *input.j, &out);
      return FromItems(std::move(out), true);
    }
    case NodeType::kParent: {
      const Val* v = env ? env->Find(n.slot->label) : nullptr;
      return v ? *v : Val();
    }
    case NodeType::kIndexStage:
      return Val();
    case NodeType::kRegex: {
      auto c = std::make_shared<Callable>();
      c->kind = Callable::Kind::kRegex;
      c->regex = n.regex;
      Val r;
      r.fn = std::move(c);
      return r;
    }
    case NodeType::kPath:
      return EvalPath(n, input, env);
    case NodeType::kBinary:
      return EvalBinary(n, input, env);
    case NodeType::kAnd: {
      if (!Truthy(Eval(*n.lhs, input, env))) return Val::Boolean(false);
      return Val::Boolean(Truthy(Eval(*n.rhs, input, env)));
    }
    case NodeType::kOr: {
      if (Truthy(Eval(*n.lhs, input, env))) return Val::Boolean(true);
      return Val::Boolean(Truthy(Eval(*n.rhs, input, env)));
    }
    case NodeType::kNegate: {
      Val v = Eval(*n.lhs, input, env);
      if (v.undefined()) return Val();
      if (!v.j || !v.j->is_number()) {
        Throw("D1002", "Cannot negate a non-numeric value: " +
                           (v.j ? Stringify(*v.j, false) : std::string()));
      }
      return Val::Owned(MakeNumber(-NumberOf(*v.j)));
    }
    case NodeType::kArray: {
      Json out = Json::array();
      for (const auto& item : n.args) {
        Val v = Eval(*item, input, env);
        if (v.undefined()) continue;
        if (v.is_fn()) Throw("T1001", "Functions cannot be stored in an array");
        if (item->type == NodeType::kArray) {
          out.push_back(*v.j);
        } else if (v.j->is_array()) {
          for (const Json& e : *v.j) out.push_back(e);
        } else {
          out.push_back(*v.j);
        }
      }
      Val r = Val::Owned(std::move(out));
      r.cons = n.cons_array;
      return r;
    }
    case NodeType::kObject:
      return EvalGroup(n.pairs, input, env);
    case NodeType::kCondition: {
      if (Truthy(Eval(*n.cond, input, env))) return Eval(*n.lhs, input, env);
      if (n.rhs) return Eval(*n.rhs, input, env);
      return Val();
    }
    case NodeType::kBlock: {
      Frame* frame = NewFrame(env);
      Val r;
      for (const auto& e : n.args) r = Eval(*e, input, frame);
      return r;
    }
    case NodeType::kBind: {
      Val v = Eval(*n.rhs, input, env);
      env->Set(n.str, v);
      return v;
    }
    case NodeType::kCall:
      return EvalCall(n, input, env);
    case NodeType::kPlaceholder:
      return Val();
    case NodeType::kLambda: {
      auto c = std::make_shared<Callable>();
      c->kind = Callable::Kind::kLambda;
      c->lambda = &n;
      c->env = env;
      c->context = input;
      Val r;
      r.fn = std::move(c);
      return r;
    }
    case NodeType::kApply:
      return EvalApply(n, input, env);
    case NodeType::kSort: {
      std::vector<Val> items = Items(input);
      Val sorted = EvalSort(n, FromItems(std::move(items), true), env);
      return sorted;
    }
    case NodeType::kTransform:
      return EvalTransform(n, input, env);
  }
  return Val();
}

Val Evaluator::EvalApply(const Node& n, const Val& input, const FramePtr& env) {
  Val lhs = Eval(*n.lhs, input, env);
  if (n.rhs->type == NodeType::kCall && !n.rhs->partial) {
    // `x ~> $f(a)` is `$f(x, a)`.
    const Node& call = *n.rhs;
    Val proc = Eval(*call.lhs, input, env);
    std::vector<Val> args;
    args.push_back(lhs);
    for (const auto& a : call.args) args.push_back(Eval(*a, input, env));
    Val r = Apply(proc, args, input);
    if (call.keep_array && r.j && r.j->is_array()) {
      r.seq = true;
      r.keep_singleton = true;
    }
    return r;
  }
  Val fn = Eval(*n.rhs, input, env);
  if (!fn.is_fn())
    Throw("T2006", "The right side of the function application operator ~> must be a function");
  if (lhs.is_fn()) {
    // `$f ~> $g` is the function λ($x){$g($f($x))}.
    auto c = std::make_shared<Callable>();
    c->kind = Callable::Kind::kChain;
    c->target = lhs.fn;
    c->second = fn.fn;
    Val r;
    r.fn = std::move(c);
    return r;
  }
  std::vector<Val> args{lhs};
  return Apply(fn, args, input);
}

Val Evaluator::LookupVariable(const Node& n, const Val& input, const FramePtr& env) {
  if (n.str.empty()) return input;
  if (n.str == "$") return root_;
  if (const Val* v = env ? env->Find(n.str) : nullptr) return *v;
  // Workflow variables are bound like JSONata's evaluate() bindings, so they
  // shadow built-ins of the same name.
  if (bindings_.variables) {
    if (const Json* v = bindings_.variables->Find(n.str)) return Val::Borrow(v);
  }
  if (n.builtin >= 0) {
    // One immutable Callable per built-in, made once.
    static const std::vector<std::shared_ptr<const Callable>> kCallables = [] {
      std::vector<std::shared_ptr<const Callable>> v;
      for (std::size_t i = 0; i < Builtins().size(); ++i) {
        auto c = std::make_shared<Callable>();
        c->kind = Callable::Kind::kBuiltin;
        c->builtin = static_cast<int>(i);
        v.push_back(std::move(c));
      }
      return v;
    }();
    Val r;
    r.fn = kCallables[static_cast<std::size_t>(n.builtin)];
    return r;
  }
  if (n.str == "states") {
    Json states = Json::object();
    if (bindings_.input) states["input"] = *bindings_.input;
    if (bindings_.context) states["context"] = *bindings_.context;
    if (bindings_.result) states["result"] = *bindings_.result;
    if (bindings_.error_output) states["errorOutput"] = *bindings_.error_output;
    return Val::Owned(std::move(states));
  }
  return Val();
}

Val Evaluator::EvalPath(const Node& n, const Val& input, const FramePtr& env) {
  std::vector<Val> cur;
  const Node& first = *n.args.front();
  if (input.j && input.j->is_array() && !IsVariableLike(first)) {
    PushItems(input, &cur);
  } else {
    cur.push_back(input);
  }
  std::vector<Val> next;
  Val whole;
  bool have_whole = false;
  bool tuple_mode = false;
  std::vector<Tuple> tuples;
  const std::size_t count = n.args.size();
  for (std::size_t i = 0; i < count; ++i) {
    const Node& step = *n.args[i];
    const bool last = i + 1 == count;
    next.clear();
    if (step.tuple && !(i == 0 && step.cons_array)) {
      tuples = EvalTupleStep(step, cur, tuple_mode ? &tuples : nullptr, env);
      tuple_mode = true;
      continue;
    }
    if (tuple_mode) {
      tuples = EvalTupleStep(step, cur, &tuples, env);
      continue;
    }
    if (i == 0 && step.cons_array) {
      Val r = Eval(step, input, env);
      if (last && r.j && r.j->is_array()) {
        whole = std::move(r);
        have_whole = true;
        break;
      }
      PushItems(r, &next);
    } else if (step.type == NodeType::kSort) {
      Val sorted = EvalSort(step, FromItems(cur, true), env);
      for (const auto& stage : step.stages) sorted = EvalFilter(*stage, sorted, env);
      PushItems(sorted, &next);
    } else {
      std::vector<Val> results;
      for (const Val& item : cur) {
        Val res = Eval(step, item, env);
        for (const auto& stage : step.stages) res = EvalFilter(*stage, res, env);
        if (!res.undefined()) results.push_back(std::move(res));
      }
      if (last && results.size() == 1 && results[0].j && results[0].j->is_array() &&
          !results[0].seq) {
        whole = std::move(results[0]);
        have_whole = true;
        break;
      }
      for (auto& res : results) {
        if (res.j && res.j->is_array() && !res.cons) {
          for (const Json& e : *res.j) next.push_back(Val::Part(res, &e));
        } else {
          next.push_back(std::move(res));
        }
      }
    }
    cur.swap(next);
    if (cur.empty()) break;
  }
  if (tuple_mode) {
    Val result;
    if (n.tuple) {
      // The enclosing step needs the bindings (a `%` names a step in here).
      result.tuples = std::make_shared<const std::vector<Tuple>>(std::move(tuples));
      return result;
    }
    if (n.has_group) return GroupTuples(n.group, tuples, env);
    std::vector<Val> focus;
    for (Tuple& t : tuples) focus.push_back(std::move(t.focus));
    result = FromItems(std::move(focus), true);
    if (n.keep_singleton_array) result.keep_singleton = true;
    return result;
  }
  Val result;
  if (have_whole) {
    result = std::move(whole);
    if (n.keep_singleton_array) {
      // A constructed array kept by `[]` is one item of the result.
      if (result.cons && !result.seq) result = FromItems({result}, true);
      result.seq = true;
      result.keep_singleton = true;
    }
  } else if (n.keep_singleton_array) {
    result = FromItems(std::move(cur), true);
    result.keep_singleton = true;
  } else if (cur.size() == 1) {
    result = std::move(cur[0]);
  } else if (!cur.empty()) {
    result = FromItems(std::move(cur), true);
  }
  if (n.has_group) result = EvalGroup(n.group, result, env);
  return result;
}

Val Evaluator::EvalFilter(const Node& predicate, const Val& input, const FramePtr& env) {
  if (input.is_tuples()) {
    Val r;
    r.tuples =
        std::make_shared<const std::vector<Tuple>>(FilterTuples(predicate, *input.tuples, env));
    return r;
  }
  std::vector<Val> items = Items(input);
  std::vector<Val> results;
  if (predicate.type == NodeType::kLiteral && predicate.literal.is_number()) {
    auto index = static_cast<std::int64_t>(std::floor(NumberOf(predicate.literal)));
    if (index < 0) index += static_cast<std::int64_t>(items.size());
    if (index >= 0 && index < static_cast<std::int64_t>(items.size())) {
      const Val& item = items[static_cast<std::size_t>(index)];
      if (item.j && item.j->is_array()) return item;
      results.push_back(item);
    }
    return FromItems(std::move(results), true);
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Val& item = items[i];
    Val res = Eval(predicate, item, env);
    if (res.j && (res.j->is_number() || IsArrayOfNumbers(*res.j))) {
      auto check = [&](const Json& num) {
        auto ii = static_cast<std::int64_t>(std::floor(NumberOf(num)));
        if (ii < 0) ii += static_cast<std::int64_t>(items.size());
        if (ii == static_cast<std::int64_t>(i)) results.push_back(item);
      };
      if (res.j->is_number()) {
        check(*res.j);
      } else {
        for (const Json& e : *res.j) check(e);
      }
    } else if (Truthy(res)) {
      results.push_back(item);
    }
  }
  return FromItems(std::move(results), true);
}

Val Evaluator::EvalGroup(const std::vector<std::pair<NodePtr, NodePtr>>& pairs, const Val& input,
                         const FramePtr& env) {
  std::vector<Val> items = Items(input);
  if (items.empty()) items.emplace_back();
  // Key order follows first appearance; the JSON result sorts keys anyway.
  std::vector<std::string> order;
  std::vector<std::pair<std::size_t, Val>> groups;
  for (const Val& item : items) {
    for (std::size_t p = 0; p < pairs.size(); ++p) {
      Val key = Eval(*pairs[p].first, item, env);
      if (key.undefined()) continue;
      if (!key.j || !key.j->is_string()) {
        Throw("T1003", "Key in object structure must evaluate to a string; got: " +
                           (key.j ? Stringify(*key.j, false) : std::string()));
      }
      const std::string& k = key.j->get_ref<const std::string&>();
      auto it = std::find(order.begin(), order.end(), k);
      if (it == order.end()) {
        order.push_back(k);
        groups.emplace_back(p, item);
      } else {
        auto& g = groups[static_cast<std::size_t>(it - order.begin())];
        if (g.first != p) {
          Throw("D1009",
                "Multiple key definitions evaluate to same key: " + Stringify(Json(k), false));
        }
        g.second = Append(g.second, item);
      }
    }
  }
  Json out = Json::object();
  for (std::size_t g = 0; g < order.size(); ++g) {
    Val value = Eval(*pairs[groups[g].first].second, groups[g].second, env);
    if (value.undefined()) continue;
    if (value.is_fn()) Throw("T1001", "Functions cannot be stored in an object");
    out[order[g]] = *value.j;
  }
  return Val::Owned(std::move(out));
}

namespace {

// JSONata's default sort order: numbers or strings, not mixed.
bool SortLess(const Json& a, const Json& b, const char* where) {
  if (a.is_number() && b.is_number()) return NumberOf(a) < NumberOf(b);
  if (a.is_string() && b.is_string())
    return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
  Throw("T2008",
        std::string(
            "The expressions within an order-by clause must evaluate to numeric or string values") +
            where);
}

}  // namespace

Val Evaluator::EvalSort(const Node& sort, const Val& input, const FramePtr& env) {
  std::vector<Val> items = Items(input);
  if (items.size() <= 1) return input;
  const std::vector<std::size_t> idx =
      SortOrder(sort, items.size(), [&](std::size_t i) { return std::make_pair(items[i], env); });
  std::vector<Val> out;
  out.reserve(items.size());
  for (std::size_t i : idx) out.push_back(items[i]);
  return FromItems(std::move(out), true);
}

std::vector<std::size_t> Evaluator::SortOrder(
    const Node& sort, std::size_t count,
    const std::function<std::pair<Val, FramePtr>(std::size_t)>& item) {
  std::vector<std::vector<Val>> keys(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto [context, frame] = item(i);
    for (const auto& term : sort.terms) keys[i].push_back(Eval(*term.expr, context, frame));
  }
  std::vector<std::size_t> idx(count);
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    for (std::size_t t = 0; t < sort.terms.size(); ++t) {
      const Val& ka = keys[a][t];
      const Val& kb = keys[b][t];
      if (ka.undefined() && kb.undefined()) continue;
      if (ka.undefined()) return false;
      if (kb.undefined()) return true;
      if (!ka.j || !kb.j)
        Throw(
            "T2008",
            "The expressions within an order-by clause must evaluate to numeric or string values");
      if (ka.j->type() != kb.j->type() && !(ka.j->is_number() && kb.j->is_number())) {
        Throw("T2007", "Type mismatch when comparing values " + Stringify(*ka.j, false) + " and " +
                           Stringify(*kb.j, false) + " in order-by clause");
      }
      if (*ka.j == *kb.j) continue;
      const bool less = SortLess(*ka.j, *kb.j, "");
      return sort.terms[t].descending ? !less : less;
    }
    return false;
  });
  return idx;
}

Val Evaluator::EvalBinary(const Node& n, const Val& input, const FramePtr& env) {
  const std::string& op = n.str;
  Val lhs = Eval(*n.lhs, input, env);
  Val rhs = Eval(*n.rhs, input, env);
  const char c0 = op[0];
  const bool arithmetic =
      op.size() == 1 && (c0 == '+' || c0 == '-' || c0 == '*' || c0 == '/' || c0 == '%');
  if (arithmetic) {
    if (!lhs.undefined() && !(lhs.j && lhs.j->is_number())) {
      Throw("T2001", "The left side of the \"" + op + "\" operator must evaluate to a number");
    }
    if (!rhs.undefined() && !(rhs.j && rhs.j->is_number())) {
      Throw("T2002", "The right side of the \"" + op + "\" operator must evaluate to a number");
    }
    if (lhs.undefined() || rhs.undefined()) return Val();
    const double a = NumberOf(*lhs.j);
    const double b = NumberOf(*rhs.j);
    double r = 0;
    switch (c0) {
      case '+':
        r = a + b;
        break;
      case '-':
        r = a - b;
        break;
      case '*':
        r = a * b;
        break;
      case '/':
        r = a / b;
        break;
      default:
        r = std::fmod(a, b);
        break;
    }
    if (!std::isfinite(r)) Throw("D1001", "Number out of range: " + JsNumber(r));
    return Val::Owned(MakeNumber(r));
  }
  if (op == "=" || op == "!=") {
    if (lhs.undefined() || rhs.undefined()) return Val::Boolean(false);
    bool eq = false;
    if (lhs.j && rhs.j)
      eq = DeepEqual(*lhs.j, *rhs.j);
    else
      eq = lhs.fn == rhs.fn;
    return Val::Boolean(op == "=" ? eq : !eq);
  }
  if (op == "<" || op == "<=" || op == ">" || op == ">=") {
    auto comparable = [](const Val& v) {
      return v.undefined() || (v.j && (v.j->is_string() || v.j->is_number()));
    };
    if (!comparable(lhs) || !comparable(rhs)) {
      Throw("T2010", "The expressions either side of operator \"" + op +
                         "\" must evaluate to numeric or string values");
    }
    if (lhs.undefined() || rhs.undefined()) return Val();
    const Json& a = *lhs.j;
    const Json& b = *rhs.j;
    if (a.is_number() != b.is_number()) {
      Throw("T2009", "The values " + Stringify(a, false) + " and " + Stringify(b, false) +
                         " either side of operator \"" + op + "\" must be of the same data type");
    }
    int cmp = 0;
    if (a.is_number()) {
      const double x = NumberOf(a);
      const double y = NumberOf(b);
      cmp = x < y ? -1 : (x > y ? 1 : 0);
    } else {
      const int s = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
      cmp = s < 0 ? -1 : (s > 0 ? 1 : 0);
    }
    bool r = false;
    if (op == "<")
      r = cmp < 0;
    else if (op == "<=")
      r = cmp <= 0;
    else if (op == ">")
      r = cmp > 0;
    else
      r = cmp >= 0;
    return Val::Boolean(r);
  }
  if (op == "&") {
    std::string s = lhs.undefined() ? std::string() : ToStringValue(lhs);
    if (!rhs.undefined()) s += ToStringValue(rhs);
    return Val::Owned(std::move(s));
  }
  if (op == "in") {
    if (lhs.undefined() || !lhs.j) return Val::Boolean(false);
    for (const Val& item : Items(rhs)) {
      if (item.j && DeepEqual(*lhs.j, *item.j)) return Val::Boolean(true);
    }
    return Val::Boolean(false);
  }
  if (op == "..") {
    if (!lhs.undefined() &&
        !(lhs.j && lhs.j->is_number() && std::floor(NumberOf(*lhs.j)) == NumberOf(*lhs.j))) {
      Throw("T2003", "The left side of the range operator (..) must evaluate to an integer");
    }
    if (!rhs.undefined() &&
        !(rhs.j && rhs.j->is_number() && std::floor(NumberOf(*rhs.j)) == NumberOf(*rhs.j))) {
      Throw("T2004", "The right side of the range operator (..) must evaluate to an integer");
    }
    if (lhs.undefined() || rhs.undefined()) return Val();
    const auto a = static_cast<std::int64_t>(NumberOf(*lhs.j));
    const auto b = static_cast<std::int64_t>(NumberOf(*rhs.j));
    if (a > b) return Val();
    if (b - a >= 10000000) {
      Throw("D2014",
            "The size of the sequence allocated by the range operator (..) must not exceed 1e6.  "
            "Attempted to allocate " +
                std::to_string(b - a + 1) + ".");
    }
    Json out = Json::array();
    for (std::int64_t i = a; i <= b; ++i) out.push_back(i);
    return Val::Owned(std::move(out));
  }
  Throw("S0201", "Syntax error: \"" + op + "\"");
}

Val Evaluator::EvalCall(const Node& n, const Val& input, const FramePtr& env) {
  Val proc = Eval(*n.lhs, input, env);
  std::vector<Val> args;
  args.reserve(n.args.size());
  for (const auto& a : n.args) args.push_back(Eval(*a, input, env));
  if (n.partial) {
    if (!proc.is_fn()) Throw("T1008", "Attempted to partially apply a non-function");
    auto c = std::make_shared<Callable>();
    c->kind = Callable::Kind::kPartial;
    c->target = proc.fn;
    for (std::size_t i = 0; i < n.args.size(); ++i) {
      c->placeholder.push_back(n.args[i]->type == NodeType::kPlaceholder);
    }
    c->bound = std::move(args);
    Val r;
    r.fn = std::move(c);
    return r;
  }
  return Apply(proc, args, input);
}

Val Evaluator::Apply(const Val& proc, std::vector<Val>& args, const Val& input) {
  if (!proc.is_fn()) Throw("T1006", "Attempted to invoke a non-function");
  const Callable& c = *proc.fn;
  switch (c.kind) {
    case Callable::Kind::kBuiltin: {
      const Builtin& b = Builtins()[static_cast<std::size_t>(c.builtin)];
      const auto mismatch = [](const Val& v, char type) {
        switch (type) {
          case 's':
            return !(v.j && v.j->is_string());
          case 'n':
            return !(v.j && v.j->is_number());
          case 'f':
            return !v.is_fn();
          case 'r':
            return !v.is_fn() && !(v.j && v.j->is_string());
          default:
            return false;
        }
      };
      const auto first_mismatch = [&] {
        return !args.empty() && !args[0].undefined() && mismatch(args[0], b.first_type);
      };
      if (b.context_default && (static_cast<int>(args.size()) < b.min_args ||
                                (static_cast<int>(args.size()) < b.max_args && first_mismatch() &&
                                 !mismatch(args[0], b.second_type)))) {
        args.insert(args.begin(), input);
        if (args.size() > 1 && !args[1].undefined() && mismatch(args[1], b.second_type)) {
          Throw("T0410", std::string("Argument 1 of function \"") + b.name +
                             "\" does not match function signature");
        }
        if (first_mismatch()) {
          Throw(
              "T0411",
              std::string("Context value is not a compatible type with argument 1 of function \"") +
                  b.name + "\"");
        }
      }
      if (static_cast<int>(args.size()) > b.max_args ||
          static_cast<int>(args.size()) < b.min_args) {
        Throw("T0410", "Argument " +
                           std::to_string(std::min<std::size_t>(
                               args.size(), static_cast<std::size_t>(b.max_args) + 1)) +
                           " of function \"" + b.name + "\" does not match function signature");
      }
      return b.fn(*this, args, input);
    }
    case Callable::Kind::kLambda: {
      Frame* frame = NewFrame(c.env);
      const Node& lambda = *c.lambda;
      if (lambda.signature) args = lambda.signature->Validate(args, input, "lambda");
      for (std::size_t i = 0; i < lambda.params.size(); ++i) {
        frame->vars.emplace_back(lambda.params[i], i < args.size() ? args[i] : Val());
      }
      return Eval(*lambda.lhs, c.context, frame);
    }
    case Callable::Kind::kPartial: {
      std::vector<Val> full;
      std::size_t next = 0;
      for (std::size_t i = 0; i < c.bound.size(); ++i) {
        if (c.placeholder[i]) {
          full.push_back(next < args.size() ? args[next] : Val());
          ++next;
        } else {
          full.push_back(c.bound[i]);
        }
      }
      Val target;
      target.fn = c.target;
      return Apply(target, full, input);
    }
    case Callable::Kind::kTransform:
      return ApplyTransform(c, args.empty() ? Val() : args[0]);
    case Callable::Kind::kChain: {
      Val first;
      first.fn = c.target;
      Val second;
      second.fn = c.second;
      std::vector<Val> next{Apply(first, args, input)};
      return Apply(second, next, input);
    }
    case Callable::Kind::kRegex: {
      // Calling a regex directly gives the first match object.
      if (args.empty() || !args[0].j || !args[0].j->is_string()) return Val();
      const std::string& s = args[0].j->get_ref<const std::string&>();
      std::smatch m;
      if (!std::regex_search(s, m, *c.regex)) return Val();
      Json out = Json::object();
      out["match"] = m.str(0);
      out["start"] = m.position(0);
      out["end"] = m.position(0) + m.length(0);
      Json groups = Json::array();
      for (std::size_t g = 1; g < m.size(); ++g) groups.push_back(m.str(g));
      out["groups"] = std::move(groups);
      return Val::Owned(std::move(out));
    }
  }
  return Val();
}

int Evaluator::Arity(const Val& fn) const {
  if (!fn.is_fn()) return 0;
  const Callable& c = *fn.fn;
  switch (c.kind) {
    case Callable::Kind::kLambda:
      return static_cast<int>(c.lambda->params.size());
    case Callable::Kind::kPartial:
      return static_cast<int>(std::count(c.placeholder.begin(), c.placeholder.end(), true));
    case Callable::Kind::kBuiltin: {
      // JavaScript's Function#length: $string's prettify has a default.
      const Builtin& b = Builtins()[static_cast<std::size_t>(c.builtin)];
      return std::string_view(b.name) == "string" ? 1 : b.max_args;
    }
    case Callable::Kind::kRegex:
    case Callable::Kind::kTransform:
    case Callable::Kind::kChain:
      return 1;
  }
  return 1;
}

Val Evaluator::CallHof(const Val& fn, const Val& value, std::size_t index, const Val& array) {
  const int arity = Arity(fn);
  std::vector<Val> args;
  args.push_back(value);
  if (arity >= 2) args.push_back(Val::Owned(static_cast<std::int64_t>(index)));
  if (arity >= 3) args.push_back(array);
  return Apply(fn, args, Val());
}

Val Evaluator::EvalTransform(const Node& n, const Val& input, const FramePtr& env) {
  // `| pattern | update, delete |` is a function of one argument.
  (void)input;
  auto c = std::make_shared<Callable>();
  c->kind = Callable::Kind::kTransform;
  c->lambda = &n;
  c->env = env;
  Val r;
  r.fn = std::move(c);
  return r;
}

namespace {

void PushMatch(Json* v, std::vector<Json*>* out) {
  if (v->is_array()) {
    for (Json& e : *v) PushMatch(&e, out);
  } else {
    out->push_back(v);
  }
}

void DescendantMatches(Json* v, std::vector<Json*>* out) {
  if (!v->is_array()) out->push_back(v);
  if (v->is_array() || v->is_object()) {
    for (Json& e : *v) DescendantMatches(&e, out);
  }
}

void StepMatches(const Node& step, Json* c, std::vector<Json*>* out) {
  if (step.type == NodeType::kDescendant) {
    DescendantMatches(c, out);
    return;
  }
  if (c->is_array()) {
    for (Json& e : *c) StepMatches(step, &e, out);
    return;
  }
  if (!c->is_object()) return;
  if (step.type == NodeType::kName) {
    auto it = c->find(step.str);
    if (it != c->end()) PushMatch(&*it, out);
  } else {
    for (Json& v : *c) PushMatch(&v, out);
  }
}

}  // namespace

std::vector<Json*> Evaluator::FilterMatches(const Node& stage, const std::vector<Json*>& found,
                                            const FramePtr& env) {
  std::vector<Json*> kept;
  const auto size = static_cast<std::int64_t>(found.size());
  auto at = [&](const Json& num) {
    auto idx = static_cast<std::int64_t>(std::floor(NumberOf(num)));
    return idx < 0 ? idx + size : idx;
  };
  for (std::size_t i = 0; i < found.size(); ++i) {
    bool keep = false;
    if (stage.type == NodeType::kLiteral && stage.literal.is_number()) {
      keep = at(stage.literal) == static_cast<std::int64_t>(i);
    } else {
      Val res = Eval(stage, Val::Borrow(found[i]), env);
      keep = res.j && res.j->is_number() ? at(*res.j) == static_cast<std::int64_t>(i) : Truthy(res);
    }
    if (keep) kept.push_back(found[i]);
  }
  return kept;
}

void Evaluator::TransformMatches(const Node& pattern, Json* root, const FramePtr& env,
                                 std::vector<Json*>* out) {
  if (pattern.type == NodeType::kBlock && pattern.args.size() == 1) {
    // `(path)[n]`: the predicate selects from all the path's matches.
    TransformMatches(*pattern.args[0], root, env, out);
    for (const auto& p : pattern.predicates) *out = FilterMatches(*p, *out, env);
    return;
  }
  std::vector<const Node*> steps;
  if (pattern.type == NodeType::kPath) {
    for (const auto& s : pattern.args) steps.push_back(s.get());
  } else {
    steps.push_back(&pattern);
  }
  std::vector<Json*> cur;
  PushMatch(root, &cur);
  for (const Node* step : steps) {
    if (step->type != NodeType::kName && step->type != NodeType::kWildcard &&
        step->type != NodeType::kDescendant) {
      Throw("T2013",
            "stepsim supports only field names, *, ** and predicates in a transform pattern");
    }
    std::vector<Json*> next;
    for (Json* c : cur) {
      std::vector<Json*> found;
      StepMatches(*step, c, &found);
      for (const auto& stage : step->stages) found = FilterMatches(*stage, found, env);
      next.insert(next.end(), found.begin(), found.end());
    }
    cur.swap(next);
  }
  *out = std::move(cur);
}

Val Evaluator::ApplyTransform(const Callable& c, const Val& arg) {
  if (arg.undefined()) return Val();
  if (!arg.j || !(arg.j->is_object() || arg.j->is_array())) {
    Throw("T0410", "Argument 1 of function \"transform\" does not match function signature");
  }
  const Node& n = *c.lambda;
  Json result = *arg.j;
  std::vector<Json*> matches;
  TransformMatches(*n.cond, &result, c.env, &matches);
  for (Json* match : matches) {
    if (!match->is_object()) continue;
    Val update = Eval(*n.lhs, Val::Borrow(match), c.env);
    if (!update.undefined()) {
      if (!update.j || !update.j->is_object()) {
        Throw("T2011",
              "The insert/update clause of the transform expression must evaluate to an object: " +
                  (update.j ? Stringify(*update.j, false) : std::string()));
      }
      const Json fields = *update.j;
      for (const auto& [k, v] : fields.items()) (*match)[k] = v;
    }
    if (n.rhs) {
      Val deletions = Eval(*n.rhs, Val::Borrow(match), c.env);
      if (deletions.undefined()) continue;
      std::vector<std::string> keys;
      for (const Val& d : Items(deletions)) {
        if (!d.j || !d.j->is_string()) {
          Throw("T2012",
                "The delete clause of the transform expression must evaluate to a string or array "
                "of strings: " +
                    (deletions.j ? Stringify(*deletions.j, false) : std::string()));
        }
        keys.push_back(d.j->get<std::string>());
      }
      for (const auto& k : keys) match->erase(k);
    }
  }
  return Val::Owned(std::move(result));
}

}  // namespace stepsim::jsonata::internal
