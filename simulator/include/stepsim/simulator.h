#pragma once

/// The simulator in one include (graph analysis, which needs Boost, is not
/// part of it: include <stepsim/analysis/...> for that):
/// - the ASL model, the loader and the validator (asl/*.h);
/// - the expression engines: JSONPath and payload templates, intrinsic
///   functions, JSONata (jsonpath/, intrinsics/, jsonata/);
/// - the interpreter, its options, listeners, data-flow observer, history,
///   virtual clock, seeded RNG and mock files (sim/*.h); errors (error.h).
///
///     const stepsim::sim::Interpreter interpreter(stepsim::asl::LoadFile("order.asl.json"));
///     const auto execution = interpreter.Run({{"orderId", "o-1"}});

#include <stepsim/asl/definition.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/asl/json_source.h>
#include <stepsim/asl/loader.h>
#include <stepsim/error.h>
#include <stepsim/intrinsics/intrinsics.h>
#include <stepsim/jsonata/jsonata.h>
#include <stepsim/jsonpath/env.h>
#include <stepsim/jsonpath/json_text.h>
#include <stepsim/jsonpath/path.h>
#include <stepsim/jsonpath/template.h>
#include <stepsim/sim/clock.h>
#include <stepsim/sim/data_flow.h>
#include <stepsim/sim/error_match.h>
#include <stepsim/sim/execution.h>
#include <stepsim/sim/history.h>
#include <stepsim/sim/interpreter.h>
#include <stepsim/sim/listener.h>
#include <stepsim/sim/mock_config.h>
#include <stepsim/sim/options.h>
#include <stepsim/sim/rng.h>
#include <stepsim/sim/task_handler.h>
