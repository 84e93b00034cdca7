#pragma once

/// Everything a test of a workflow needs, in one include:
/// - GoogleTest: Harness and RunResult (harness.h), the matchers
///   (matchers.h), readable printing (print.h);
/// - GoogleMock: MockTasks and its actions (mock_tasks.h);
/// - fault injection (faults.h);
/// - RapidCheck: outcome scripts (script.h), generators (generators.h),
///   exploration (explore.h);
/// - scenario files and their JUnit report (scenario.h, junit.h);
/// - coverage of a whole test program (coverage_environment.h);
/// - AWS's TestState API offline and its matchers (test_state.h,
///   test_state_matchers.h).
///
///     using namespace stepsim::test;
///     auto harness = Harness::FromFile("order.asl.json");
///     harness.MockState("ChargeCard").Throws("Payment.Declined").Returns({{"id", 1}});
///     harness.Faults().LatencyAt("Ship", std::chrono::seconds(5));
///     EXPECT_THAT(harness.Run({{"orderId", "o-1"}}), Succeeded());

#include <stepsim/test/coverage_environment.h>
#include <stepsim/test/explore.h>
#include <stepsim/test/faults.h>
#include <stepsim/test/generators.h>
#include <stepsim/test/harness.h>
#include <stepsim/test/junit.h>
#include <stepsim/test/matchers.h>
#include <stepsim/test/mock_tasks.h>
#include <stepsim/test/print.h>
#include <stepsim/test/scenario.h>
#include <stepsim/test/script.h>
#include <stepsim/test/test_state.h>
#include <stepsim/test/test_state_matchers.h>
