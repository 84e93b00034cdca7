#include "sim/data_flow.h"

#include <string>

#include "sim/engine_util.h"
#include "sim/runtime.h"

namespace stepsim::sim::internal {

std::string_view NameOf(NumberField field) {
  switch (field) {
    case NumberField::kTimeoutSeconds:
      return "TimeoutSeconds";
    case NumberField::kHeartbeatSeconds:
      return "HeartbeatSeconds";
    case NumberField::kMaxConcurrency:
      return "MaxConcurrency";
    case NumberField::kToleratedFailureCount:
      return "ToleratedFailureCount";
    case NumberField::kToleratedFailurePercentage:
      return "ToleratedFailurePercentage";
    case NumberField::kMaxItemsPerBatch:
      return "MaxItemsPerBatch";
  }
  return "?";
}

const asl::NumberField& FieldOf(const asl::State& s, NumberField field) {
  static const asl::NumberField kAbsent;
  switch (field) {
    case NumberField::kTimeoutSeconds:
      return s.timeout_seconds;
    case NumberField::kHeartbeatSeconds:
      return s.heartbeat_seconds;
    case NumberField::kMaxConcurrency:
      return s.max_concurrency;
    case NumberField::kToleratedFailureCount:
      return s.tolerated_failure_count;
    case NumberField::kToleratedFailurePercentage:
      return s.tolerated_failure_percentage;
    case NumberField::kMaxItemsPerBatch:
      return s.item_batcher ? s.item_batcher->max_items_per_batch : kAbsent;
  }
  return kAbsent;
}

// AWS documents the limits but no recorded run shows the error it raises;
// States.DataLimitExceeded, its error for every other size limit, is the
// chosen one [verify].
std::optional<AslError> CheckAssignSize(const Json& values) {
  constexpr std::size_t kVariableLimit = 262144;
  if (!values.is_object()) return std::nullopt;
  for (const auto& [name, value] : values.items()) {
    if (ExceedsSize(value, kVariableLimit)) {
      return AslError{errors::kDataLimitExceeded,
                      "The value assigned to the variable '" + name +
                          "' exceeds the maximum size of 262144 bytes."};
    }
  }
  if (ExceedsSize(values, kVariableLimit)) {
    return AslError{errors::kDataLimitExceeded,
                    "The values of one Assign together exceed the maximum size of 262144 "
                    "bytes."};
  }
  return std::nullopt;
}

void StoreVariables(Activity& a, const Json& values) {
  if (!values.is_object()) return;
  for (const auto& [k, v] : values.items()) {
    a.vars.Set(k, std::make_shared<const Json>(v));
  }
}

Result<Millis> DelayUntil(VirtualTime target, VirtualTime now, const char* error) {
  const std::int64_t ms = target.time_since_epoch().count();
  const std::int64_t floored = ms - ((ms % 1000) + 1000) % 1000;
  const Millis d = VirtualTime{Millis{floored}} - now;
  if (d.count() > kMaxWaitSeconds * 1000) {
    return AslError{error, "Wait state delay is too long."};
  }
  return d.count() < 0 ? Millis{0} : d;
}

}  // namespace stepsim::sim::internal
