#include "sim/jsonata_state.h"

namespace stepsim::sim::internal {
namespace {

using Field = JsonataState::Field;

void Set(Field* out, const std::optional<asl::JsonataValue>& v) {
  if (v) *out = jsonata::CompiledTemplate::Compile(v->value);
}

void Set(Field* out, const std::optional<std::string>& text) {
  if (text) *out = jsonata::CompiledTemplate::Compile(nlohmann::json(*text));
}

void Set(Field* out, const asl::NumberField& f) {
  if (f.jsonata) *out = jsonata::CompiledTemplate::Compile(nlohmann::json(*f.jsonata));
}

}  // namespace

std::shared_ptr<const JsonataState> CompileJsonataState(const asl::State& s) {
  auto j = std::make_shared<JsonataState>();
  try {
    Set(&j->arguments, s.arguments);
    Set(&j->output, s.output);
    Set(&j->assign, s.assign_jsonata);
    Set(&j->credentials, s.credentials_jsonata);
    Set(&j->timeout_seconds, s.timeout_seconds);
    Set(&j->heartbeat_seconds, s.heartbeat_seconds);
    Set(&j->items, s.items);
    Set(&j->item_selector, s.item_selector_jsonata);
    Set(&j->max_concurrency, s.max_concurrency);
    Set(&j->tolerated_failure_count, s.tolerated_failure_count);
    Set(&j->tolerated_failure_percentage, s.tolerated_failure_percentage);
    Set(&j->seconds, s.seconds_jsonata);
    Set(&j->timestamp, s.timestamp_jsonata);
    Set(&j->error, s.error_jsonata);
    Set(&j->cause, s.cause_jsonata);
    if (s.item_reader) Set(&j->reader_arguments, s.item_reader->arguments);
    if (s.item_batcher) {
      Set(&j->batch_input, s.item_batcher->batch_input_jsonata);
      Set(&j->max_items_per_batch, s.item_batcher->max_items_per_batch);
    }
    if (s.result_writer) Set(&j->writer_arguments, s.result_writer->arguments);
    for (const asl::ChoiceRule& r : s.choices) {
      JsonataState::Rule rule;
      Set(&rule.condition, r.condition);
      Set(&rule.output, r.output);
      Set(&rule.assign, r.assign_jsonata);
      j->choices.push_back(std::move(rule));
    }
    for (const asl::Catcher& c : s.catch_) {
      JsonataState::Rule rule;
      Set(&rule.output, c.output);
      Set(&rule.assign, c.assign_jsonata);
      j->catchers.push_back(std::move(rule));
    }
  } catch (const jsonata::SyntaxError& e) {
    j->compile_error = e.what();
  }
  return j;
}

}  // namespace stepsim::sim::internal
