// Parallel and Map: child activities for branches and iterations, run
// concurrently on the virtual clock (PAR, MAP, DMAP).
#include <stepsim/jsonpath/json_text.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "sim/data_flow.h"
#include "sim/runners.h"
#include "sim/try.h"

namespace stepsim::sim::internal {
namespace {

using asl::State;

constexpr std::size_t kInlineMapConcurrency = 40;
constexpr std::size_t kDistributedMapConcurrency = 10000;

void EmitStateEvent(const StateRun& r, EventType type) {
  HistoryEvent e;
  e.type = type;
  e.state = &r.s;
  r.rt.Emit(r.a, std::move(e));
}

/// MapIteration* events (inline Maps only: a distributed Map's iterations
/// are child executions with their own histories).
void EmitIterationEvent(const StateRun& r, EventType type, std::int64_t index) {
  if (r.s.distributed) return;
  HistoryEvent it;
  it.type = type;
  it.state = &r.s;
  it.name = r.s.name;
  it.index = index;
  r.rt.Emit(r.a, std::move(it));
}

/// Aborts the children still running after a failure.
void AbortChildren(const StateRun& r) {
  for (Activity* c : std::vector<Activity*>(r.a.children)) {
    r.rt.Abort(*c);
    EmitIterationEvent(r, EventType::kMapIterationAborted, c->iteration);
  }
  r.a.children.clear();
}

// ---- Map: what to iterate over ------------------------------------------------

/// MaxConcurrency and the tolerated failures (MAP-04, DMAP-07).
struct MapLimits {
  std::size_t concurrency = kInlineMapConcurrency;
  std::optional<double> tolerated_count;
  std::optional<double> tolerated_percentage;
  bool tolerance() const { return tolerated_count || tolerated_percentage; }
};

Result<std::optional<double>> MapNumber(const StateRun& r, NumberField field,
                                        const JsonPtr& effective) {
  if (const auto& literal = FieldOf(r.s, field).literal) return std::optional<double>(*literal);
  return r.flow().MapNumber(r, field, effective);
}

/// The items: ItemReader data (DMAP-04) or the effective input. Its errors
/// are the reader's own, without the state's prefix.
Outcome ReadItems(const StateRun& r, const JsonPtr& effective) {
  if (!r.s.item_reader) return Outcome::Ok(effective);
  const Options& options = r.rt.options();
  if (!options.item_reader) {
    return Outcome::Error(AslError{
        errors::kItemReaderFailed,
        "No ItemReader data for Map state '" + r.s.name + "': give the run Options::item_reader."});
  }
  STEPSIM_TRY_OR(const Json parameters, r.flow().ReaderParameters(r, effective), r.Error);
  Result<Json> data = options.item_reader(r.s, parameters);
  if (!data.ok()) return Outcome::Error(data.error());
  return Outcome::Ok(std::make_shared<const Json>(std::move(data).value()));
}

/// ItemsPath or Items (MAP-02): an array.
Result<JsonPtr> SelectItems(const StateRun& r, const JsonPtr& effective, JsonPtr read) {
  STEPSIM_TRY(JsonPtr items, r.flow().Items(r, effective, std::move(read)));
  if (!items->is_array()) {
    return AslError{r.flow().field_error(),
                    "Map state input must be an array but was: " + jsonpath::ToAwsJson(*items)};
  }
  return items;
}

Result<MapLimits> EvaluateLimits(const StateRun& r, const JsonPtr& effective) {
  MapLimits limits;
  limits.concurrency = r.s.distributed ? kDistributedMapConcurrency : kInlineMapConcurrency;
  STEPSIM_TRY(const std::optional<double> max,
              MapNumber(r, NumberField::kMaxConcurrency, effective));
  if (max && *max > 0) {
    limits.concurrency = std::min(limits.concurrency, static_cast<std::size_t>(*max));
  }
  STEPSIM_TRY(limits.tolerated_count, MapNumber(r, NumberField::kToleratedFailureCount, effective));
  STEPSIM_TRY(limits.tolerated_percentage,
              MapNumber(r, NumberField::kToleratedFailurePercentage, effective));
  const char* range_error = r.flow().field_error();
  if (limits.tolerated_count && *limits.tolerated_count < 0) {
    return AslError{range_error, "ToleratedFailureCount cannot be negative."};
  }
  const auto& pct = limits.tolerated_percentage;
  if (pct && (*pct < 0 || *pct > 100)) {
    return AslError{range_error, "ToleratedFailurePercentage must be between 0 and 100."};
  }
  if (DataFlowObserver* observer = r.rt.observer()) {
    observer->OnMapLimits(MapLimitsRecord{&r.s, r.a.iteration, max, limits.tolerated_count,
                                          limits.tolerated_percentage});
  }
  return limits;
}

/// ItemBatcher (DMAP-05): each child gets {"Items": [...], "BatchInput": ...}.
Result<JsonPtr> Batch(const StateRun& r, const JsonPtr& effective, JsonPtr items) {
  if (!r.s.item_batcher) return items;
  STEPSIM_TRY(const std::optional<double> max,
              MapNumber(r, NumberField::kMaxItemsPerBatch, effective));
  const std::size_t per =
      max && *max > 0 ? static_cast<std::size_t>(*max) : std::max<std::size_t>(items->size(), 1);
  STEPSIM_TRY(const Json batch_input, r.flow().BatchInput(r, effective));
  Json batched = Json::array();
  for (std::size_t i = 0; i < items->size(); i += per) {
    Json group = Json::array();
    for (std::size_t j = i; j < std::min(items->size(), i + per); ++j) {
      group.push_back((*items)[j]);
    }
    Json child = {{"Items", std::move(group)}};
    if (!batch_input.is_null()) child["BatchInput"] = batch_input;
    batched.push_back(std::move(child));
  }
  return std::make_shared<const Json>(std::move(batched));
}

// ---- Map: running the iterations ----------------------------------------------

/// The iterations of one Map attempt.
struct MapRun {
  JsonPtr effective;
  JsonPtr inputs;  // one per iteration: items or batches
  MapLimits limits;
  std::size_t n = 0;
  std::string map_run_arn;  // distributed Maps (DMAP-06)
  Join join;
  std::vector<std::unique_ptr<Activity>> kids;
  std::vector<Co<Outcome>> cos;
  std::vector<JsonPtr> outputs;
  std::size_t next = 0;
  std::size_t running = 0;
  std::size_t done = 0;
  std::size_t failures = 0;
  std::optional<Outcome> failure;

