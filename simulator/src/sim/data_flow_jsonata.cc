// The JSONata data flow: Arguments, Output, Assign and `{% %}` fields
// (JSONATA-01..08), evaluated from the expressions compiled once per state
// (jsonata_state.h).
#include <stepsim/jsonata/jsonata.h>
#include <stepsim/jsonpath/json_text.h>

#include <cmath>
#include <string>
#include <utility>

#include "sim/data_flow.h"
#include "sim/runtime.h"
#include "sim/try.h"

namespace stepsim::sim::internal {
namespace {

using asl::State;
using asl::StateType;
using Field = JsonataState::Field;

Result<JsonPtr> Evaluate(const Field& f, const jsonata::Bindings& b, std::string_view field) {
  STEPSIM_TRY(Json v, f->Evaluate(b, field));
  return std::make_shared<const Json>(std::move(v));
}

/// Assign then Output (JSONATA-08, VAR-03): both see the entry-time
/// variables, so the new values are stored only after both have been
/// evaluated. Without Output the state passes on `fallback`.
Result<Leaving> AssignAndOutput(Activity& a, const jsonata::Bindings& b, const Field& assign,
                                const Field& output, JsonPtr fallback) {
  Leaving out;
  if (assign) {
    STEPSIM_TRY(Json values, assign->Evaluate(b, "Assign"));
    if (auto too_large = CheckAssignSize(values)) return *too_large;
    out.assigned = std::make_shared<const Json>(std::move(values));
  }
  if (output) {
    STEPSIM_TRY(out.output, Evaluate(output, b, "Output"));
  } else {
    out.output = std::move(fallback);
  }
  if (out.assigned) StoreVariables(a, *out.assigned);
  return out;
}

/// The cause of an expression that gave no value of the `expected` type.
std::string UnexpectedResultCause(const jsonata::CompiledTemplate& f, std::string_view field,
                                  std::string_view expected, const jsonata::Value& v) {
  if (v.kind == jsonata::Value::Kind::kJson) return f.UnexpectedTypeCause(field, expected, v.json);
  return "The JSONata expression '" + f.expression_text() + "' specified for the field '" +
         std::string(field) + "' returned " +
         (v.is_undefined() ? "nothing (undefined)." : "an unsupported result type.");
}

/// A number field (TimeoutSeconds, MaxConcurrency, ...).
Result<std::optional<double>> Number(const Field& f, const jsonata::Bindings& b,
                                     std::string_view field, bool integer) {
  if (!f) return std::optional<double>();
  STEPSIM_TRY(const Json v, f->Evaluate(b, field));
  if (!v.is_number() || (integer && v.get<double>() != std::floor(v.get<double>()))) {
    return AslError{errors::kQueryEvaluationError,
                    f->UnexpectedTypeCause(field, integer ? "integer" : "number", v)};
  }
  return std::optional<double>(v.get<double>());
}

/// The compiled expression of a number field.
const Field& CompiledOf(const JsonataState& j, NumberField field) {
  switch (field) {
    case NumberField::kTimeoutSeconds:
      return j.timeout_seconds;
    case NumberField::kHeartbeatSeconds:
      return j.heartbeat_seconds;
    case NumberField::kMaxConcurrency:
      return j.max_concurrency;
    case NumberField::kToleratedFailureCount:
      return j.tolerated_failure_count;
    case NumberField::kToleratedFailurePercentage:
      return j.tolerated_failure_percentage;
    case NumberField::kMaxItemsPerBatch:
      break;
  }
  return j.max_items_per_batch;
}

/// Seconds of a Wait state: an integer expression (WAIT-01).
Result<Millis> WaitSeconds(const Field& f, const jsonata::Bindings& b) {
  STEPSIM_TRY(const Json v, f->Evaluate(b, "Seconds"));
  if (!v.is_number() || v.get<double>() != std::floor(v.get<double>())) {
    return AslError{errors::kQueryEvaluationError, f->UnexpectedTypeCause("Seconds", "integer", v)};
  }
  const double secs = v.get<double>();
  if (secs < 0 || secs > static_cast<double>(kMaxWaitSeconds)) {
    return AslError{errors::kQueryEvaluationError, "The Seconds field must be between 0 and " +
                                                       std::to_string(kMaxWaitSeconds) +
                                                       ", but was " + jsonpath::ToAwsJson(v)};
  }
  return Millis{static_cast<std::int64_t>(secs) * 1000};
}

class JsonataFlow final : public DataFlow {
 public:
  const char* field_error() const override { return errors::kQueryEvaluationError; }

