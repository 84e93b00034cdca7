#pragma once

#include <stepsim/sim/test_state.h>

#include <nlohmann/json.hpp>

namespace stepsim::test {

using sim::TestStateApiError;
using sim::TestStateOptions;
using sim::TestStateRequest;
using sim::TestStateResponse;
using sim::TestStatus;

/// AWS's TestState API, offline: runs one state of `request` with its mock
/// and returns the typed response (status, output, error, cause, next state,
/// inspection data). Throws UsageError, whose message is "<code>: <message>",
/// when AWS would reject the request; TryTestState returns that error instead.
///
///     TestStateRequest request;
///     request.definition = R"({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
///                              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fallback"}],
///                              "End": true})";
///     request.mock = sim::TestStateMock{std::nullopt, AslError{"Boom", "it broke"}};
///     request.inspection_level = sim::InspectionLevel::kDebug;
///     EXPECT_THAT(TestState(request), AllOf(HasTestStatus(TestStatus::kCaughtError),
///                                           HasNextState("Fallback")));
TestStateResponse TestState(const TestStateRequest& request, const TestStateOptions& options = {});

/// The same from a request body (the JSON `aws stepfunctions test-state
/// --cli-input-json` takes).
TestStateResponse TestState(const nlohmann::json& body, const TestStateOptions& options = {});

/// The response, or the API error AWS would return.
sim::TestStateOutcome TryTestState(const TestStateRequest& request,
                                   const TestStateOptions& options = {});

}  // namespace stepsim::test
