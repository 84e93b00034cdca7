#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

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
///
/// Stored as a tree of reference tokens with one hash index over
/// (parent, token), so that building is linear and a lookup costs one hash
/// probe per token, whatever the size of the document.
class SourceMap {
 public:
  /// Records the position of the value at `pointer` (later calls win).
  void AddValue(std::string_view pointer, TextPosition position);
  /// Records the position of the key naming the member at `pointer`.
  void AddKey(std::string_view pointer, TextPosition position);

  /// Position of the value at `pointer`; falls back to the nearest ancestor
  /// that has one, then to {0, 0}.
  TextPosition ValuePosition(std::string_view pointer) const;
  /// Position of the key naming the member at `pointer`; falls back to
  /// ValuePosition(pointer).
  TextPosition KeyPosition(std::string_view pointer) const;

  /// Node-level building, as the parser does it. Node 0 is the root ("").
  static constexpr std::uint32_t kRoot = 0;
  /// Sets the position of the root value.
  void SetRootPosition(TextPosition position);
  /// Adds the member `key` (unescaped) of node `parent` and returns its node.
  /// When `parent` already has a member `key`, the new node replaces it for
  /// every lookup and `*previous` receives the old node (else it is left
  /// unchanged).
  std::uint32_t AddMember(std::uint32_t parent, std::string_view key, TextPosition key_position,
                          TextPosition value_position, std::uint32_t* previous = nullptr);
  /// Adds the array element `index` of node `parent` and returns its node.
  std::uint32_t AddElement(std::uint32_t parent, std::size_t index, TextPosition value_position);
  /// The JSON Pointer of a node returned by AddMember or AddElement.
  std::string PointerOf(std::uint32_t node) const;
  /// Pre-sizes for about `nodes` values.
  void Reserve(std::size_t nodes);

 private:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFU;
  struct Node {
    std::uint32_t parent;
    std::uint32_t token_offset;  // escaped token in tokens_
    std::uint32_t token_size;
    TextPosition value;
    TextPosition key;
    bool has_value;
    bool has_key;
  };

  void EnsureRoot();
  std::string_view Token(const Node& node) const {
    return std::string_view(tokens_).substr(node.token_offset, node.token_size);
  }
  static std::uint64_t Hash(std::uint32_t parent, std::string_view token);
  // The child of `parent` named by escaped `token`, or kNone.
  std::uint32_t Child(std::uint32_t parent, std::string_view token) const;
  // Adds a node whose escaped token is tokens_[offset, end) and indexes it,
  // replacing an existing child with the same token.
  std::uint32_t Insert(std::uint32_t parent, std::uint32_t token_offset, std::uint32_t* previous);
  // Re-indexes the current children into `capacity` (a power of two) slots.
  void Rehash(std::size_t capacity);
  // The node at `pointer`, creating missing nodes (for AddValue/AddKey).
  std::uint32_t Materialize(std::string_view pointer);

  std::vector<Node> nodes_;
  std::string tokens_;
  // Open addressing: pairs (node id, 32-bit hash tag) in consecutive
  // elements; id 0 (the root, never a child) marks an empty slot.
  std::vector<std::uint32_t> slots_;
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
