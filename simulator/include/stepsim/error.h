#pragma once

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

/// Aborts with a message when an internal invariant does not hold. Never used
/// for bad input: bad input gets a Diagnostic, an AslError or a UsageError.
#define STEPSIM_CHECK(condition)                                                                 \
  do {                                                                                           \
    if (!(condition)) {                                                                          \
      std::fprintf(stderr, "%s:%d: STEPSIM_CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                              \
    }                                                                                            \
  } while (false)

namespace stepsim {

/// Thrown when the stepsim API is misused (a bad option, a call out of order).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A workflow error as Step Functions names it: `States.TaskFailed`, a mock's
/// `Payment.Declined`. It travels through Retry and Catch as a value, never as
/// a C++ exception. `error` and `cause` are the strings AWS reports; an absent
/// cause is the empty string (ERR-06).
struct AslError {
  std::string error;
  std::string cause;

  friend bool operator==(const AslError&, const AslError&) = default;
};

void to_json(nlohmann::json& j, const AslError& e);
void from_json(const nlohmann::json& j, AslError& e);
void PrintTo(const AslError& e, std::ostream* os);

/// Predefined error names (ERR-02).
namespace errors {
inline constexpr const char* kAll = "States.ALL";
inline constexpr const char* kTimeout = "States.Timeout";
inline constexpr const char* kHeartbeatTimeout = "States.HeartbeatTimeout";
inline constexpr const char* kTaskFailed = "States.TaskFailed";
inline constexpr const char* kPermissions = "States.Permissions";
inline constexpr const char* kResultPathMatchFailure = "States.ResultPathMatchFailure";
inline constexpr const char* kParameterPathFailure = "States.ParameterPathFailure";
inline constexpr const char* kQueryEvaluationError = "States.QueryEvaluationError";
inline constexpr const char* kBranchFailed = "States.BranchFailed";
inline constexpr const char* kNoChoiceMatched = "States.NoChoiceMatched";
inline constexpr const char* kIntrinsicFailure = "States.IntrinsicFailure";
inline constexpr const char* kExceedToleratedFailureThreshold =
    "States.ExceedToleratedFailureThreshold";
inline constexpr const char* kItemReaderFailed = "States.ItemReaderFailed";
inline constexpr const char* kResultWriterFailed = "States.ResultWriterFailed";
inline constexpr const char* kRuntime = "States.Runtime";
inline constexpr const char* kDataLimitExceeded = "States.DataLimitExceeded";
}  // namespace errors

/// Either a value or an AslError. The data-flow layer returns these so that
/// workflow errors never become C++ exceptions.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}         // NOLINT: implicit by design
  Result(AslError error) : data_(std::move(error)) {}  // NOLINT

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(data_); }
  T& value() & { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  const AslError& error() const { return std::get<1>(data_); }

 private:
  std::variant<T, AslError> data_;
};

}  // namespace stepsim
