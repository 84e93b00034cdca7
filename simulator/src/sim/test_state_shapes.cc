// Mocked results checked against AWS's service API models (botocore's
// service-2.json), as TestState's fieldValidationMode STRICT and PRESENT do.

#include <stepsim/sim/test_state.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace stepsim::sim {
namespace {

namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;
using Json = nlohmann::json;

/// Where Debian's python3-botocore (and pip) put the models.
std::vector<std::string> DefaultDataDirs() {
  std::vector<std::string> dirs = {"/usr/lib/python3/dist-packages/botocore/data",
                                   "/usr/share/python3/dist-packages/botocore/data"};
  for (const char* root : {"/usr/lib", "/usr/local/lib"}) {
    std::error_code ec;
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("python3", 0) != 0) continue;
      for (const char* sub : {"dist-packages", "site-packages"}) {
        found.push_back((entry.path() / sub / "botocore" / "data").string());
      }
    }
    std::sort(found.begin(), found.end());
    dirs.insert(dirs.end(), found.begin(), found.end());
  }
  return dirs;
}

std::string Fold(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '-') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

/// The newest `<dir>/<service>/<version>/service-2.json`, parsed.
std::optional<Json> LoadModel(const std::string& service, const std::vector<std::string>& dirs) {
  for (const std::string& dir : dirs.empty() ? DefaultDataDirs() : dirs) {
    std::error_code ec;
    const fs::path root = fs::path(dir) / service;
    if (!fs::is_directory(root, ec)) continue;
    std::vector<fs::path> versions;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      if (fs::exists(entry.path() / "service-2.json", ec)) versions.push_back(entry.path());
    }
    if (versions.empty()) continue;
    std::sort(versions.begin(), versions.end());
    std::ifstream in(versions.back() / "service-2.json");
    std::stringstream text;
    text << in.rdbuf();
    Json model = Json::parse(text.str(), nullptr, false);
    if (model.is_discarded() || !model.is_object()) continue;
    return model;
  }
  return std::nullopt;
}

/// Step Functions' name for a service in `arn:aws:states:::<name>:...` as
/// botocore names its model folder.
std::string BotocoreService(std::string_view name) {
  if (name == "states" || name == "sfn") return "stepfunctions";
  return std::string(name);
}

class ShapeChecker {
 public:
  ShapeChecker(const Json& shapes, FieldValidationMode mode) : shapes_(shapes), mode_(mode) {}

  std::optional<std::string> Check(const OJson& value, const std::string& shape_name,
                                   const std::string& field, int depth = 0) const {
    if (depth > 64 || !shapes_.contains(shape_name)) return std::nullopt;
    const Json& shape = shapes_.at(shape_name);
    const std::string type = shape.value("type", "");
    if (type == "structure") return CheckStructure(value, shape, field, depth);
    if (type == "list") {
      if (!value.is_array()) return Fail(field, "must be an array");
      if (auto e = CheckLength(value.size(), shape, field)) return e;
      const std::string member = shape.at("member").value("shape", "");
      for (const OJson& item : value) {
        if (auto e = Check(item, member, field, depth + 1)) return e;
      }
      return std::nullopt;
    }
    if (type == "map") {
      if (!value.is_object()) return Fail(field, "must be an object");
      const std::string member = shape.at("value").value("shape", "");
      for (const auto& [k, v] : value.items()) {
        if (auto e = Check(v, member, field, depth + 1)) return e;
      }
      return std::nullopt;
    }
    if (type == "string" || type == "timestamp") {
      if (!value.is_string()) return Fail(field, "must be a string");
      const auto& text = value.get_ref<const std::string&>();
      if (shape.contains("enum")) {
        const Json& values = shape.at("enum");
        if (std::find(values.begin(), values.end(), Json(text)) == values.end()) {
          return Fail(field, "is not an expected value");
        }
      }
      if (type == "string") return CheckLength(text.size(), shape, field);
      return std::nullopt;
    }
    if (type == "blob") {
      if (!value.is_string()) return Fail(field, "must be a string");
      return CheckLength(value.get_ref<const std::string&>().size(), shape, field);
    }
    if (type == "integer" || type == "long") {
      if (!value.is_number_integer()) return Fail(field, "must be a number");
      const double v = value.get<double>();
      if (shape.contains("min") && v < shape.at("min").get<double>()) {
        return Fail(field, "is less than the minimum value");
      }
      if (shape.contains("max") && v > shape.at("max").get<double>()) {
        return Fail(field, "exceeds the maximum value");
      }
      return std::nullopt;
    }
    if (type == "float" || type == "double") {
      if (!value.is_number()) return Fail(field, "must be a number");
      return std::nullopt;
    }
    if (type == "boolean") {
      if (!value.is_boolean()) return Fail(field, "must be a boolean");
    }
    return std::nullopt;  // document and anything newer: any value
  }

