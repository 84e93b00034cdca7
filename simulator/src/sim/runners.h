#pragma once

#include <stepsim/sim/clock.h>
#include <stepsim/sim/history.h>

#include "sim/coroutine.h"
#include "sim/runtime.h"

namespace stepsim::sim::internal {

// The runners of the state families. Each takes the state's entry
// (StateRun) and its raw input; Runtime::RunScope records the Entered and
// Exited events and the transition around them.

// ---- basic states (basic_states.cc) -----------------------------------------

Step RunPass(const StateRun& r, const JsonPtr& input);
Step RunChoice(const StateRun& r, const JsonPtr& input);
Step RunSucceed(const StateRun& r, const JsonPtr& input);
Step RunFail(const StateRun& r, const JsonPtr& input);

/// A Wait state in two halves around the wait itself, so that it needs no
/// coroutine of its own.
struct Waiting {
  JsonPtr effective;
  Millis delay{0};
};
Result<Waiting> StartWait(const StateRun& r, const JsonPtr& input);
Step FinishWait(const StateRun& r, const JsonPtr& input, const JsonPtr& effective);

// ---- Task, and Retry and Catch of every work state (task_state.cc) ----------

/// A Task, Parallel or Map state: attempts, retries (RTY-01..06), catches
/// (CAT-01..04).
Co<Step> RunRetryable(const StateRun& r, JsonPtr input);

// ---- fan-out (fan_out.cc) ---------------------------------------------------

/// One attempt of a Parallel state with its evaluated Parameters/Arguments
/// (PAR-01..04): the array of the branches' outputs.
Co<Outcome> RunParallel(const StateRun& r, JsonPtr parameters);

/// One attempt of a Map state from its effective input (MAP-01..06,
/// DMAP-01..07): the array of the iterations' outputs.
Co<Outcome> RunMap(const StateRun& r, JsonPtr effective);

}  // namespace stepsim::sim::internal
