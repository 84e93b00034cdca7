#include <stepsim/asl/definition.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/json_source.h>
#include <stepsim/asl/loader.h>
#include <stepsim/intrinsics/intrinsics.h>
#include <stepsim/jsonpath/path.h>
#include <stepsim/jsonpath/template.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asl/validator.h"

namespace stepsim::asl {

namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr std::size_t kMaxDefinitionCharacters = 1048576;  // TOP-05
constexpr const char* kSchemaError = "SCHEMA_VALIDATION_FAILED";

const OrderedJson* Member(const OrderedJson& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  for (const auto& member : object.get_ref<const OrderedJson::object_t&>()) {
    if (std::string_view(member.first) == key) return &member.second;
  }
  return nullptr;
}

bool IsJsonata(const OrderedJson& value) {
  if (!value.is_string()) return false;
  const auto& s = value.get_ref<const std::string&>();
  return s.size() >= 4 && s.compare(0, 2, "{%") == 0 && s.compare(s.size() - 2, 2, "%}") == 0;
}

bool IsBlank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

std::size_t CountCodePoints(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// The last reference token of a pointer, unescaped.
std::string LastToken(std::string_view pointer) {
  const std::string_view token = pointer.substr(pointer.rfind('/') + 1);
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out.push_back(token[i + 1] == '1' ? '/' : '~');
      ++i;
    } else {
      out.push_back(token[i]);
    }
  }
  return out;
}

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// True when `pointer` names a member of a `States` object: of the root, a
// Parallel branch or a Map processor.
bool IsStateMember(std::string_view pointer) {
  const std::size_t slash = pointer.rfind('/');
  if (slash == std::string_view::npos) return false;
  std::string_view scope = pointer.substr(0, slash);
  constexpr std::string_view kStates = "/States";
  if (scope.size() < kStates.size() || scope.substr(scope.size() - kStates.size()) != kStates) {
    return false;
  }
  scope.remove_suffix(kStates.size());
  if (scope.empty()) return true;
  const std::size_t last = scope.rfind('/');
  const std::string_view token = scope.substr(last + 1);
  if (token == "ItemProcessor" || token == "Iterator") return true;
  if (!IsDigits(token) || last == 0) return false;
  const std::string_view owner = scope.substr(0, last);
  const std::size_t previous = owner.rfind('/');
  return owner.substr(previous + 1) == "Branches";
}

struct OperatorSpec {
  std::string_view name;
  ChoiceOperator op;
  bool has_path_twin;
};

constexpr std::array<OperatorSpec, 23> kOperators{{
    {"StringEquals", ChoiceOperator::kStringEquals, true},
    {"StringLessThan", ChoiceOperator::kStringLessThan, true},
    {"StringGreaterThan", ChoiceOperator::kStringGreaterThan, true},
    {"StringLessThanEquals", ChoiceOperator::kStringLessThanEquals, true},
    {"StringGreaterThanEquals", ChoiceOperator::kStringGreaterThanEquals, true},
    {"StringMatches", ChoiceOperator::kStringMatches, false},
    {"NumericEquals", ChoiceOperator::kNumericEquals, true},
    {"NumericLessThan", ChoiceOperator::kNumericLessThan, true},
    {"NumericGreaterThan", ChoiceOperator::kNumericGreaterThan, true},
    {"NumericLessThanEquals", ChoiceOperator::kNumericLessThanEquals, true},
    {"NumericGreaterThanEquals", ChoiceOperator::kNumericGreaterThanEquals, true},
    {"BooleanEquals", ChoiceOperator::kBooleanEquals, true},
    {"TimestampEquals", ChoiceOperator::kTimestampEquals, true},
    {"TimestampLessThan", ChoiceOperator::kTimestampLessThan, true},
    {"TimestampGreaterThan", ChoiceOperator::kTimestampGreaterThan, true},
    {"TimestampLessThanEquals", ChoiceOperator::kTimestampLessThanEquals, true},
    OperatorSpec{"TimestampGreaterThanEquals", ChoiceOperator::kTimestampGreaterThanEquals, true},
    OperatorSpec{"IsNull", ChoiceOperator::kIsNull, false},
    OperatorSpec{"IsPresent", ChoiceOperator::kIsPresent, false},
    OperatorSpec{"IsNumeric", ChoiceOperator::kIsNumeric, false},
    OperatorSpec{"IsString", ChoiceOperator::kIsString, false},
    OperatorSpec{"IsBoolean", ChoiceOperator::kIsBoolean, false},
    OperatorSpec{"IsTimestamp", ChoiceOperator::kIsTimestamp, false},
}};

std::optional<StateType> ParseStateType(std::string_view type) {
  if (type == "Task") return StateType::kTask;
  if (type == "Pass") return StateType::kPass;
  if (type == "Choice") return StateType::kChoice;
  if (type == "Wait") return StateType::kWait;
  if (type == "Succeed") return StateType::kSucceed;
  if (type == "Fail") return StateType::kFail;
  if (type == "Parallel") return StateType::kParallel;
  if (type == "Map") return StateType::kMap;
  return std::nullopt;
}

