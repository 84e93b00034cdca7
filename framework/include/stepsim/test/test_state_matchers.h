#pragma once

// gtest matchers for TestState responses (stepsim::test::TestState).

#include <gmock/gmock.h>
#include <stepsim/sim/test_state.h>

#include <nlohmann/json.hpp>
#include <string>

namespace stepsim::test {

/// The response has status `status` ("has status CAUGHT_ERROR").
testing::Matcher<const sim::TestStateResponse&> HasTestStatus(sim::TestStatus status);

/// The response names `state` as the next state ("has next state "Fallback"").
testing::Matcher<const sim::TestStateResponse&> HasNextState(const std::string& state);

/// The response's output matches `output`.
testing::Matcher<const sim::TestStateResponse&> HasTestOutput(
    const testing::Matcher<const nlohmann::json&>& output);

/// The inspection data member `field`, named as AWS names it ("afterParameters",
/// "result", "errorDetails", "maxConcurrency", ...), is present and matches
/// `value` (as a JSON value).
testing::Matcher<const sim::TestStateResponse&> HasInspectionField(
    const std::string& field, const testing::Matcher<const nlohmann::json&>& value);

}  // namespace stepsim::test
