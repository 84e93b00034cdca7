#pragma once

#include <stepsim/error.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/history.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace stepsim::asl {
struct State;
}  // namespace stepsim::asl

namespace stepsim::sim {

/// A step of a state's input and output processing, named as AWS's TestState
/// API reports it in `inspectionData` (IO-02, JSONATA-04).
enum class DataFlowStep : std::uint8_t {
  kInput,                ///< the state's raw input
  kAfterInputPath,       ///< JSONPath: the effective input after InputPath
  kAfterArguments,       ///< JSONata: the Task or Parallel payload after Arguments
  kAfterParameters,      ///< JSONPath: after Parameters (a Pass state: its Result)
  kAfterItemsPath,       ///< JSONPath Map: the items after ItemsPath
  kResult,               ///< the result of the work (task, branches, iterations)
  kAfterResultSelector,  ///< JSONPath: after ResultSelector
  kAfterResultPath,      ///< JSONPath: the result placed into the raw input
  kOutput,               ///< what the state passes on (after OutputPath or Output)
};

/// AWS's `inspectionData` member name: "input", "afterInputPath",
/// "afterArguments", "afterParameters", "afterItemsPath", "result",
/// "afterResultSelector", "afterResultPath"; "output" for kOutput.
std::string_view ToString(DataFlowStep step);

/// The value of one state at one processing step. The pointers are valid
/// only during the observer's call.
struct DataFlowRecord {
  const asl::State* state = nullptr;
  /// Parallel branch or Map iteration index, as Transition::iteration.
  std::int64_t iteration = -1;
  DataFlowStep step = DataFlowStep::kInput;
  const Json* value = nullptr;
};

/// A Map state's evaluated limits (MAP-04, DMAP-07): nullopt where the
/// definition sets none.
struct MapLimitsRecord {
  const asl::State* state = nullptr;
  std::int64_t iteration = -1;
  std::optional<double> max_concurrency;
  std::optional<double> tolerated_failure_count;
  std::optional<double> tolerated_failure_percentage;
};

/// How a state handled an error: a retrier that will run the state again
/// after `retry_backoff` (RTY-01..05), or the catcher that caught it
/// (CAT-01..04). TestState's `errorDetails`.
struct ErrorHandledRecord {
  const asl::State* state = nullptr;
  std::int64_t iteration = -1;
  const AslError* error = nullptr;
  /// The retrier's index, or -1 when a catcher handled the error.
  int retry_index = -1;
  /// Which retry of that retrier this is (1 for the first).
  std::int64_t retry_attempt = 0;
  Millis retry_backoff{0};
  /// The catcher's index, or -1 when a retrier handled the error.
  int catch_index = -1;
};

/// Sees the intermediate values of every state's data flow. Optional and
/// borrowed (Options::data_flow): when none is set the run computes nothing
/// for it. Called synchronously during Run.
class DataFlowObserver {
 public:
  virtual ~DataFlowObserver() = default;
  virtual void OnStep(const DataFlowRecord& /*record*/) {}
  virtual void OnMapLimits(const MapLimitsRecord& /*record*/) {}
  virtual void OnErrorHandled(const ErrorHandledRecord& /*record*/) {}
};

}  // namespace stepsim::sim
