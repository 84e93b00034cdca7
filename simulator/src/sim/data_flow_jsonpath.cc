// The JSONPath data flow: InputPath, Parameters, ResultSelector, ResultPath,
// OutputPath, Assign (IO-02..08, VAR-03/04) and the `...Path` fields.
#include <stepsim/jsonpath/json_text.h>
#include <stepsim/jsonpath/path.h>
#include <stepsim/jsonpath/template.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "sim/data_flow.h"
#include "sim/engine_util.h"
#include "sim/runtime.h"
#include "sim/try.h"

namespace stepsim::sim::internal {
namespace {

using asl::State;

/// InputPath / OutputPath (IO-04, IO-05, IO-08).
Result<JsonPtr> SelectPath(const StateRun& r, const asl::PathField& field, const JsonPtr& in) {
  if (field.absent()) return in;
  if (field.is_null()) return r.rt.program().empty_object;
  const jsonpath::Path& p = *field.path;
  if (p.text() == "$") return in;
  const jsonpath::Env env = r.Env(in.get());
  std::optional<Json> v = p.Select(env);
  if (!v) {
    return AslError{errors::kRuntime, jsonpath::InvalidPathCause(p, p.RootIn(env))};
  }
  return std::make_shared<const Json>(std::move(*v));
}

/// ResultPath (IO-06, IO-07): `result` placed into the raw input.
Result<JsonPtr> PlaceResult(const asl::PathField& field, const JsonPtr& raw, JsonPtr result) {
  if (field.absent()) return result;
  if (field.is_null()) return raw;
  const jsonpath::Path& p = *field.path;
  if (p.text() == "$") return result;
  Json target = *raw;
  if (!p.Assign(target, *result)) {
    return AslError{errors::kRuntime, "Invalid path '" + p.text() +
                                          "' : Unable to apply ResultPath to input " +
                                          jsonpath::ToAwsJson(*raw)};
  }
  return std::make_shared<const Json>(std::move(target));
}

Result<JsonPtr> EvalTemplate(const jsonpath::Template& t, const jsonpath::Env& env) {
  STEPSIM_TRY(Json v, t.Evaluate(env));
  return std::make_shared<const Json>(std::move(v));
}

/// Runs an Assign template (VAR-03/04) and stores the values.
Result<JsonPtr> DoAssign(const StateRun& r, const jsonpath::Template& assign, const Json* dollar) {
  STEPSIM_TRY(Json values, assign.Evaluate(r.Env(dollar)));
  if (auto too_large = CheckAssignSize(values)) return *too_large;
  auto stored = std::make_shared<const Json>(std::move(values));
  StoreVariables(r.a, *stored);
  return stored;
}

/// The value a `...Path` field selects, or States.Runtime naming the path.
Result<Json> SelectField(const jsonpath::Path& path, const jsonpath::Env& env) {
  std::optional<Json> v = path.Select(env);
  if (!v) return AslError{errors::kRuntime, jsonpath::InvalidPathCause(path, path.RootIn(env))};
  return std::move(*v);
}

/// ErrorPath / CausePath of a Fail state (FAIL-02): a path to a string or
/// an intrinsic function.
Result<std::string> ResolveFailField(const asl::PathOrCall& pc, const char* field,
                                     const jsonpath::Env& env, const JsonPtr& input) {
  if (pc.call) {
    STEPSIM_TRY(Json v, pc.call->Evaluate(env));
    return v.is_string() ? v.get<std::string>() : jsonpath::ToAwsJson(v);
  }
  std::optional<Json> v = pc.path->Select(env);
  if (!v || !v->is_string()) {
    return AslError{errors::kRuntime,
                    "The JSONPath '" + pc.path->text() + "' specified for the field '" + field +
                        "' could not be found in the input '" + jsonpath::ToAwsJson(*input) + "'"};
  }
  return v->get<std::string>();
}

Result<Millis> WaitSecondsPath(const jsonpath::Path& path, const jsonpath::Env& env) {
  const std::string& p = path.text();
  std::optional<Json> v = path.Select(env);
  if (!v || !v->is_number()) {
    return AslError{errors::kRuntime,
                    "The SecondsPath parameter does not reference an input "
                    "value: " +
                        p};
  }
  const double secs = v->get<double>();
  if (secs < 0) {
    return AslError{errors::kRuntime, "The SecondsPath parameter references a negative value: " +
                                          p + " == " + jsonpath::ToAwsJson(*v)};
  }
  if (secs > static_cast<double>(kMaxWaitSeconds)) {
    return AslError{errors::kRuntime, "Wait state delay is too long."};
  }
  return Millis{static_cast<std::int64_t>(secs) * 1000};
}

Result<VirtualTime> WaitTimestampPath(const jsonpath::Path& path, const jsonpath::Env& env) {
  const std::string& p = path.text();
  std::optional<Json> v = path.Select(env);
  if (!v) {
    return AslError{errors::kRuntime,
                    "The TimestampPath parameter does not reference an "
                    "input value: " +
                        p};
  }
  VirtualTime t;
  if (!v->is_string() || !ParseTimestamp(v->get<std::string>(), &t)) {
    const std::string shown = v->is_string() ? v->get<std::string>() : jsonpath::ToAwsJson(*v);
    return AslError{errors::kRuntime,
                    "The TimestampPath parameter does not reference a valid "
                    "ISO-8601 extended offset date-time format string: " +
                        p + " == " + shown};
  }
  return t;
}

/// A Map number given by a `...Path` field (MAP-04, DMAP-07). AWS accepts
/// numbers written as strings ("1").
Result<std::optional<double>> MapNumberPath(const jsonpath::Path& path, const jsonpath::Env& env,
                                            std::string_view name, bool integer) {
  STEPSIM_TRY(const Json v, SelectField(path, env));
  if (v.is_string()) {
    const std::string& text = v.get_ref<const std::string&>();
    char* end = nullptr;
    const double parsed = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size() &&
        (!integer || parsed == std::floor(parsed))) {
      return std::optional<double>(parsed);
    }
  }
  if (!v.is_number() || (integer && !v.is_number_integer())) {
    const std::string shown = v.is_string() ? v.get<std::string>() : jsonpath::ToAwsJson(v);
    return AslError{errors::kRuntime, "The " + std::string(name) + "Path field refers to value \"" +
                                          shown + "\" which is not a valid " +
                                          (integer ? "integer" : "float") + ": " + path.text()};
  }
  return std::optional<double>(v.get<double>());
}

class JsonPathFlow final : public DataFlow {
 public:
  const char* field_error() const override { return errors::kRuntime; }

