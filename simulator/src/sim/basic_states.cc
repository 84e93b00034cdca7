// Pass, Choice, Succeed, Fail and Wait (PASS, CHO, SUCC, FAIL, WAIT).
#include <utility>

#include "sim/data_flow.h"
#include "sim/runners.h"
#include "sim/try.h"

namespace stepsim::sim::internal {
namespace {

Step LeaveWith(const StateRun& r, Leaving leaving) {
  Step st = Leave(r.s, std::move(leaving.output));
  st.assigned = std::move(leaving.assigned);
  return st;
}

}  // namespace

Step RunPass(const StateRun& r, const JsonPtr& input) {
  if (r.info.pass_through && !r.observed()) return Leave(r.s, input);
  const DataFlow& flow = r.flow();
  STEPSIM_TRY_OR(const JsonPtr effective, flow.EffectiveInput(r, input), r.Fail);
  STEPSIM_TRY_OR(const JsonPtr result, flow.Parameters(r, effective), r.Fail);
  STEPSIM_TRY_OR(Leaving leaving, flow.LeaveWithResult(r, input, result), r.Fail);
  return LeaveWith(r, std::move(leaving));
}

Step RunChoice(const StateRun& r, const JsonPtr& input) {
  const DataFlow& flow = r.flow();
  STEPSIM_TRY_OR(const JsonPtr effective, flow.EffectiveInput(r, input), r.Fail);
  STEPSIM_TRY_OR(const int rule, flow.Choose(r, effective), r.Fail);
  Step st;
  if (rule >= 0) {
    st.next = r.s.choices[static_cast<std::size_t>(rule)].next_index;
    st.kind = TransitionKind::kChoiceRule;
    st.index = rule;
  } else if (r.s.default_next) {
    st.next = r.s.default_index;
    st.kind = TransitionKind::kDefault;
  } else {
    return Failed(Outcome::Error(AslError{errors::kNoChoiceMatched, "No Matches!"}));
  }
  STEPSIM_TRY_OR(Leaving leaving, flow.LeaveWithoutResult(r, input, effective, rule), r.Fail);
  st.out = Outcome::Ok(std::move(leaving.output));
  st.assigned = std::move(leaving.assigned);
  return st;
}

Step RunSucceed(const StateRun& r, const JsonPtr& input) {
  const DataFlow& flow = r.flow();
  STEPSIM_TRY_OR(const JsonPtr effective, flow.EffectiveInput(r, input), r.Fail);
  STEPSIM_TRY_OR(Leaving leaving, flow.LeaveWithoutResult(r, input, effective, -1), r.Fail);
  Step st = LeaveWith(r, std::move(leaving));
  st.end = true;
  st.kind = TransitionKind::kEnd;
  return st;
}

// The Fail state's own error is never prefixed, nor fatal (FAIL-01).
Step RunFail(const StateRun& r, const JsonPtr& input) {
  STEPSIM_TRY_OR(FailFields f, r.flow().FailError(r, input), r.Fail);
  return Failed(Outcome::Error(AslError{std::move(f.error), std::move(f.cause)}));
}

Result<Waiting> StartWait(const StateRun& r, const JsonPtr& input) {
  Waiting w;
  STEPSIM_TRY(w.effective, r.flow().EffectiveInput(r, input));
  STEPSIM_TRY(w.delay, r.flow().WaitDelay(r, w.effective));
  return w;
}

Step FinishWait(const StateRun& r, const JsonPtr& input, const JsonPtr& effective) {
  STEPSIM_TRY_OR(Leaving leaving, r.flow().LeaveWithoutResult(r, input, effective, -1), r.Fail);
  return LeaveWith(r, std::move(leaving));
}

}  // namespace stepsim::sim::internal
