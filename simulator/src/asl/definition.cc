#include <stepsim/asl/definition.h>

#include <ostream>
#include <string_view>
#include <vector>

namespace stepsim::asl {

std::string_view ToString(StateType type) {
  switch (type) {
    case StateType::kTask:
      return "Task";
    case StateType::kPass:
      return "Pass";
    case StateType::kChoice:
      return "Choice";
    case StateType::kWait:
      return "Wait";
    case StateType::kSucceed:
      return "Succeed";
    case StateType::kFail:
      return "Fail";
    case StateType::kParallel:
      return "Parallel";
    case StateType::kMap:
      return "Map";
  }
  return "Unknown";
}

std::string_view ToString(QueryLanguage language) {
  switch (language) {
    case QueryLanguage::kJsonPath:
      return "JSONPath";
    case QueryLanguage::kJsonata:
      return "JSONata";
  }
  return "Unknown";
}

std::string_view ToString(ChoiceOperator op) {
  switch (op) {
    case ChoiceOperator::kStringEquals:
      return "StringEquals";
    case ChoiceOperator::kStringLessThan:
      return "StringLessThan";
    case ChoiceOperator::kStringGreaterThan:
      return "StringGreaterThan";
    case ChoiceOperator::kStringLessThanEquals:
      return "StringLessThanEquals";
    case ChoiceOperator::kStringGreaterThanEquals:
      return "StringGreaterThanEquals";
    case ChoiceOperator::kStringMatches:
      return "StringMatches";
    case ChoiceOperator::kNumericEquals:
      return "NumericEquals";
    case ChoiceOperator::kNumericLessThan:
      return "NumericLessThan";
    case ChoiceOperator::kNumericGreaterThan:
      return "NumericGreaterThan";
    case ChoiceOperator::kNumericLessThanEquals:
      return "NumericLessThanEquals";
    case ChoiceOperator::kNumericGreaterThanEquals:
      return "NumericGreaterThanEquals";
    case ChoiceOperator::kBooleanEquals:
      return "BooleanEquals";
    case ChoiceOperator::kTimestampEquals:
      return "TimestampEquals";
    case ChoiceOperator::kTimestampLessThan:
      return "TimestampLessThan";
    case ChoiceOperator::kTimestampGreaterThan:
      return "TimestampGreaterThan";
    case ChoiceOperator::kTimestampLessThanEquals:
      return "TimestampLessThanEquals";
    case ChoiceOperator::kTimestampGreaterThanEquals:
      return "TimestampGreaterThanEquals";
    case ChoiceOperator::kIsNull:
      return "IsNull";
    case ChoiceOperator::kIsPresent:
      return "IsPresent";
    case ChoiceOperator::kIsNumeric:
      return "IsNumeric";
    case ChoiceOperator::kIsString:
      return "IsString";
    case ChoiceOperator::kIsBoolean:
      return "IsBoolean";
    case ChoiceOperator::kIsTimestamp:
      return "IsTimestamp";
  }
  return "Unknown";
}

bool State::IsTerminal() const {
  return end || type == StateType::kSucceed || type == StateType::kFail;
}

std::optional<std::size_t> Scope::Find(std::string_view name) const {
  if (auto it = index.find(name); it != index.end()) return it->second;
  return std::nullopt;
}

namespace {

// Recursion follows scope nesting, bounded by the parser's depth limit.
void CollectStates(const Scope& scope,  // NOLINT(misc-no-recursion)
                   std::vector<const State*>& out) {
  for (const State& state : scope.states) {
    out.push_back(&state);
    for (const auto& branch : state.branches) {
      if (branch) CollectStates(*branch, out);
    }
    if (state.item_processor) CollectStates(*state.item_processor, out);
  }
}

}  // namespace

std::vector<const State*> Definition::AllStates() const {
  std::vector<const State*> out;
  out.reserve(by_name_.size());
  if (root_) CollectStates(*root_, out);
  return out;
}

const State* Definition::FindState(std::string_view name) const {
  if (auto it = by_name_.find(name); it != by_name_.end()) return it->second;
  return nullptr;
}

void PrintTo(const Definition& d, std::ostream* os) {
  *os << "Definition{";
  if (!d.file().empty()) *os << "file=\"" << d.file() << "\", ";
  *os << "QueryLanguage=" << ToString(d.query_language());
  // A default-constructed Definition has no root, and AllStates() is the
  // only public way to tell without dereferencing it.
  const std::vector<const State*> states = d.AllStates();
  if (states.empty()) {
    *os << "}";
    return;
  }
  *os << ", StartAt=\"" << d.root().start_at << "\", States=[";
  bool first = true;
  for (const State* state : states) {
    if (!first) *os << ", ";
    first = false;
    *os << state->name << ":" << ToString(state->type);
  }
  *os << "]}";
}

}  // namespace stepsim::asl
