// Choice-condition solving for witness synthesis: candidate values for the
// variables a Choice reads, a small backtracking search over them, and the
// exact rule semantics of the interpreter (sim::internal::EvaluateChoiceRule)
// to check a candidate.
#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/jsonpath/env.h>
#include <stepsim/jsonpath/path.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::analysis::internal {

using Json = nlohmann::json;

/// One step of a reference path: a member name or an array index.
struct Segment {
  bool is_index = false;
  std::string name;
  std::int64_t index = 0;

  friend bool operator==(const Segment&, const Segment&) = default;
  friend auto operator<=>(const Segment&, const Segment&) = default;
};

using Segments = std::vector<Segment>;

/// The steps of a reference path (`$.a.b[0]`); nullopt for any path that can
/// select more than one node.
std::optional<Segments> SegmentsOf(const jsonpath::Path& path);

/// "/a/b/0" style text of segments, for keys and messages.
std::string SegmentsText(const Segments& segments);

/// Writes `value` at `segments` inside `doc`, creating objects (name steps)
/// and arrays padded with `{}` (index steps) on the way. False when an
/// existing non-container value is in the way.
bool SetAt(Json& doc, const Segments& segments, const Json& value);

/// A value a variable may take: nullopt = absent (the path selects nothing).
using Candidate = std::optional<Json>;

/// What the rules say about a variable: each data test reading it (the
/// operator and literal operand; path operands count as "compared with
/// another variable").
struct Hint {
  asl::ChoiceOperator op = asl::ChoiceOperator::kIsPresent;
  Json operand;
  bool operand_is_path = false;
};

/// A requirement a variable has besides the Choice rules: the data flow reads
/// it (present), iterates it (array of one element), waits on it.
enum class Need : std::uint8_t {
  kNone,
  kPresent,
  kArray,
  kNonNegativeInteger,
  kPositiveInteger,
  kTimestamp,
  kString,
  kNumber,
  kJsonText,
  kNumberArray,
  kAbsent
};

/// Candidate values for a variable, simplest first: values satisfying and
/// violating each hint (the operand, its neighbours, other types), absent
/// last. A variable with a Need other than kNone gets only values meeting it.
std::vector<Candidate> CandidatesFor(const std::vector<Hint>& hints, Need need);

/// A condition on some of the variables: `holds` sees every variable's value
/// (indexed by variable id) but only `vars` are assigned when it is called.
struct Constraint {
  std::vector<std::size_t> vars;
  std::function<bool(const std::vector<const Candidate*>& values)> holds;
};

/// The outcome of a search.
struct Solution {
  bool solved = false;
  bool budget_exhausted = false;  ///< gave up before trying everything
  std::vector<Candidate> values;  ///< per variable when solved
};

/// Backtracking over the variables in id order; each constraint is checked as
/// soon as its last variable is assigned. `budget` bounds the number of
/// constraint checks.
Solution Solve(const std::vector<std::vector<Candidate>>& domains,
               const std::vector<Constraint>& constraints, std::size_t budget = 200000);

/// The rule a Choice takes on `input`: its index, -1 when none matches, or
/// nullopt when a rule raises a runtime error. The rules are JSONPath rules
/// (JSONata conditions are first translated by TranslateCondition).
std::optional<int> ChoiceTaken(const std::vector<const asl::ChoiceRule*>& rules,
                               const jsonpath::Env& env);

/// Every data-test rule of a rule tree, depth first.
void CollectDataTests(const asl::ChoiceRule& rule, std::vector<const asl::ChoiceRule*>* out);

/// Best-effort translation of a JSONata `Condition` into an equivalent
/// JSONPath rule tree over the Choice input: literals `true`/`false`,
/// comparisons (`=`, `!=`, `<`, `<=`, `>`, `>=`) of `$states.input.x.y` with a
/// string, number or boolean literal, `$exists(...)`, `and`, `or`, `not(...)`
/// and parentheses. nullopt (with `reason` set) for anything else.
std::optional<asl::ChoiceRule> TranslateCondition(const asl::ChoiceRule& rule, std::string* reason);

}  // namespace stepsim::analysis::internal
