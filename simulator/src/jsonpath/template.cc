#include <stepsim/intrinsics/intrinsics.h>
#include <stepsim/jsonpath/json_text.h>
#include <stepsim/jsonpath/path.h>
#include <stepsim/jsonpath/template.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stepsim::jsonpath {
namespace internal {

struct TemplateNode {
  enum class Kind { kStatic, kObject, kArray, kPath, kCall };
  Kind kind = Kind::kStatic;
  Json static_value;                                         // kStatic
  std::vector<std::pair<std::string, TemplateNode>> fields;  // kObject
  std::vector<TemplateNode> items;                           // kArray
  std::optional<Path> path;                                  // kPath
  std::optional<intrinsics::Call> call;                      // kCall
  std::string field;  // the key as written ("x.$"), named in causes
};

}  // namespace internal

struct Template::Impl {
  nlohmann::ordered_json source;
  internal::TemplateNode root;
};

namespace {

using internal::TemplateNode;

std::string PointerToken(std::string_view key) {
  std::string out;
  out.reserve(key.size() + 1);
  out += '/';
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view TypeName(const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::object:
      return "an object";
    case nlohmann::ordered_json::value_t::array:
      return "an array";
    case nlohmann::ordered_json::value_t::boolean:
      return "a boolean";
    case nlohmann::ordered_json::value_t::null:
      return "null";
    case nlohmann::ordered_json::value_t::string:
      return "a string";
    default:
      return "a number";
  }
}

bool EndsWithDollar(std::string_view key) {
  return key.size() >= 2 && key.substr(key.size() - 2) == ".$";
}

TemplateNode CompileNode(const nlohmann::ordered_json& value, const std::string& pointer);

TemplateNode CompileDynamic(const std::string& key, const std::string& text,
                            const std::string& pointer) {
  TemplateNode node;
  node.field = key;
  try {
    if (!text.empty() && text[0] == '$') {
      node.kind = TemplateNode::Kind::kPath;
      node.path = Path::Parse(text);
    } else {
      node.kind = TemplateNode::Kind::kCall;
      node.call = intrinsics::Call::Parse(text);
    }
  } catch (const SyntaxError& e) {
    const char* what = node.kind == TemplateNode::Kind::kPath ? "invalid JSONPath"
                                                              : "invalid intrinsic function call";
    throw TemplateError(pointer, std::string(what) + " \"" + text + "\": " + e.what() +
                                     " at offset " + std::to_string(e.offset()));
  }
  return node;
}

TemplateNode CompileNode(const nlohmann::ordered_json& value, const std::string& pointer) {
  TemplateNode node;
  if (value.is_object()) {
    node.kind = TemplateNode::Kind::kObject;
    bool all_static = true;
    std::vector<std::pair<std::string, std::string>> seen;  // name, key
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string& key = it.key();
      const std::string child_pointer = pointer + PointerToken(key);
      std::string name = key;
      TemplateNode child;
      if (EndsWithDollar(key)) {
        name.resize(key.size() - 2);
        if (!it.value().is_string()) {
          throw TemplateError(child_pointer, "the value of field \"" + key +
                                                 "\" must be a string holding a path or an "
                                                 "intrinsic function call, got " +
                                                 std::string(TypeName(it.value())));
        }
        child = CompileDynamic(key, it.value().get<std::string>(), child_pointer);
      } else {
        child = CompileNode(it.value(), child_pointer);
      }
      // PT-04: "x" and "x.$" would both produce "x".
      for (const auto& [other_name, other_key] : seen) {
        if (other_name == name) {
          throw TemplateError(child_pointer, "field \"" + key + "\" duplicates field \"" +
                                                 other_key + "\" once '.$' is removed");
        }
      }
      seen.emplace_back(name, key);
      all_static = all_static && child.kind == TemplateNode::Kind::kStatic;
      node.fields.emplace_back(std::move(name), std::move(child));
    }
    if (all_static) {
      node.kind = TemplateNode::Kind::kStatic;
      node.static_value = Json(value);
      node.fields.clear();
    }
    return node;
  }
  if (value.is_array()) {
    node.kind = TemplateNode::Kind::kArray;
    bool all_static = true;
    std::size_t index = 0;
    for (const auto& item : value) {
      node.items.push_back(CompileNode(item, pointer + "/" + std::to_string(index++)));
      all_static = all_static && node.items.back().kind == TemplateNode::Kind::kStatic;
    }
    if (all_static) {
      node.kind = TemplateNode::Kind::kStatic;
      node.static_value = Json(value);
      node.items.clear();
    }
    return node;
  }
  node.kind = TemplateNode::Kind::kStatic;
  node.static_value = Json(value);
  return node;
}

// Fills `out`; returns false with `error` set on the first failure.
bool EvaluateNode(const TemplateNode& node, const Env& env, Json& out, AslError& error) {
  switch (node.kind) {
    case TemplateNode::Kind::kStatic:
      out = node.static_value;
      return true;
    case TemplateNode::Kind::kObject: {
      out = Json::object();
      // Fields evaluate in author order, so the first failing field as
      // written is the one reported.
      auto& object = out.get_ref<Json::object_t&>();
      for (const auto& [name, child] : node.fields) {
        auto slot = object.emplace(name, Json()).first;
        if (!EvaluateNode(child, env, slot->second, error)) return false;
      }
      return true;
    }
    case TemplateNode::Kind::kArray: {
      out = Json::array();
      auto& array = out.get_ref<Json::array_t&>();
      array.resize(node.items.size());
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        if (!EvaluateNode(node.items[i], env, array[i], error)) return false;
      }
      return true;
    }
    case TemplateNode::Kind::kPath: {
      const Path& path = *node.path;
      if (path.is_reference()) {
        if (const Json* found = path.Find(env)) {
          out = *found;
          return true;
        }
      } else if (auto selected = path.Select(env)) {
        out = std::move(*selected);
        return true;
      }
      static const Json kNull;
      error = AslError{
          errors::kRuntime,
          FieldNotFoundCause(path.text(), node.field, env.input != nullptr ? *env.input : kNull)};
      return false;
    }
    case TemplateNode::Kind::kCall: {
      auto result = node.call->Evaluate(env, node.field);
      if (!result.ok()) {
        error = result.error();
        return false;
      }
      out = std::move(result).value();
      return true;
    }
  }
  return false;
}

}  // namespace

Template Template::Compile(const nlohmann::ordered_json& value) {
  auto impl = std::make_shared<Impl>();
  impl->source = value;
  impl->root = CompileNode(value, "");
  Template compiled;
  compiled.impl_ = std::move(impl);
  return compiled;
}

Result<Json> Template::Evaluate(const Env& env) const {
  if (!impl_) throw UsageError("jsonpath::Template used before Compile");
  Json out;
  AslError error;
  if (!EvaluateNode(impl_->root, env, out, error)) return error;
  return out;
}

const nlohmann::ordered_json& Template::source() const {
  if (!impl_) throw UsageError("jsonpath::Template used before Compile");
  return impl_->source;
}

}  // namespace stepsim::jsonpath
