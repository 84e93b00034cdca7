#include <pthread.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/mock_config.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "serve/http.h"
#include "serve/service.h"

namespace stepsim::cli {
namespace {

constexpr const char* kServeUsage =
    "usage: stepsim serve [options]\n"
    "\n"
    "Serves the AWS Step Functions API (AWS JSON 1.0, as Step Functions Local does) on\n"
    "http://HOST:PORT: point an AWS SDK or 'aws stepfunctions --endpoint-url' at it.\n"
    "Executions run on their own virtual clocks, starting at the real time they start.\n"
    "\n"
    "options:\n"
    "  --host HOST              address to bind (default 127.0.0.1)\n"
    "  --port PORT              port to bind (default 8083; 0 takes a free port)\n"
    "  --mock-config FILE       Step Functions Local MockConfigFile that\n"
    "                           'StartExecution <stateMachineArn>#<TestCase>' selects from\n"
    "                           (default: $SFN_MOCK_CONFIG, else ./MockConfigFile.json)\n"
    "  --coverage-out FILE      write the coverage of every execution at shutdown (SIGTERM,\n"
    "                           SIGINT) and on SIGUSR1; each execution is a test named by\n"
    "                           its #TestCase, else its execution name\n"
    "  --time-scale X           real seconds per virtual second of the timers of tasks held\n"
    "                           for SendTask* (HeartbeatSeconds, TimeoutSeconds); default 1\n"
    "  --history-dialect aws|sfn-local\n"
    "                           history fields as AWS writes them (default) or as Step\n"
    "                           Functions Local does\n"
    "\n"
    "Environment: SFN_MOCK_CONFIG (the mock file), AWS_ACCOUNT_ID (default 123456789012)\n"
    "and AWS_DEFAULT_REGION (default us-east-1) for the ARNs.\n"
    "\n"
    "Prints 'listening on http://HOST:PORT' when ready. Exit status: 0 after SIGTERM or\n"
    "SIGINT, 2 for bad usage, an unloadable mock file or an address it cannot bind.\n";

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 8083;
  std::optional<std::string> mock_config;
  std::optional<std::string> coverage_out;
  double time_scale = 1.0;
  serve::HistoryDialect dialect = serve::HistoryDialect::kAws;
};

// Returns 0 when parsed, 2 after printing a usage error, 1 for --help.
int ParseArgs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              ServeArgs* serve) {
  internal::ArgParser p("stepsim serve", kServeUsage, args, out, err);
  while (p.Next()) {
    const std::string& flag = p.flag();
    if (p.Help()) return 1;
    bool ok = true;
    if (flag == "--host") {
      ok = p.Value(&serve->host);
    } else if (flag == "--port") {
      std::string port;
      ok = p.Value(&port);
      if (ok &&
          (!internal::ParseNumber(port, &serve->port) || serve->port < 0 || serve->port > 65535)) {
        err << "stepsim serve: --port needs a port number 0-65535, got \"" << port << "\"\n";
        return 2;
      }
    } else if (flag == "--mock-config") {
      ok = p.Value(&serve->mock_config);
    } else if (flag == "--coverage-out") {
      ok = p.Value(&serve->coverage_out);
    } else if (flag == "--time-scale") {
      std::string scale;
      ok = p.Value(&scale);
      if (ok && (!internal::ParseNumber(scale, &serve->time_scale) ||
                 !std::isfinite(serve->time_scale) || serve->time_scale <= 0)) {
        err << "stepsim serve: --time-scale needs a positive number, got \"" << scale << "\"\n";
        return 2;
      }
    } else if (flag == "--history-dialect") {
      std::string dialect;
      ok = p.Value(&dialect);
      if (ok && dialect != "aws" && dialect != "sfn-local") {
        err << "stepsim serve: unknown history dialect \"" << dialect
            << "\" (expected aws or sfn-local)\n";
        return 2;
      }
      if (ok) {
        serve->dialect =
            dialect == "aws" ? serve::HistoryDialect::kAws : serve::HistoryDialect::kSfnLocal;
      }
    } else if (p.IsOption()) {
      p.UnknownOption(flag);
      return 2;
    } else {
      err << "stepsim serve: unexpected argument \"" << flag << "\"\n" << kServeUsage;
      return 2;
    }
    if (!ok) return 2;
  }
  return 0;
}

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

sim::VirtualTime WallClock() {
  return std::chrono::time_point_cast<sim::Millis>(std::chrono::system_clock::now());
}

}  // namespace

int ServeCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ServeArgs serve_args;
  if (const int parsed = ParseArgs(args, out, err, &serve_args); parsed != 0) {
    return parsed == 1 ? 0 : parsed;
  }

  // The mock file (MOCK-12): the flag, else SFN_MOCK_CONFIG, else
  // ./MockConfigFile.json when there is one.
  std::optional<std::string> mock_path = serve_args.mock_config;
  if (!mock_path) {
    if (const char* env = std::getenv("SFN_MOCK_CONFIG"); env != nullptr && *env != '\0') {
      mock_path = env;
    } else if (std::ifstream("MockConfigFile.json")) {
      mock_path = "MockConfigFile.json";
    }
  }
  serve::ServiceOptions options;
  if (mock_path) {
    try {
      options.mocks =
          std::make_shared<const sim::MockConfig>(sim::MockConfig::LoadFile(*mock_path));
    } catch (const asl::DefinitionError& e) {
      internal::PrintDiagnostics(e.diagnostics(), err);
      return 2;
    }
  }
  options.account = EnvOr("AWS_ACCOUNT_ID", options.account);
  options.region = EnvOr("AWS_DEFAULT_REGION", options.region);
  options.time_scale = serve_args.time_scale;
  options.dialect = serve_args.dialect;
  options.coverage = serve_args.coverage_out.has_value();
  options.now = WallClock;

  // Signals are taken by sigwait on this thread; every thread started below
  // inherits the mask. A client hanging up must not kill the server.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  serve::Service service(std::move(options));
  serve::HttpFrontEnd http(service);
  const int port = http.Bind(serve_args.host, serve_args.port);
  if (port < 0) {
    err << "stepsim serve: cannot bind " << serve_args.host << ":" << serve_args.port << '\n';
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    return 2;
  }
  const std::string shown_host = serve_args.host.find(':') != std::string::npos
                                     ? "[" + serve_args.host + "]"
                                     : serve_args.host;
  out << "listening on http://" << shown_host << ":" << port << std::endl;

  bool served = true;
  std::thread server([&] {
    served = http.Serve();
    // Wake the signal loop when the server ends by itself.
    kill(getpid(), SIGTERM);
  });

  const auto write_coverage = [&] {
    if (!serve_args.coverage_out) return true;
    return internal::WriteCoverageOrReport(*serve_args.coverage_out, service.Coverage(),
                                           "stepsim serve", err);
  };
  int status = 0;
  while (true) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0) continue;
    if (signal == SIGUSR1) {
      write_coverage();
      continue;
    }
    break;
  }
  // Held tasks and long-polling activity workers are released first, so
  // that the HTTP workers serving them can end.
  service.Shutdown();
  http.Stop();
  server.join();
  if (!write_coverage()) status = 2;
  if (!served) {
    err << "stepsim serve: the server stopped unexpectedly\n";
    status = 2;
  }
  err.flush();
  return status;
}

}  // namespace stepsim::cli
