#pragma once

#include <stepsim/asl/json_source.h>
#include <stepsim/intrinsics/intrinsics.h>
#include <stepsim/jsonpath/path.h>
#include <stepsim/jsonpath/template.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::asl {

using Json = nlohmann::json;

enum class QueryLanguage { kJsonPath, kJsonata };
enum class StateType { kTask, kPass, kChoice, kWait, kSucceed, kFail, kParallel, kMap };

/// "Task", "Pass", ... as written in ASL.
std::string_view ToString(StateType type);
std::string_view ToString(QueryLanguage language);

/// Where a value came from: JSON Pointer plus the position of its value.
struct SourceRef {
  std::string pointer;
  TextPosition position;

  friend bool operator==(const SourceRef&, const SourceRef&) = default;
};

/// A JSONPath-mode path field that may be absent, explicitly `null` or a
/// path (IO-04: null differs from absent).
struct PathField {
  enum class Kind { kAbsent, kNull, kPath };
  Kind kind = Kind::kAbsent;
  std::optional<jsonpath::Path> path;
  SourceRef source;

  bool absent() const { return kind == Kind::kAbsent; }
  bool is_null() const { return kind == Kind::kNull; }
  bool has_path() const { return kind == Kind::kPath; }
};

/// A JSONPath value that is either a Path or an intrinsic call (Fail
/// `ErrorPath`/`CausePath`, PSF-03).
struct PathOrCall {
  std::optional<jsonpath::Path> path;
  std::optional<intrinsics::Call> call;
  SourceRef source;
};

/// A field holding a JSONata-capable value as written: a literal, or a
/// string "{% expr %}", possibly nested in objects and arrays (JSONATA-01).
/// Evaluated by the JSONata engine at run time.
struct JsonataValue {
  Json value;
  SourceRef source;
};

/// A number field that JSONPath states may give as a literal or a `*Path`
/// twin, and JSONata states as a literal or an expression string.
struct NumberField {
  std::optional<double> literal;
  std::optional<jsonpath::Path> path;  ///< the `...Path` twin
  std::optional<std::string> jsonata;  ///< "{% ... %}" text
  SourceRef source;

  bool present() const { return literal || path || jsonata; }
};

struct Retrier {
  std::vector<std::string> error_equals;
  std::int64_t interval_seconds = 1;
  std::int64_t max_attempts = 3;
  double backoff_rate = 2.0;
  std::optional<std::int64_t> max_delay_seconds;
  enum class Jitter { kNone, kFull };
  Jitter jitter = Jitter::kNone;
  std::optional<std::string> comment;
  SourceRef source;
};

struct Catcher {
  std::vector<std::string> error_equals;
  std::string next;
  std::size_t next_index = 0;                ///< index of `next` in the enclosing scope
  PathField result_path;                     ///< JSONPath; absent = `$`
  std::optional<jsonpath::Template> assign;  ///< JSONPath Assign
  std::optional<JsonataValue> assign_jsonata;
  std::optional<JsonataValue> output;  ///< JSONata Output
  std::optional<std::string> comment;
  SourceRef source;
};

/// Comparison operators of a JSONPath Choice data-test rule (CHO-05..07).
enum class ChoiceOperator {
  kStringEquals,
  kStringLessThan,
  kStringGreaterThan,
  kStringLessThanEquals,
  kStringGreaterThanEquals,
  kStringMatches,
  kNumericEquals,
  kNumericLessThan,
  kNumericGreaterThan,
  kNumericLessThanEquals,
  kNumericGreaterThanEquals,
  kBooleanEquals,
  kTimestampEquals,
  kTimestampLessThan,
  kTimestampGreaterThan,
  kTimestampLessThanEquals,
  kTimestampGreaterThanEquals,
  kIsNull,
  kIsPresent,
  kIsNumeric,
  kIsString,
  kIsBoolean,
  kIsTimestamp,
};

/// "StringEquals", ... (the literal form's name).
std::string_view ToString(ChoiceOperator op);

/// One Choice rule, top-level or nested.
struct ChoiceRule {
  enum class Kind { kDataTest, kAnd, kOr, kNot, kCondition };
  Kind kind = Kind::kDataTest;

  // kDataTest (JSONPath)
  std::optional<jsonpath::Path> variable;
  ChoiceOperator op = ChoiceOperator::kStringEquals;
  bool operand_is_path = false;  ///< the `...Path` twin was used
  Json operand;                  ///< literal operand
  std::optional<jsonpath::Path> operand_path;

  // kAnd / kOr / kNot
  std::vector<ChoiceRule> children;

  // kCondition (JSONata)
  std::optional<JsonataValue> condition;

  // Top-level rules only.
  std::string next;
  std::size_t next_index = 0;
  std::optional<jsonpath::Template> assign;
  std::optional<JsonataValue> assign_jsonata;
  std::optional<JsonataValue> output;  ///< JSONata Output
  std::optional<std::string> comment;
  SourceRef source;
};

struct Scope;

/// Map ItemReader / ItemBatcher / ResultWriter / ProcessorConfig are kept as
/// structured values; their sub-fields are validated at load time.
struct ItemReader {
  std::string resource;
  std::optional<jsonpath::Template> parameters;
  std::optional<JsonataValue> arguments;
  Json reader_config;  ///< object as written (null when absent)
  SourceRef source;
};

struct ItemBatcher {
  NumberField max_items_per_batch;
  NumberField max_input_bytes_per_batch;
  std::optional<jsonpath::Template> batch_input;
  std::optional<JsonataValue> batch_input_jsonata;
  SourceRef source;
};