  Result<JsonPtr> EffectiveInput(const StateRun& /*r*/, const JsonPtr& input) const override {
    return input;
  }

  Result<JsonPtr> Parameters(const StateRun& r, const JsonPtr& effective) const override {
    JsonPtr payload = effective;
    if (const Field& arguments = r.info.jsonata->arguments) {
      STEPSIM_TRY(payload, Evaluate(arguments, r.Bind(effective.get()), "Arguments"));
    }
    r.Observe(DataFlowStep::kAfterArguments, payload);
    return payload;
  }

  // Assign and Output see `$states.result` in the states that have one
  // (JSONATA-04, JSONATA-08); a Pass state passes on its input.
  Result<Leaving> LeaveWithResult(const StateRun& r, const JsonPtr& input,
                                  const JsonPtr& result) const override {
    r.Observe(DataFlowStep::kResult, result);
    jsonata::Bindings b = r.Bind(input.get());
    if (r.s.type != StateType::kPass) b.result = result.get();
    const JsonataState& j = *r.info.jsonata;
    return AssignAndOutput(r.a, b, j.assign, j.output, result);
  }

  Result<Leaving> LeaveWithoutResult(const StateRun& r, const JsonPtr& input,
                                     const JsonPtr& /*effective*/, int rule) const override {
    const JsonataState& j = *r.info.jsonata;
    const bool own = rule < 0;
    const Field& assign = own ? j.assign : j.choices[static_cast<std::size_t>(rule)].assign;
    const Field& output = own ? j.output : j.choices[static_cast<std::size_t>(rule)].output;
    return AssignAndOutput(r.a, r.Bind(input.get()), assign, output, input);
  }

  Result<Leaving> Catch(const StateRun& r, std::size_t catcher, const JsonPtr& input,
                        const JsonPtr& error_output) const override {
    const JsonataState::Rule& rule = r.info.jsonata->catchers[catcher];
    jsonata::Bindings b = r.Bind(input.get());
    b.error_output = error_output.get();
    return AssignAndOutput(r.a, b, rule.assign, rule.output, error_output);
  }

  Result<int> Choose(const StateRun& r, const JsonPtr& effective) const override {
    const JsonataState& j = *r.info.jsonata;
    const jsonata::Bindings b = r.Bind(effective.get());
    for (std::size_t i = 0; i < r.s.choices.size() && i < j.choices.size(); ++i) {
      const Field& condition = j.choices[i].condition;
      if (!condition) continue;
      STEPSIM_TRY(const jsonata::Value v, condition->EvaluateValue(b, "Condition"));
      if (v.kind != jsonata::Value::Kind::kJson || !v.json.is_boolean()) {
        return AslError{errors::kQueryEvaluationError,
                        UnexpectedResultCause(*condition, "Condition", "boolean", v)};
      }
      if (v.json.get<bool>()) return static_cast<int>(i);
    }
    return -1;
  }

  Result<Millis> WaitDelay(const StateRun& r, const JsonPtr& effective) const override {
    const State& s = r.s;
    const JsonataState& j = *r.info.jsonata;
    std::optional<std::string> timestamp = s.timestamp;
    if (j.seconds) return WaitSeconds(j.seconds, r.Bind(effective.get()));
    if (j.timestamp) {
      STEPSIM_TRY(const Json v, j.timestamp->Evaluate(r.Bind(effective.get()), "Timestamp"));
      if (!v.is_string()) {
        return AslError{errors::kQueryEvaluationError,
                        j.timestamp->UnexpectedTypeCause("Timestamp", "string", v)};
      }
      timestamp = v.get<std::string>();
    }
    if (s.seconds) return Millis{*s.seconds * 1000};
    if (!timestamp) return Millis{0};
    VirtualTime t;
    if (!ParseTimestamp(*timestamp, &t)) {
      return AslError{errors::kQueryEvaluationError,
                      "The Timestamp field cannot be parsed as an ISO-8601 "
                      "extended offset date-time format string: " +
                          *timestamp};
    }
    return DelayUntil(t, r.rt.now(), errors::kQueryEvaluationError);
  }