  Result<JsonPtr> EffectiveInput(const StateRun& r, const JsonPtr& input) const override {
    STEPSIM_TRY(JsonPtr effective, SelectPath(r, r.s.input_path, input));
    r.Observe(DataFlowStep::kAfterInputPath, effective);
    return effective;
  }

  Result<JsonPtr> Parameters(const StateRun& r, const JsonPtr& effective) const override {
    JsonPtr payload = effective;
    if (r.info.pass_result) {
      payload = r.info.pass_result;
    } else if (r.s.parameters) {
      STEPSIM_TRY(payload, EvalTemplate(*r.s.parameters, r.Env(effective.get())));
    }
    r.Observe(DataFlowStep::kAfterParameters, payload);
    return payload;
  }

  // ResultSelector -> Assign -> ResultPath -> OutputPath (IO-02); Assign
  // sees the raw result as `$` (VAR-04).
  Result<Leaving> LeaveWithResult(const StateRun& r, const JsonPtr& input,
                                  const JsonPtr& result) const override {
    r.Observe(DataFlowStep::kResult, result);
    JsonPtr selected = result;
    if (r.s.result_selector) {
      STEPSIM_TRY(selected, EvalTemplate(*r.s.result_selector, r.Env(result.get())));
    }
    r.Observe(DataFlowStep::kAfterResultSelector, selected);
    Leaving out;
    if (r.s.assign) {
      STEPSIM_TRY(out.assigned, DoAssign(r, *r.s.assign, result.get()));
    }
    STEPSIM_TRY(JsonPtr placed, PlaceResult(r.s.result_path, input, std::move(selected)));
    r.Observe(DataFlowStep::kAfterResultPath, placed);
    STEPSIM_TRY(out.output, SelectPath(r, r.s.output_path, placed));
    return out;
  }

  Result<Leaving> LeaveWithoutResult(const StateRun& r, const JsonPtr& /*input*/,
                                     const JsonPtr& effective, int rule) const override {
    const std::optional<jsonpath::Template>& assign =
        rule >= 0 ? r.s.choices[static_cast<std::size_t>(rule)].assign : r.s.assign;
    Leaving out;
    if (assign) {
      STEPSIM_TRY(out.assigned, DoAssign(r, *assign, effective.get()));
    }
    STEPSIM_TRY(out.output, SelectPath(r, r.s.output_path, effective));
    return out;
  }

  Result<Leaving> Catch(const StateRun& r, std::size_t catcher, const JsonPtr& input,
                        const JsonPtr& error_output) const override {
    const asl::Catcher& c = r.s.catch_[catcher];
    Leaving out;
    if (c.assign) {
      STEPSIM_TRY(out.assigned, DoAssign(r, *c.assign, error_output.get()));
    }
    STEPSIM_TRY(out.output, PlaceResult(c.result_path, input, error_output));
    return out;
  }

  Result<int> Choose(const StateRun& r, const JsonPtr& effective) const override {
    const jsonpath::Env env = r.Env(effective.get());
    for (std::size_t i = 0; i < r.s.choices.size(); ++i) {
      STEPSIM_TRY(const bool matched, EvaluateChoiceRule(r.s.choices[i], env));
      if (matched) return static_cast<int>(i);
    }
    return -1;
  }

