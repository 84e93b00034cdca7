#pragma once

#include <stepsim/sim/execution.h>
#include <stepsim/sim/history.h>
#include <stepsim/test/faults.h>
#include <stepsim/test/harness.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

/// Readable text for runs, used by the matchers' explanations and by
/// PrintTo. Every public type of stepsim::test has PrintTo next to its
/// declaration, printing compact JSON. GoogleTest prints an
/// nlohmann::json through its operator<< as compact JSON text
/// (`{"a":1,"b":[1,2]}`), which the matchers reuse.

namespace stepsim::test {

/// How the run ended, as a verb phrase: `succeeded with output {...}`,
/// `failed with error "E" and cause "C"`, `timed out with error
/// "States.Timeout"`, `was aborted`.
std::string StatusPhrase(const sim::Execution& execution);

/// The path the run took through its top-level states, with retries,
/// Choice rules, catches and the end marked:
/// `A -> B -(rule 0)-> C -(retry 0: E)-> C -(uncaught F)-> (failed)`;
/// states of Parallel branches and Map iterations follow on lines of their
/// own (`in M iteration 1: X -> (end)`), at most ten of them.
std::string FormatPath(const RunResult& run);
/// The same from the visited states only (a sim::Execution records no
/// transitions): `A -> B -> C -> (failed)`.
std::string FormatPath(const sim::Execution& execution);

/// `#12 TaskFailed ProcessPayment: error "E", cause "C"`.
std::string FormatEvent(const sim::HistoryEvent& event);

/// The lines a matcher appends to its "which ..." explanation, each starting
/// with a newline and four spaces: `path: ...`, `failing state: ...` (when
/// the run did not succeed), `failure events:` followed by the failure
/// events of the history (task failures and timeouts, Map iteration and
/// Parallel failures, the execution's end; at most eight).
std::string FormatDetails(const RunResult& run);
std::string FormatDetails(const sim::Execution& execution);

/// `json` as compact text, cut to `max_chars` characters with "..." (0: no
/// limit).
std::string JsonText(const Json& json, std::size_t max_chars = 0);

}  // namespace stepsim::test