  Result<FailFields> FailError(const StateRun& r, const JsonPtr& input) const override {
    FailFields e{r.s.error.value_or(""), r.s.cause.value_or("")};
    const JsonataState& j = *r.info.jsonata;
    if (!j.error && !j.cause) return e;
    const jsonata::Bindings b = r.Bind(input.get());
    const std::pair<const Field*, std::string*> fields[] = {{&j.error, &e.error},
                                                            {&j.cause, &e.cause}};
    for (std::size_t i = 0; i < 2; ++i) {
      const auto& [f, out] = fields[i];
      if (!*f) continue;
      STEPSIM_TRY(const Json v, (*f)->Evaluate(b, i == 0 ? "Error" : "Cause"));
      *out = v.is_string() ? v.get<std::string>() : jsonpath::ToAwsJson(v);
    }
    return e;
  }

  // A positive integer (TASK-02..04).
  Result<std::optional<std::int64_t>> Seconds(const StateRun& r, NumberField field,
                                              const JsonPtr& effective) const override {
    const Field& f = CompiledOf(*r.info.jsonata, field);
    if (!f) return std::optional<std::int64_t>();
    const std::string_view name = NameOf(field);
    STEPSIM_TRY(const std::optional<double> v, Number(f, r.Bind(effective.get()), name, true));
    if (*v <= 0) {
      return AslError{errors::kQueryEvaluationError,
                      "The value of the field '" + std::string(name) +
                          "' must be a positive integer, but was " + jsonpath::ToAwsJson(Json(*v))};
    }
    return std::optional<std::int64_t>(static_cast<std::int64_t>(*v));
  }

  Result<JsonPtr> Credentials(const StateRun& r, const JsonPtr& effective) const override {
    const Field& f = r.info.jsonata->credentials;
    if (!f) return JsonPtr();
    return Evaluate(f, r.Bind(effective.get()), "Credentials");
  }

  Result<Json> ReaderParameters(const StateRun& r, const JsonPtr& effective) const override {
    const Field& f = r.info.jsonata->reader_arguments;
    if (!f) return Json::object();
    return f->Evaluate(r.Bind(effective.get()), "ItemReader/Arguments");
  }

  // Items must give an array (MAP-02).
  Result<JsonPtr> Items(const StateRun& r, const JsonPtr& effective, JsonPtr items) const override {
    const Field& f = r.info.jsonata->items;
    if (!f) return items;
    STEPSIM_TRY(jsonata::Value v, f->EvaluateValue(r.Bind(effective.get()), "Items"));
    if (v.kind != jsonata::Value::Kind::kJson || !v.json.is_array()) {
      return AslError{errors::kQueryEvaluationError,
                      UnexpectedResultCause(*f, "Items", "array", v)};
    }
    return std::make_shared<const Json>(std::move(v.json));
  }

  Result<std::optional<double>> MapNumber(const StateRun& r, NumberField field,
                                          const JsonPtr& effective) const override {
    const Field& f = CompiledOf(*r.info.jsonata, field);
    if (!f) return std::optional<double>();
    return Number(f, r.Bind(effective.get()), NameOf(field),
                  field != NumberField::kToleratedFailurePercentage);
  }

  Result<Json> BatchInput(const StateRun& r, const JsonPtr& effective) const override {
    const Field& f = r.info.jsonata->batch_input;
    if (!f) return Json();
    return f->Evaluate(r.Bind(effective.get()), "ItemBatcher/BatchInput");
  }

  // ItemSelector sees $states.context.Map.Item (MAP-03).
  Result<JsonPtr> ItemInput(const StateRun& r, const JsonPtr& effective, std::size_t index,
                            const Json& item) const override {
    const Field& f = r.info.jsonata->item_selector;
    if (!f) return std::make_shared<const Json>(item);
    const jsonata::Bindings b = r.Bind(effective.get());
    r.rt.SetMapItem(index, item);
    Result<Json> v = f->Evaluate(b, "ItemSelector");
    r.rt.ClearMapItem();
    STEPSIM_TRY(Json value, std::move(v));
    return std::make_shared<const Json>(std::move(value));
  }

  Result<Json> WriterParameters(const StateRun& r, const JsonPtr& effective) const override {
    const Field& f = r.info.jsonata->writer_arguments;
    if (!f) return Json();
    return f->Evaluate(r.Bind(effective.get()), "ResultWriter/Arguments");
  }
};

}  // namespace

const DataFlow& JsonataDataFlow() {
  static const JsonataFlow kFlow;
  return kFlow;
}

}  // namespace stepsim::sim::internal