 private:
  static std::optional<std::string> Fail(const std::string& field, const std::string& what) {
    return "Mock result schema validation error: Field '" + field + "' " + what;
  }

  static std::optional<std::string> CheckLength(std::size_t n, const Json& shape,
                                                const std::string& field) {
    if (shape.contains("min") && static_cast<double>(n) < shape.at("min").get<double>()) {
      return Fail(field, "is smaller than the minimum length");
    }
    if (shape.contains("max") && static_cast<double>(n) > shape.at("max").get<double>()) {
      return Fail(field, "exceeds the maximum length");
    }
    return std::nullopt;
  }

  /// Step Functions spells members with a capital first letter
  /// (`executionArn` is `ExecutionArn`).
  static std::string SfnCased(std::string name) {
    if (!name.empty())
      name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    return name;
  }

  std::optional<std::string> CheckStructure(const OJson& value, const Json& shape,
                                            const std::string& field, int depth) const {
    if (!value.is_object()) {
      if (field.empty()) return std::string("Mock result must be a valid JSON object");
      return Fail(field, "must be an object");
    }
    const Json& members = shape.contains("members") ? shape.at("members") : Json::object();
    if (mode_ == FieldValidationMode::kStrict && shape.contains("required")) {
      for (const Json& required : shape.at("required")) {
        const std::string key = SfnCased(required.get<std::string>());
        if (!value.contains(key)) {
          return "Mock result schema validation error: Required field '" + key + "' is missing";
        }
      }
    }
    for (const auto& [key, v] : value.items()) {
      const Json* member = nullptr;
      for (const auto& [name, m] : members.items()) {
        if (SfnCased(name) == key) member = &m;
      }
      if (member == nullptr) {
        for (const auto& [name, m] : members.items()) {
          if (Fold(name) == Fold(key)) member = &m;
        }
      }
      // Members the API does not know are accepted (forward compatibility).
      if (member == nullptr) continue;
      if (auto e = Check(v, member->value("shape", ""), key, depth + 1)) return e;
    }
    return std::nullopt;
  }

  const Json& shapes_;
  FieldValidationMode mode_;
};

}  // namespace

std::optional<std::string> CheckMockedResultShape(const std::string& resource,
                                                  const std::string& result_text,
                                                  FieldValidationMode mode,
                                                  const std::vector<std::string>& data_dirs) {
  // Key order decides which field is reported first: keep the author's.
  const OJson result = OJson::parse(result_text, nullptr, false);
  if (mode == FieldValidationMode::kNone || result.is_discarded() || result.is_null()) {
    return std::nullopt;
  }
  static constexpr std::string_view kPrefix = "arn:aws:states:::";
  if (resource.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::string rest = resource.substr(kPrefix.size());
  for (std::string_view suffix : {".waitForTaskToken", ".sync:2", ".sync"}) {
    const auto at = rest.find(suffix);
    if (at != std::string::npos) rest.erase(at);
  }
  std::string service;
  std::string action;
  if (rest.rfind("aws-sdk:", 0) == 0) rest.erase(0, 8);
  const auto colon = rest.find(':');
  if (colon == std::string::npos) return std::nullopt;
  service = rest.substr(0, colon);
  action = rest.substr(colon + 1);
  // No botocore operation stands behind these (API Gateway's invoke is an
  // HTTP call, `http:invoke` an HTTPS endpoint).
  if (service == "apigateway" && action == "invoke") return std::nullopt;
  if (service == "http") return std::nullopt;
  const std::optional<Json> model = LoadModel(BotocoreService(service), data_dirs);
  if (!model || !model->contains("operations") || !model->contains("shapes")) return std::nullopt;
  const Json* operation = nullptr;
  for (const auto& [name, op] : model->at("operations").items()) {
    if (Fold(name) == Fold(action)) operation = &op;
  }
  if (operation == nullptr || !operation->contains("output")) return std::nullopt;
  const std::string output_shape = operation->at("output").value("shape", "");
  return ShapeChecker(model->at("shapes"), mode).Check(result, output_shape, "");
}

}  // namespace stepsim::sim