// The outcome of the checks shared by Validate and Load, so that Load parses
// the text only once.
struct Checked {
  std::optional<ParsedJson> parsed;
  std::vector<Diagnostic> diagnostics;
};

Diagnostic MakeDiagnostic(std::string pointer, const char* code, std::string message,
                          const LoadOptions& options, TextPosition position) {
  Diagnostic d;
  d.pointer = std::move(pointer);
  d.code = code;
  d.severity = Severity::kError;
  d.message = std::move(message);
  d.file = options.file;
  d.position = position;
  return d;
}

Checked Check(std::string_view text, const LoadOptions& options) {
  Checked checked;
  if (IsBlank(text)) {
    checked.diagnostics.push_back(
        MakeDiagnostic("", "MISSING_DESCRIPTION", "the definition is empty", options, {1, 1}));
    return checked;
  }
  try {
    checked.parsed = ParseJsonWithPositions(text);
  } catch (const JsonSyntaxError& e) {
    checked.diagnostics.push_back(
        MakeDiagnostic("", "INVALID_JSON_DESCRIPTION", e.what(), options, e.position()));
    return checked;
  }
  const ParsedJson& parsed = *checked.parsed;
  // The parser's own findings (size, duplicate keys) are merged into the
  // validator's by position, so that the whole list reads in document order.
  std::vector<Diagnostic> own;
  if (text.size() > kMaxDefinitionCharacters) {
    const std::size_t characters = CountCodePoints(text);
    if (characters > kMaxDefinitionCharacters) {
      own.push_back(MakeDiagnostic("", kSchemaError,
                                   "the definition has " + std::to_string(characters) +
                                       " characters, more than the 1048576 allowed",
                                   options, {1, 1}));
    }
  }
  for (const std::string& pointer : parsed.duplicate_keys) {
    const TextPosition position = parsed.positions.KeyPosition(pointer);
    if (IsStateMember(pointer)) {
      // TOP-04: the validator sees only the last of the two states.
      own.push_back(MakeDiagnostic(
          pointer, "DUPLICATE_STATE_NAME",
          "state name \"" + LastToken(pointer) + "\" is used twice in the same \"States\" object",
          options, position));
    } else {
      own.push_back(MakeDiagnostic(pointer, kSchemaError,
                                   "duplicate key \"" + LastToken(pointer) + "\"", options,
                                   position));
    }
  }
  std::vector<Diagnostic> rest = internal::ValidateDocument(parsed, options);
  for (Diagnostic& d : rest) {
    if (d.file.empty()) d.file = options.file;
  }
  if (own.empty()) {
    checked.diagnostics = std::move(rest);
    return checked;
  }
  const auto before = [](const Diagnostic& a, const Diagnostic& b) {
    if (a.position.line != b.position.line) {
      return a.position.line < b.position.line;
    }
    return a.position.column < b.position.column;
  };
  std::stable_sort(own.begin(), own.end(), before);
  checked.diagnostics.reserve(own.size() + rest.size());
  // On equal positions the parser's diagnostic comes first.
  std::merge(std::make_move_iterator(own.begin()), std::make_move_iterator(own.end()),
             std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()),
             std::back_inserter(checked.diagnostics), before);
  return checked;
}

bool Rejects(const std::vector<Diagnostic>& diagnostics, const LoadOptions& options) {
  return HasErrors(diagnostics) || (options.warnings_as_errors && !diagnostics.empty());
}

[[noreturn]] void ThrowRejected(std::vector<Diagnostic> diagnostics, const LoadOptions& options) {
  if (options.warnings_as_errors) {
    for (Diagnostic& d : diagnostics) d.severity = Severity::kError;
  }
  throw DefinitionError(std::move(diagnostics));
}

}  // namespace

/// Turns a validated document into the typed model. Validation has already
/// rejected malformed definitions; whatever still does not fit (a path that
/// does not compile, a field of the wrong type when validation is lenient)
/// becomes a diagnostic instead of a crash.
class DefinitionBuilder {
 public:
  DefinitionBuilder(const ParsedJson& parsed, const LoadOptions& options)
      : parsed_(parsed), options_(options) {}

