#pragma once

#include <stepsim/jsonata/jsonata.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jsonata/ast.h"

namespace stepsim::jsonata::internal {

struct Callable;
struct Tuple;

/// A JSONata value during evaluation: undefined, a JSON value (owned or
/// borrowed from the bindings, kept alive by `j`'s control block) or a
/// function. Sequences are JSON arrays flagged `seq`.
struct Val {
  std::shared_ptr<const Json> j;
  std::shared_ptr<const Callable> fn;
  // A tuple stream, passed between the steps of paths with `@`, `#` or `%`.
  std::shared_ptr<const std::vector<Tuple>> tuples;
  bool seq = false;
  bool keep_singleton = false;
  bool cons = false;

  bool undefined() const { return !j && !fn && !tuples; }
  bool is_tuples() const { return tuples != nullptr; }
  bool is_json() const { return j != nullptr; }
  bool is_fn() const { return fn != nullptr; }

  static Val Owned(Json v) {
    Val r;
    // Non-const object, so a sole owner may move the value out at the end.
    r.j = std::make_shared<Json>(std::move(v));
    return r;
  }
  // A value that lives as long as the evaluation (the bindings, the AST).
  static Val Borrow(const Json* v) {
    Val r;
    if (v) r.j = std::shared_ptr<const Json>(std::shared_ptr<const Json>(), v);
    return r;
  }
  // A part of `owner`'s JSON value.
  static Val Part(const Val& owner, const Json* v) {
    Val r;
    r.j = std::shared_ptr<const Json>(owner.j, v);
    return r;
  }
  // Shared constants for booleans, which need no allocation.
  static Val Boolean(bool b) {
    static const Json kTrue(true);
    static const Json kFalse(false);
    return Borrow(b ? &kTrue : &kFalse);
  }
  static Val Sequence(Json array) {
    Val r = Owned(std::move(array));
    r.seq = true;
    return r;
  }
};

// One item of a tuple stream: the context item and the variables bound to it.
struct Tuple {
  Val focus;
  std::vector<std::pair<std::string, Val>> vars;

  const Val* Find(std::string_view name) const {
    for (const auto& [k, v] : vars) {
      if (k == name) return &v;
    }
    return nullptr;
  }
  void Set(std::string_view name, Val v) {
    for (auto& [k, val] : vars) {
      if (k == name) {
        val = std::move(v);
        return;
      }
    }
    vars.emplace_back(std::string(name), std::move(v));
  }
};

struct Frame {
  Frame* parent = nullptr;
  std::vector<std::pair<std::string, Val>> vars;

  const Val* Find(std::string_view name) const {
    for (const Frame* f = this; f; f = f->parent) {
      for (auto it = f->vars.rbegin(); it != f->vars.rend(); ++it) {
        if (it->first == name) return &it->second;
      }
    }
    return nullptr;
  }
  void Set(std::string_view name, Val v) {
    for (auto& [k, val] : vars) {
      if (k == name) {
        val = std::move(v);
        return;
      }
    }
    vars.emplace_back(std::string(name), std::move(v));
  }
};
// Frames are owned by the Evaluator for the whole evaluation: closures point
// at them without owning them, so a function stored in its own frame makes
// no reference cycle. No value outlives the evaluation.
using FramePtr = Frame*;

struct Callable {
  enum class Kind { kLambda, kBuiltin, kPartial, kRegex, kTransform, kChain };
  Kind kind = Kind::kBuiltin;
  const Node* lambda = nullptr;
  FramePtr env;
  Val context;
  int builtin = -1;
  std::shared_ptr<const Callable> target;  // partial application, first of a chain
  std::shared_ptr<const Callable> second;  // second of a chain
  std::vector<Val> bound;
  std::vector<bool> placeholder;
  std::shared_ptr<const std::regex> regex;
};

/// A failed evaluation: JSONata's code and message.
struct EvalError {
  std::string code;
  std::string message;
};

[[noreturn]] void Throw(const char* code, std::string message);

class Evaluator;
using BuiltinFn = Val (*)(Evaluator&, std::vector<Val>& args, const Val& input);

struct Builtin {
  const char* name;
  BuiltinFn fn;
  int min_args;
  int max_args;
  bool context_default;  // the signature's '-': the context fills arg 1
  char first_type;       // 's' string, 'n' number, 'x' anything
  // Type of the second parameter ('s', 'n', 'f' function, 'r' string or
  // function, 'x' anything): an explicit first argument of this type means
  // the caller left out the first one and the context fills it.
  char second_type;
};

/// The built-in table (index = Node::builtin).
const std::vector<Builtin>& Builtins();

class Evaluator {
 public:
  explicit Evaluator(const Bindings& bindings) : bindings_(bindings) {}

