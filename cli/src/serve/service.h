#pragma once

// The Step Functions API (AWS JSON 1.0 operations) served by `stepsim serve`,
// without the HTTP transport: an operation name and a request object in, an
// HTTP status and a response object out. Thread-safe: any number of requests
// may be handled at once.

#include <stepsim/report/coverage.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/mock_config.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace stepsim::cli::serve {

namespace internal {
struct ServiceState;
}

using Json = nlohmann::json;

/// Which history fields follow AWS (the default) or Step Functions Local.
enum class HistoryDialect { kAws, kSfnLocal };

struct ServiceOptions {
  std::string region = "us-east-1";
  std::string account = "123456789012";
  /// The MockConfigFile `#TestCase` selects from (null: none given).
  std::shared_ptr<const sim::MockConfig> mocks;
  /// Real seconds one virtual second of a held task's timers takes.
  double time_scale = 1.0;
  HistoryDialect dialect = HistoryDialect::kAws;
  /// Collect the coverage of every execution (see Service::Coverage).
  bool coverage = false;
  /// The wall clock: executions start at this time (the only real clock the
  /// service reads besides the steady clock its timers wait on).
  std::function<sim::VirtualTime()> now;
  /// Most executions running at once (StartExecution then fails with
  /// ExecutionLimitExceeded).
  std::size_t max_running_executions = 10000;
  /// Most executions kept for Describe/List/GetExecutionHistory; past it
  /// the oldest ended ones are forgotten (AWS keeps them 90 days).
  std::size_t max_stored_executions = 100000;
};

/// An HTTP status and an AWS JSON 1.0 body.
struct Response {
  int status = 200;
  Json body = Json::object();
};

/// The largest request body accepted, as AWS's per-request quota (1 MB).
inline constexpr std::size_t kMaxRequestBytes = std::size_t{1024} * 1024;

class Service {
 public:
  explicit Service(ServiceOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  /// Handles `AWSStepFunctions.<operation>` with the JSON request `body`
  /// (the raw text; errors are AWS-shaped responses, never exceptions).
  Response Handle(std::string_view operation, std::string_view body);

  /// Releases every held task (their executions end) and waits until no
  /// execution runs. Requests after this fail.
  void Shutdown();

  /// The coverage of every execution so far, each attributed to its
  /// `#TestCase` or else its execution name.
  report::CoverageData Coverage() const;

 private:
  std::shared_ptr<internal::ServiceState> state_;
};

/// `{"__type": type, "message": message}` with HTTP 400 (AWS's shape).
Response ErrorResponse(std::string_view type, std::string message, int status = 400);

}  // namespace stepsim::cli::serve