  std::shared_ptr<Definition> Build() {
    auto definition = std::make_shared<Definition>();
    definition_ = definition.get();
    const OrderedJson& doc = parsed_.value;
    definition->file_ = options_.file;
    if (!doc.is_object()) {
      Error("", "the definition must be a json object");
      return definition;
    }
    if (const OrderedJson* v = Member(doc, "Comment"); v && v->is_string()) {
      definition->comment_ = v->get<std::string>();
    }
    if (const OrderedJson* v = Member(doc, "Version"); v && v->is_string()) {
      definition->version_ = v->get<std::string>();
    }
    if (const OrderedJson* v = Member(doc, "TimeoutSeconds")) {
      definition->timeout_seconds_ = Integer(*v, "/TimeoutSeconds");
    }
    if (const OrderedJson* v = Member(doc, "QueryLanguage")) {
      root_language_ = Language(*v, "/QueryLanguage", QueryLanguage::kJsonPath);
    }
    definition->query_language_ = root_language_;
    definition->root_ = BuildScope(doc, "", nullptr, nullptr);
    return definition;
  }

  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

  // Hands the parsed document over once the model no longer reads it.
  static void Adopt(Definition& definition, ParsedJson&& parsed) {
    definition.document_ = std::move(parsed.value);
    definition.positions_ = std::move(parsed.positions);
  }

 private:
  [[nodiscard]] SourceRef Ref(const std::string& pointer) const {
    return SourceRef{pointer, parsed_.positions.ValuePosition(pointer)};
  }

  void Error(const std::string& pointer, std::string message, const char* code = kSchemaError) {
    diagnostics_.push_back(MakeDiagnostic(pointer, code, std::move(message), options_,
                                          parsed_.positions.ValuePosition(pointer)));
  }

  QueryLanguage Language(const OrderedJson& v, const std::string& pointer, QueryLanguage fallback) {
    if (v == "JSONata") return QueryLanguage::kJsonata;
    if (v == "JSONPath") return QueryLanguage::kJsonPath;
    Error(pointer, R"(QueryLanguage must be "JSONPath" or "JSONata")");
    return fallback;
  }

  std::optional<std::string> String(const OrderedJson& v, const std::string& pointer) {
    if (v.is_string()) return v.get<std::string>();
    Error(pointer, "must be a string");
    return std::nullopt;
  }

