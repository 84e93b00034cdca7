#pragma once

#include <cstdint>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "jsonata/eval.h"

// The built-in functions, one .cc per family (fn_strings, fn_numbers,
// fn_arrays, fn_datetime, fn_aws), and the argument helpers they share.
namespace stepsim::jsonata::internal {

using Args = std::vector<Val>;

/// Throws T0410 for argument `index` (0-based) of built-in `fn`.
[[noreturn]] void BadArg(const char* fn, std::size_t index);
/// True when argument `i` is present and not undefined.
bool Has(const Args& a, std::size_t i);
/// Argument `i` as a string or number; T0410 otherwise.
const std::string& Str(const Args& a, std::size_t i, const char* fn);
double Num(const Args& a, std::size_t i, const char* fn);
/// Argument `i` when it is a regex, else null.
const std::regex* Regex(const Args& a, std::size_t i);
Val Bool(bool b);
Val Number(double d);
Val String(std::string s);
/// UTF-8 <-> code points: JSONata counts characters, not bytes.
std::u32string Decode(const std::string& s);
std::string Encode(std::u32string_view s);
/// $round: half to even at `precision` decimal places.
double RoundHalfEven(double x, int precision);

Val FnString(Evaluator&, Args& a, const Val&);
Val FnLength(Evaluator&, Args& a, const Val&);
Val FnSubstring(Evaluator&, Args& a, const Val&);
Val FnSubstringBefore(Evaluator&, Args& a, const Val&);
Val FnSubstringAfter(Evaluator&, Args& a, const Val&);
Val FnUppercase(Evaluator&, Args& a, const Val&);
Val FnLowercase(Evaluator&, Args& a, const Val&);
Val FnTrim(Evaluator&, Args& a, const Val&);
Val FnPad(Evaluator&, Args& a, const Val&);
Val FnContains(Evaluator&, Args& a, const Val&);
Val FnSplit(Evaluator&, Args& a, const Val&);
Val FnJoin(Evaluator&, Args& a, const Val&);
Val FnMatch(Evaluator&, Args& a, const Val&);
Val FnReplace(Evaluator& ev, Args& a, const Val&);
Val FnBase64Encode(Evaluator&, Args& a, const Val&);
Val FnBase64Decode(Evaluator&, Args& a, const Val&);
Val FnEncodeUrlComponent(Evaluator&, Args& a, const Val&);
Val FnEncodeUrl(Evaluator&, Args& a, const Val&);
Val FnDecodeUrlComponent(Evaluator&, Args& a, const Val&);
Val FnDecodeUrl(Evaluator&, Args& a, const Val&);
Val FnNumber(Evaluator&, Args& a, const Val&);
Val FnAbs(Evaluator&, Args& a, const Val&);
Val FnFloor(Evaluator&, Args& a, const Val&);
Val FnCeil(Evaluator&, Args& a, const Val&);
Val FnRound(Evaluator&, Args& a, const Val&);
Val FnPower(Evaluator&, Args& a, const Val&);
Val FnSqrt(Evaluator&, Args& a, const Val&);
Val FnRandom(Evaluator& ev, Args& a, const Val&);
Val FnFormatNumber(Evaluator&, Args& a, const Val&);
Val FnFormatBase(Evaluator&, Args& a, const Val&);
Val FnSum(Evaluator&, Args& a, const Val&);
Val FnMax(Evaluator&, Args& a, const Val&);
Val FnMin(Evaluator&, Args& a, const Val&);
Val FnAverage(Evaluator&, Args& a, const Val&);
Val FnCount(Evaluator&, Args& a, const Val&);
Val FnBoolean(Evaluator&, Args& a, const Val&);
Val FnNot(Evaluator&, Args& a, const Val&);
Val FnExists(Evaluator&, Args& a, const Val&);
Val FnAppend(Evaluator&, Args& a, const Val&);
Val FnReverse(Evaluator&, Args& a, const Val&);
Val FnSort(Evaluator& ev, Args& a, const Val&);
Val FnShuffle(Evaluator& ev, Args& a, const Val&);
Val FnDistinct(Evaluator&, Args& a, const Val&);
Val FnZip(Evaluator&, Args& a, const Val&);
Val FnKeys(Evaluator&, Args& a, const Val&);
Val FnLookup(Evaluator&, Args& a, const Val&);
Val FnSpread(Evaluator&, Args& a, const Val&);
Val FnMerge(Evaluator&, Args& a, const Val&);
Val FnEach(Evaluator& ev, Args& a, const Val&);
Val FnSift(Evaluator& ev, Args& a, const Val&);
Val FnType(Evaluator&, Args& a, const Val&);
Val FnError(Evaluator&, Args& a, const Val&);
Val FnAssert(Evaluator&, Args& a, const Val&);
Val FnMap(Evaluator& ev, Args& a, const Val&);
Val FnFilter(Evaluator& ev, Args& a, const Val&);
Val FnSingle(Evaluator& ev, Args& a, const Val&);
Val FnReduce(Evaluator& ev, Args& a, const Val&);
Val FnNow(Evaluator& ev, Args& a, const Val&);
Val FnMillis(Evaluator& ev, Args&, const Val&);
Val FnToMillis(Evaluator&, Args& a, const Val&);
Val FnFromMillis(Evaluator&, Args& a, const Val&);
Val FnFormatInteger(Evaluator&, Args& a, const Val&);
Val FnParseInteger(Evaluator&, Args& a, const Val&);
Val FnPartition(Evaluator&, Args& a, const Val&);
Val FnRange(Evaluator&, Args& a, const Val&);
Val FnHash(Evaluator&, Args& a, const Val&);
Val FnUuid(Evaluator& ev, Args&, const Val&);
Val FnParse(Evaluator&, Args& a, const Val&);

}  // namespace stepsim::jsonata::internal
