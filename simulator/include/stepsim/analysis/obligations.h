// Stable public header: the API below is relied on by other areas; extend,
// do not change.
#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/sim/listener.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace stepsim::analysis {

/// The coverage criteria a suite is measured and gated on.
enum class Criterion : std::uint8_t {
  kStates,       ///< every state entered; every Parallel/Map completed
  kTransitions,  ///< every distinct (state, successor) pair taken, End included
  kChoices,      ///< every Choice rule, Default and no-match
  kRetries,      ///< every retrier both retried and exhausted
  kCatches,      ///< every catcher
  kErrors,       ///< every uncaught failure, timeout, heartbeat lapse, Map/Parallel failure
};

inline constexpr std::array<Criterion, 6> kAllCriteria = {
    Criterion::kStates,  Criterion::kTransitions, Criterion::kChoices,
    Criterion::kRetries, Criterion::kCatches,     Criterion::kErrors};

/// "states", "transitions", "choices", "retries", "catches", "errors".
std::string_view ToString(Criterion criterion);
/// The inverse of ToString; nullopt for any other text.
std::optional<Criterion> ParseCriterion(std::string_view text);

enum class ObligationKind : std::uint8_t {
  kState,              ///< the state is entered
  kTransition,         ///< control moves from `state` to `target` (null: scope end)
  kChoiceRule,         ///< Choice rule `index` matches
  kChoiceDefault,      ///< the Choice's Default is taken
  kNoChoiceMatched,    ///< a Choice without Default fails with States.NoChoiceMatched
  kRetried,            ///< retrier `index` retries at least once (not for MaxAttempts 0)
  kRetryExhausted,     ///< retrier `index` matches with no attempts left (RTY-06)
  kCatch,              ///< catcher `index` handles an error
  kUncaught,           ///< an error leaves the state uncaught (no States.ALL catcher)
  kTimeout,            ///< the task's TimeoutSeconds passes (States.Timeout)
  kHeartbeatTimeout,   ///< the task's heartbeats stop (HeartbeatSeconds)
  kBranchesSucceeded,  ///< a Parallel/Map state's branches/iterations all succeed
  kBranchesFailed,     ///< a Parallel/Map state fails because of its branches/iterations
};

/// "State", "Transition", "ChoiceRule", "ChoiceDefault", "NoChoiceMatched",
/// "Retried", "RetryExhausted", "Catch", "Uncaught", "Timeout",
/// "HeartbeatTimeout", "BranchesSucceeded", "BranchesFailed".
std::string_view ToString(ObligationKind kind);

/// One thing a test suite must make happen at least once.
struct Obligation {
  /// Stable key, unique within a definition and the same across processes and
  /// versions of stepsim (coverage files are merged by it):
  ///   state:S                   transition:S->T   transition:S->(end)
  ///   choice:S#i                choice:S#default  choice:S#nomatch
  ///   retry:S#i:retried         retry:S#i:exhausted
  ///   catch:S#i                 uncaught:S        timeout:S   heartbeat:S
  ///   branches:S:succeeded      branches:S:failed
  /// State names are unique in a definition (TOP-04).
  std::string id;
  ObligationKind kind = ObligationKind::kState;
  Criterion criterion = Criterion::kStates;
  /// The state the obligation belongs to.
  const asl::State* state = nullptr;
  /// kTransition: the successor; null for the end of the scope.
  const asl::State* target = nullptr;
  /// Rule, retrier or catcher index; -1 otherwise.
  int index = -1;
  /// Where to point a reader: the rule, Default, retrier, catcher, `Next`, or
  /// the state object.
  asl::SourceRef source;
  /// One line for people: "ProcessPayment: retrier 0 [PaymentGatewayTimeout]
  /// exhausted after 2 retries".
  std::string description;
};

void to_json(nlohmann::json& j, const Obligation& obligation);
void PrintTo(const Obligation& obligation, std::ostream* os);

/// Everything a suite must cover for one definition, in a fixed order: states
/// depth first in definition order, and for each state: State, its
/// Transitions (Next/End, Choice targets, Default, Catch targets, each
/// distinct successor once), ChoiceRules by index, Default or NoChoiceMatched,
/// per retrier Retried then RetryExhausted, Catches by index, Uncaught,
/// Timeout, HeartbeatTimeout, BranchesSucceeded, BranchesFailed.
class Obligations {
 public:
  /// The definition must outlive the object.
  static Obligations For(const asl::Definition& definition);

  const asl::Definition& definition() const { return *definition_; }
  const std::vector<Obligation>& all() const { return all_; }
  std::size_t size() const { return all_.size(); }
  const Obligation& operator[](std::size_t i) const { return all_[i]; }
  /// Index of the obligation with `id`, or nullopt.
  std::optional<std::size_t> Find(std::string_view id) const;
  /// Number of obligations of `criterion`.
  std::size_t Count(Criterion criterion) const;

  /// Index of the obligation of `kind` for `state` (and `index`, `target`),
  /// or nullopt when the definition has none (a retried obligation of a
  /// MaxAttempts-0 retrier, an uncaught obligation of a state with a
  /// States.ALL catcher).
  std::optional<std::size_t> Lookup(const asl::State& state, ObligationKind kind, int index = -1,
                                    const asl::State* target = nullptr) const;

 private:
  const asl::Definition* definition_ = nullptr;
  std::vector<Obligation> all_;
  std::map<std::string, std::size_t, std::less<>> by_id_;
  // (state, kind, index, target) -> obligation index.
  std::map<std::tuple<const asl::State*, ObligationKind, int, const asl::State*>, std::size_t>
      by_key_;
};

/// Counts, on the simulator's listener, how often each obligation is hit. Add
/// it to sim::Options::listeners of any number of runs (not concurrently);
/// hits accumulate until Reset. The one mapping from runs to obligations that
/// coverage reports and witness checks use.
class ObligationTracker : public sim::ExecutionListener {
 public:
  /// `obligations` must outlive the tracker.
  explicit ObligationTracker(const Obligations& obligations);
  ~ObligationTracker() override;
  ObligationTracker(ObligationTracker&&) noexcept;

  void OnEvent(const sim::HistoryEvent& event) override;
  void OnTransition(const sim::Transition& transition) override;
  /// Distributed Map children count like events of the execution itself.
  void OnChildExecutionEvent(const sim::HistoryEvent& event) override { OnEvent(event); }

  const Obligations& obligations() const { return *obligations_; }
  /// Hit count per obligation, parallel to obligations().all().
  const std::vector<std::int64_t>& hits() const { return hits_; }
  /// Indices of the obligations hit since the last Reset or TakeNewlyHit,
  /// ascending, each once.
  std::vector<std::size_t> TakeNewlyHit();
  void Reset();

 private:
  struct Slots;
  const Slots* SlotsOf(const asl::State* state) const;
  void Hit(std::int32_t index);

  const Obligations* obligations_;
  std::vector<std::int64_t> hits_;
  std::vector<bool> fresh_;
  std::vector<std::size_t> newly_hit_;
  std::vector<Slots> slots_;
  // Never iterated: only looked up, so its order cannot leak into output.
  std::unordered_map<const asl::State*, std::size_t> index_;
};

}  // namespace stepsim::analysis
