#include <stepsim/error.h>

namespace stepsim {

void to_json(nlohmann::json& j, const AslError& e) {
  j = nlohmann::json{{"Error", e.error}, {"Cause", e.cause}};
}

void from_json(const nlohmann::json& j, AslError& e) {
  e.error = j.value("Error", "");
  e.cause = j.value("Cause", "");
}

void PrintTo(const AslError& e, std::ostream* os) { *os << nlohmann::json(e).dump(); }

}  // namespace stepsim