  std::optional<std::int64_t> Integer(const OrderedJson& v, const std::string& pointer) {
    if (v.is_number_integer()) {
      if (v.is_number_unsigned() &&
          v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
        Error(pointer, "integer is too large");
        return std::nullopt;
      }
      return v.get<std::int64_t>();
    }
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (d == static_cast<double>(static_cast<std::int64_t>(d))) {
        return static_cast<std::int64_t>(d);
      }
    }
    Error(pointer, "must be an integer");
    return std::nullopt;
  }

  std::optional<jsonpath::Path> ParsePath(const OrderedJson& v, const std::string& pointer) {
    if (!v.is_string()) {
      Error(pointer, "must be a string holding a path");
      return std::nullopt;
    }
    const auto& text = v.get_ref<const std::string&>();
    try {
      return jsonpath::Path::Parse(text);
    } catch (const jsonpath::SyntaxError& e) {
      Error(pointer, "invalid path \"" + text + "\": " + e.what());
    } catch (const std::exception& e) {
      Error(pointer, "invalid path \"" + text + "\": " + e.what());
    }
    return std::nullopt;
  }

  PathField ParsePathField(const OrderedJson& object, std::string_view key,
                           const std::string& object_pointer) {
    PathField field;
    const OrderedJson* v = Member(object, key);
    if (v == nullptr) return field;
    std::string pointer = AppendPointer(object_pointer, key);
    field.source = Ref(pointer);
    if (v->is_null()) {
      field.kind = PathField::Kind::kNull;
      return field;
    }
    field.path = ParsePath(*v, pointer);
    field.kind = field.path ? PathField::Kind::kPath : PathField::Kind::kAbsent;
    return field;
  }

  std::optional<PathOrCall> ParsePathOrCall(const OrderedJson& v, const std::string& pointer) {
    if (!v.is_string()) {
      Error(pointer, "must be a string holding a path or intrinsic function");
      return std::nullopt;
    }
    PathOrCall out;
    out.source = Ref(pointer);
    const auto& text = v.get_ref<const std::string&>();
    if (intrinsics::LooksLikeCall(text)) {
      try {
        out.call = intrinsics::Call::Parse(text);
      } catch (const std::exception& e) {
        Error(pointer, "invalid intrinsic function \"" + text + "\": " + e.what());
        return std::nullopt;
      }
      return out;
    }
    out.path = ParsePath(v, pointer);
    if (!out.path) return std::nullopt;
    return out;
  }

  std::optional<jsonpath::Template> CompileTemplate(const OrderedJson& v,
                                                    const std::string& pointer) {
    try {
      return jsonpath::Template::Compile(v);
    } catch (const jsonpath::TemplateError& e) {
      Error(pointer + e.pointer(), e.what());
    } catch (const std::exception& e) {
      Error(pointer, e.what());
    }
    return std::nullopt;
  }

  std::optional<jsonpath::Template> TemplateMember(const OrderedJson& object, std::string_view key,
                                                   const std::string& object_pointer) {
    const OrderedJson* v = Member(object, key);
    if (v == nullptr) return std::nullopt;
    return CompileTemplate(*v, AppendPointer(object_pointer, key));
  }

  std::optional<JsonataValue> JsonataMember(const OrderedJson& object, std::string_view key,
                                            const std::string& object_pointer) {
    const OrderedJson* v = Member(object, key);
    if (v == nullptr) return std::nullopt;
    return JsonataValue{Json(*v), Ref(AppendPointer(object_pointer, key))};
  }

  std::optional<std::string> StringMember(const OrderedJson& object, std::string_view key,
                                          const std::string& object_pointer) {
    const OrderedJson* v = Member(object, key);
    if (v == nullptr) return std::nullopt;
    return String(*v, AppendPointer(object_pointer, key));
  }

  // `key` as a literal number (or JSONata text), `key`Path as its path twin.
  NumberField NumberMember(const OrderedJson& object, std::string_view key,
                           const std::string& object_pointer, QueryLanguage language) {
    NumberField field;
    if (const OrderedJson* v = Member(object, key)) {
      const std::string pointer = AppendPointer(object_pointer, key);
      field.source = Ref(pointer);
      if (v->is_number()) {
        field.literal = v->get<double>();
      } else if (language == QueryLanguage::kJsonata && IsJsonata(*v)) {
        field.jsonata = v->get<std::string>();
      } else {
        Error(pointer, language == QueryLanguage::kJsonata
                           ? "must be a number or a JSONata expression"
                           : "must be a number");
      }
      return field;
    }
    const std::string path_key = std::string(key) + "Path";
    if (const OrderedJson* v = Member(object, path_key)) {
      const std::string pointer = AppendPointer(object_pointer, path_key);
      field.source = Ref(pointer);
      field.path = ParsePath(*v, pointer);
    }
    return field;
  }

  std::vector<std::string> ErrorEquals(const OrderedJson& object,
                                       const std::string& object_pointer) {
    std::vector<std::string> out;
    const OrderedJson* v = Member(object, "ErrorEquals");
    const std::string pointer = AppendPointer(object_pointer, "ErrorEquals");
    if (v == nullptr || !v->is_array()) {
      Error(v == nullptr ? object_pointer : pointer, "ErrorEquals must be an array of error names");
      return out;
    }
    out.reserve(v->size());
    for (std::size_t i = 0; i < v->size(); ++i) {
      if (auto name = String((*v)[i], AppendPointer(pointer, i))) {
        out.push_back(std::move(*name));
      }
    }
    return out;
  }

  void BuildAssign(const OrderedJson& object, const std::string& pointer, QueryLanguage language,
                   std::optional<jsonpath::Template>& assign,
                   std::optional<JsonataValue>& assign_jsonata) {
    if (language == QueryLanguage::kJsonata) {
      assign_jsonata = JsonataMember(object, "Assign", pointer);
    } else {
      assign = TemplateMember(object, "Assign", pointer);
    }
  }

  Retrier BuildRetrier(const OrderedJson& v, const std::string& pointer) {
    Retrier r;
    r.source = Ref(pointer);
    r.error_equals = ErrorEquals(v, pointer);
    if (const OrderedJson* f = Member(v, "IntervalSeconds")) {
      r.interval_seconds = Integer(*f, pointer + "/IntervalSeconds").value_or(r.interval_seconds);
    }
    if (const OrderedJson* f = Member(v, "MaxAttempts")) {
      r.max_attempts = Integer(*f, pointer + "/MaxAttempts").value_or(r.max_attempts);
    }
    if (const OrderedJson* f = Member(v, "BackoffRate")) {
      if (f->is_number()) {
        r.backoff_rate = f->get<double>();
      } else {
        Error(pointer + "/BackoffRate", "must be a number");
      }
    }
    if (const OrderedJson* f = Member(v, "MaxDelaySeconds")) {
      r.max_delay_seconds = Integer(*f, pointer + "/MaxDelaySeconds");
    }
    if (const OrderedJson* f = Member(v, "JitterStrategy")) {
      if (*f == "FULL") {
        r.jitter = Retrier::Jitter::kFull;
      } else if (*f != "NONE") {
        Error(pointer + "/JitterStrategy", R"(JitterStrategy must be "FULL" or "NONE")");
      }
    }
    r.comment = StringMember(v, "Comment", pointer);
    return r;
  }

  Catcher BuildCatcher(const OrderedJson& v, const std::string& pointer, QueryLanguage language) {
    Catcher c;
    c.source = Ref(pointer);
    c.error_equals = ErrorEquals(v, pointer);
    c.next = StringMember(v, "Next", pointer).value_or("");
    if (language == QueryLanguage::kJsonPath) {
      c.result_path = ParsePathField(v, "ResultPath", pointer);
    } else {
      c.output = JsonataMember(v, "Output", pointer);
    }
    BuildAssign(v, pointer, language, c.assign, c.assign_jsonata);
    c.comment = StringMember(v, "Comment", pointer);
    return c;
  }

  // Recursion in the builder follows the document's nesting, which the
  // parser bounds at 512 levels.
  ChoiceRule BuildRule(const OrderedJson& v,  // NOLINT(misc-no-recursion)
                       const std::string& pointer, QueryLanguage language, bool top_level) {
    ChoiceRule rule;
    rule.source = Ref(pointer);
    if (!v.is_object()) {
      Error(pointer, "a choice rule must be an object");
      return rule;
    }
    if (top_level) {
      rule.next = StringMember(v, "Next", pointer).value_or("");
      BuildAssign(v, pointer, language, rule.assign, rule.assign_jsonata);
      if (language == QueryLanguage::kJsonata) {
        rule.output = JsonataMember(v, "Output", pointer);
      }
      rule.comment = StringMember(v, "Comment", pointer);
    }
    if (const OrderedJson* c = Member(v, "Condition")) {
      rule.kind = ChoiceRule::Kind::kCondition;
      rule.condition = JsonataValue{Json(*c), Ref(pointer + "/Condition")};
      return rule;
    }
    for (const char* combinator : {"And", "Or"}) {
      if (const OrderedJson* list = Member(v, combinator)) {
        rule.kind = combinator[0] == 'A' ? ChoiceRule::Kind::kAnd : ChoiceRule::Kind::kOr;
        const std::string list_pointer = AppendPointer(pointer, combinator);
        if (!list->is_array()) {
          Error(list_pointer, "must be an array of choice rules");
          return rule;
        }
        rule.children.reserve(list->size());
        for (std::size_t i = 0; i < list->size(); ++i) {
          rule.children.push_back(
              BuildRule((*list)[i], AppendPointer(list_pointer, i), language, false));
        }
        return rule;
      }
    }
    if (const OrderedJson* inner = Member(v, "Not")) {
      rule.kind = ChoiceRule::Kind::kNot;
      rule.children.push_back(BuildRule(*inner, pointer + "/Not", language, false));
      return rule;
    }
    rule.kind = ChoiceRule::Kind::kDataTest;
    if (const OrderedJson* variable = Member(v, "Variable")) {
      rule.variable = ParsePath(*variable, pointer + "/Variable");
    } else {
      Error(pointer, "a choice rule needs Variable, And, Or, Not or Condition");
    }
    bool found = false;
    for (const auto& [key, operand] : v.get_ref<const OrderedJson::object_t&>()) {
      const std::string_view k(key);
      for (const OperatorSpec& spec : kOperators) {
        if (k == spec.name) {
          rule.op = spec.op;
          rule.operand = Json(operand);
          found = true;
        } else if (spec.has_path_twin && k.size() == spec.name.size() + 4 &&
                   k.substr(0, spec.name.size()) == spec.name &&
                   k.substr(spec.name.size()) == "Path") {
          rule.op = spec.op;
          rule.operand_is_path = true;
          rule.operand_path = ParsePath(operand, AppendPointer(pointer, k));
          found = true;
        } else {
          continue;
        }
        break;
      }
      if (found) break;
    }
    if (!found && rule.variable) {
      Error(pointer, "a choice rule needs a comparison operator");
    }
    return rule;
  }

  std::optional<ItemReader> BuildItemReader(const OrderedJson& v, const std::string& pointer,
                                            QueryLanguage language) {
    ItemReader reader;
    reader.source = Ref(pointer);
    reader.resource = StringMember(v, "Resource", pointer).value_or("");
    if (language == QueryLanguage::kJsonata) {
      reader.arguments = JsonataMember(v, "Arguments", pointer);
    } else {
      reader.parameters = TemplateMember(v, "Parameters", pointer);
    }
    if (const OrderedJson* config = Member(v, "ReaderConfig")) {
      reader.reader_config = Json(*config);
    }
    return reader;
  }

  std::optional<ItemBatcher> BuildItemBatcher(const OrderedJson& v, const std::string& pointer,
                                              QueryLanguage language) {
    ItemBatcher batcher;
    batcher.source = Ref(pointer);
    batcher.max_items_per_batch = NumberMember(v, "MaxItemsPerBatch", pointer, language);
    batcher.max_input_bytes_per_batch = NumberMember(v, "MaxInputBytesPerBatch", pointer, language);
    if (language == QueryLanguage::kJsonata) {
      batcher.batch_input_jsonata = JsonataMember(v, "BatchInput", pointer);
    } else {
      batcher.batch_input = TemplateMember(v, "BatchInput", pointer);
    }
    return batcher;
  }

  std::optional<ResultWriter> BuildResultWriter(const OrderedJson& v, const std::string& pointer,
                                                QueryLanguage language) {
    ResultWriter writer;
    writer.source = Ref(pointer);
    writer.resource = StringMember(v, "Resource", pointer);
    if (language == QueryLanguage::kJsonata) {
      writer.arguments = JsonataMember(v, "Arguments", pointer);
    } else {
      writer.parameters = TemplateMember(v, "Parameters", pointer);
    }
    if (const OrderedJson* config = Member(v, "WriterConfig")) {
      writer.writer_config = Json(*config);
    }
    return writer;
  }

  void BuildTask(State& s, const OrderedJson& v, const std::string& pointer) {
    const QueryLanguage lang = s.query_language;
    s.resource = StringMember(v, "Resource", pointer).value_or("");
    s.timeout_seconds = NumberMember(v, "TimeoutSeconds", pointer, lang);
    s.heartbeat_seconds = NumberMember(v, "HeartbeatSeconds", pointer, lang);
    if (lang == QueryLanguage::kJsonata) {
      s.credentials_jsonata = JsonataMember(v, "Credentials", pointer);
    } else {
      s.credentials = TemplateMember(v, "Credentials", pointer);
    }
  }

  void BuildWait(State& s, const OrderedJson& v, const std::string& pointer) {
    if (const OrderedJson* f = Member(v, "Seconds")) {
      if (s.query_language == QueryLanguage::kJsonata && IsJsonata(*f)) {
        s.seconds_jsonata = f->get<std::string>();
      } else {
        s.seconds = Integer(*f, pointer + "/Seconds");
      }
    }
    if (const OrderedJson* f = Member(v, "SecondsPath")) {
      s.seconds_path = ParsePath(*f, pointer + "/SecondsPath");
    }
    if (const OrderedJson* f = Member(v, "Timestamp")) {
      if (s.query_language == QueryLanguage::kJsonata && IsJsonata(*f)) {
        s.timestamp_jsonata = f->get<std::string>();
      } else {
        s.timestamp = String(*f, pointer + "/Timestamp");
      }
    }
    if (const OrderedJson* f = Member(v, "TimestampPath")) {
      s.timestamp_path = ParsePath(*f, pointer + "/TimestampPath");
    }
  }

  void BuildFail(State& s, const OrderedJson& v, const std::string& pointer) {
    const bool jsonata = s.query_language == QueryLanguage::kJsonata;
    if (const OrderedJson* f = Member(v, "Error")) {
      if (jsonata && IsJsonata(*f)) {
        s.error_jsonata = f->get<std::string>();
      } else {
        s.error = String(*f, pointer + "/Error");
      }
    }
    if (const OrderedJson* f = Member(v, "Cause")) {
      if (jsonata && IsJsonata(*f)) {
        s.cause_jsonata = f->get<std::string>();
      } else {
        s.cause = String(*f, pointer + "/Cause");
      }
    }
    if (const OrderedJson* f = Member(v, "ErrorPath")) {
      s.error_path = ParsePathOrCall(*f, pointer + "/ErrorPath");
    }
    if (const OrderedJson* f = Member(v, "CausePath")) {
      s.cause_path = ParsePathOrCall(*f, pointer + "/CausePath");
    }
  }

  void BuildMap(State& s, const OrderedJson& v,  // NOLINT(misc-no-recursion)
                const std::string& pointer, const Scope* scope) {
    const QueryLanguage lang = s.query_language;
    const char* processor_key = "ItemProcessor";
    const OrderedJson* processor = Member(v, processor_key);
    if (processor == nullptr) {
      processor_key = "Iterator";
      processor = Member(v, processor_key);
    }
    if (processor == nullptr) {
      Error(pointer, "a Map state needs an ItemProcessor");
    } else {
      const std::string processor_pointer = AppendPointer(pointer, processor_key);
      s.item_processor = BuildScope(*processor, processor_pointer, scope, &s);
      if (const OrderedJson* config = Member(*processor, "ProcessorConfig")) {
        if (const OrderedJson* mode = Member(*config, "Mode")) {
          s.distributed = *mode == "DISTRIBUTED";
        }
        if (const OrderedJson* type = Member(*config, "ExecutionType")) {
          s.execution_type = String(*type, processor_pointer + "/ProcessorConfig/ExecutionType")
                                 .value_or(s.execution_type);
        }
      }
    }
    if (lang == QueryLanguage::kJsonata) {
      s.items = JsonataMember(v, "Items", pointer);
      s.item_selector_jsonata = JsonataMember(v, "ItemSelector", pointer);
    } else {
      if (const OrderedJson* f = Member(v, "ItemsPath")) {
        s.items_path = ParsePath(*f, pointer + "/ItemsPath");
      }
      s.item_selector = TemplateMember(v, "ItemSelector", pointer);
    }
    s.max_concurrency = NumberMember(v, "MaxConcurrency", pointer, lang);
    s.tolerated_failure_count = NumberMember(v, "ToleratedFailureCount", pointer, lang);
    s.tolerated_failure_percentage = NumberMember(v, "ToleratedFailurePercentage", pointer, lang);
    if (const OrderedJson* f = Member(v, "ItemReader")) {
      s.item_reader = BuildItemReader(*f, pointer + "/ItemReader", lang);
    }
    if (const OrderedJson* f = Member(v, "ItemBatcher")) {
      s.item_batcher = BuildItemBatcher(*f, pointer + "/ItemBatcher", lang);
    }
    if (const OrderedJson* f = Member(v, "ResultWriter")) {
      s.result_writer = BuildResultWriter(*f, pointer + "/ResultWriter", lang);
    }
    s.label = StringMember(v, "Label", pointer);
  }

  void BuildState(State& s,  // NOLINT(misc-no-recursion)
                  const std::string& name, const OrderedJson& v, const std::string& pointer,
                  const Scope* scope) {
    s.name = name;
    s.source = Ref(pointer);
    if (!v.is_object()) {
      Error(pointer, "a state must be a json object");
      return;
    }
    if (const OrderedJson* t = Member(v, "Type"); t && t->is_string()) {
      if (auto type = ParseStateType(t->get_ref<const std::string&>())) {
        s.type = *type;
      } else {
        Error(pointer + "/Type", "unknown state type " + t->dump());
      }
    } else {
      Error(pointer, "a state needs a string Type");
    }
    s.query_language = root_language_;
    if (const OrderedJson* q = Member(v, "QueryLanguage")) {
      s.query_language = Language(*q, pointer + "/QueryLanguage", root_language_);
    }
    const QueryLanguage lang = s.query_language;
    s.comment = StringMember(v, "Comment", pointer);
    s.next = StringMember(v, "Next", pointer);
    if (const OrderedJson* end = Member(v, "End")) {
      s.end = end->is_boolean() && end->get<bool>();
    }

    if (lang == QueryLanguage::kJsonPath) {
      s.input_path = ParsePathField(v, "InputPath", pointer);
      s.output_path = ParsePathField(v, "OutputPath", pointer);
      s.result_path = ParsePathField(v, "ResultPath", pointer);
      s.parameters = TemplateMember(v, "Parameters", pointer);
      s.result_selector = TemplateMember(v, "ResultSelector", pointer);
      if (const OrderedJson* result = Member(v, "Result")) {
        s.result = Json(*result);
      }
    } else {
      s.arguments = JsonataMember(v, "Arguments", pointer);
      s.output = JsonataMember(v, "Output", pointer);
    }
    BuildAssign(v, pointer, lang, s.assign, s.assign_jsonata);

    if (const OrderedJson* retry = Member(v, "Retry")) {
      const std::string retry_pointer = pointer + "/Retry";
      if (retry->is_array()) {
        s.retry.reserve(retry->size());
        for (std::size_t i = 0; i < retry->size(); ++i) {
          s.retry.push_back(BuildRetrier((*retry)[i], AppendPointer(retry_pointer, i)));
        }
      } else {
        Error(retry_pointer, "Retry must be an array of retriers");
      }
    }
    if (const OrderedJson* catches = Member(v, "Catch")) {
      const std::string catch_pointer = pointer + "/Catch";
      if (catches->is_array()) {
        s.catch_.reserve(catches->size());
        for (std::size_t i = 0; i < catches->size(); ++i) {
          s.catch_.push_back(BuildCatcher((*catches)[i], AppendPointer(catch_pointer, i), lang));
        }
      } else {
        Error(catch_pointer, "Catch must be an array of catchers");
      }
    }

    switch (s.type) {
      case StateType::kTask:
        BuildTask(s, v, pointer);
        break;
      case StateType::kChoice:
        if (const OrderedJson* choices = Member(v, "Choices"); choices && choices->is_array()) {
          const std::string choices_pointer = pointer + "/Choices";
          s.choices.reserve(choices->size());
          for (std::size_t i = 0; i < choices->size(); ++i) {
            s.choices.push_back(
                BuildRule((*choices)[i], AppendPointer(choices_pointer, i), lang, true));
          }
        } else {
          Error(pointer, "a Choice state needs a Choices array");
        }
        s.default_next = StringMember(v, "Default", pointer);
        break;
      case StateType::kWait:
        BuildWait(s, v, pointer);
        break;
      case StateType::kFail:
        BuildFail(s, v, pointer);
        break;
      case StateType::kParallel:
        if (const OrderedJson* branches = Member(v, "Branches"); branches && branches->is_array()) {
          const std::string branches_pointer = pointer + "/Branches";
          s.branches.reserve(branches->size());
          for (std::size_t i = 0; i < branches->size(); ++i) {
            s.branches.push_back(
                BuildScope((*branches)[i], AppendPointer(branches_pointer, i), scope, &s));
          }
        } else {
          Error(pointer, "a Parallel state needs a Branches array");
        }
        break;
      case StateType::kMap:
        BuildMap(s, v, pointer, scope);
        break;
      case StateType::kPass:
      case StateType::kSucceed:
        break;
    }
  }

  // `pointer` makes the field's pointer, needed only when `target` is missing.
  template <typename MakePointer>
  std::size_t Resolve(const Scope& scope, const std::string& target, const MakePointer& pointer) {
    if (auto index = scope.Find(target)) return *index;
    Error(pointer(), "no state named \"" + target + "\"", "MISSING_TRANSITION_TARGET");
    return 0;
  }

  void ResolveTransitions(Scope& scope, const std::string& states_pointer) {
    for (State& s : scope.states) {
      const auto field = [&](std::string_view suffix) {
        return AppendPointer(states_pointer, s.name).append(suffix);
      };
      if (s.next) {
        s.next_index = Resolve(scope, *s.next, [&] { return field("/Next"); });
      }
      if (s.default_next) {
        s.default_index = Resolve(scope, *s.default_next, [&] { return field("/Default"); });
      }
      for (std::size_t i = 0; i < s.choices.size(); ++i) {
        ChoiceRule& rule = s.choices[i];
        rule.next_index = Resolve(scope, rule.next,
                                  [&] { return AppendPointer(field("/Choices"), i) + "/Next"; });
      }
      for (std::size_t i = 0; i < s.catch_.size(); ++i) {
        Catcher& catcher = s.catch_[i];
        catcher.next_index = Resolve(scope, catcher.next,
                                     [&] { return AppendPointer(field("/Catch"), i) + "/Next"; });
      }
    }
  }

  std::shared_ptr<const Scope> BuildScope(  // NOLINT(misc-no-recursion)
      const OrderedJson& v, const std::string& pointer, const Scope* parent,
      const State* parent_state) {
    auto scope = std::make_shared<Scope>();
    scope->source = Ref(pointer);
    scope->parent = parent;
    scope->parent_state = parent_state;
    if (!v.is_object()) {
      Error(pointer, "must be an object with StartAt and States");
      return scope;
    }
    const OrderedJson* states = Member(v, "States");
    const std::string states_pointer = pointer + "/States";
    if (states == nullptr || !states->is_object()) {
      Error(pointer, "States must be an object");
      return scope;
    }
    const auto& members = states->get_ref<const OrderedJson::object_t&>();
    // Reserved up front: nested scopes keep pointers to these states.
    scope->states.reserve(members.size());
    for (const auto& [name, state_json] : members) {
      scope->index.emplace(name, scope->states.size());
      State& state = scope->states.emplace_back();
      const std::string state_pointer = AppendPointer(states_pointer, name);
      BuildState(state, name, state_json, state_pointer, scope.get());
      if (!definition_->by_name_.emplace(name, &state).second) {
        Error(state_pointer, "state name \"" + name + "\" is used more than once",
              "DUPLICATE_STATE_NAME");
      }
    }
    if (const OrderedJson* start = Member(v, "StartAt")) {
      if (auto name = String(*start, pointer + "/StartAt")) {
        scope->start_at = std::move(*name);
        scope->start_index = Resolve(*scope, scope->start_at, [&] { return pointer + "/StartAt"; });
      }
    } else {
      Error(pointer, "StartAt is required");
    }
    ResolveTransitions(*scope, states_pointer);
    return scope;
  }

  const ParsedJson& parsed_;
  const LoadOptions& options_;
  Definition* definition_ = nullptr;
  QueryLanguage root_language_ = QueryLanguage::kJsonPath;
  std::vector<Diagnostic> diagnostics_;
};

