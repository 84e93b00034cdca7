#pragma once

// What the `stepsim` commands share: walking their arguments, loading a
// definition and reporting why it cannot be loaded, reading and writing files.

#include <stepsim/asl/definition.h>
#include <stepsim/asl/diagnostic.h>
#include <stepsim/report/coverage.h>

#include <charconv>
#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

namespace stepsim::cli::internal {

/// Walks a command's arguments one at a time: `--name value`, `--name=value`,
/// short `-o value`, and positional words. Every message it prints starts with
/// the command (`stepsim lint: --format needs a value`).
class ArgParser {
 public:
  /// `command` is how messages name the command ("stepsim lint"), `usage` its
  /// help text; `args`, `out` and `err` must outlive the parser.
  ArgParser(std::string command, const char* usage, const std::vector<std::string>& args,
            std::ostream& out, std::ostream& err);

  /// Moves to the next argument; false when there is none left.
  bool Next();

  /// The current argument without its `=value` when it is `--name=value`;
  /// otherwise the whole argument.
  const std::string& flag() const { return flag_; }
  /// The current argument as given.
  const std::string& arg() const { return (*args_)[index_]; }

  /// Whether the current argument is `--help` or `-h`; if so prints the usage
  /// to `out`.
  bool Help();
  /// Starts with `--`.
  bool IsLongOption() const { return flag_.rfind("--", 0) == 0; }
  /// Starts with `-` and is not `-` alone (which names standard input/output).
  bool IsOption() const { return flag_.size() > 1 && flag_[0] == '-'; }

  /// Takes the option's value (inline, else the next argument). Without one,
  /// prints "<command>: <flag> needs a value<detail>" and returns false.
  bool Value(std::string* target, const char* detail = "");
  bool Value(std::optional<std::string>* target);
  /// Takes a `--format` value that must be `first` or `second`; otherwise
  /// prints "<command>: unknown format "X" (expected first or second)" and
  /// returns false.
  bool FormatValue(const char* first, const char* second, std::string* target);
  /// For a switch: false, after "<command>: <flag> takes no value", when it
  /// was given as `--flag=value`.
  bool NoValue();
  /// Prints "<command>: unknown option "<name>"" and the usage to `err`.
  void UnknownOption(const std::string& name);
  /// Takes the one DEFINITION among `positional`; otherwise prints
  /// "<command>: missing DEFINITION" or "<command>: expected one DEFINITION,
  /// got N", then the usage, and returns false.
  bool OneDefinition(const std::vector<std::string>& positional, std::string* definition);

 private:
  std::string command_;
  const char* usage_;
  const std::vector<std::string>* args_;
  std::ostream* out_;
  std::ostream* err_;
  std::size_t index_ = 0;
  bool started_ = false;
  std::string flag_;
  std::optional<std::string> inline_value_;
};

/// Parses all of `text` as a T (std::from_chars); false when it is empty,
/// malformed, has trailing characters or is out of T's range.
template <typename T>
bool ParseNumber(const std::string& text, T* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

/// Which of a definition's diagnostics a failed load prints.
enum class ShownDiagnostics { kAll, kErrorsOnly };

/// Prints `diagnostics` one per line (FormatDiagnostic), skipping warnings
/// and infos when `shown` is kErrorsOnly.
void PrintDiagnostics(const std::vector<asl::Diagnostic>& diagnostics, std::ostream& err,
                      ShownDiagnostics shown = ShownDiagnostics::kAll);

/// Loads the definition in `file`; when it cannot be loaded prints its
/// diagnostics to `err` and returns nullptr (the command then exits 2).
std::shared_ptr<const asl::Definition> LoadDefinitionOrReport(
    const std::string& file, std::ostream& err, ShownDiagnostics shown = ShownDiagnostics::kAll);

/// Reads the bytes of `path` into `text`; false when it cannot be read.
bool ReadFile(const std::string& path, std::string* text);

/// Writes `text` to `path` (truncating it); false when it cannot.
bool WriteFile(const std::string& path, const std::string& text);

/// Writes `text` to `path` (truncating it); when that fails prints
/// "<path>: error[FILE_NOT_WRITABLE]: /: cannot write the file" to `err` and
/// returns false.
bool WriteFileOrReport(const std::string& path, const std::string& text, std::ostream& err);

/// Writes a coverage file; when that fails prints "<command>: <why>" to
/// `err` and returns false.
bool WriteCoverageOrReport(const std::string& path, const report::CoverageData& data,
                           const std::string& command, std::ostream& err);

/// Writes `text` to `path`, or to `out` when there is no path; false (after
/// the FILE_NOT_WRITABLE line) when the file cannot be written.
bool WriteOutput(const std::optional<std::string>& path, const std::string& text, std::ostream& out,
                 std::ostream& err);

}  // namespace stepsim::cli::internal
