#include <stepsim/sim/test_state.h>

#include <cstdlib>
#include <sstream>

#include "cli_util.h"
#include "commands.h"

namespace stepsim::cli {
namespace {

constexpr const char* kTestStateUsage =
    "usage: stepsim test-state --request REQUEST.json\n"
    "\n"
    "Answers a Step Functions TestState request body (the JSON `aws stepfunctions test-state\n"
    "--cli-input-json` takes) offline, as AWS answers it: the response on stdout and exit 0\n"
    "(a FAILED state is a result), or {\"error\": {\"code\", \"message\"}} and exit 3 where AWS\n"
    "would return an API error. Exit 2 for bad usage or a request that is not JSON.\n"
    "\n"
    "The caller's account and region come from AWS_ACCOUNT_ID and AWS_REGION (or\n"
    "AWS_DEFAULT_REGION); mocked results are checked against the service API models of the\n"
    "installed python3-botocore, or of the botocore data folders listed in\n"
    "STEPSIM_BOTOCORE_DATA (separated by ':').\n";

std::string Env(const char* name) {
  const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read once at startup
  return v == nullptr ? "" : v;
}

}  // namespace

int TestStateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string request_file;
  internal::ArgParser p("stepsim test-state", kTestStateUsage, args, out, err);
  while (p.Next()) {
    if (p.Help()) return 0;
    if (p.flag() == "--request") {
      if (!p.Value(&request_file, " (a TestState request body)")) return 2;
      continue;
    }
    p.UnknownOption(p.arg());
    return 2;
  }
  if (request_file.empty()) {
    err << "stepsim test-state: missing --request\n" << kTestStateUsage;
    return 2;
  }
  std::string text;
  if (!internal::ReadFile(request_file, &text)) {
    err << request_file << ": error[FILE_NOT_READABLE]: /: cannot read the file\n";
    return 2;
  }
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    err << request_file << ": error[INVALID_JSON]: /: the request is not JSON: " << e.what()
        << '\n';
    return 2;
  }
  sim::TestStateOptions options;
  if (const std::string account = Env("AWS_ACCOUNT_ID"); !account.empty()) {
    options.account = account;
  }
  std::string region = Env("AWS_REGION");
  if (region.empty()) region = Env("AWS_DEFAULT_REGION");
  if (!region.empty()) options.region = region;
  std::stringstream dirs(Env("STEPSIM_BOTOCORE_DATA"));
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty()) options.botocore_data_dirs.push_back(dir);
  }
  const nlohmann::json answer = sim::RunTestState(body, options);
  out << answer.dump() << '\n';
  return answer.contains("status") ? 0 : 3;
}

}  // namespace stepsim::cli
