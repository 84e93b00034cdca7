#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stepsim::sim {

/// True when a retrier's or catcher's `ErrorEquals` matches the error `error`
/// (RTY-01, CAT-02, ERR-03): an exact name; `States.ALL` for any name but
/// `States.Runtime`; `States.TaskFailed` for any name but `States.Timeout`;
/// `States.HeartbeatTimeout` for a `States.Timeout` raised by a heartbeat
/// lapse (`heartbeat`). The one matcher the interpreter and graph analysis use.
bool MatchesErrorEquals(const std::vector<std::string>& error_equals, std::string_view error,
                        bool heartbeat = false);

}  // namespace stepsim::sim
