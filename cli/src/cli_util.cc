#include "cli_util.h"

#include <stepsim/asl/loader.h>
#include <stepsim/error.h>

#include <fstream>
#include <iterator>
#include <utility>

namespace stepsim::cli::internal {

ArgParser::ArgParser(std::string command, const char* usage, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err)
    : command_(std::move(command)), usage_(usage), args_(&args), out_(&out), err_(&err) {}

bool ArgParser::Next() {
  if (started_) ++index_;
  started_ = true;
  if (index_ >= args_->size()) return false;
  flag_ = (*args_)[index_];
  inline_value_.reset();
  // Only long options take `=value`; a short option's value is the next argument.
  if (flag_.rfind("--", 0) == 0) {
    if (const auto eq = flag_.find('='); eq != std::string::npos) {
      inline_value_ = flag_.substr(eq + 1);
      flag_.resize(eq);
    }
  }
  return true;
}

bool ArgParser::Help() {
  if (flag_ != "--help" && flag_ != "-h") return false;
  *out_ << usage_;
  return true;
}

bool ArgParser::Value(std::string* target, const char* detail) {
  if (inline_value_) {
    *target = *inline_value_;
    return true;
  }
  if (index_ + 1 >= args_->size()) {
    *err_ << command_ << ": " << flag_ << " needs a value" << detail << '\n';
    return false;
  }
  *target = (*args_)[++index_];
  return true;
}

bool ArgParser::Value(std::optional<std::string>* target) {
  std::string value;
  if (!Value(&value)) return false;
  *target = std::move(value);
  return true;
}

bool ArgParser::FormatValue(const char* first, const char* second, std::string* target) {
  std::string value;
  if (!Value(&value)) return false;
  if (value != first && value != second) {
    *err_ << command_ << ": unknown format \"" << value << "\" (expected " << first << " or "
          << second << ")\n";
    return false;
  }
  *target = std::move(value);
  return true;
}

bool ArgParser::NoValue() {
  if (!inline_value_) return true;
  *err_ << command_ << ": " << flag_ << " takes no value\n";
  return false;
}

void ArgParser::UnknownOption(const std::string& name) {
  *err_ << command_ << ": unknown option \"" << name << "\"\n" << usage_;
}

bool ArgParser::OneDefinition(const std::vector<std::string>& positional, std::string* definition) {
  if (positional.size() == 1) {
    *definition = positional[0];
    return true;
  }
  if (positional.empty()) {
    *err_ << command_ << ": missing DEFINITION\n" << usage_;
  } else {
    *err_ << command_ << ": expected one DEFINITION, got " << positional.size() << '\n' << usage_;
  }
  return false;
}

void PrintDiagnostics(const std::vector<asl::Diagnostic>& diagnostics, std::ostream& err,
                      ShownDiagnostics shown) {
  for (const asl::Diagnostic& d : diagnostics) {
    if (shown == ShownDiagnostics::kErrorsOnly && d.severity != asl::Severity::kError) continue;
    err << asl::FormatDiagnostic(d) << '\n';
  }
}

std::shared_ptr<const asl::Definition> LoadDefinitionOrReport(const std::string& file,
                                                              std::ostream& err,
                                                              ShownDiagnostics shown) {
  try {
    return asl::LoadFile(file);
  } catch (const asl::DefinitionError& e) {
    PrintDiagnostics(e.diagnostics(), err, shown);
    return nullptr;
  }
}

bool ReadFile(const std::string& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  text->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) file << text;
  if (file) file.close();
  return static_cast<bool>(file);
}

bool WriteFileOrReport(const std::string& path, const std::string& text, std::ostream& err) {
  if (!WriteFile(path, text)) {
    asl::Diagnostic d;
    d.file = path;
    d.code = "FILE_NOT_WRITABLE";
    d.message = "cannot write the file";
    err << asl::FormatDiagnostic(d) << '\n';
    return false;
  }
  return true;
}

bool WriteCoverageOrReport(const std::string& path, const report::CoverageData& data,
                           const std::string& command, std::ostream& err) {
  try {
    report::WriteCoverageFile(path, data);
    return true;
  } catch (const UsageError& e) {
    err << command << ": " << e.what() << '\n';
    return false;
  }
}

bool WriteOutput(const std::optional<std::string>& path, const std::string& text, std::ostream& out,
                 std::ostream& err) {
  if (!path) {
    out << text;
    return true;
  }
  return WriteFileOrReport(*path, text, err);
}

}  // namespace stepsim::cli::internal
