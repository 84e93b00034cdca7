#pragma once

#include <string>

namespace stepsim::test {

/// The bundled order workflow and its Step Functions Local mock file.
inline const std::string kOrder =
    STEPSIM_SOURCE_DIR "/fixtures/order-processing/definition.asl.json";
inline const std::string kOrderMocks = STEPSIM_SOURCE_DIR "/fixtures/order-processing/mocks.json";

}  // namespace stepsim::test
