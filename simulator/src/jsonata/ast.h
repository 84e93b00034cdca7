#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stepsim::jsonata::internal {

using Json = nlohmann::json;

enum class NodeType {
  kLiteral,       // string, number, true/false/null: `literal`
  kName,          // field name: `str`
  kVariable,      // `$str`; "" is `$`, "$" is `$$`
  kStatesMember,  // `$states.<str>` resolved from the bindings
  kWildcard,      // `*`
  kDescendant,    // `**`
  kRegex,         // `/.../flags`: `regex`
  kPath,          // `steps` in `args`
  kBinary,        // `str` is the operator, `lhs` `rhs`
  kAnd,
  kOr,
  kNegate,     // unary minus: `lhs`
  kArray,      // array constructor: `args`
  kObject,     // object constructor (group on the context): `pairs`
  kCondition,  // `cond` ? `lhs` : `rhs` (rhs may be null)
  kBlock,      // `( a; b )`: `args`
  kBind,       // `$str := rhs`
  kCall,       // `lhs`(args); `partial` when an argument is `?`
  kPlaceholder,
  kLambda,      // function(params){lhs}
  kApply,       // `lhs ~> rhs`
  kSort,        // path step `^(terms)`
  kTransform,   // `| lhs | rhs, cond |`
  kParent,      // `%`: the item `slot` names
  kIndexStage,  // `#$str` after a predicate: binds each tuple's position
};

struct Node;
class Signature;

// Where a `%` looks for its parent: `level` steps up from where it is used;
// the step that binds it stores its input item under `label`.
struct AncestorSlot {
  std::string label;
  int level = 1;
};
using NodePtr = std::unique_ptr<Node>;

struct SortTerm {
  NodePtr expr;
  bool descending = false;
};

struct Node {
  NodeType type = NodeType::kLiteral;
  std::size_t pos = 0;
  std::string str;
  Json literal;
  NodePtr lhs;
  NodePtr rhs;
  NodePtr cond;
  std::vector<NodePtr> args;
  // Predicates applied to this node's whole value (non-path nodes), or to
  // each item's value when this node is a path step.
  std::vector<NodePtr> predicates;
  std::vector<NodePtr> stages;
  // Object constructor pairs, or the group `{...}` applied after this node.
  std::vector<std::pair<NodePtr, NodePtr>> pairs;
  bool has_group = false;
  std::vector<std::pair<NodePtr, NodePtr>> group;
  std::vector<SortTerm> terms;
  std::vector<std::string> params;
  std::shared_ptr<const std::regex> regex;
  bool keep_array = false;            // `[]` after a step
  bool cons_array = false;            // array constructor first/last in path
  bool keep_singleton_array = false;  // path containing a keep_array step
  bool partial = false;
  int builtin = -1;                            // index of the built-in a variable names, if any
  std::shared_ptr<const Signature> signature;  // a lambda's `<...>`
  std::string focus;                           // `@$focus` on a path step
  std::string index_var;                       // `#$index` on a path step
  bool tuple = false;                          // the step (or path) yields a tuple stream
  std::shared_ptr<AncestorSlot> slot;          // a `%`
  std::shared_ptr<AncestorSlot> ancestor;      // a step a `%` names
  std::vector<std::shared_ptr<AncestorSlot>> seeking;  // `%`s not yet resolved below
};

/// Parses and post-processes `text`. Throws SyntaxError.
NodePtr ParseExpression(std::string_view text);

/// Resolves every `%` to the path step it names (S0217 when none).
void ResolveAncestry(Node& root);

/// The index of the built-in function `name` (without '$'), or -1.
int FindBuiltin(std::string_view name);

}  // namespace stepsim::jsonata::internal
