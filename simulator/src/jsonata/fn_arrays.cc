#include <stepsim/sim/rng.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "jsonata/builtins.h"

namespace stepsim::jsonata::internal {

namespace {

// ---- higher-order ----

void NeedFunction(const Args& a, std::size_t i, const char* fn) {
  if (i >= a.size() || !a[i].is_fn()) BadArg(fn, i);
}

}  // namespace

// ---- booleans ----

Val FnBoolean(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return Bool(Truthy(a[0]));
}

Val FnNot(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return Bool(!Truthy(a[0]));
}

Val FnExists(Evaluator&, Args& a, const Val&) { return Bool(!a.empty() && !a[0].undefined()); }

// ---- arrays ----

Val FnAppend(Evaluator&, Args& a, const Val&) { return Append(a[0], a[1]); }

Val FnReverse(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  std::vector<Val> items = Items(a[0]);
  std::reverse(items.begin(), items.end());
  return FromItems(std::move(items), false);
}

Val FnSort(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  std::vector<Val> items = Items(a[0]);
  if (items.size() <= 1) return FromItems(std::move(items), false);
  if (Has(a, 1)) {
    if (!a[1].is_fn()) BadArg("sort", 1);
    const Val fn = a[1];
    std::stable_sort(items.begin(), items.end(), [&](const Val& x, const Val& y) {
      Args args{y, x};
      return Truthy(ev.Apply(fn, args, Val()));
    });
  } else {
    const bool numbers = std::all_of(items.begin(), items.end(),
                                     [](const Val& v) { return v.j && v.j->is_number(); });
    const bool strings = std::all_of(items.begin(), items.end(),
                                     [](const Val& v) { return v.j && v.j->is_string(); });
    if (!numbers && !strings) {
      Throw("D3070",
            "The single argument form of the sort function can only be applied to an array of "
            "strings or an array of numbers.  Use the second argument to specify a comparison "
            "function");
    }
    std::stable_sort(items.begin(), items.end(), [&](const Val& x, const Val& y) {
      if (numbers) return x.j->get<double>() < y.j->get<double>();
      return x.j->get_ref<const std::string&>() < y.j->get_ref<const std::string&>();
    });
  }
  return FromItems(std::move(items), false);
}

Val FnShuffle(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  std::vector<Val> items = Items(a[0]);
  sim::Rng* rng = ev.bindings().rng;
  if (rng && items.size() > 1) {
    for (std::size_t i = items.size() - 1; i > 0; --i) {
      const auto j = static_cast<std::size_t>(rng->NextInRange(0, static_cast<std::int64_t>(i)));
      std::swap(items[i], items[j]);
    }
  }
  return FromItems(std::move(items), false);
}

Val FnDistinct(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  if (!a[0].j || !a[0].j->is_array()) return a[0];
  Json out = Json::array();
  for (const Json& e : *a[0].j) {
    if (std::none_of(out.begin(), out.end(), [&](const Json& o) { return DeepEqual(o, e); })) {
      out.push_back(e);
    }
  }
  return Val::Owned(std::move(out));
}

Val FnZip(Evaluator&, Args& a, const Val&) {
  std::vector<std::vector<Val>> arrays;
  std::size_t len = SIZE_MAX;
  for (const Val& v : a) {
    arrays.push_back(Items(v));
    len = std::min(len, arrays.back().size());
  }
  Json out = Json::array();
  if (arrays.empty()) return Val::Owned(std::move(out));
  for (std::size_t i = 0; i < len; ++i) {
    Json tuple = Json::array();
    for (const auto& arr : arrays) tuple.push_back(*arr[i].j);
    out.push_back(std::move(tuple));
  }
  return Val::Owned(std::move(out));
}

// ---- objects ----

Val FnKeys(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined() || !a[0].j) return Val();
  Json out = Json::array();
  auto add = [&](const Json& o) {
    if (!o.is_object()) return;
    for (const auto& [k, v] : o.items()) {
      if (std::find(out.begin(), out.end(), Json(k)) == out.end()) out.push_back(k);
    }
  };
  if (a[0].j->is_array()) {
    for (const Json& e : *a[0].j) add(e);
  } else {
    add(*a[0].j);
  }
  return Val::Sequence(std::move(out));
}

Val FnLookup(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined() || !a[0].j) return Val();
  const std::string& key = Str(a, 1, "lookup");
  const Json& in = *a[0].j;
  if (in.is_object()) {
    auto it = in.find(key);
    if (it == in.end()) return Val();
    return Val::Part(a[0], &*it);
  }
  if (in.is_array()) {
    Json out = Json::array();
    for (const Json& e : in) {
      if (!e.is_object()) continue;
      auto it = e.find(key);
      if (it == e.end()) continue;
      if (it->is_array()) {
        for (const Json& x : *it) out.push_back(x);
      } else {
        out.push_back(*it);
      }
    }
    return Val::Sequence(std::move(out));
  }
  return Val();
}

