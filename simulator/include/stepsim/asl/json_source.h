#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace stepsim::asl {

/// A position in a source text: 1-based line and column (column counts
/// Unicode code points, as editors do). Zero means unknown.
struct TextPosition {
  int line = 0;
  int column = 0;

  friend bool operator==(const TextPosition&, const TextPosition&) = default;
};

/// Maps RFC 6901 JSON Pointers ("/States/A/Retry/0") to the position where
/// the value at that pointer starts. The key of an object member is recorded
/// under the member's pointer with `KeyPosition`.
class SourceMap {
 public:
  void AddValue(std::string pointer, TextPosition position);
  void AddKey(std::string pointer, TextPosition position);

  /// Position of the value at `pointer`; falls back to the nearest ancestor
  /// that has one, then to {0, 0}.
  TextPosition ValuePosition(std::string_view pointer) const;
  /// Position of the key naming the member at `pointer`; falls back to
  /// ValuePosition(pointer).
  TextPosition KeyPosition(std::string_view pointer) const;

 private:
  std::map<std::string, TextPosition, std::less<>> values_;
  std::map<std::string, TextPosition, std::less<>> keys_;
};

/// Malformed JSON text: where and what.
class JsonSyntaxError : public std::runtime_error {
 public:
  JsonSyntaxError(TextPosition position, const std::string& message)
      : std::runtime_error(message), position_(position) {}
  TextPosition position() const { return position_; }

 private:
  TextPosition position_;
};

/// A JSON document with the position of every value and key. Members keep
/// their author order (`ordered_json`). Duplicate keys are recorded in
/// `duplicate_keys` (pointer of the second occurrence) and the last one wins.
struct ParsedJson {
  nlohmann::ordered_json value;
  SourceMap positions;
  std::vector<std::string> duplicate_keys;
};

/// Parses RFC 8259 JSON text. Throws JsonSyntaxError on malformed input
/// (never crashes, never recurses without bound: nesting deeper than 512
/// levels is a syntax error).
ParsedJson ParseJsonWithPositions(std::string_view text);

/// Appends one escaped reference token to a JSON Pointer ("~" -> "~0",
/// "/" -> "~1").
std::string AppendPointer(std::string_view pointer, std::string_view token);
std::string AppendPointer(std::string_view pointer, std::size_t index);

}  // namespace stepsim::asl
