#include <stepsim/sim/clock.h>

#include <string>
#include <utility>
#include <vector>

#include "jsonata/builtins.h"
#include "text/utf8.h"

namespace stepsim::jsonata::internal {

// The name of the built-in being run, for error texts.
[[noreturn]] void BadArg(const char* fn, std::size_t index) {
  Throw("T0410", "Argument " + std::to_string(index + 1) + " of function \"" + fn +
                     "\" does not match function signature");
}

bool Has(const Args& a, std::size_t i) { return i < a.size() && !a[i].undefined(); }

const std::string& Str(const Args& a, std::size_t i, const char* fn) {
  if (i >= a.size() || !a[i].j || !a[i].j->is_string()) BadArg(fn, i);
  return a[i].j->get_ref<const std::string&>();
}

double Num(const Args& a, std::size_t i, const char* fn) {
  if (i >= a.size() || !a[i].j || !a[i].j->is_number()) BadArg(fn, i);
  return a[i].j->get<double>();
}

const std::regex* Regex(const Args& a, std::size_t i) {
  if (i < a.size() && a[i].fn && a[i].fn->kind == Callable::Kind::kRegex) {
    return a[i].fn->regex.get();
  }
  return nullptr;
}

Val Bool(bool b) { return Val::Boolean(b); }
Val Number(double d) { return Val::Owned(MakeNumber(d)); }
Val String(std::string s) { return Val::Owned(std::move(s)); }

// UTF-8 <-> code points, since JSONata counts characters, not bytes.
std::u32string Decode(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = c;
    int extra = 0;
    if (c >= 0xF0) {
      cp = c & 0x07;
      extra = 3;
    } else if (c >= 0xE0) {
      cp = c & 0x0F;
      extra = 2;
    } else if (c >= 0xC0) {
      cp = c & 0x1F;
      extra = 1;
    }
    ++i;
    for (int k = 0; k < extra && i < s.size(); ++k, ++i) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
    }
    out += cp;
  }
  return out;
}

std::string Encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t cp : s) stepsim::internal::AppendUtf8(out, cp);
  return out;
}

namespace {

constexpr int kAny = 1000;

}  // namespace

const std::vector<Builtin>& Builtins() {
  static const std::vector<Builtin> kTable = {
      {"string", FnString, 1, 2, true, 'x', 'x'},
      {"length", FnLength, 1, 1, true, 's', 'x'},
      {"substring", FnSubstring, 2, 3, true, 's', 'n'},
      {"substringBefore", FnSubstringBefore, 2, 2, true, 's', 's'},
      {"substringAfter", FnSubstringAfter, 2, 2, true, 's', 's'},
      {"uppercase", FnUppercase, 1, 1, true, 's', 'x'},
      {"lowercase", FnLowercase, 1, 1, true, 's', 'x'},
      {"trim", FnTrim, 1, 1, true, 's', 'x'},
      {"pad", FnPad, 2, 3, true, 's', 'n'},
      {"contains", FnContains, 2, 2, true, 's', 'r'},
      {"split", FnSplit, 2, 3, true, 's', 'r'},
      {"join", FnJoin, 1, 2, false, 'x', 'x'},
      {"match", FnMatch, 2, 3, true, 's', 'f'},
      {"replace", FnReplace, 3, 4, true, 's', 'r'},
      {"base64encode", FnBase64Encode, 1, 1, true, 's', 'x'},
      {"base64decode", FnBase64Decode, 1, 1, true, 's', 'x'},
      {"encodeUrlComponent", FnEncodeUrlComponent, 1, 1, true, 's', 'x'},
      {"encodeUrl", FnEncodeUrl, 1, 1, true, 's', 'x'},
      {"decodeUrlComponent", FnDecodeUrlComponent, 1, 1, true, 's', 'x'},
      {"decodeUrl", FnDecodeUrl, 1, 1, true, 's', 'x'},
      {"number", FnNumber, 1, 1, true, 'x', 'x'},
      {"abs", FnAbs, 1, 1, true, 'n', 'x'},
      {"floor", FnFloor, 1, 1, true, 'n', 'x'},
      {"ceil", FnCeil, 1, 1, true, 'n', 'x'},
      {"round", FnRound, 1, 2, true, 'n', 'n'},
      {"power", FnPower, 2, 2, true, 'n', 'n'},
      {"sqrt", FnSqrt, 1, 1, true, 'n', 'x'},
      {"random", FnRandom, 0, 1, false, 'x', 'x'},
      {"formatNumber", FnFormatNumber, 2, 3, true, 'n', 's'},
      {"formatBase", FnFormatBase, 1, 2, true, 'n', 'n'},
      {"sum", FnSum, 1, 1, false, 'x', 'x'},
      {"max", FnMax, 1, 1, false, 'x', 'x'},
      {"min", FnMin, 1, 1, false, 'x', 'x'},
      {"average", FnAverage, 1, 1, false, 'x', 'x'},
      {"count", FnCount, 0, 1, false, 'x', 'x'},
      {"boolean", FnBoolean, 1, 1, true, 'x', 'x'},
      {"not", FnNot, 1, 1, true, 'x', 'x'},
      {"exists", FnExists, 1, 1, false, 'x', 'x'},
      {"append", FnAppend, 2, 2, false, 'x', 'x'},
      {"reverse", FnReverse, 1, 1, false, 'x', 'x'},
      {"sort", FnSort, 1, 2, false, 'x', 'x'},
      {"shuffle", FnShuffle, 1, 1, false, 'x', 'x'},
      {"distinct", FnDistinct, 1, 1, false, 'x', 'x'},
      {"zip", FnZip, 0, kAny, false, 'x', 'x'},
      {"keys", FnKeys, 1, 1, true, 'x', 'x'},
      {"lookup", FnLookup, 2, 2, true, 'x', 's'},
      {"spread", FnSpread, 1, 1, true, 'x', 'x'},
      {"merge", FnMerge, 1, 1, false, 'x', 'x'},
      {"each", FnEach, 2, 2, true, 'x', 'f'},
      {"sift", FnSift, 2, 2, true, 'x', 'f'},
      {"type", FnType, 1, 1, false, 'x', 'x'},
      {"error", FnError, 0, 1, false, 'x', 'x'},
      {"assert", FnAssert, 1, 2, false, 'x', 'x'},
      {"map", FnMap, 2, 2, false, 'x', 'x'},
      {"filter", FnFilter, 2, 2, false, 'x', 'x'},
      {"single", FnSingle, 1, 2, false, 'x', 'x'},
      {"reduce", FnReduce, 2, 3, false, 'x', 'x'},
      {"now", FnNow, 0, 2, false, 'x', 'x'},
      {"millis", FnMillis, 0, 0, false, 'x', 'x'},
      {"toMillis", FnToMillis, 1, 2, true, 's', 's'},
      {"fromMillis", FnFromMillis, 1, 3, true, 'n', 's'},
      {"formatInteger", FnFormatInteger, 2, 2, true, 'n', 's'},
      {"parseInteger", FnParseInteger, 2, 2, true, 's', 's'},
      {"partition", FnPartition, 2, 2, false, 'x', 'x'},
      {"range", FnRange, 3, 3, false, 'x', 'x'},
      {"hash", FnHash, 1, 2, false, 'x', 'x'},
      {"uuid", FnUuid, 0, 0, false, 'x', 'x'},
      {"parse", FnParse, 1, 1, false, 'x', 'x'},
  };
  return kTable;
}

int FindBuiltin(std::string_view name) {
  const auto& table = Builtins();
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (name == table[i].name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace stepsim::jsonata::internal