Val FnSpread(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined() || !a[0].j) return a[0];
  Json out = Json::array();
  auto add = [&](const Json& o) {
    if (!o.is_object()) {
      out.push_back(o);
      return;
    }
    for (const auto& [k, v] : o.items()) out.push_back(Json{{k, v}});
  };
  if (a[0].j->is_array()) {
    for (const Json& e : *a[0].j) add(e);
  } else {
    if (!a[0].j->is_object()) return a[0];
    add(*a[0].j);
  }
  return Val::Sequence(std::move(out));
}

Val FnMerge(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  Json out = Json::object();
  for (const Val& v : Items(a[0])) {
    if (!v.j || !v.j->is_object()) {
      Throw("T0412", "Argument 1 of function \"merge\" must be an array of \"objects\"");
    }
    for (const auto& [k, e] : v.j->items()) out[k] = e;
  }
  return Val::Owned(std::move(out));
}

Val FnEach(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  if (!a[0].j || !a[0].j->is_object()) BadArg("each", 0);
  if (!a[1].is_fn()) BadArg("each", 1);
  const int arity = ev.Arity(a[1]);
  std::vector<Val> out;
  for (const auto& [k, v] : a[0].j->items()) {
    Args args{Val::Part(a[0], &v)};
    if (arity >= 2) args.push_back(String(k));
    if (arity >= 3) args.push_back(a[0]);
    Val r = ev.Apply(a[1], args, Val());
    if (!r.undefined()) out.push_back(std::move(r));
  }
  return FromItems(std::move(out), true);
}

Val FnSift(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  if (!a[0].j || !a[0].j->is_object()) BadArg("sift", 0);
  if (!a[1].is_fn()) BadArg("sift", 1);
  const int arity = ev.Arity(a[1]);
  Json out = Json::object();
  for (const auto& [k, v] : a[0].j->items()) {
    Args args{Val::Part(a[0], &v)};
    if (arity >= 2) args.push_back(String(k));
    if (arity >= 3) args.push_back(a[0]);
    if (Truthy(ev.Apply(a[1], args, Val()))) out[k] = v;
  }
  if (out.empty()) return Val();
  return Val::Owned(std::move(out));
}

Val FnType(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return String(TypeOf(a[0]));
}

Val FnError(Evaluator&, Args& a, const Val&) {
  std::string message = "$error() function evaluated";
  if (Has(a, 0)) message = Str(a, 0, "error");
  Throw("D3137", message);
}

Val FnAssert(Evaluator&, Args& a, const Val&) {
  if (!a[0].j || !a[0].j->is_boolean()) BadArg("assert", 0);
  if (!a[0].j->get<bool>()) {
    std::string message = "$assert() statement failed";
    if (Has(a, 1)) message = Str(a, 1, "assert");
    Throw("D3141", message);
  }
  return Val();
}

Val FnMap(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  NeedFunction(a, 1, "map");
  std::vector<Val> items = Items(a[0]);
  std::vector<Val> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    Val r = ev.CallHof(a[1], items[i], i, a[0]);
    if (!r.undefined()) out.push_back(std::move(r));
  }
  return FromItems(std::move(out), true);
}

Val FnFilter(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  NeedFunction(a, 1, "filter");
  std::vector<Val> items = Items(a[0]);
  std::vector<Val> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (Truthy(ev.CallHof(a[1], items[i], i, a[0]))) out.push_back(items[i]);
  }
  return FromItems(std::move(out), true);
}

Val FnSingle(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  std::vector<Val> items = Items(a[0]);
  Val found;
  bool have = false;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const bool match = !Has(a, 1) || Truthy(ev.CallHof(a[1], items[i], i, a[0]));
    if (!match) continue;
    if (have)
      Throw("D3138",
            "The $single() function expected exactly 1 matching result.  Instead it matched more.");
    found = items[i];
    have = true;
  }
  if (!have)
    Throw("D3139",
          "The $single() function expected exactly 1 matching result.  Instead it matched 0.");
  return found;
}

Val FnReduce(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  NeedFunction(a, 1, "reduce");
  const int arity = ev.Arity(a[1]);
  if (arity < 2)
    Throw("D3050",
          "The second argument of reduce function must be a function with at least two arguments");
  std::vector<Val> items = Items(a[0]);
  std::size_t i = 0;
  Val acc;
  if (Has(a, 2)) {
    acc = a[2];
  } else if (!items.empty()) {
    acc = items[0];
    i = 1;
  }
  for (; i < items.size(); ++i) {
    Args args{acc, items[i]};
    if (arity >= 3) args.push_back(Number(static_cast<double>(i)));
    if (arity >= 4) args.push_back(a[0]);
    acc = ev.Apply(a[1], args, Val());
  }
  return acc;
}

}  // namespace stepsim::jsonata::internal