  Result<Millis> WaitDelay(const StateRun& r, const JsonPtr& effective) const override {
    const State& s = r.s;
    if (s.seconds) return Millis{*s.seconds * 1000};
    if (s.timestamp) {
      VirtualTime t;
      if (!ParseTimestamp(*s.timestamp, &t)) {
        return AslError{errors::kRuntime,
                        "The Timestamp field cannot be parsed as an ISO-8601 "
                        "extended offset date-time format string: " +
                            *s.timestamp};
      }
      return DelayUntil(t, r.rt.now(), errors::kRuntime);
    }
    const jsonpath::Env env = r.Env(effective.get());
    if (s.seconds_path) return WaitSecondsPath(*s.seconds_path, env);
    if (s.timestamp_path) {
      STEPSIM_TRY(const VirtualTime t, WaitTimestampPath(*s.timestamp_path, env));
      return DelayUntil(t, r.rt.now(), errors::kRuntime);
    }
    return Millis{0};
  }

  Result<FailFields> FailError(const StateRun& r, const JsonPtr& input) const override {
    FailFields e{r.s.error.value_or(""), r.s.cause.value_or("")};
    const jsonpath::Env env = r.Env(input.get());
    if (r.s.error_path) {
      STEPSIM_TRY(e.error, ResolveFailField(*r.s.error_path, "ErrorPath", env, input));
    }
    if (r.s.cause_path) {
      STEPSIM_TRY(e.cause, ResolveFailField(*r.s.cause_path, "CausePath", env, input));
    }
    return e;
  }

  Result<std::optional<std::int64_t>> Seconds(const StateRun& r, NumberField field,
                                              const JsonPtr& effective) const override {
    const asl::NumberField& f = FieldOf(r.s, field);
    if (!f.path) return std::optional<std::int64_t>();
    STEPSIM_TRY(const Json v, SelectField(*f.path, r.Env(effective.get())));
    if (!v.is_number() || v.get<double>() <= 0) {
      return AslError{errors::kRuntime, "The value of " + f.path->text() +
                                            " must be a positive integer, but was " +
                                            jsonpath::ToAwsJson(v)};
    }
    return std::optional<std::int64_t>(v.get<std::int64_t>());
  }

  Result<JsonPtr> Credentials(const StateRun& r, const JsonPtr& effective) const override {
    if (!r.s.credentials) return JsonPtr();
    return EvalTemplate(*r.s.credentials, r.Env(effective.get()));
  }

  Result<Json> ReaderParameters(const StateRun& r, const JsonPtr& effective) const override {
    if (!r.s.item_reader->parameters) return Json::object();
    return r.s.item_reader->parameters->Evaluate(r.Env(effective.get()));
  }

  Result<JsonPtr> Items(const StateRun& r, const JsonPtr& effective, JsonPtr items) const override {
    const auto& path = r.s.items_path;
    if (path && path->text() != "$") {
      jsonpath::Env env = r.Env(effective.get());
      env.input = items.get();
      STEPSIM_TRY(Json selected, SelectField(*path, env));
      items = std::make_shared<const Json>(std::move(selected));
    }
    r.Observe(DataFlowStep::kAfterItemsPath, items);
    return items;
  }

  Result<std::optional<double>> MapNumber(const StateRun& r, NumberField field,
                                          const JsonPtr& effective) const override {
    const asl::NumberField& f = FieldOf(r.s, field);
    if (!f.path) return std::optional<double>();
    return MapNumberPath(*f.path, r.Env(effective.get()), NameOf(field),
                         field != NumberField::kToleratedFailurePercentage);
  }

  Result<Json> BatchInput(const StateRun& r, const JsonPtr& effective) const override {
    if (!r.s.item_batcher->batch_input) return Json();
    return r.s.item_batcher->batch_input->Evaluate(r.Env(effective.get()));
  }

  Result<JsonPtr> ItemInput(const StateRun& r, const JsonPtr& effective, std::size_t index,
                            const Json& item) const override {
    const State& s = r.s;
    const jsonpath::Template* selector =
        s.item_selector ? &*s.item_selector : (s.parameters ? &*s.parameters : nullptr);
    if (selector == nullptr) return std::make_shared<const Json>(item);
    const Json* context = r.rt.Context(r.a, s);
    r.rt.SetMapItem(index, item);
    jsonpath::Env env = r.Env(effective.get());
    env.context = context;
    Result<Json> v = selector->Evaluate(env);
    r.rt.ClearMapItem();
    STEPSIM_TRY(Json value, std::move(v));
    return std::make_shared<const Json>(std::move(value));
  }

  Result<Json> WriterParameters(const StateRun& r, const JsonPtr& effective) const override {
    if (!r.s.result_writer->parameters) return Json();
    return r.s.result_writer->parameters->Evaluate(r.Env(effective.get()));
  }
};

}  // namespace

const DataFlow& JsonPathDataFlow() {
  static const JsonPathFlow kFlow;
  return kFlow;
}

}  // namespace stepsim::sim::internal
