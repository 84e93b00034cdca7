#include <stepsim/error.h>
#include <stepsim/sim/error_match.h>

namespace stepsim::sim {

bool MatchesErrorEquals(const std::vector<std::string>& error_equals, std::string_view error,
                        bool heartbeat) {
  for (const std::string& name : error_equals) {
    if (name == error) return true;
    if (name == errors::kAll && error != errors::kRuntime) return true;
    if (name == errors::kTaskFailed && error != errors::kTimeout && error != errors::kRuntime) {
      return true;
    }
    if (name == errors::kHeartbeatTimeout && heartbeat) return true;
  }
  return false;
}

}  // namespace stepsim::sim
