#include <stepsim/jsonata/jsonata.h>

#include <memory>
#include <string>
#include <vector>

#include "jsonata/ast.h"

// The parent operator `%`: each `%` finds, at parse time, the path step
// whose input item is the parent it names (jsonata-js's ancestry slots).
// That step binds the item to the slot's label in the tuple stream, and `%`
// reads the label.
namespace stepsim::jsonata::internal {
namespace {

using SlotPtr = std::shared_ptr<AncestorSlot>;

[[noreturn]] void CannotDerive(const Node& n) {
  throw SyntaxError(n.pos,
                    "S0217: The object representing the 'parent' cannot be derived from this "
                    "expression");
}

// The slots `n` still seeks, including its own when it is `%`.
std::vector<SlotPtr> Slots(const Node& n) {
  std::vector<SlotPtr> out = n.seeking;
  if (n.type == NodeType::kParent) out.push_back(n.slot);
  return out;
}

void Push(Node& n, const Node& child) {
  for (const SlotPtr& s : Slots(child)) n.seeking.push_back(s);
}

SlotPtr SeekParent(Node& node, SlotPtr slot) {
  switch (node.type) {
    case NodeType::kName:
    case NodeType::kWildcard:
      --slot->level;
      if (slot->level == 0) {
        if (node.ancestor) slot->label = node.ancestor->label;
        node.ancestor = slot;
        node.tuple = true;
      }
      break;
    case NodeType::kParent:
      ++slot->level;
      break;
    case NodeType::kBlock:
      if (!node.args.empty()) {
        node.tuple = true;
        slot = SeekParent(*node.args.back(), slot);
      }
      break;
    case NodeType::kPath: {
      node.tuple = true;
      std::size_t i = node.args.size();
      slot = SeekParent(*node.args[--i], slot);
      while (slot->level > 0 && i > 0) slot = SeekParent(*node.args[--i], slot);
      break;
    }
    default:
      CannotDerive(node);
  }
  return slot;
}

void Resolve(Node& n);

// A predicate on `step`: its `%` at level 1 names `step`'s input item.
void ResolvePredicate(Node& step, Node& predicate) {
  Resolve(predicate);
  for (const SlotPtr& slot : Slots(predicate)) {
    if (slot->level == 1) {
      SeekParent(step, slot);
    } else {
      --slot->level;
    }
    step.seeking.push_back(slot);
  }
}

void ResolvePath(Node& path) {
  for (std::size_t k = 0; k < path.args.size(); ++k) {
    Node& step = *path.args[k];
    Resolve(step);
    if (k == 0) {
      if (step.type == NodeType::kParent) path.seeking.push_back(step.slot);
      continue;
    }
    for (SlotPtr slot : Slots(step)) {
      std::size_t index = k;  // steps left of `step`
      while (slot->level > 0) {
        if (index == 0) {
          path.seeking.push_back(slot);
          break;
        }
        Node* prev = path.args[--index].get();
        // Contiguous steps that bind a focus variable count as one.
        while (index > 0 && !prev->focus.empty() && !path.args[index - 1]->focus.empty()) {
          prev = path.args[--index].get();
        }
        slot = SeekParent(*prev, slot);
      }
    }
  }
  for (auto& [k, v] : path.group) {
    Resolve(*k);
    Resolve(*v);
    Push(path, *k);
    Push(path, *v);
  }
}

void Resolve(Node& n) {
  switch (n.type) {
    case NodeType::kPath:
      ResolvePath(n);
      break;
    case NodeType::kLambda:
      // A function body's `%` refers to where it is called, not defined.
      Resolve(*n.lhs);
      break;
    case NodeType::kCall:
      Resolve(*n.lhs);
      for (auto& a : n.args) {
        Resolve(*a);
        Push(n, *a);
      }
      break;
    case NodeType::kTransform:
      Resolve(*n.cond);
      Resolve(*n.lhs);
      if (n.rhs) Resolve(*n.rhs);
      break;
    default: {
      for (NodePtr* c : {&n.lhs, &n.rhs, &n.cond}) {
        if (*c) {
          Resolve(**c);
          Push(n, **c);
        }
      }
      for (auto& a : n.args) {
        Resolve(*a);
        Push(n, *a);
      }
      for (auto& [k, v] : n.pairs) {
        Resolve(*k);
        Resolve(*v);
        Push(n, *k);
        Push(n, *v);
      }
      for (auto& term : n.terms) {
        Resolve(*term.expr);
        Push(n, *term.expr);
      }
      break;
    }
  }
  for (auto& stage : n.stages) {
    if (stage->type != NodeType::kIndexStage) ResolvePredicate(n, *stage);
  }
  for (auto& p : n.predicates) ResolvePredicate(n, *p);
  if (n.type != NodeType::kPath) {
    for (auto& [k, v] : n.group) {
      Resolve(*k);
      Resolve(*v);
      Push(n, *k);
      Push(n, *v);
    }
  }
}

}  // namespace

void ResolveAncestry(Node& root) {
  Resolve(root);
  for (const SlotPtr& slot : Slots(root)) {
    if (slot->level > 0) CannotDerive(root);
  }
}

}  // namespace stepsim::jsonata::internal
