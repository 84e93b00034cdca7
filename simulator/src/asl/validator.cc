#include "asl/validator.h"

#include <stepsim/intrinsics/intrinsics.h>
#include <stepsim/jsonpath/path.h>
#include <stepsim/jsonpath/template.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asl/validate_text.h"

namespace stepsim::asl::internal {
namespace {

using OJson = nlohmann::ordered_json;
using std::string;
using std::string_view;

constexpr const char* kSchema = "SCHEMA_VALIDATION_FAILED";
constexpr const char* kMissingTarget = "MISSING_TRANSITION_TARGET";
constexpr const char* kMissingEnd = "MISSING_END_STATE";
constexpr const char* kDuplicateState = "DUPLICATE_STATE_NAME";
constexpr const char* kInvalidStateName = "INVALID_STATE_NAME";
constexpr const char* kInvalidResource = "INVALID_RESOURCE";
constexpr const char* kInvalidLabel = "INVALID_LABEL_NAME";
constexpr const char* kDuplicateLabel = "DUPLICATE_LABEL_NAME";
constexpr const char* kTooDeep = "TOO_DEEPLY_NESTED";
constexpr const char* kNoDollar = "NO_DOLLAR";
constexpr const char* kNoPath = "NO_PATH";
constexpr const char* kPassStatic = "PASS_RESULT_IS_STATIC";
// Ours: a JSONPath-only construct that a JSONata state keeps as a literal.
constexpr const char* kJsonPathInJsonata = "JSONPATH_SYNTAX_IN_JSONATA";

// AWS does not publish its Parallel/Map nesting limit (EXE-07); ten levels of
// branches/processors inside each other is far beyond real workflows and
// keeps the recursion shallow.
constexpr int kMaxNestingDepth = 10;
constexpr std::int64_t kMaxSeconds = 99999999;
constexpr std::int64_t kMaxDelaySeconds = 31622401;
constexpr std::int64_t kMaxReaderItems = 100000000;
constexpr std::int64_t kMaxBatchBytes = 262144;
constexpr std::int64_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();

enum class Lang { kJsonPath, kJsonata };
enum class FieldLang { kBoth, kJsonPath, kJsonata };

enum TypeBit : unsigned {
  kTask = 1U,
  kPass = 2U,
  kChoice = 4U,
  kWait = 8U,
  kSucceed = 16U,
  kFail = 32U,
  kParallel = 64U,
  kMap = 128U,
};
constexpr unsigned kAllTypes = 255U;
constexpr unsigned kWorkTypes = kTask | kParallel | kMap;
constexpr unsigned kFlowTypes = kTask | kPass | kWait | kParallel | kMap;

struct TypeName {
  string_view name;
  unsigned bit;
};
constexpr auto kTypes = std::to_array<TypeName>({
    {"Task", kTask},
    {"Pass", kPass},
    {"Choice", kChoice},
    {"Wait", kWait},
    {"Succeed", kSucceed},
    {"Fail", kFail},
    {"Parallel", kParallel},
    {"Map", kMap},
});

struct FieldSpec {
  string_view name;
  unsigned types;
  FieldLang lang;
};

// ST-08 / ST-09: which state types accept a field, and in which language.
constexpr auto kStateFields = std::to_array<FieldSpec>({
    {"Type", kAllTypes, FieldLang::kBoth},
    {"Comment", kAllTypes, FieldLang::kBoth},
    {"QueryLanguage", kAllTypes, FieldLang::kBoth},
    {"Next", kFlowTypes, FieldLang::kBoth},
    {"End", kFlowTypes, FieldLang::kBoth},
    {"InputPath", kAllTypes & ~kFail, FieldLang::kJsonPath},
    {"OutputPath", kAllTypes & ~kFail, FieldLang::kJsonPath},
    {"Parameters", kWorkTypes | kPass, FieldLang::kJsonPath},
    {"ResultSelector", kWorkTypes, FieldLang::kJsonPath},
    {"ResultPath", kWorkTypes | kPass, FieldLang::kJsonPath},
    {"Retry", kWorkTypes, FieldLang::kBoth},
    {"Catch", kWorkTypes, FieldLang::kBoth},
    {"Assign", kAllTypes & ~(kSucceed | kFail), FieldLang::kBoth},
    {"Output", kAllTypes & ~kFail, FieldLang::kJsonata},
    {"Arguments", kTask | kParallel, FieldLang::kJsonata},
    {"Resource", kTask, FieldLang::kBoth},
    {"TimeoutSeconds", kTask, FieldLang::kBoth},
    {"TimeoutSecondsPath", kTask, FieldLang::kJsonPath},
    {"HeartbeatSeconds", kTask, FieldLang::kBoth},
    {"HeartbeatSecondsPath", kTask, FieldLang::kJsonPath},
    {"Credentials", kTask, FieldLang::kBoth},
    {"Result", kPass, FieldLang::kJsonPath},
    {"Choices", kChoice, FieldLang::kBoth},
    {"Default", kChoice, FieldLang::kBoth},
    {"Seconds", kWait, FieldLang::kBoth},
    {"SecondsPath", kWait, FieldLang::kJsonPath},
    {"Timestamp", kWait, FieldLang::kBoth},
    {"TimestampPath", kWait, FieldLang::kJsonPath},
    {"Error", kFail, FieldLang::kBoth},
    {"ErrorPath", kFail, FieldLang::kJsonPath},
    {"Cause", kFail, FieldLang::kBoth},
    {"CausePath", kFail, FieldLang::kJsonPath},
    {"Branches", kParallel, FieldLang::kBoth},
    {"ItemProcessor", kMap, FieldLang::kBoth},
    {"Iterator", kMap, FieldLang::kJsonPath},
    {"ItemsPath", kMap, FieldLang::kJsonPath},
    {"Items", kMap, FieldLang::kJsonata},
    {"ItemSelector", kMap, FieldLang::kBoth},
    {"MaxConcurrency", kMap, FieldLang::kBoth},
    {"MaxConcurrencyPath", kMap, FieldLang::kJsonPath},
    {"ItemReader", kMap, FieldLang::kBoth},
    {"ItemBatcher", kMap, FieldLang::kBoth},
    {"ResultWriter", kMap, FieldLang::kBoth},
    {"Label", kMap, FieldLang::kBoth},
    {"ToleratedFailurePercentage", kMap, FieldLang::kBoth},
    {"ToleratedFailurePercentagePath", kMap, FieldLang::kJsonPath},
    {"ToleratedFailureCount", kMap, FieldLang::kBoth},
    {"ToleratedFailureCountPath", kMap, FieldLang::kJsonPath},
});

struct SubField {
  string_view name;
  FieldLang lang;
};

// Choice comparison operators (CHO-05..07) and the operand each takes.
enum class OperandKind { kString, kNumeric, kBoolean, kTimestamp, kPath, kTypeTest, kMatches };
struct Operator {
  string_view name;
  OperandKind kind;
};
constexpr auto kOperators = std::to_array<Operator>({
    {"StringEquals", OperandKind::kString},
    {"StringEqualsPath", OperandKind::kPath},
    {"StringLessThan", OperandKind::kString},
    {"StringLessThanPath", OperandKind::kPath},
    {"StringGreaterThan", OperandKind::kString},
    {"StringGreaterThanPath", OperandKind::kPath},
    {"StringLessThanEquals", OperandKind::kString},
    {"StringLessThanEqualsPath", OperandKind::kPath},
    {"StringGreaterThanEquals", OperandKind::kString},
    {"StringGreaterThanEqualsPath", OperandKind::kPath},
    {"StringMatches", OperandKind::kMatches},
    {"NumericEquals", OperandKind::kNumeric},
    {"NumericEqualsPath", OperandKind::kPath},
    {"NumericLessThan", OperandKind::kNumeric},
    {"NumericLessThanPath", OperandKind::kPath},
    {"NumericGreaterThan", OperandKind::kNumeric},
    {"NumericGreaterThanPath", OperandKind::kPath},
    {"NumericLessThanEquals", OperandKind::kNumeric},
    {"NumericLessThanEqualsPath", OperandKind::kPath},
    {"NumericGreaterThanEquals", OperandKind::kNumeric},
    {"NumericGreaterThanEqualsPath", OperandKind::kPath},
    {"BooleanEquals", OperandKind::kBoolean},
    {"BooleanEqualsPath", OperandKind::kPath},
    {"TimestampEquals", OperandKind::kTimestamp},
    {"TimestampEqualsPath", OperandKind::kPath},
    {"TimestampLessThan", OperandKind::kTimestamp},
    {"TimestampLessThanPath", OperandKind::kPath},
    {"TimestampGreaterThan", OperandKind::kTimestamp},
    {"TimestampGreaterThanPath", OperandKind::kPath},
    {"TimestampLessThanEquals", OperandKind::kTimestamp},
    {"TimestampLessThanEqualsPath", OperandKind::kPath},
    {"TimestampGreaterThanEquals", OperandKind::kTimestamp},
    {"TimestampGreaterThanEqualsPath", OperandKind::kPath},
    {"IsNull", OperandKind::kTypeTest},
    {"IsPresent", OperandKind::kTypeTest},
    {"IsNumeric", OperandKind::kTypeTest},
    {"IsString", OperandKind::kTypeTest},
    {"IsBoolean", OperandKind::kTypeTest},
    {"IsTimestamp", OperandKind::kTypeTest},
});

// ERR-02: every name under the reserved "States." prefix AWS knows.
constexpr auto kPredefinedErrors = std::to_array<string_view>({
    "States.ALL",
    "States.Timeout",
    "States.HeartbeatTimeout",
    "States.TaskFailed",
    "States.Permissions",
    "States.ResultPathMatchFailure",
    "States.ParameterPathFailure",
    "States.QueryEvaluationError",
    "States.BranchFailed",
    "States.NoChoiceMatched",
    "States.IntrinsicFailure",
    "States.ExceedToleratedFailureThreshold",
    "States.ItemReaderFailed",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.DataLimitExceeded",
    "States.Http.Socket",
});

string Quote(string_view text) { return OJson(string(text)).dump(); }

bool EndsWith(string_view text, string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool StartsWith(string_view text, string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

const OJson* Find(const OJson& object, string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

bool IsInteger(const OJson& value) {
  return value.is_number_integer() || value.is_number_unsigned();
}

// A string meant as a JSONata expression, well-formed or not: malformed ones
// get their own delimiter diagnostic.
bool StartsJsonata(const OJson& value) {
  return value.is_string() && StartsWith(value.get_ref<const string&>(), "{%");
}

string TypeNameOf(unsigned bit) {
  for (const auto& type : kTypes) {
    if (type.bit == bit) return string(type.name);
  }
  return "?";
}

const Operator* FindOperator(string_view name) {
  for (const auto& op : kOperators) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

bool IsKnownErrorName(string_view name) {
  for (const auto known : kPredefinedErrors) {
    if (known == name) return true;
  }
  constexpr string_view kStatusPrefix = "States.Http.StatusCode.";
  if (StartsWith(name, kStatusPrefix) && name.size() > kStatusPrefix.size()) {
    return std::all_of(name.begin() + kStatusPrefix.size(), name.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
  }
  return false;
}

string Join(const std::vector<string_view>& names) {
  string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += Quote(names[i]);
  }
  return out;
}

enum class ScopeKind { kRoot, kBranch, kProcessor };

// One transition found in a state, checked once the scope's names are known.
struct Transition {
  string target;
  string pointer;
};

struct StateSummary {
  string name;
  string pointer;
  std::vector<Transition> transitions;
  bool terminal = false;
};

// Variable names assigned in a scope, with where each was first assigned.
using VariableMap = std::map<string, string, std::less<>>;

class Validator {
 public:
  Validator(const ParsedJson& document, const LoadOptions& options)
      : document_(document), options_(options) {}

  std::vector<Diagnostic> Run();

 private:
  // Reporting.
  void Report(const string& pointer, const char* code, Severity severity, string message,
              bool at_key = false);
  void Error(const string& pointer, string message) {
    Report(pointer, kSchema, Severity::kError, std::move(message));
  }
  void KeyError(const string& pointer, string message) {
    Report(pointer, kSchema, Severity::kError, std::move(message), true);
  }
  void Warning(const string& pointer, const char* code, string message) {
    Report(pointer, code, Severity::kWarning, std::move(message));
  }
  void Unknown(const string& pointer, string_view key, string_view where,
               const std::vector<string_view>& candidates);
  void Missing(const string& pointer, string_view field) {
    Error(pointer, "missing required field " + Quote(field));
  }

  // Member checks for plain sub-objects.
  bool ExpectObject(const OJson& value, const string& pointer);
  void CheckMembers(const OJson& object, const string& pointer, string_view where,
                    std::initializer_list<SubField> fields, Lang lang);

  // Scalar checks; each returns true when the value is acceptable.
  bool CheckString(const OJson& value, const string& pointer);
  bool CheckNonEmptyString(const OJson& value, const string& pointer);
  bool CheckInteger(const OJson& value, const string& pointer, std::int64_t min, std::int64_t max);
  bool CheckBoolean(const OJson& value, const string& pointer);
  bool CheckEnum(const OJson& value, const string& pointer,
                 const std::vector<string_view>& allowed);
  // A number field that JSONata states may also give as an expression.
  void CheckIntegerOrJsonata(const OJson& value, const string& pointer, Lang lang, std::int64_t min,
                             std::int64_t max);

  // Paths, templates and JSONata values.
  void CheckPath(const OJson& value, const string& pointer, bool reference, bool allow_context,
                 bool allow_variable, bool allow_null);
  void CheckPathOrCall(const OJson& value, const string& pointer);
  void CheckTemplate(const OJson& value, const string& pointer, bool must_be_object);
  void CheckNoDollar(const OJson& value, const string& pointer);
  void CheckJsonataValue(const OJson& value, const string& pointer);
  void CheckJsonataString(const string& text, const string& pointer);
  void CheckAssign(const OJson& value, const string& pointer, Lang lang);
  void CheckPayload(const OJson& value, const string& pointer, Lang lang, bool must_be_object);

  // Structure.
  void CollectNames(const OJson& scope, const string& pointer);
  void CollectAssigns(const OJson& states, const string& pointer, VariableMap* names,
                      std::vector<std::pair<string, string>>* in_order);
  void ValidateScope(const OJson& scope, const string& pointer, ScopeKind kind, int depth,
                     const VariableMap& outer);
  StateSummary ValidateState(const string& name, const OJson& state, const string& pointer,
                             int depth, const VariableMap& visible);
  void CheckStateMembers(const OJson& state, const string& pointer, unsigned type, Lang lang);
  void CheckTask(const OJson& state, const string& pointer, Lang lang);
  void CheckPass(const OJson& state, const string& pointer, Lang lang);
  void CheckWait(const OJson& state, const string& pointer, Lang lang);
  void CheckFail(const OJson& state, const string& pointer, Lang lang);
  void CheckChoice(const OJson& state, const string& pointer, Lang lang, StateSummary* summary);
  void CheckRule(const OJson& rule, const string& pointer, Lang lang, bool top_level);
  void CheckOperand(const Operator& op, const OJson& value, const string& pointer);
  void CheckMap(const OJson& state, const string& pointer, Lang lang, int depth,
                const VariableMap& visible);
  void CheckParallel(const OJson& state, const string& pointer, int depth,
                     const VariableMap& visible);
  void CheckItemReader(const OJson& value, const string& pointer, Lang lang);
  void CheckItemBatcher(const OJson& value, const string& pointer, Lang lang);
  void CheckResultWriter(const OJson& value, const string& pointer, Lang lang);
  void CheckRetry(const OJson& value, const string& pointer);
  void CheckCatch(const OJson& value, const string& pointer, Lang lang, StateSummary* summary);
  void CheckErrorEquals(const OJson& value, const string& pointer, bool last, string_view owner);
  void CheckResource(const OJson& value, const string& pointer);

  const ParsedJson& document_;
  const LoadOptions& options_;
  Lang root_lang_ = Lang::kJsonPath;
  std::vector<Diagnostic> diagnostics_;
  // Unreachable-state diagnostics, dropped when MISSING_END_STATE is
  // reported (ST-07).
  std::vector<Diagnostic> unreachable_;
  bool missing_end_ = false;
  // Every state name in the definition and where it was first declared.
  std::map<string, string, std::less<>> state_names_;
  std::map<string, string, std::less<>> labels_;
};

void Validator::Report(const string& pointer, const char* code, Severity severity, string message,
                       bool at_key) {
  Diagnostic d;
  d.pointer = pointer;
  d.code = code;
  d.severity = severity;
  d.message = std::move(message);
  d.file = options_.file;
  d.position = at_key ? document_.positions.KeyPosition(pointer)
                      : document_.positions.ValuePosition(pointer);
  diagnostics_.push_back(std::move(d));
}

void Validator::Unknown(const string& pointer, string_view key, string_view where,
                        const std::vector<string_view>& candidates) {
  string message = "unknown field " + Quote(key) + " in " + string(where);
  const string hint = NearestName(key, candidates);
  if (!hint.empty()) message += " (did you mean " + Quote(hint) + "?)";
  KeyError(pointer, std::move(message));
}

bool Validator::ExpectObject(const OJson& value, const string& pointer) {
  if (value.is_object()) return true;
  Error(pointer, "must be an object, got " + Describe(value));
  return false;
}

void Validator::CheckMembers(const OJson& object, const string& pointer, string_view where,
                             std::initializer_list<SubField> fields, Lang lang) {
  // Pointers and the candidate list are built only for a member in error.
  const auto candidates = [&] {
    std::vector<string_view> names;
    for (const auto& field : fields) {
      if (field.lang == FieldLang::kBoth ||
          (field.lang == FieldLang::kJsonPath) == (lang == Lang::kJsonPath)) {
        names.push_back(field.name);
      }
    }
    return names;
  };
  if (!object.is_object()) return;
  for (const auto& [key, value] : object.get_ref<const OJson::object_t&>()) {
    const auto it = std::find_if(fields.begin(), fields.end(),
                                 [&](const SubField& f) { return f.name == key; });
    if (it == fields.end()) {
      Unknown(AppendPointer(pointer, key), key, where, candidates());
    } else if (it->lang == FieldLang::kJsonata && lang == Lang::kJsonPath) {
      KeyError(AppendPointer(pointer, key), "field " + Quote(key) +
                                                " is not allowed in a JSONPath state (it is a "
                                                "JSONata field)");
    } else if (it->lang == FieldLang::kJsonPath && lang == Lang::kJsonata) {
      KeyError(AppendPointer(pointer, key), "field " + Quote(key) +
                                                " is not allowed in a JSONata state (it is a "
                                                "JSONPath field)");
    }
  }
}

bool Validator::CheckString(const OJson& value, const string& pointer) {
  if (value.is_string()) return true;
  Error(pointer, "must be a string, got " + Describe(value));
  return false;
}

bool Validator::CheckNonEmptyString(const OJson& value, const string& pointer) {
  if (!CheckString(value, pointer)) return false;
  if (!value.get_ref<const string&>().empty()) return true;
  Error(pointer, "must be a non-empty string, got \"\"");
  return false;
}

bool Validator::CheckInteger(const OJson& value, const string& pointer,
                             std::int64_t min,  // NOLINT(bugprone-easily-swappable-parameters)
                             std::int64_t max) {
  string expected;
  if (min == 1) {
    expected = "must be a positive integer";
  } else if (min == 0) {
    expected = "must be a non-negative integer";
  } else {
    expected = "must be an integer";
  }
  if (!IsInteger(value)) {
    Error(pointer, expected + ", got " + Describe(value));
    return false;
  }
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    Error(pointer, "must be at most " + std::to_string(max) + ", got " + Describe(value));
    return false;
  }
  const auto number = value.get<std::int64_t>();
  if (number < min) {
    Error(pointer, expected + ", got " + Describe(value));
    return false;
  }
  if (number > max) {
    Error(pointer, "must be at most " + std::to_string(max) + ", got " + Describe(value));
    return false;
  }
  return true;
}

bool Validator::CheckBoolean(const OJson& value, const string& pointer) {
  if (value.is_boolean()) return true;
  Error(pointer, "must be a boolean, got " + Describe(value));
  return false;
}

bool Validator::CheckEnum(const OJson& value, const string& pointer,
                          const std::vector<string_view>& allowed) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const string&>();
    if (std::find(allowed.begin(), allowed.end(), text) != allowed.end()) {
      return true;
    }
  }
  const string expected = allowed.size() == 1 ? Quote(allowed[0]) : Join(allowed);
  string message = "must be " + string(allowed.size() > 2 ? "one of " : "") + expected + ", got " +
                   Describe(value);
  if (value.is_string()) {
    const string hint = NearestName(value.get_ref<const string&>(), allowed);
    if (!hint.empty()) message += " (did you mean " + Quote(hint) + "?)";
  }
  Error(pointer, std::move(message));
  return false;
}

void Validator::CheckIntegerOrJsonata(const OJson& value, const string& pointer, Lang lang,
                                      std::int64_t min, std::int64_t max) {
  if (lang == Lang::kJsonata && value.is_string()) {
    CheckJsonataString(value.get_ref<const string&>(), pointer);
    if (!StartsWith(value.get_ref<const string&>(), "{%")) {
      Error(pointer, "must be an integer or a JSONata expression, got " + Describe(value));
    }
    return;
  }
  CheckInteger(value, pointer, min, max);
}

void Validator::CheckPath(const OJson& value, const string& pointer, bool reference,
                          bool allow_context, bool allow_variable, bool allow_null) {
  if (value.is_null() && allow_null) return;
  if (!value.is_string()) {
    Error(pointer, string(reference ? "must be a reference path" : "must be a JSONPath") +
                       (allow_null ? " or null" : "") + ", got " + Describe(value));
    return;
  }
  const auto& text = value.get_ref<const string&>();
  try {
    const auto path = jsonpath::Path::Parse(text);
    if (reference && !path.is_reference()) {
      Error(pointer,
            "must be a reference path (a single node, without "
            "\"..\", \"*\", \",\", \":\", \"?\" or \"@\"), got " +
                Quote(text));
    } else if (!allow_context && path.root() == jsonpath::Path::Root::kContext) {
      Error(pointer, "must not start with \"$$\", got " + Quote(text));
    } else if (!allow_variable && path.root() == jsonpath::Path::Root::kVariable) {
      Error(pointer, "must not reference a variable, got " + Quote(text));
    }
  } catch (const jsonpath::SyntaxError& e) {
    Error(pointer, "invalid JSONPath " + Quote(text) + ": " + e.what());
  }
}

void Validator::CheckPathOrCall(const OJson& value, const string& pointer) {
  if (!value.is_string()) {
    Error(pointer,
          "must be a reference path or an intrinsic function call, "
          "got " +
              Describe(value));
    return;
  }
  const auto& text = value.get_ref<const string&>();
  if (!intrinsics::LooksLikeCall(text)) {
    CheckPath(value, pointer, true, true, true, false);
    return;
  }
  try {
    intrinsics::Call::Parse(text);
  } catch (const jsonpath::SyntaxError& e) {
    Error(pointer, "invalid intrinsic function call " + Quote(text) + ": " + e.what());
  }
}

void Validator::CheckTemplate(const OJson& value, const string& pointer, bool must_be_object) {
  if (must_be_object && !ExpectObject(value, pointer)) return;
  try {
    jsonpath::Template::Compile(value);
  } catch (const jsonpath::TemplateError& e) {
    Error(pointer + e.pointer(), e.what());
  } catch (const jsonpath::SyntaxError& e) {
    Error(pointer, e.what());
  }
  CheckNoDollar(value, pointer);
}

// NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parser (512).
void Validator::CheckNoDollar(const OJson& value, const string& pointer) {
  if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      CheckNoDollar(value[i], AppendPointer(pointer, i));
    }
    return;
  }
  if (!value.is_object()) return;
  for (const auto& [key, member] : value.items()) {
    const string child = AppendPointer(pointer, key);
    if (member.is_string() && !EndsWith(key, ".$")) {
      const auto& text = member.get_ref<const string&>();
      if (LooksLikePath(text)) {
        Warning(child, kNoDollar,
                "value " + Quote(text) + " looks like a path but key " + Quote(key) +
                    " does not end in \".$\"");
      } else if (intrinsics::LooksLikeCall(text)) {
        Warning(child, kNoDollar,
                "value " + Quote(text) + " looks like an intrinsic function call but key " +
                    Quote(key) + " does not end in \".$\"");
      }
    }
    CheckNoDollar(member, child);
  }
}

void Validator::CheckJsonataString(const string& text, const string& pointer) {
  if (!StartsWith(text, "{%")) return;
  if (!IsJsonataExpression(text)) {
    Error(pointer, "JSONata expression " + Describe(OJson(text)) + " does not end with \"%}\"");
    return;
  }
  const string_view body = string_view(text).substr(2, text.size() - 4);
  if (body.find_first_not_of(" \t\r\n") == string_view::npos) {
    Error(pointer, "empty JSONata expression");
  }
}

// NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parser (512).
void Validator::CheckJsonataValue(const OJson& value, const string& pointer) {
  if (value.is_string()) {
    CheckJsonataString(value.get_ref<const string&>(), pointer);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      CheckJsonataValue(value[i], AppendPointer(pointer, i));
    }
  } else if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      const string child = AppendPointer(pointer, key);
      if (EndsWith(key, ".$")) {
        // AWS accepts the key and keeps it as a literal (ST-09 differs).
        Report(child, kJsonPathInJsonata, Severity::kWarning,
               "key " + Quote(key) +
                   " is a literal in a JSONata state: \".$\" keys are not "
                   "evaluated",
               true);
      }
      CheckJsonataValue(member, child);
    }
  }
}

