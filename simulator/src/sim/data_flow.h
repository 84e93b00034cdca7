#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/error.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/history.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stepsim::sim::internal {

struct Activity;
struct StateRun;

/// What a state leaves with.
struct Leaving {
  JsonPtr output;
  /// The values its Assign stored (null when it has none): the
  /// `assignedVariables` of its Exited event.
  JsonPtr assigned;
};

/// A Fail state's Error and Cause.
struct FailFields {
  std::string error;
  std::string cause;
};

/// The fields of Task and Map states whose value is a number.
enum class NumberField : std::uint8_t {
  kTimeoutSeconds,
  kHeartbeatSeconds,
  kMaxConcurrency,
  kToleratedFailureCount,
  kToleratedFailurePercentage,
  kMaxItemsPerBatch,
};

/// "TimeoutSeconds", "MaxConcurrency", ...
std::string_view NameOf(NumberField field);

/// The state's field (an ItemBatcher field of a Map without an ItemBatcher:
/// an empty one).
const asl::NumberField& FieldOf(const asl::State& s, NumberField field);

/// How a state's fields turn its input into its output, in the state's query
/// language: JSONPath (InputPath, Parameters, ResultSelector, ResultPath,
/// OutputPath, paths and intrinsic functions) or JSONata (Arguments, Output,
/// `{% %}` expressions). The runners call these steps in AWS's order
/// (IO-02, JSONATA-04) and never ask which language a state uses. Each step
/// reports its value to the run's DataFlowObserver, when there is one.
///
/// Errors are the bare AslError; the runner adds the state's prefix.
class DataFlow {
 public:
  DataFlow() = default;
  DataFlow(const DataFlow&) = delete;
  DataFlow& operator=(const DataFlow&) = delete;
  virtual ~DataFlow() = default;

  /// The error a field of the wrong type or range raises:
  /// States.Runtime (JSONPath), States.QueryEvaluationError (JSONata).
  virtual const char* field_error() const = 0;

  // ---- entering -----------------------------------------------------------
  /// The effective input: after InputPath; JSONata: the input.
  virtual Result<JsonPtr> EffectiveInput(const StateRun& r, const JsonPtr& input) const = 0;
  /// The work's payload: Pass `Result`, else Parameters (JSONPath) or
  /// Arguments (JSONata); the effective input when there is none.
  virtual Result<JsonPtr> Parameters(const StateRun& r, const JsonPtr& effective) const = 0;

  // ---- leaving ------------------------------------------------------------
  /// A state with a result (Pass, Task, Parallel, Map): ResultSelector,
  /// Assign, ResultPath and OutputPath; JSONata: Assign and Output.
  virtual Result<Leaving> LeaveWithResult(const StateRun& r, const JsonPtr& input,
                                          const JsonPtr& result) const = 0;
  /// A state without one (Wait, Succeed, Choice): Assign and OutputPath, or
  /// Assign and Output. `rule` is the Choice rule that matched, -1 for the
  /// state's own fields (Choice Default included).
  virtual Result<Leaving> LeaveWithoutResult(const StateRun& r, const JsonPtr& input,
                                             const JsonPtr& effective, int rule) const = 0;
  /// Catcher `catcher` handles an error (CAT-03, CAT-04): Assign and
  /// ResultPath of the Error Output into the raw input; JSONata: Assign and
  /// Output, the Error Output by default.
  virtual Result<Leaving> Catch(const StateRun& r, std::size_t catcher, const JsonPtr& input,
                                const JsonPtr& error_output) const = 0;

  // ---- basic states -------------------------------------------------------
  /// The first Choice rule that matches (CHO-01), or -1.
  virtual Result<int> Choose(const StateRun& r, const JsonPtr& effective) const = 0;
  /// How long a Wait state waits from now (WAIT-01..05).
  virtual Result<Millis> WaitDelay(const StateRun& r, const JsonPtr& effective) const = 0;
  /// A Fail state's Error and Cause (FAIL-01..03).
  virtual Result<FailFields> FailError(const StateRun& r, const JsonPtr& input) const = 0;

  // ---- Task ---------------------------------------------------------------
  /// TimeoutSeconds or HeartbeatSeconds given by a path or an expression;
  /// nullopt when absent. The runner reads literal values itself.
  virtual Result<std::optional<std::int64_t>> Seconds(const StateRun& r, NumberField field,
                                                      const JsonPtr& effective) const = 0;
  /// The evaluated Credentials, or null.
  virtual Result<JsonPtr> Credentials(const StateRun& r, const JsonPtr& effective) const = 0;

  // ---- Map ----------------------------------------------------------------
  /// The ItemReader's Parameters (JSONPath) or Arguments (JSONata).
  virtual Result<Json> ReaderParameters(const StateRun& r, const JsonPtr& effective) const = 0;
  /// The items from what the reader or the input gave: ItemsPath; JSONata:
  /// Items. The runner checks that they are an array.
  virtual Result<JsonPtr> Items(const StateRun& r, const JsonPtr& effective,
                                JsonPtr items) const = 0;
  /// MaxConcurrency, tolerated failures, MaxItemsPerBatch given by a path or
  /// an expression; nullopt when absent.
  virtual Result<std::optional<double>> MapNumber(const StateRun& r, NumberField field,
                                                  const JsonPtr& effective) const = 0;
  /// ItemBatcher BatchInput, null when absent.
  virtual Result<Json> BatchInput(const StateRun& r, const JsonPtr& effective) const = 0;
  /// One iteration's input: ItemSelector with `$$.Map.Item` (MAP-03), or the
  /// item itself.
  virtual Result<JsonPtr> ItemInput(const StateRun& r, const JsonPtr& effective, std::size_t index,
                                    const Json& item) const = 0;
  /// ResultWriter Parameters (JSONPath) or Arguments (JSONata), null when
  /// absent.
  virtual Result<Json> WriterParameters(const StateRun& r, const JsonPtr& effective) const = 0;
};

/// The two data flows; StateInfo::flow points at one of them.
const DataFlow& JsonPathDataFlow();
const DataFlow& JsonataDataFlow();

// ---- shared by both ---------------------------------------------------------

/// VAR-08: one variable, and all the values of one Assign together, are
/// limited to 256 KiB of JSON text.
std::optional<AslError> CheckAssignSize(const Json& values);

/// Stores the members of an Assign result as variables of `a` (VAR-03).
void StoreVariables(Activity& a, const Json& values);

/// The wait until `target`, floored to the whole second as AWS does
/// (WAIT-03); `error` names the error of a delay over the maximum.
Result<Millis> DelayUntil(VirtualTime target, VirtualTime now, const char* error);

/// The longest Wait (99999999 seconds).
inline constexpr std::int64_t kMaxWaitSeconds = 99999999;

}  // namespace stepsim::sim::internal