  Val Eval(const Node& n, const Val& input, const FramePtr& env);
  Val Apply(const Val& proc, std::vector<Val>& args, const Val& input);
  // Calls `fn` with as many of (value, index, array) as it takes.
  Val CallHof(const Val& fn, const Val& value, std::size_t index, const Val& array);
  int Arity(const Val& fn) const;

  const Bindings& bindings() const { return bindings_; }
  void set_root(Val root) { root_ = std::move(root); }
  Frame* NewFrame(Frame* parent) {
    frames_.push_back(std::make_unique<Frame>());
    frames_.back()->parent = parent;
    return frames_.back().get();
  }

 private:
  Val EvalInner(const Node& n, const Val& input, const FramePtr& env);
  Val EvalPath(const Node& n, const Val& input, const FramePtr& env);
  Val EvalStep(const Node& step, const Val& input_seq, const FramePtr& env, bool last);
  Val EvalFilter(const Node& predicate, const Val& input, const FramePtr& env);
  Val EvalGroup(const std::vector<std::pair<NodePtr, NodePtr>>& pairs, const Val& input,
                const FramePtr& env);
  Val EvalSort(const Node& sort, const Val& input, const FramePtr& env);
  // The order of `count` items by the sort's terms; `item(i)` gives an
  // item's context and frame.
  std::vector<std::size_t> SortOrder(
      const Node& sort, std::size_t count,
      const std::function<std::pair<Val, FramePtr>(std::size_t)>& item);
  Frame* FrameFromTuple(const FramePtr& env, const Tuple& t);
  std::vector<Tuple> EvalTupleStep(const Node& step, const std::vector<Val>& input,
                                   const std::vector<Tuple>* tuples, const FramePtr& env);
  std::vector<Tuple> FilterTuples(const Node& stage, std::vector<Tuple> in, const FramePtr& env);
  Val GroupTuples(const std::vector<std::pair<NodePtr, NodePtr>>& pairs,
                  const std::vector<Tuple>& input, const FramePtr& env);
  Val EvalBinary(const Node& n, const Val& input, const FramePtr& env);
  Val EvalCall(const Node& n, const Val& input, const FramePtr& env);
  Val EvalApply(const Node& n, const Val& input, const FramePtr& env);
  Val EvalTransform(const Node& n, const Val& input, const FramePtr& env);
  Val LookupVariable(const Node& n, const Val& input, const FramePtr& env);
  Val ApplyTransform(const Callable& c, const Val& arg);
  std::vector<Json*> FilterMatches(const Node& stage, const std::vector<Json*>& found,
                                   const FramePtr& env);
  void TransformMatches(const Node& pattern, Json* root, const FramePtr& env,
                        std::vector<Json*>* out);

  const Bindings& bindings_;
  Val root_;
  std::vector<std::unique_ptr<Frame>> frames_;
  int depth_ = 0;
};

// Helpers shared by the evaluator and the built-ins.
Json MakeNumber(double d);  // integral -> integer JSON
bool Truthy(const Val& v);  // JSONata's $boolean (undefined -> false)
bool DeepEqual(const Json& a, const Json& b);
std::string JsNumber(double d);                     // JavaScript's Number#toString
std::string Stringify(const Json& v, bool pretty);  // JSON.stringify, numbers at 15 digits
std::string ToStringValue(const Val& v);            // $string semantics
Val Append(const Val& a, const Val& b);             // $append semantics
// The items of a value viewed as an array (a non-array is one item).
std::vector<Val> Items(const Val& v);
Val FromItems(std::vector<Val> items, bool seq);
std::string TypeOf(const Val& v);

}  // namespace stepsim::jsonata::internal
