// Helpers the benchmarks share: where the bundled order workflow lives and
// how to read it.
#pragma once

#include <stepsim/asl/definition.h>
#include <stepsim/asl/loader.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

namespace stepsim::bench {

/// The path of `name` in fixtures/order-processing/ ("definition.asl.json",
/// "input.json", "mocks.json").
inline std::string OrderFixture(std::string_view name) {
  return std::string(STEPSIM_FIXTURES_DIR) + "/order-processing/" + std::string(name);
}

/// The bytes of the file at `path` ("" when it cannot be read).
inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The bundled order workflow, loaded.
inline std::shared_ptr<const asl::Definition> LoadOrderDefinition() {
  return asl::LoadFile(OrderFixture("definition.asl.json"));
}

}  // namespace stepsim::bench