struct ResultWriter {
  std::optional<std::string> resource;
  std::optional<jsonpath::Template> parameters;
  std::optional<JsonataValue> arguments;
  Json writer_config;  ///< object as written (null when absent)
  SourceRef source;
};

/// One state. A flat record: fields that do not apply to `type` stay empty
/// (the validator has rejected any that were written).
struct State {
  std::string name;
  StateType type = StateType::kPass;
  QueryLanguage query_language = QueryLanguage::kJsonPath;  ///< effective
  std::optional<std::string> comment;
  SourceRef source;  ///< the state object ("/States/Name")

  // Transitions (ST-02).
  std::optional<std::string> next;
  std::size_t next_index = 0;
  bool end = false;

  // JSONPath data flow (IO).
  PathField input_path;
  PathField output_path;
  PathField result_path;
  std::optional<jsonpath::Template> parameters;  ///< Map: deprecated ItemSelector
  std::optional<jsonpath::Template> result_selector;
  std::optional<jsonpath::Template> assign;  ///< JSONPath Assign

  // JSONata data flow (JSONATA).
  std::optional<JsonataValue> arguments;
  std::optional<JsonataValue> output;
  std::optional<JsonataValue> assign_jsonata;

  // Task.
  std::string resource;
  NumberField timeout_seconds;
  NumberField heartbeat_seconds;
  std::optional<jsonpath::Template> credentials;
  std::optional<JsonataValue> credentials_jsonata;

  // Task, Parallel, Map.
  std::vector<Retrier> retry;
  std::vector<Catcher> catch_;

  // Pass.
  std::optional<Json> result;

  // Choice.
  std::vector<ChoiceRule> choices;
  std::optional<std::string> default_next;
  std::size_t default_index = 0;

  // Wait: exactly one of these is set (WAIT-01).
  std::optional<std::int64_t> seconds;
  std::optional<jsonpath::Path> seconds_path;
  std::optional<std::string> timestamp;
  std::optional<jsonpath::Path> timestamp_path;
  std::optional<std::string> seconds_jsonata;    ///< JSONata Seconds
  std::optional<std::string> timestamp_jsonata;  ///< JSONata Timestamp

  // Fail.
  std::optional<std::string> error;
  std::optional<std::string> cause;
  std::optional<PathOrCall> error_path;
  std::optional<PathOrCall> cause_path;
  std::optional<std::string> error_jsonata;  ///< JSONata Error expression
  std::optional<std::string> cause_jsonata;

  // Parallel.
  std::vector<std::shared_ptr<const Scope>> branches;

  // Map.
  std::shared_ptr<const Scope> item_processor;  ///< ItemProcessor or Iterator
  bool distributed = false;                     ///< ProcessorConfig.Mode
  std::string execution_type = "STANDARD";      ///< ProcessorConfig.ExecutionType
  std::optional<jsonpath::Path> items_path;     ///< JSONPath ItemsPath
  std::optional<JsonataValue> items;            ///< JSONata Items
  std::optional<jsonpath::Template> item_selector;
  std::optional<JsonataValue> item_selector_jsonata;
  NumberField max_concurrency;
  NumberField tolerated_failure_count;
  NumberField tolerated_failure_percentage;
  std::optional<ItemReader> item_reader;
  std::optional<ItemBatcher> item_batcher;
  std::optional<ResultWriter> result_writer;
  std::optional<std::string> label;

  bool IsTerminal() const;  ///< End, Succeed or Fail (ST-04)
};

/// A `{StartAt, States}` object: the root, a Parallel branch or a Map
/// processor. States keep their definition order.
struct Scope {
  std::string start_at;
  std::size_t start_index = 0;
  std::vector<State> states;
  SourceRef source;  ///< the object holding StartAt/States
  const Scope* parent = nullptr;
  const State* parent_state = nullptr;  ///< Parallel/Map owning this scope

  /// Index of `name` in `states`, or nullopt.
  std::optional<std::size_t> Find(std::string_view name) const;
  std::map<std::string, std::size_t, std::less<>> index;
};

/// A loaded, validated, immutable state machine definition.
class Definition {
 public:
  const Scope& root() const { return *root_; }
  const std::optional<std::string>& comment() const { return comment_; }
  const std::string& version() const { return version_; }
  std::optional<std::int64_t> timeout_seconds() const { return timeout_seconds_; }
  QueryLanguage query_language() const { return query_language_; }
  /// The file it came from ("" when loaded from a string).
  const std::string& file() const { return file_; }
  /// The document as written (author order kept) and its position map.
  const nlohmann::ordered_json& document() const { return document_; }
  const SourceMap& positions() const { return positions_; }

  /// Every state of every scope, in depth-first definition order.
  std::vector<const State*> AllStates() const;
  /// The state named `name` in any scope (names are unique, TOP-04).
  const State* FindState(std::string_view name) const;

  friend bool operator==(const Definition& a, const Definition& b) {
    return a.document_ == b.document_;
  }

 private:
  friend class DefinitionBuilder;
  std::shared_ptr<const Scope> root_;
  std::optional<std::string> comment_;
  std::string version_ = "1.0";
  std::optional<std::int64_t> timeout_seconds_;
  QueryLanguage query_language_ = QueryLanguage::kJsonPath;
  std::string file_;
  nlohmann::ordered_json document_;
  SourceMap positions_;
  std::map<std::string, const State*, std::less<>> by_name_;
};

void PrintTo(const Definition& d, std::ostream* os);

}  // namespace stepsim::asl