void Validator::CheckPayload(const OJson& value, const string& pointer, Lang lang,
                             bool must_be_object) {
  if (lang == Lang::kJsonPath) {
    CheckTemplate(value, pointer, must_be_object);
  } else {
    if (must_be_object && !value.is_object() && !StartsJsonata(value)) {
      Error(pointer, "must be an object or a JSONata expression, got " + Describe(value));
      return;
    }
    CheckJsonataValue(value, pointer);
  }
}

void Validator::CheckAssign(const OJson& value, const string& pointer, Lang lang) {
  if (!ExpectObject(value, pointer)) return;
  for (const auto& [key, member] : value.items()) {
    const string child = AppendPointer(pointer, key);
    string_view name = key;
    if (lang == Lang::kJsonPath && EndsWith(name, ".$")) {
      name.remove_suffix(2);
    }
    if (name == "states") {
      KeyError(child, "variable name \"states\" is reserved");
    } else if (!IsValidVariableName(name)) {
      KeyError(child, "invalid variable name " + Quote(name) +
                          ": expected an identifier of at most 80 "
                          "characters");
    }
    if (lang == Lang::kJsonata) CheckJsonataValue(member, child);
  }
  if (lang == Lang::kJsonPath) CheckTemplate(value, pointer, true);
}

void Validator::CheckResource(const OJson& value, const string& pointer) {
  if (!CheckString(value, pointer)) return;
  const auto& text = value.get_ref<const string&>();
  std::vector<string_view> parts;
  string_view rest = text;
  while (true) {
    const auto colon = rest.find(':');
    parts.push_back(rest.substr(0, colon));
    if (colon == string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  const bool arn = parts.size() >= 6 && parts[0] == "arn" && !parts[1].empty() && !parts[2].empty();
  if (!arn) {
    Report(pointer, kInvalidResource, Severity::kError,
           "resource " + Quote(text) + " is not an ARN (arn:partition:service:region:account:...)");
    return;
  }
  if (parts[2] == "states" && parts[3].empty() && parts[4].empty()) {
    // Service integration: arn:aws:states:::<service>:<action>[.suffix].
    const bool sdk = parts[5] == "aws-sdk";
    const std::size_t needed = sdk ? 8 : 7;
    bool ok = parts.size() >= needed && !parts[5].empty();
    for (std::size_t i = 5; ok && i < needed; ++i) ok = !parts[i].empty();
    if (!ok) {
      Report(pointer, kInvalidResource, Severity::kError,
             "resource " + Quote(text) + " is not a service integration: expected " +
                 (sdk ? string("arn:aws:states:::aws-sdk:<service>:<action>")
                      : string("arn:aws:states:::<service>:<action>")));
    }
  }
}

void Validator::CheckErrorEquals(const OJson& value, const string& pointer, bool last,
                                 string_view owner) {
  if (!value.is_array() || value.empty()) {
    Error(pointer, "must be a non-empty array of error names, got " + Describe(value));
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const OJson& entry = value[i];
    if (entry.is_string() && !entry.get_ref<const string&>().empty() &&
        !StartsWith(entry.get_ref<const string&>(), "States.")) {
      continue;  // a name of the workflow's own: nothing to check
    }
    const string item = AppendPointer(pointer, i);
    if (!CheckNonEmptyString(entry, item)) continue;
    const auto& name = entry.get_ref<const string&>();
    if (name == errors::kAll) {
      if (value.size() > 1) {
        Error(item,
              "\"States.ALL\" must be the only error name in "
              "ErrorEquals, got " +
                  std::to_string(value.size()) + " names");
      } else if (!last) {
        Error(item, "\"States.ALL\" must be in the last " + string(owner));
      }
    } else if (StartsWith(name, "States.") && !IsKnownErrorName(name)) {
      string message =
          "unknown error name " + Quote(name) + " (names starting with \"States.\" are reserved)";
      const std::vector<string_view> known(std::begin(kPredefinedErrors),
                                           std::end(kPredefinedErrors));
      const string hint = NearestName(name, known);
      if (!hint.empty()) {
        message = "unknown error name " + Quote(name) + " (did you mean " + Quote(hint) + "?)";
      }
      Error(item, std::move(message));
    }
  }
}

void Validator::CheckRetry(const OJson& value, const string& pointer) {
  if (!value.is_array()) {
    Error(pointer, "must be an array of retriers, got " + Describe(value));
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const OJson& retrier = value[i];
    const string at = AppendPointer(pointer, i);
    if (!ExpectObject(retrier, at)) continue;
    CheckMembers(retrier, at, "retrier",
                 {{"ErrorEquals", FieldLang::kBoth},
                  {"IntervalSeconds", FieldLang::kBoth},
                  {"MaxAttempts", FieldLang::kBoth},
                  {"BackoffRate", FieldLang::kBoth},
                  {"MaxDelaySeconds", FieldLang::kBoth},
                  {"JitterStrategy", FieldLang::kBoth},
                  {"Comment", FieldLang::kBoth}},
                 Lang::kJsonPath);
    if (const auto* errors = Find(retrier, "ErrorEquals")) {
      CheckErrorEquals(*errors, at + "/ErrorEquals", i + 1 == value.size(), "retrier");
    } else {
      Missing(at, "ErrorEquals");
    }
    if (const auto* v = Find(retrier, "IntervalSeconds")) {
      CheckInteger(*v, at + "/IntervalSeconds", 1, kMaxSeconds);
    }
    if (const auto* v = Find(retrier, "MaxAttempts")) {
      CheckInteger(*v, at + "/MaxAttempts", 0, kMaxSeconds);
    }
    if (const auto* v = Find(retrier, "BackoffRate")) {
      if (!v->is_number()) {
        Error(at + "/BackoffRate", "must be a number, got " + Describe(*v));
      } else if (v->get<double>() < 1.0) {
        Error(at + "/BackoffRate", "must be at least 1.0, got " + Describe(*v));
      }
    }
    if (const auto* v = Find(retrier, "MaxDelaySeconds")) {
      CheckInteger(*v, at + "/MaxDelaySeconds", 1, kMaxDelaySeconds);
    }
    if (const auto* v = Find(retrier, "JitterStrategy")) {
      CheckEnum(*v, at + "/JitterStrategy", {"FULL", "NONE"});
    }
    if (const auto* v = Find(retrier, "Comment")) {
      CheckString(*v, at + "/Comment");
    }
  }
}

void Validator::CheckCatch(const OJson& value, const string& pointer, Lang lang,
                           StateSummary* summary) {
  if (!value.is_array()) {
    Error(pointer, "must be an array of catchers, got " + Describe(value));
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const OJson& catcher = value[i];
    const string at = AppendPointer(pointer, i);
    if (!ExpectObject(catcher, at)) continue;
    CheckMembers(catcher, at, "catcher",
                 {{"ErrorEquals", FieldLang::kBoth},
                  {"Next", FieldLang::kBoth},
                  {"ResultPath", FieldLang::kJsonPath},
                  {"Output", FieldLang::kJsonata},
                  {"Assign", FieldLang::kBoth},
                  {"Comment", FieldLang::kBoth}},
                 lang);
    if (const auto* errors = Find(catcher, "ErrorEquals")) {
      CheckErrorEquals(*errors, at + "/ErrorEquals", i + 1 == value.size(), "catcher");
    } else {
      Missing(at, "ErrorEquals");
    }
    if (const auto* next = Find(catcher, "Next")) {
      if (CheckString(*next, at + "/Next")) {
        summary->transitions.push_back({next->get<string>(), at + "/Next"});
      }
    } else {
      Missing(at, "Next");
    }
    if (const auto* v = Find(catcher, "ResultPath"); v != nullptr && lang == Lang::kJsonPath) {
      CheckPath(*v, at + "/ResultPath", true, false, false, true);
    }
    if (const auto* v = Find(catcher, "Output"); v != nullptr && lang == Lang::kJsonata) {
      CheckJsonataValue(*v, at + "/Output");
    }
    if (const auto* v = Find(catcher, "Assign")) {
      CheckAssign(*v, at + "/Assign", lang);
    }
    if (const auto* v = Find(catcher, "Comment")) {
      CheckString(*v, at + "/Comment");
    }
  }
}

void Validator::CheckStateMembers(const OJson& state, const string& pointer, unsigned type,
                                  Lang lang) {
  // Pointers, names and the candidate list are built only for a field in
  // error: this runs for every member of every state.
  const auto candidates = [&] {
    std::vector<string_view> names;
    for (const auto& spec : kStateFields) {
      if ((spec.types & type) == 0) continue;
      if (spec.lang == FieldLang::kBoth ||
          (spec.lang == FieldLang::kJsonPath) == (lang == Lang::kJsonPath)) {
        names.push_back(spec.name);
      }
    }
    return names;
  };
  const auto where = [&] { return TypeNameOf(type) + " state"; };
  if (!state.is_object()) return;
  for (const auto& [key, value] : state.get_ref<const OJson::object_t&>()) {
    const string_view name = key;
    const FieldSpec* spec = nullptr;
    for (const auto& s : kStateFields) {
      if (s.name == name) {
        spec = &s;
        break;
      }
    }
    if (spec == nullptr) {
      Unknown(AppendPointer(pointer, key), key, where(), candidates());
    } else if ((spec->types & type) == 0) {
      KeyError(AppendPointer(pointer, key),
               "field " + Quote(key) + " is not allowed in a " + where());
    } else if (spec->lang == FieldLang::kJsonata && lang == Lang::kJsonPath) {
      KeyError(AppendPointer(pointer, key), "field " + Quote(key) +
                                                " is not allowed in a JSONPath state (it is a "
                                                "JSONata field)");
    } else if (spec->lang == FieldLang::kJsonPath && lang == Lang::kJsonata) {
      KeyError(AppendPointer(pointer, key), "field " + Quote(key) +
                                                " is not allowed in a JSONata state (it is a "
                                                "JSONPath field)");
    }
  }
}

void Validator::CheckTask(const OJson& state, const string& pointer, Lang lang) {
  if (const auto* v = Find(state, "Resource")) {
    CheckResource(*v, pointer + "/Resource");
  } else {
    Missing(pointer, "Resource");
  }
  const bool jsonpath = lang == Lang::kJsonPath;
  if (const auto* v = Find(state, "Parameters"); v != nullptr && jsonpath) {
    CheckTemplate(*v, pointer + "/Parameters", true);
  }
  if (const auto* v = Find(state, "Arguments"); v != nullptr && !jsonpath) {
    CheckJsonataValue(*v, pointer + "/Arguments");
  }
  if (const auto* v = Find(state, "Credentials")) {
    CheckPayload(*v, pointer + "/Credentials", lang, true);
  }
  const OJson* timeout = Find(state, "TimeoutSeconds");
  const OJson* heartbeat = Find(state, "HeartbeatSeconds");
  if (timeout != nullptr) {
    CheckIntegerOrJsonata(*timeout, pointer + "/TimeoutSeconds", lang, 1, kMaxSeconds);
  }
  if (heartbeat != nullptr) {
    CheckIntegerOrJsonata(*heartbeat, pointer + "/HeartbeatSeconds", lang, 1, kMaxSeconds);
  }
  if (jsonpath) {
    const OJson* timeout_path = Find(state, "TimeoutSecondsPath");
    const OJson* heartbeat_path = Find(state, "HeartbeatSecondsPath");
    if (timeout_path != nullptr) {
      CheckPath(*timeout_path, pointer + "/TimeoutSecondsPath", true, true, true, false);
      if (timeout != nullptr) {
        KeyError(pointer + "/TimeoutSecondsPath",
                 "\"TimeoutSeconds\" and \"TimeoutSecondsPath\" are both set; "
                 "use only one");
      }
    }
    if (heartbeat_path != nullptr) {
      CheckPath(*heartbeat_path, pointer + "/HeartbeatSecondsPath", true, true, true, false);
      if (heartbeat != nullptr) {
        KeyError(pointer + "/HeartbeatSecondsPath",
                 "\"HeartbeatSeconds\" and \"HeartbeatSecondsPath\" are both "
                 "set; use only one");
      }
    }
  }
  if (timeout != nullptr && heartbeat != nullptr && IsInteger(*timeout) && IsInteger(*heartbeat) &&
      heartbeat->get<std::int64_t>() > 0 &&
      heartbeat->get<std::int64_t>() >= timeout->get<std::int64_t>()) {
    Error(pointer + "/HeartbeatSeconds", "must be less than TimeoutSeconds (" + Describe(*timeout) +
                                             "), got " + Describe(*heartbeat));
  }
}

void Validator::CheckPass(const OJson& state, const string& pointer, Lang lang) {
  if (lang != Lang::kJsonPath) return;
  if (const auto* v = Find(state, "Parameters")) {
    CheckTemplate(*v, pointer + "/Parameters", true);
  }
  if (const auto* result = Find(state, "Result")) {
    // PSF-01: Result is copied as written; a ".$" key inside it is never
    // evaluated, which is almost always a mistake.
    if (result->is_string() && LooksLikePath(result->get<string>())) {
      Warning(pointer + "/Result", kPassStatic,
              "path " + Quote(result->get<string>()) +
                  " in Result is not evaluated: Result is static, use "
                  "Parameters to evaluate paths");
    }
    std::vector<std::pair<const OJson*, string>> stack = {{result, pointer + "/Result"}};
    while (!stack.empty()) {
      const auto [node, at] = stack.back();
      stack.pop_back();
      if (node->is_object()) {
        std::vector<std::pair<const OJson*, string>> children;
        for (const auto& [key, member] : node->items()) {
          const string child = AppendPointer(at, key);
          if (EndsWith(key, ".$")) {
            Warning(child, kPassStatic,
                    "key " + Quote(key) +
                        " in Result is not evaluated: Result is static, use "
                        "Parameters to evaluate paths");
          } else if (member.is_string() && LooksLikePath(member.get_ref<const string&>())) {
            Warning(child, kPassStatic,
                    "path " + Quote(member.get_ref<const string&>()) +
                        " in Result is not evaluated: Result is static, use "
                        "Parameters to evaluate paths");
          }
          if (member.is_structured()) children.emplace_back(&member, child);
        }
        stack.insert(stack.end(), children.rbegin(), children.rend());
      } else if (node->is_array()) {
        for (std::size_t i = node->size(); i > 0; --i) {
          stack.emplace_back(&(*node)[i - 1], AppendPointer(at, i - 1));
        }
      }
    }
  }
}

void Validator::CheckWait(const OJson& state, const string& pointer, Lang lang) {
  std::vector<string_view> present;
  for (const string_view field : {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"}) {
    if (Find(state, field) != nullptr) present.push_back(field);
  }
  const std::vector<string_view> all =
      lang == Lang::kJsonPath
          ? std::vector<string_view>{"Seconds", "SecondsPath", "Timestamp", "TimestampPath"}
          : std::vector<string_view>{"Seconds", "Timestamp"};
  if (present.empty()) {
    Error(pointer, "Wait state has no duration: expected exactly one of " + Join(all));
  } else if (present.size() > 1) {
    string found;
    for (std::size_t i = 0; i < present.size(); ++i) {
      found += (i == 0 ? "" : i + 1 == present.size() ? " and " : ", ") + Quote(present[i]);
    }
    Error(pointer, "Wait state has " + found + ": expected exactly one of " + Join(all));
  }
  if (const auto* v = Find(state, "Seconds")) {
    CheckIntegerOrJsonata(*v, pointer + "/Seconds", lang, 0, kMaxSeconds);
  }
  if (const auto* v = Find(state, "Timestamp")) {
    const string at = pointer + "/Timestamp";
    if (lang == Lang::kJsonata && StartsJsonata(*v)) {
      CheckJsonataString(v->get_ref<const string&>(), at);
    } else if (!v->is_string()) {
      Error(at, "must be an RFC 3339 timestamp string, got " + Describe(*v));
    } else if (!IsRfc3339Timestamp(v->get_ref<const string&>())) {
      if (lang == Lang::kJsonPath && LooksLikePath(v->get<string>())) {
        Error(at, "must be an RFC 3339 timestamp, got the path " + Describe(*v) +
                      " (use \"TimestampPath\")");
      } else {
        Error(at,
              "must be an RFC 3339 timestamp such as "
              "\"2016-03-14T01:59:00Z\", got " +
                  Describe(*v));
      }
    }
  }
  if (lang == Lang::kJsonPath) {
    if (const auto* v = Find(state, "SecondsPath")) {
      CheckPath(*v, pointer + "/SecondsPath", true, true, true, false);
    }
    if (const auto* v = Find(state, "TimestampPath")) {
      CheckPath(*v, pointer + "/TimestampPath", true, true, true, false);
    }
  }
}

void Validator::CheckFail(const OJson& state, const string& pointer, Lang lang) {
  for (const string_view field : {"Error", "Cause"}) {
    const auto* v = Find(state, field);
    if (v == nullptr) continue;
    const string at = pointer + "/" + string(field);
    if (!CheckString(*v, at)) continue;
    const auto& text = v->get_ref<const string&>();
    if (lang == Lang::kJsonata) {
      CheckJsonataString(text, at);
    } else if (LooksLikePath(text) || intrinsics::LooksLikeCall(text)) {
      Warning(at, kNoPath,
              "value " + Quote(text) + " looks like " +
                  (LooksLikePath(text) ? "a path" : "an intrinsic function call") + " but field " +
                  Quote(field) + " does not end in \"Path\" (use " + Quote(string(field) + "Path") +
                  ")");
    }
    if (lang == Lang::kJsonPath && Find(state, string(field) + "Path") != nullptr) {
      KeyError(
          pointer + "/" + string(field) + "Path",
          Quote(field) + " and " + Quote(string(field) + "Path") + " are both set; use only one");
    }
  }
  if (lang == Lang::kJsonPath) {
    for (const string_view field : {"ErrorPath", "CausePath"}) {
      if (const auto* v = Find(state, field)) {
        CheckPathOrCall(*v, pointer + "/" + string(field));
      }
    }
  }
}

void Validator::CheckOperand(const Operator& op, const OJson& value, const string& pointer) {
  switch (op.kind) {
    case OperandKind::kString:
    case OperandKind::kMatches:
      if (CheckString(value, pointer) && LooksLikePath(value.get_ref<const string&>()) &&
          op.kind == OperandKind::kString) {
        Warning(pointer, kNoPath,
                "value " + Quote(value.get<string>()) +
                    " looks like a path "
                    "but " +
                    Quote(op.name) + " compares it as a literal (use " +
                    Quote(string(op.name) + "Path") + ")");
      }
      break;
    case OperandKind::kNumeric:
      if (!value.is_number()) {
        Error(pointer, "must be a number, got " + Describe(value));
      }
      break;
    case OperandKind::kBoolean:
    case OperandKind::kTypeTest:
      CheckBoolean(value, pointer);
      break;
    case OperandKind::kTimestamp:
      if (CheckString(value, pointer) && !IsRfc3339Timestamp(value.get_ref<const string&>())) {
        Error(pointer,
              "must be an RFC 3339 timestamp such as "
              "\"2016-03-14T01:59:00Z\", got " +
                  Describe(value));
      }
      break;
    case OperandKind::kPath:
      CheckPath(value, pointer, false, true, true, false);
      break;
  }
}

// NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parser (512).
void Validator::CheckRule(const OJson& rule, const string& pointer, Lang lang, bool top_level) {
  if (!ExpectObject(rule, pointer)) return;
  if (lang == Lang::kJsonata) {
    std::vector<string_view> candidates = {"Condition", "Next", "Output", "Assign", "Comment"};
    for (const auto& [key, value] : rule.items()) {
      const string member = AppendPointer(pointer, key);
      if (std::find(candidates.begin(), candidates.end(), key) != candidates.end()) {
        continue;
      }
      if (key == "Variable" || key == "And" || key == "Or" || key == "Not" ||
          FindOperator(key) != nullptr) {
        KeyError(member, "field " + Quote(key) +
                             " is not allowed in a JSONata state (it is a "
                             "JSONPath field)");
      } else {
        Unknown(member, key, "choice rule", candidates);
      }
    }
    if (const auto* condition = Find(rule, "Condition")) {
      if (condition->is_string()) {
        CheckJsonataString(condition->get_ref<const string&>(), pointer + "/Condition");
      }
      if (!condition->is_boolean() && !StartsJsonata(*condition)) {
        Error(pointer + "/Condition",
              "must be a boolean or a JSONata expression, got " + Describe(*condition));
      }
    } else {
      Missing(pointer, "Condition");
    }
    if (const auto* v = Find(rule, "Output")) {
      CheckJsonataValue(*v, pointer + "/Output");
    }
    if (const auto* v = Find(rule, "Assign")) {
      CheckAssign(*v, pointer + "/Assign", lang);
    }
    return;
  }

  // Built only for an unknown field.
  const auto candidates = [&] {
    std::vector<string_view> names = {"Variable", "And", "Or", "Not", "Comment"};
    if (top_level) {
      names.emplace_back("Next");
      names.emplace_back("Assign");
    }
    for (const auto& op : kOperators) names.push_back(op.name);
    return names;
  };
  std::vector<string_view> operators;
  std::vector<string_view> combinators;
  for (const auto& [key, value] : rule.items()) {
    const string member = AppendPointer(pointer, key);
    if (const Operator* op = FindOperator(key)) {
      operators.push_back(op->name);
      CheckOperand(*op, value, member);
    } else if (key == "And" || key == "Or") {
      combinators.emplace_back(key == "And" ? "And" : "Or");
      if (!value.is_array() || value.empty()) {
        Error(member, "must be a non-empty array of rules, got " + Describe(value));
        continue;
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        CheckRule(value[i], AppendPointer(member, i), lang, false);
      }
    } else if (key == "Not") {
      combinators.emplace_back("Not");
      CheckRule(value, member, lang, false);
    } else if (key == "Variable") {
      CheckPath(value, member, false, true, true, false);
    } else if (key == "Comment") {
      CheckString(value, member);
    } else if ((key == "Next" || key == "Assign") && !top_level) {
      KeyError(member, "field " + Quote(key) +
                           " is only allowed on a top-level choice rule, "
                           "not inside \"And\", \"Or\" or \"Not\"");
    } else if (key == "Next") {
      // Targets are checked by the Choice state.
    } else if (key == "Assign") {
      CheckAssign(value, member, lang);
    } else if (key == "Condition" || key == "Output") {
      KeyError(member, "field " + Quote(key) +
                           " is not allowed in a JSONPath state (it is a "
                           "JSONata field)");
    } else {
      Unknown(member, key, "choice rule", candidates());
    }
  }
  const bool has_variable = Find(rule, "Variable") != nullptr;
  if (!combinators.empty()) {
    if (combinators.size() > 1) {
      Error(pointer, "rule has " + Join(combinators) +
                         ": expected exactly one of \"And\", \"Or\" or "
                         "\"Not\"");
    }
    if (has_variable || !operators.empty()) {
      Error(pointer, "rule combines " + Quote(combinators[0]) + " with a comparison: use \"" +
                         string(combinators[0]) + R"(" alone or "Variable" with one operator)");
    }
    return;
  }
  if (operators.size() > 1) {
    string found;
    for (std::size_t i = 0; i < operators.size(); ++i) {
      found += (i == 0 ? "" : ", ") + Quote(operators[i]);
    }
    Error(pointer, "rule has " + std::to_string(operators.size()) + " comparison operators (" +
                       found + "): expected exactly one");
  } else if (operators.empty()) {
    Error(pointer, has_variable ? string("rule has \"Variable\" but no comparison "
                                         "operator")
                                : string("rule has no comparison: expected "
                                         "\"Variable\" with one operator, or \"And\", "
                                         "\"Or\" or \"Not\""));
  }
  if (!operators.empty() && !has_variable) Missing(pointer, "Variable");
}

void Validator::CheckChoice(const OJson& state, const string& pointer, Lang lang,
                            StateSummary* summary) {
  const OJson* choices = Find(state, "Choices");
  if (choices == nullptr) {
    Missing(pointer, "Choices");
  } else if (!choices->is_array() || choices->empty()) {
    Error(pointer + "/Choices", "must be a non-empty array of rules, got " + Describe(*choices));
  } else {
    for (std::size_t i = 0; i < choices->size(); ++i) {
      const string at = AppendPointer(pointer + "/Choices", i);
      const OJson& rule = (*choices)[i];
      CheckRule(rule, at, lang, true);
      if (!rule.is_object()) continue;
      if (const auto* next = Find(rule, "Next")) {
        if (CheckString(*next, at + "/Next")) {
          summary->transitions.push_back({next->get<string>(), at + "/Next"});
        }
      } else {
        Missing(at, "Next");
      }
    }
  }
  if (const auto* v = Find(state, "Default")) {
    if (CheckString(*v, pointer + "/Default")) {
      summary->transitions.push_back({v->get<string>(), pointer + "/Default"});
    }
  }
}

void Validator::CheckItemReader(const OJson& value, const string& pointer, Lang lang) {
  if (!ExpectObject(value, pointer)) return;
  CheckMembers(value, pointer, "ItemReader",
               {{"Resource", FieldLang::kBoth},
                {"Parameters", FieldLang::kJsonPath},
                {"Arguments", FieldLang::kJsonata},
                {"ReaderConfig", FieldLang::kBoth}},
               lang);
  if (const auto* v = Find(value, "Resource")) {
    CheckResource(*v, pointer + "/Resource");
  } else {
    Missing(pointer, "Resource");
  }
  if (const auto* v = Find(value, "Parameters"); v && lang == Lang::kJsonPath) {
    CheckTemplate(*v, pointer + "/Parameters", true);
  }
  if (const auto* v = Find(value, "Arguments"); v && lang == Lang::kJsonata) {
    CheckPayload(*v, pointer + "/Arguments", lang, true);
  }
  const OJson* config = Find(value, "ReaderConfig");
  if (config == nullptr) return;
  const string at = pointer + "/ReaderConfig";
  if (!ExpectObject(*config, at)) return;
  CheckMembers(*config, at, "ReaderConfig",
               {{"InputType", FieldLang::kBoth},
                {"CSVHeaderLocation", FieldLang::kBoth},
                {"CSVHeaders", FieldLang::kBoth},
                {"CSVDelimiter", FieldLang::kBoth},
                {"MaxItems", FieldLang::kBoth},
                {"MaxItemsPath", FieldLang::kJsonPath},
                {"Transformation", FieldLang::kBoth},
                {"ManifestType", FieldLang::kBoth},
                {"ItemsPointer", FieldLang::kBoth}},
               lang);
  if (const auto* v = Find(*config, "InputType")) {
    CheckEnum(*v, at + "/InputType", {"CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"});
  }
  const OJson* location = Find(*config, "CSVHeaderLocation");
  if (location != nullptr) {
    CheckEnum(*location, at + "/CSVHeaderLocation", {"FIRST_ROW", "GIVEN"});
  }
  const OJson* headers = Find(*config, "CSVHeaders");
  if (headers != nullptr) {
    bool ok = headers->is_array();
    if (ok) {
      for (const auto& h : *headers) ok = ok && h.is_string();
    }
    if (!ok) {
      Error(at + "/CSVHeaders", "must be an array of strings, got " + Describe(*headers));
    }
  } else if (location != nullptr && *location == "GIVEN") {
    Error(at,
          "missing required field \"CSVHeaders\" (CSVHeaderLocation is "
          "\"GIVEN\")");
  }
  if (const auto* v = Find(*config, "CSVDelimiter")) {
    CheckEnum(*v, at + "/CSVDelimiter", {"COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"});
  }
  const OJson* max_items = Find(*config, "MaxItems");
  if (max_items != nullptr) {
    CheckIntegerOrJsonata(*max_items, at + "/MaxItems", lang, 0, kMaxReaderItems);
  }
  if (const auto* v = Find(*config, "MaxItemsPath"); v && lang == Lang::kJsonPath) {
    CheckPath(*v, at + "/MaxItemsPath", true, true, true, false);
    if (max_items != nullptr) {
      KeyError(at + "/MaxItemsPath", R"("MaxItems" and "MaxItemsPath" are both set; use only one)");
    }
  }
  if (const auto* v = Find(*config, "Transformation")) {
    CheckEnum(*v, at + "/Transformation", {"NONE", "LOAD_AND_FLATTEN"});
  }
  if (const auto* v = Find(*config, "ManifestType")) {
    CheckEnum(*v, at + "/ManifestType", {"ATHENA_DATA", "S3_INVENTORY"});
  }
  if (const auto* v = Find(*config, "ItemsPointer")) {
    if (CheckString(*v, at + "/ItemsPointer") && !v->get_ref<const string&>().empty() &&
        v->get_ref<const string&>()[0] != '/') {
      Error(at + "/ItemsPointer",
            "must be a JSON Pointer starting with \"/\", got " + Describe(*v));
    }
  }
}

void Validator::CheckItemBatcher(const OJson& value, const string& pointer, Lang lang) {
  if (!ExpectObject(value, pointer)) return;
  CheckMembers(value, pointer, "ItemBatcher",
               {{"MaxItemsPerBatch", FieldLang::kBoth},
                {"MaxItemsPerBatchPath", FieldLang::kJsonPath},
                {"MaxInputBytesPerBatch", FieldLang::kBoth},
                {"MaxInputBytesPerBatchPath", FieldLang::kJsonPath},
                {"BatchInput", FieldLang::kBoth}},
               lang);
  bool any = false;
  for (const auto& [field, max] :
       {std::pair<string_view, std::int64_t>{"MaxItemsPerBatch", kMaxInt32},
        {"MaxInputBytesPerBatch", kMaxBatchBytes}}) {
    const OJson* literal = Find(value, field);
    string path_field(field);
    path_field += "Path";
    const OJson* path = Find(value, path_field);
    if (literal != nullptr) {
      any = true;
      CheckIntegerOrJsonata(*literal, pointer + "/" + string(field), lang, 1, max);
    }
    if (path != nullptr && lang == Lang::kJsonPath) {
      any = true;
      CheckPath(*path, AppendPointer(pointer, path_field), true, true, true, false);
      if (literal != nullptr) {
        KeyError(AppendPointer(pointer, path_field),
                 Quote(field) + " and " + Quote(path_field) + " are both set; use only one");
      }
    }
  }
  if (!any) {
    Error(pointer,
          "ItemBatcher has no batch limit: expected "
          "\"MaxItemsPerBatch\" or \"MaxInputBytesPerBatch\"");
  }
  if (const auto* v = Find(value, "BatchInput")) {
    CheckPayload(*v, pointer + "/BatchInput", lang, true);
  }
}

void Validator::CheckResultWriter(const OJson& value, const string& pointer, Lang lang) {
  if (!ExpectObject(value, pointer)) return;
  CheckMembers(value, pointer, "ResultWriter",
               {{"Resource", FieldLang::kBoth},
                {"Parameters", FieldLang::kJsonPath},
                {"Arguments", FieldLang::kJsonata},
                {"WriterConfig", FieldLang::kBoth}},
               lang);
  const OJson* resource = Find(value, "Resource");
  const OJson* config = Find(value, "WriterConfig");
  if (resource == nullptr && config == nullptr) {
    Error(pointer, R"(ResultWriter needs "Resource" or "WriterConfig")");
  }
  if (resource != nullptr) CheckResource(*resource, pointer + "/Resource");
  if (const auto* v = Find(value, "Parameters"); v && lang == Lang::kJsonPath) {
    CheckTemplate(*v, pointer + "/Parameters", true);
  }
  if (const auto* v = Find(value, "Arguments"); v && lang == Lang::kJsonata) {
    CheckPayload(*v, pointer + "/Arguments", lang, true);
  }
  if (config == nullptr) return;
  const string at = pointer + "/WriterConfig";
  if (!ExpectObject(*config, at)) return;
  CheckMembers(*config, at, "WriterConfig",
               {{"Transformation", FieldLang::kBoth}, {"OutputType", FieldLang::kBoth}}, lang);
  if (const auto* v = Find(*config, "Transformation")) {
    CheckEnum(*v, at + "/Transformation", {"NONE", "COMPACT", "FLATTEN"});
  }
  if (const auto* v = Find(*config, "OutputType")) {
    CheckEnum(*v, at + "/OutputType", {"JSON", "JSONL"});
  }
}

// NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parser (512).
void Validator::CheckMap(const OJson& state, const string& pointer, Lang lang, int depth,
                         const VariableMap& visible) {
  const bool jsonpath = lang == Lang::kJsonPath;
  const OJson* processor = Find(state, "ItemProcessor");
  const OJson* iterator = Find(state, "Iterator");
  if (processor != nullptr && iterator != nullptr) {
    KeyError(pointer + "/Iterator",
             "\"ItemProcessor\" and \"Iterator\" are both set; use only "
             "\"ItemProcessor\"");
  } else if (processor == nullptr && iterator == nullptr) {
    Missing(pointer, "ItemProcessor");
  }
  if (processor != nullptr) {
    ValidateScope(*processor, pointer + "/ItemProcessor", ScopeKind::kProcessor, depth + 1,
                  visible);
  }
  if (iterator != nullptr && jsonpath) {
    ValidateScope(*iterator, pointer + "/Iterator", ScopeKind::kProcessor, depth + 1, visible);
  }
  if (jsonpath) {
    if (const auto* v = Find(state, "ItemsPath")) {
      CheckPath(*v, pointer + "/ItemsPath", true, true, true, false);
    }
    const OJson* selector = Find(state, "ItemSelector");
    const OJson* parameters = Find(state, "Parameters");
    if (selector != nullptr) {
      CheckTemplate(*selector, pointer + "/ItemSelector", true);
    }
    if (parameters != nullptr) {
      CheckTemplate(*parameters, pointer + "/Parameters", true);
      if (selector != nullptr) {
        KeyError(pointer + "/Parameters",
                 "\"ItemSelector\" and \"Parameters\" are both set; use only "
                 "\"ItemSelector\"");
      }
    }
  } else {
    if (const auto* v = Find(state, "Items")) {
      if (!v->is_array() && !StartsJsonata(*v)) {
        Error(pointer + "/Items", "must be an array or a JSONata expression, got " + Describe(*v));
      }
      CheckJsonataValue(*v, pointer + "/Items");
    }
    if (const auto* v = Find(state, "ItemSelector")) {
      CheckJsonataValue(*v, pointer + "/ItemSelector");
    }
  }
  struct Limit {
    string_view field;
    bool percentage;
    std::int64_t max;
  };
  for (const Limit& limit :
       {Limit{"MaxConcurrency", false, kMaxInt32}, Limit{"ToleratedFailurePercentage", true, 100},
        Limit{"ToleratedFailureCount", false, kMaxInt32}}) {
    const OJson* literal = Find(state, limit.field);
    string path_field(limit.field);
    path_field += "Path";
    const string at = pointer + "/" + string(limit.field);
    if (literal != nullptr && !limit.percentage) {
      CheckIntegerOrJsonata(*literal, at, lang, 0, limit.max);
    } else if (literal != nullptr) {
      if (lang == Lang::kJsonata && literal->is_string()) {
        const auto& text = literal->get_ref<const string&>();
        CheckJsonataString(text, at);
        if (!StartsWith(text, "{%")) {
          Error(at,
                "must be a number from 0 to 100 or a JSONata expression, "
                "got " +
                    Describe(*literal));
        }
      } else if (!literal->is_number() || literal->get<double>() < 0 ||
                 literal->get<double>() > 100) {
        Error(at, "must be a number from 0 to 100, got " + Describe(*literal));
      }
    }
    if (const auto* path = Find(state, path_field); path && jsonpath) {
      CheckPath(*path, AppendPointer(pointer, path_field), true, true, true, false);
      if (literal != nullptr) {
        KeyError(AppendPointer(pointer, path_field),
                 Quote(limit.field) + " and " + Quote(path_field) + " are both set; use only one");
      }
    }
  }
  if (const auto* v = Find(state, "ResultSelector"); v && jsonpath) {
    CheckTemplate(*v, pointer + "/ResultSelector", true);
  }
  if (const auto* v = Find(state, "ItemReader")) {
    CheckItemReader(*v, pointer + "/ItemReader", lang);
  }
  if (const auto* v = Find(state, "ItemBatcher")) {
    CheckItemBatcher(*v, pointer + "/ItemBatcher", lang);
  }
  if (const auto* v = Find(state, "ResultWriter")) {
    CheckResultWriter(*v, pointer + "/ResultWriter", lang);
  }
  if (const auto* v = Find(state, "Label")) {
    const string at = pointer + "/Label";
    if (CheckString(*v, at)) {
      const auto& label = v->get_ref<const string&>();
      if (!IsValidLabel(label)) {
        Report(at, kInvalidLabel, Severity::kError,
               "invalid label " + Quote(label) +
                   ": expected 1 to 40 characters without whitespace, "
                   "brackets, wildcards, special or control characters");
      } else if (const auto [it, inserted] = labels_.emplace(label, at); !inserted) {
        Report(at, kDuplicateLabel, Severity::kError,
               "label " + Quote(label) + " is already used at " + it->second);
      }
    }
  }
}

// NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parser (512).
void Validator::CheckParallel(const OJson& state, const string& pointer, int depth,
                              const VariableMap& visible) {
  const OJson* branches = Find(state, "Branches");
  if (branches == nullptr) {
    Missing(pointer, "Branches");
    return;
  }
  const string at = pointer + "/Branches";
  if (!branches->is_array() || branches->empty()) {
    Error(at, "must be a non-empty array of branches, got " + Describe(*branches));
    return;
  }
  for (std::size_t i = 0; i < branches->size(); ++i) {
    ValidateScope((*branches)[i], AppendPointer(at, i), ScopeKind::kBranch, depth + 1, visible);
  }
}

// NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parser (512).
StateSummary Validator::ValidateState(const string& name, const OJson& state, const string& pointer,
                                      int depth, const VariableMap& visible) {
  StateSummary summary;
  summary.name = name;
  summary.pointer = pointer;
  const std::size_t length = CodePointCount(name);
  if (length == 0 || length > 80) {
    Report(pointer, kInvalidStateName, Severity::kError,
           "state name must be 1 to 80 characters, got " + std::to_string(length));
  }
  if (!state.is_object()) {
    Error(pointer, "state must be an object, got " + Describe(state));
    summary.terminal = true;  // avoid a second, misleading diagnostic
    return summary;
  }
  unsigned type = 0;
  const OJson* type_value = Find(state, "Type");
  if (type_value == nullptr) {
    Missing(pointer, "Type");
  } else if (!type_value->is_string()) {
    Error(pointer + "/Type", "must be a string, got " + Describe(*type_value));
  } else {
    for (const auto& t : kTypes) {
      if (t.name == type_value->get_ref<const string&>()) type = t.bit;
    }
    if (type == 0) {
      std::vector<string_view> names;
      for (const auto& t : kTypes) names.push_back(t.name);
      CheckEnum(*type_value, pointer + "/Type", names);
    }
  }
  Lang lang = root_lang_;
  if (const auto* v = Find(state, "QueryLanguage")) {
    if (CheckEnum(*v, pointer + "/QueryLanguage", {"JSONPath", "JSONata"})) {
      lang = *v == "JSONata" ? Lang::kJsonata : Lang::kJsonPath;
      if (root_lang_ == Lang::kJsonata && lang == Lang::kJsonPath) {
        Error(pointer + "/QueryLanguage",
              "a state cannot use \"JSONPath\" when the state machine's "
              "QueryLanguage is \"JSONata\"");
      }
    }
  }
  if (type == 0) {
    // Keep the graph checks quiet about a state whose type is unknown: its
    // successor is still reached and the scope may still end through it.
    if (const auto* next = Find(state, "Next"); next && next->is_string()) {
      summary.transitions.push_back({next->get<string>(), pointer + "/Next"});
    }
    summary.terminal = true;
    return summary;
  }
  CheckStateMembers(state, pointer, type, lang);
  summary.terminal = type == kSucceed || type == kFail;

  if (const auto* v = Find(state, "Comment")) {
    CheckString(*v, pointer + "/Comment");
  }
  // ST-02 / ST-03: transitions.
  if ((type & kFlowTypes) != 0) {
    const OJson* next = Find(state, "Next");
    const OJson* end = Find(state, "End");
    if (next != nullptr && end != nullptr) {
      Error(pointer,
            "state has both \"Next\" and \"End\": expected exactly "
            "one");
    } else if (next == nullptr && end == nullptr) {
      Error(pointer,
            "state has neither \"Next\" nor \"End\": expected "
            "exactly one");
    }
    if (next != nullptr && CheckString(*next, pointer + "/Next")) {
      summary.transitions.push_back({next->get<string>(), pointer + "/Next"});
    }
    if (end != nullptr) {
      if (!end->is_boolean() || !end->get<bool>()) {
        Error(pointer + "/End", "must be true, got " + Describe(*end));
      } else if (next == nullptr) {
        summary.terminal = true;
      }
    }
  }
  // ST-08 / ST-09: data fields.
  if (lang == Lang::kJsonPath) {
    for (const string_view field : {"InputPath", "OutputPath"}) {
      if (const auto* v = Find(state, field); v && type != kFail) {
        CheckPath(*v, pointer + "/" + string(field), false, true, true, true);
      }
    }
    if (const auto* v = Find(state, "ResultPath"); v && (type & (kWorkTypes | kPass)) != 0) {
      CheckPath(*v, pointer + "/ResultPath", true, false, false, true);
    }
    if (const auto* v = Find(state, "ResultSelector"); v && (type & (kTask | kParallel)) != 0) {
      CheckTemplate(*v, pointer + "/ResultSelector", true);
    }
    if (const auto* v = Find(state, "Parameters"); v && type == kParallel) {
      CheckTemplate(*v, pointer + "/Parameters", true);
    }
  } else {
    if (const auto* v = Find(state, "Output"); v && type != kFail) {
      CheckJsonataValue(*v, pointer + "/Output");
    }
    if (const auto* v = Find(state, "Arguments"); v && type == kParallel) {
      CheckJsonataValue(*v, pointer + "/Arguments");
    }
  }
  if (const auto* v = Find(state, "Assign"); v && (type & (kSucceed | kFail)) == 0) {
    CheckAssign(*v, pointer + "/Assign", lang);
  }
  if ((type & kWorkTypes) != 0) {
    if (const auto* v = Find(state, "Retry")) {
      CheckRetry(*v, pointer + "/Retry");
    }
    if (const auto* v = Find(state, "Catch")) {
      CheckCatch(*v, pointer + "/Catch", lang, &summary);
    }
  }
  const bool too_deep = (type & (kParallel | kMap)) != 0 && depth + 1 > kMaxNestingDepth;
  if (too_deep) {
    Report(pointer, kTooDeep, Severity::kError,
           TypeNameOf(type) + " state is nested " + std::to_string(depth + 1) +
               " levels deep, more than the limit of " + std::to_string(kMaxNestingDepth));
  }
  switch (type) {
    case kTask:
      CheckTask(state, pointer, lang);
      break;
    case kPass:
      CheckPass(state, pointer, lang);
      break;
    case kWait:
      CheckWait(state, pointer, lang);
      break;
    case kFail:
      CheckFail(state, pointer, lang);
      break;
    case kChoice:
      CheckChoice(state, pointer, lang, &summary);
      break;
    case kParallel:
      if (!too_deep) CheckParallel(state, pointer, depth, visible);
      break;
    case kMap:
      if (!too_deep) CheckMap(state, pointer, lang, depth, visible);
      break;
    default:
      break;
  }
  return summary;
}

// NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parser (512).
void Validator::CollectNames(const OJson& scope, const string& pointer) {
  const OJson* states = Find(scope, "States");
  if (states == nullptr || !states->is_object()) return;
  const string states_pointer = pointer + "/States";
  for (const auto& [name, state] : states->items()) {
    const string at = AppendPointer(states_pointer, name);
    if (const auto [it, inserted] = state_names_.emplace(name, at); !inserted) {
      Report(at, kDuplicateState, Severity::kError,
             "state name " + Quote(name) + " is already used at " + it->second);
    }
    if (const auto* branches = Find(state, "Branches");
        branches != nullptr && branches->is_array()) {
      for (std::size_t i = 0; i < branches->size(); ++i) {
        CollectNames((*branches)[i], AppendPointer(at + "/Branches", i));
      }
    }
    for (const string_view field : {"ItemProcessor", "Iterator"}) {
      if (const auto* processor = Find(state, field)) {
        CollectNames(*processor, at + "/" + string(field));
      }
    }
  }
}

void Validator::CollectAssigns(const OJson& states, const string& pointer, VariableMap* names,
                               std::vector<std::pair<string, string>>* in_order) {
  // Pointers are built only where an Assign is written.
  const auto add = [&](const OJson* assign, const auto& make_pointer) {
    if (assign == nullptr || !assign->is_object()) return;
    const string at = make_pointer();
    for (const auto& [key, value] : assign->items()) {
      string name = key;
      if (EndsWith(name, ".$")) name.resize(name.size() - 2);
      const string where = AppendPointer(at, key);
      names->emplace(name, where);
      in_order->emplace_back(name, where);
    }
  };
  for (const auto& [state_name, state] : states.items()) {
    if (!state.is_object()) continue;
    const auto at = [&] { return AppendPointer(pointer, state_name); };
    add(Find(state, "Assign"), [&] { return at() + "/Assign"; });
    for (const string_view list : {"Choices", "Catch"}) {
      const OJson* items = Find(state, list);
      if (items == nullptr || !items->is_array()) continue;
      for (std::size_t i = 0; i < items->size(); ++i) {
        add(Find((*items)[i], "Assign"),
            [&] { return AppendPointer(at() + "/" + string(list), i) + "/Assign"; });
      }
    }
  }
}

// NOLINTNEXTLINE(misc-no-recursion): depth bounded by the parser (512).
void Validator::ValidateScope(const OJson& scope, const string& pointer, ScopeKind kind, int depth,
                              const VariableMap& outer) {
  if (!ExpectObject(scope, pointer)) return;
  switch (kind) {
    case ScopeKind::kRoot:
      CheckMembers(scope, pointer, "state machine",
                   {{"StartAt", FieldLang::kBoth},
                    {"States", FieldLang::kBoth},
                    {"Comment", FieldLang::kBoth},
                    {"Version", FieldLang::kBoth},
                    {"TimeoutSeconds", FieldLang::kBoth},
                    {"QueryLanguage", FieldLang::kBoth}},
                   Lang::kJsonPath);
      break;
    case ScopeKind::kBranch:
      CheckMembers(scope, pointer, "branch",
                   {{"StartAt", FieldLang::kBoth},
                    {"States", FieldLang::kBoth},
                    {"Comment", FieldLang::kBoth}},
                   Lang::kJsonPath);
      break;
    case ScopeKind::kProcessor:
      CheckMembers(scope, pointer, "item processor",
                   {{"StartAt", FieldLang::kBoth},
                    {"States", FieldLang::kBoth},
                    {"Comment", FieldLang::kBoth},
                    {"ProcessorConfig", FieldLang::kBoth}},
                   Lang::kJsonPath);
      break;
  }
  if (const auto* v = Find(scope, "Comment")) {
    CheckString(*v, pointer + "/Comment");
  }
  if (kind == ScopeKind::kRoot) {
    if (const auto* v = Find(scope, "Version")) {
      CheckString(*v, pointer + "/Version");
    }
    if (const auto* v = Find(scope, "TimeoutSeconds")) {
      CheckInteger(*v, pointer + "/TimeoutSeconds", 1, kMaxSeconds);
    }
  }
  if (kind == ScopeKind::kProcessor) {
    if (const auto* config = Find(scope, "ProcessorConfig")) {
      const string at = pointer + "/ProcessorConfig";
      if (ExpectObject(*config, at)) {
        CheckMembers(*config, at, "ProcessorConfig",
                     {{"Mode", FieldLang::kBoth}, {"ExecutionType", FieldLang::kBoth}},
                     Lang::kJsonPath);
        if (const auto* v = Find(*config, "Mode")) {
          CheckEnum(*v, at + "/Mode", {"INLINE", "DISTRIBUTED"});
        }
        const OJson* mode = Find(*config, "Mode");
        if (const auto* v = Find(*config, "ExecutionType")) {
          CheckEnum(*v, at + "/ExecutionType", {"STANDARD", "EXPRESS"});
        } else if (mode != nullptr && *mode == "DISTRIBUTED") {
          Error(at,
                "missing required field \"ExecutionType\" (Mode is "
                "\"DISTRIBUTED\")");
        }
      }
    }
  }

  const OJson* start_at = Find(scope, "StartAt");
  const OJson* states = Find(scope, "States");
  if (start_at == nullptr) {
    Missing(pointer, "StartAt");
  } else {
    CheckString(*start_at, pointer + "/StartAt");
  }
  if (states == nullptr) {
    Missing(pointer, "States");
    return;
  }
  const string states_pointer = pointer + "/States";
  if (!states->is_object() || states->empty()) {
    Error(states_pointer, "must be a non-empty object of states, got " + Describe(*states));
    return;
  }

  // VAR-06: an inner scope must not assign a name an outer scope assigns.
  VariableMap own;
  std::vector<std::pair<string, string>> assigned;
  CollectAssigns(*states, states_pointer, &own, &assigned);
  if (kind != ScopeKind::kRoot) {
    for (const auto& [name, where] : assigned) {
      if (const auto it = outer.find(name); it != outer.end()) {
        KeyError(where, "variable " + Quote(name) + " is already assigned in an outer scope at " +
                            it->second);
      }
    }
  }
  VariableMap visible = outer;
  visible.insert(own.begin(), own.end());

  std::vector<StateSummary> summaries;
  for (const auto& [name, state] : states->items()) {
    summaries.push_back(
        ValidateState(name, state, AppendPointer(states_pointer, name), depth, visible));
  }

  std::map<string_view, std::ptrdiff_t, std::less<>> index;
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    index.emplace(summaries[i].name, static_cast<std::ptrdiff_t>(i));
  }
  const auto index_of = [&](string_view name) -> std::ptrdiff_t {
    const auto it = index.find(name);
    return it == index.end() ? -1 : it->second;
  };
  const auto missing_target = [&](const string& target, const string& at) {
    if (state_names_.count(target) != 0) {
      Report(at, kMissingTarget, Severity::kError,
             "no state named " + Quote(target) +
                 " in this scope (transitions cannot enter or leave a "
                 "Parallel branch or Map processor)");
    } else {
      Report(at, kMissingTarget, Severity::kError, "no state named " + Quote(target));
    }
  };
  std::ptrdiff_t start = -1;
  if (start_at != nullptr && start_at->is_string()) {
    start = index_of(start_at->get_ref<const string&>());
    if (start < 0) {
      missing_target(start_at->get<string>(), pointer + "/StartAt");
    }
  }
  bool any_terminal = false;
  for (const auto& summary : summaries) {
    any_terminal = any_terminal || summary.terminal;
    for (const auto& transition : summary.transitions) {
      if (index_of(transition.target) < 0) {
        missing_target(transition.target, transition.pointer);
      }
    }
  }
  if (!any_terminal) {
    missing_end_ = true;
    Report(pointer, kMissingEnd, Severity::kError,
           "no terminal state: no state has \"End\": true and none is a "
           "Succeed or Fail state");
  }
  if (start < 0) return;
  // ST-06: every state reachable from StartAt, including cycles of orphans.
  std::vector<bool> reached(summaries.size(), false);
  std::vector<std::size_t> work = {static_cast<std::size_t>(start)};
  reached[static_cast<std::size_t>(start)] = true;
  while (!work.empty()) {
    const std::size_t current = work.back();
    work.pop_back();
    for (const auto& transition : summaries[current].transitions) {
      const std::ptrdiff_t next = index_of(transition.target);
      if (next >= 0 && !reached[static_cast<std::size_t>(next)]) {
        reached[static_cast<std::size_t>(next)] = true;
        work.push_back(static_cast<std::size_t>(next));
      }
    }
  }
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    if (reached[i]) continue;
    Diagnostic d;
    d.pointer = summaries[i].pointer;
    d.code = kMissingTarget;
    d.message = "state " + Quote(summaries[i].name) + " is not reachable";
    d.file = options_.file;
    d.position = document_.positions.ValuePosition(d.pointer);
    unreachable_.push_back(std::move(d));
  }
}

std::vector<Diagnostic> Validator::Run() {
  const OJson& root = document_.value;
  if (!root.is_object()) {
    Error("", "definition must be a JSON object, got " + Describe(root));
    return std::move(diagnostics_);
  }
  // Duplicate JSON keys (document_.duplicate_keys) are reported by the
  // loader, which owns the parser.
  if (const auto* v = Find(root, "QueryLanguage")) {
    if (CheckEnum(*v, "/QueryLanguage", {"JSONPath", "JSONata"}) && *v == "JSONata") {
      root_lang_ = Lang::kJsonata;
    }
  }
  CollectNames(root, "");
  ValidateScope(root, "", ScopeKind::kRoot, 0, VariableMap());
  if (!missing_end_) {
    for (auto& d : unreachable_) diagnostics_.push_back(std::move(d));
  }
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.position.line != b.position.line) {
                       return a.position.line < b.position.line;
                     }
                     return a.position.column < b.position.column;
                   });
  return std::move(diagnostics_);
}

}  // namespace

std::vector<Diagnostic> ValidateDocument(const ParsedJson& document, const LoadOptions& options) {
  return Validator(document, options).Run();
}

}  // namespace stepsim::asl::internal