  bool more() const { return next < n; }
};

std::string MapRunArn(const StateRun& r) {
  const Options& o = r.rt.options();
  return "arn:aws:states:" + o.region + ":" + o.account + ":mapRun:" + o.state_machine_name + "/" +
         r.s.label.value_or(r.s.name) + ":" + o.execution_name;
}

void StartMap(const StateRun& r, MapRun& run) {
  run.n = run.inputs->size();
  run.kids.resize(run.n);
  run.cos.resize(run.n);
  run.outputs.resize(run.n);
  HistoryEvent started;
  started.type = EventType::kMapStateStarted;
  started.state = &r.s;
  started.index = static_cast<std::int64_t>(run.n);
  r.rt.Emit(r.a, std::move(started));
  if (r.s.distributed) {
    run.map_run_arn = MapRunArn(r);
    HistoryEvent e;
    e.type = EventType::kMapRunStarted;
    e.state = &r.s;
    e.text = run.map_run_arn;
    r.rt.Emit(r.a, std::move(e));
  }
}

/// Starts iterations up to the concurrency limit; an ItemSelector error
/// fails the Map.
void StartIterations(const StateRun& r, MapRun& run) {
  while (run.running < run.limits.concurrency && run.more() && !run.failure) {
    const std::size_t i = run.next++;
    Result<JsonPtr> input = r.flow().ItemInput(r, run.effective, i, (*run.inputs)[i]);
    if (!input.ok()) {
      run.failure = r.Error(input.error());
      return;
    }
    run.kids[i] = r.rt.NewActivity(r.a, static_cast<std::int64_t>(i), r.s.distributed);
    if (!r.s.distributed) {
      EmitIterationEvent(r, EventType::kMapIterationStarted, static_cast<std::int64_t>(i));
      run.kids[i]->last_event_id = r.a.last_event_id;
    }
    run.cos[i] = r.rt.RunChild(*run.kids[i], *r.s.item_processor, input.value(), run.join, i);
    r.a.children.push_back(run.kids[i].get());
    r.rt.Push(r.rt.now(), run.cos[i].handle(), run.kids[i]->id);
    ++run.running;
  }
}

/// Whether one more failed iteration fails the Map (MAP-04): always without
/// tolerated failures, else when both thresholds are passed.
bool ExceedsTolerance(const MapRun& run) {
  const double failures = static_cast<double>(run.failures);
  return failures > run.limits.tolerated_count.value_or(0) &&
         failures * 100.0 >
             run.limits.tolerated_percentage.value_or(0) * static_cast<double>(run.n);
}

void RecordFailure(MapRun& run, const Outcome& r) {
  ++run.failures;
  const bool fatal = r.kind == Outcome::Kind::kFatal;
  const bool tolerated = run.limits.tolerance() && !fatal;
  if ((tolerated && !ExceedsTolerance(run)) || run.failure) return;
  if (tolerated) {
    run.failure =
        Outcome::Error(AslError{errors::kExceedToleratedFailureThreshold,
                                "The specified tolerated failure threshold was exceeded"});
  } else {
    run.failure = r;
  }
}

/// Takes in the iterations that finished since the last wait.
void CollectIterations(const StateRun& r, MapRun& run) {
  for (std::size_t i : run.join.finished) {
    --run.running;
    ++run.done;
    r.rt.Retire(*run.kids[i]);
    std::erase(r.a.children, run.kids[i].get());
    const Outcome& o = run.cos[i].result();
    EventType type = EventType::kMapIterationSucceeded;
    if (o.ok()) {
      run.outputs[i] = o.value;
    } else {
      type = EventType::kMapIterationFailed;
      run.outputs[i] =
          std::make_shared<const Json>(Json{{"Error", o.error.error}, {"Cause", o.error.cause}});
      RecordFailure(run, o);
    }
    EmitIterationEvent(r, type, static_cast<std::int64_t>(i));
  }
  run.join.finished.clear();
}

Outcome FailMap(const StateRun& r, MapRun& run) {
  AbortChildren(r);
  EmitStateEvent(r, EventType::kMapStateFailed);
  if (r.s.distributed) {
    HistoryEvent e;
    e.type = EventType::kMapRunFailed;
    e.state = &r.s;
    e.error = run.failure->error.error;
    e.cause = run.failure->error.cause;
    r.rt.Emit(r.a, std::move(e));
  }
  return std::move(*run.failure);
}

/// The outputs in item order; with a ResultWriter, where they were written
/// (DMAP-06).
Outcome SucceedMap(const StateRun& r, MapRun& run) {
  r.a.children.clear();
  Json results = Json::array();
  for (auto& o : run.outputs) results.push_back(o ? *o : Json());
  if (r.s.distributed) EmitStateEvent(r, EventType::kMapRunSucceeded);
  EmitStateEvent(r, EventType::kMapStateSucceeded);
  if (!r.s.result_writer) return Outcome::Ok(std::make_shared<const Json>(std::move(results)));
  Json details = Json::object();
  const Result<Json> p = r.flow().WriterParameters(r, run.effective);
  if (p.ok() && p.value().is_object()) {
    details["Bucket"] = p.value().value("Bucket", "");
    details["Key"] = p.value().value("Prefix", "") + "/manifest.json";
  }
  return Outcome::Ok(std::make_shared<const Json>(
      Json{{"MapRunArn", run.map_run_arn}, {"ResultWriterDetails", details}}));
}

}  // namespace

Co<Outcome> RunParallel(const StateRun& r, JsonPtr parameters) {
  EmitStateEvent(r, EventType::kParallelStateStarted);
  const std::size_t n = r.s.branches.size();
  Join join;
  std::vector<std::unique_ptr<Activity>> kids;
  std::vector<Co<Outcome>> cos;
  kids.reserve(n);
  cos.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    kids.push_back(r.rt.NewActivity(r.a, static_cast<std::int64_t>(i), false));
    cos.push_back(r.rt.RunChild(*kids[i], *r.s.branches[i], parameters, join, i));
    r.a.children.push_back(kids[i].get());
    r.rt.Push(r.rt.now(), cos[i].handle(), kids[i]->id);
  }
  std::size_t done = 0;
  std::optional<Outcome> failure;
  while (done < n && !failure) {
    co_await r.rt.WaitFor(join);
    for (std::size_t i : join.finished) {
      ++done;
      r.rt.Retire(*kids[i]);
      std::erase(r.a.children, kids[i].get());
      Outcome& o = cos[i].result();
      if (!o.ok() && !failure) failure = o;
    }
    join.finished.clear();
    if (r.rt.crashed()) co_return Outcome::Fatal(AslError{errors::kRuntime, "exception"});
  }
  if (failure) {
    for (Activity* c : std::vector<Activity*>(r.a.children)) r.rt.Abort(*c);
    r.a.children.clear();
    EmitStateEvent(r, EventType::kParallelStateFailed);
    co_return std::move(*failure);
  }
  r.a.children.clear();
  Json results = Json::array();
  for (auto& c : cos) results.push_back(*c.result().value);
  EmitStateEvent(r, EventType::kParallelStateSucceeded);
  co_return Outcome::Ok(std::make_shared<const Json>(std::move(results)));
}

Co<Outcome> RunMap(const StateRun& r, JsonPtr effective) {
  Outcome read = ReadItems(r, effective);
  if (!read.ok()) co_return read;
  MapRun run;
  run.effective = effective;
  STEPSIM_CO_TRY_OR(const JsonPtr items, SelectItems(r, effective, std::move(read.value)), r.Error);
  STEPSIM_CO_TRY_OR(run.limits, EvaluateLimits(r, effective), r.Error);
  STEPSIM_CO_TRY_OR(run.inputs, Batch(r, effective, items), r.Error);
  StartMap(r, run);
  while ((run.done < run.n || run.more()) && !run.failure && !r.rt.crashed()) {
    StartIterations(r, run);
    if (run.failure || (run.running == 0 && !run.more())) break;
    co_await r.rt.WaitFor(run.join);
    CollectIterations(r, run);
  }
  if (run.failure) co_return FailMap(r, run);
  co_return SucceedMap(r, run);
}

}  // namespace stepsim::sim::internal