std::vector<Diagnostic> Validate(std::string_view text, const LoadOptions& options) {
  return Check(text, options).diagnostics;
}

std::shared_ptr<const Definition> Load(std::string_view text, const LoadOptions& options) {
  Checked checked = Check(text, options);
  if (!checked.parsed || Rejects(checked.diagnostics, options)) {
    ThrowRejected(std::move(checked.diagnostics), options);
  }
  DefinitionBuilder builder(*checked.parsed, options);
  std::shared_ptr<Definition> definition = builder.Build();
  if (!builder.diagnostics().empty()) {
    std::vector<Diagnostic> all = std::move(checked.diagnostics);
    for (Diagnostic& d : builder.diagnostics()) all.push_back(std::move(d));
    ThrowRejected(std::move(all), options);
  }
  DefinitionBuilder::Adopt(*definition, std::move(*checked.parsed));
  return definition;
}

std::shared_ptr<const Definition> LoadFile(const std::string& path) {
  std::string text;
  bool ok = false;
  if (std::FILE* file = std::fopen(path.c_str(), "rb")) {
    std::array<char, 65536> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
      text.append(buffer.data(), n);
    }
    ok = std::ferror(file) == 0;
    std::fclose(file);
  }
  LoadOptions options;
  options.file = path;
  if (!ok) {
    throw DefinitionError(
        {MakeDiagnostic("", "FILE_NOT_READABLE", "cannot read the file", options, {})});
  }
  return Load(text, options);
}

}  // namespace stepsim::asl
