// `stepsim serve` under load, through HTTP on loopback: several clients with
// keep-alive connections (one per benchmark thread) against one server
// process started for the run (STEPSIM_CLI). Bounded: Google Benchmark stops
// each case after its minimum time; the server is killed at exit.
//
//   bench_serve --benchmark_filter=Serve --benchmark_min_time=3
//
// items_per_second is order executions per second.

#include <benchmark/benchmark.h>
#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_util.h"

namespace {

using Json = nlohmann::json;

struct Server {
  pid_t pid = -1;
  int port = 0;
  std::string order_arn;
  std::string express_arn;
};

Server& TheServer() {
  static Server server = [] {
    Server s;
    // The mock file names its machine "order-processing"; the Express copy
    // of the workflow gets the same test cases under its own name.
    Json mocks = Json::parse(stepsim::bench::ReadText(stepsim::bench::OrderFixture("mocks.json")));
    mocks["StateMachines"]["order-processing-express"] = mocks["StateMachines"]["order-processing"];
    std::string mock_path = "/tmp/stepsim-bench-mocks-XXXXXX";
    const int mock_fd = mkstemp(mock_path.data());
    const std::string mock_text = mocks.dump();
    if (mock_fd < 0 || write(mock_fd, mock_text.data(), mock_text.size()) !=
                           static_cast<ssize_t>(mock_text.size())) {
      std::abort();
    }
    close(mock_fd);
    std::array<int, 2> out{};
    if (pipe(out.data()) != 0) std::abort();
    s.pid = fork();
    if (s.pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      execl(STEPSIM_CLI, STEPSIM_CLI, "serve", "--port", "0", "--mock-config", mock_path.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    unlink(mock_path.c_str());  // read by the server before it says it listens
    const auto colon = line.rfind(':');
    if (line.rfind("listening on http://", 0) != 0 || colon == std::string::npos) {
      std::fprintf(stderr, "stepsim serve did not start: %s\n", line.c_str());
      std::abort();
    }
    s.port = std::stoi(line.substr(colon + 1));
    httplib::Client client("127.0.0.1", s.port);
    const std::string definition =
        stepsim::bench::ReadText(stepsim::bench::OrderFixture("definition.asl.json"));
    for (const char* type : {"STANDARD", "EXPRESS"}) {
      const Json request = {{"name", std::string("order-processing") +
                                         (std::string(type) == "EXPRESS" ? "-express" : "")},
                            {"definition", definition},
                            {"roleArn", "arn:aws:iam::123456789012:role/Bench"},
                            {"type", type}};
      auto r = client.Post("/", {{"X-Amz-Target", "AWSStepFunctions.CreateStateMachine"}},
                           request.dump(), "application/x-amz-json-1.0");
      if (!r || r->status != 200) std::abort();
      (std::string(type) == "EXPRESS" ? s.express_arn : s.order_arn) =
          Json::parse(r->body)["stateMachineArn"].get<std::string>();
    }
    std::atexit([] {
      kill(TheServer().pid, SIGTERM);
      waitpid(TheServer().pid, nullptr, 0);
    });
    return s;
  }();
  return server;
}

Json Call(httplib::Client& client, const char* operation, const Json& request) {
  auto r = client.Post("/", {{"X-Amz-Target", std::string("AWSStepFunctions.") + operation}},
                       request.dump(), "application/x-amz-json-1.0");
  if (!r || r->status != 200) {
    std::fprintf(stderr, "%s failed: %s\n", operation, r ? r->body.c_str() : "no response");
    std::abort();
  }
  return Json::parse(r->body);
}

void BM_ServeStartSyncExecution(benchmark::State& state) {
  const Server& server = TheServer();
  httplib::Client client("127.0.0.1", server.port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  const std::string input = stepsim::bench::ReadText(stepsim::bench::OrderFixture("input.json"));
  const Json request = {{"stateMachineArn", server.express_arn + "#HappyPath"}, {"input", input}};
  for (auto _ : state) {
    const Json response = Call(client, "StartSyncExecution", request);
    if (response["status"] != "SUCCEEDED") state.SkipWithError("execution did not succeed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ServeStartSyncExecution)->Threads(1)->Threads(4)->Threads(8)->UseRealTime();

void BM_ServeStartExecutionAndHistory(benchmark::State& state) {
  static std::atomic<long long> counter{0};
  const Server& server = TheServer();
  httplib::Client client("127.0.0.1", server.port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  const std::string input = stepsim::bench::ReadText(stepsim::bench::OrderFixture("input.json"));
  for (auto _ : state) {
    const Json started =
        Call(client, "StartExecution",
             {{"stateMachineArn", server.order_arn + "#PaymentRetriedThenSucceeds"},
              {"name", "bench-" + std::to_string(++counter)},
              {"input", input}});
    const Json history =
        Call(client, "GetExecutionHistory", {{"executionArn", started["executionArn"]}});
    if (history["events"].back()["type"] != "ExecutionSucceeded") {
      state.SkipWithError("execution did not succeed");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ServeStartExecutionAndHistory)->Threads(1)->Threads(4)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
