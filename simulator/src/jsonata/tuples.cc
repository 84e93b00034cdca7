#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "jsonata/eval.h"

// Tuple streams: the path steps after a `@` focus binding, a `#` index
// binding or a step a `%` names carry, with each item, the variables bound
// so far (jsonata-js's evaluateTupleStep).
namespace stepsim::jsonata::internal {

Frame* Evaluator::FrameFromTuple(const FramePtr& env, const Tuple& t) {
  Frame* frame = NewFrame(env);
  for (const auto& [name, value] : t.vars) frame->vars.emplace_back(name, value);
  return frame;
}

std::vector<Tuple> Evaluator::FilterTuples(const Node& stage, std::vector<Tuple> in,
                                           const FramePtr& env) {
  if (stage.type == NodeType::kIndexStage) {
    for (std::size_t i = 0; i < in.size(); ++i) {
      in[i].Set(stage.str, Val::Owned(static_cast<std::int64_t>(i)));
    }
    return in;
  }
  std::vector<Tuple> out;
  const auto size = static_cast<std::int64_t>(in.size());
  auto index_of = [&](const Json& num) {
    auto i = static_cast<std::int64_t>(std::floor(num.get<double>()));
    return i < 0 ? i + size : i;
  };
  if (stage.type == NodeType::kLiteral && stage.literal.is_number()) {
    const std::int64_t i = index_of(stage.literal);
    if (i >= 0 && i < size) out.push_back(std::move(in[static_cast<std::size_t>(i)]));
    return out;
  }
  for (std::size_t i = 0; i < in.size(); ++i) {
    Val res = Eval(stage, in[i].focus, FrameFromTuple(env, in[i]));
    bool keep = false;
    if (res.j && res.j->is_number()) {
      keep = index_of(*res.j) == static_cast<std::int64_t>(i);
    } else if (res.j && res.j->is_array() && !res.j->empty() &&
               std::all_of(res.j->begin(), res.j->end(),
                           [](const Json& e) { return e.is_number(); })) {
      for (const Json& e : *res.j) keep = keep || index_of(e) == static_cast<std::int64_t>(i);
    } else {
      keep = Truthy(res);
    }
    if (keep) out.push_back(in[i]);
  }
  return out;
}

std::vector<Tuple> Evaluator::EvalTupleStep(const Node& step, const std::vector<Val>& input,
                                            const std::vector<Tuple>* tuples, const FramePtr& env) {
  std::vector<Tuple> result;
  if (step.type == NodeType::kSort) {
    if (tuples) {
      result = *tuples;
      const std::vector<std::size_t> order = SortOrder(step, result.size(), [&](std::size_t i) {
        return std::make_pair(result[i].focus, FrameFromTuple(env, result[i]));
      });
      std::vector<Tuple> sorted;
      for (std::size_t i : order) sorted.push_back(result[i]);
      result = std::move(sorted);
    } else {
      const std::vector<std::size_t> order = SortOrder(
          step, input.size(), [&](std::size_t i) { return std::make_pair(input[i], env); });
      for (std::size_t k = 0; k < order.size(); ++k) {
        Tuple t;
        t.focus = input[order[k]];
        if (!step.index_var.empty())
          t.Set(step.index_var, Val::Owned(static_cast<std::int64_t>(k)));
        result.push_back(std::move(t));
      }
    }
    for (const auto& stage : step.stages) result = FilterTuples(*stage, std::move(result), env);
    return result;
  }
  std::vector<Tuple> from;
  if (tuples) {
    from = *tuples;
  } else {
    for (const Val& item : input) {
      Tuple t;
      t.focus = item;
      from.push_back(std::move(t));
    }
  }
  for (const Tuple& t : from) {
    Val res = Eval(step, t.focus, FrameFromTuple(env, t));
    if (res.undefined()) continue;
    if (res.is_tuples()) {
      for (const Tuple& r : *res.tuples) {
        Tuple merged = t;
        for (const auto& [name, value] : r.vars) merged.Set(name, value);
        merged.focus = r.focus;
        result.push_back(std::move(merged));
      }
      continue;
    }
    std::vector<Val> items;
    if (res.j && res.j->is_array()) {
      for (const Json& e : *res.j) items.push_back(Val::Part(res, &e));
    } else {
      items.push_back(res);
    }
    for (std::size_t b = 0; b < items.size(); ++b) {
      Tuple next = t;
      if (!step.focus.empty()) {
        next.Set(step.focus, items[b]);
        next.focus = t.focus;
      } else {
        next.focus = items[b];
      }
      if (!step.index_var.empty()) {
        next.Set(step.index_var, Val::Owned(static_cast<std::int64_t>(b)));
      }
      if (step.ancestor) next.Set(step.ancestor->label, t.focus);
      result.push_back(std::move(next));
    }
  }
  for (const auto& stage : step.stages) result = FilterTuples(*stage, std::move(result), env);
  return result;
}

Val Evaluator::GroupTuples(const std::vector<std::pair<NodePtr, NodePtr>>& pairs,
                           const std::vector<Tuple>& input, const FramePtr& env) {
  std::vector<std::string> order;
  std::vector<std::pair<std::size_t, std::vector<const Tuple*>>> groups;
  for (const Tuple& t : input) {
    Frame* frame = FrameFromTuple(env, t);
    for (std::size_t p = 0; p < pairs.size(); ++p) {
      Val key = Eval(*pairs[p].first, t.focus, frame);
      if (key.undefined()) continue;
      if (!key.j || !key.j->is_string()) {
        Throw("T1003", "Key in object structure must evaluate to a string; got: " +
                           (key.j ? Stringify(*key.j, false) : std::string()));
      }
      const std::string& k = key.j->get_ref<const std::string&>();
      auto it = std::find(order.begin(), order.end(), k);
      if (it == order.end()) {
        order.push_back(k);
        groups.push_back({p, {&t}});
      } else {
        auto& g = groups[static_cast<std::size_t>(it - order.begin())];
        if (g.first != p) {
          Throw("D1009",
                "Multiple key definitions evaluate to same key: " + Stringify(Json(k), false));
        }
        g.second.push_back(&t);
      }
    }
  }
  Json out = Json::object();
  for (std::size_t g = 0; g < order.size(); ++g) {
    // The group's tuples reduced to one: each variable appended across them.
    const std::vector<const Tuple*>& members = groups[g].second;
    Tuple reduced = *members[0];
    for (std::size_t m = 1; m < members.size(); ++m) {
      reduced.focus = Append(reduced.focus, members[m]->focus);
      for (const auto& [name, value] : members[m]->vars) {
        const Val* have = reduced.Find(name);
        reduced.Set(name, have ? Append(*have, value) : value);
      }
    }
    Val value = Eval(*pairs[groups[g].first].second, reduced.focus, FrameFromTuple(env, reduced));
    if (value.undefined()) continue;
    if (value.is_fn()) Throw("T1001", "Functions cannot be stored in an object");
    if (value.j) out[order[g]] = *value.j;
  }
  return Val::Owned(std::move(out));
}

}  // namespace stepsim::jsonata::internal
