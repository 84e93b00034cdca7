#include <stepsim/sim/rng.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "jsonata/builtins.h"

namespace stepsim::jsonata::internal {

namespace {

// Shifts the decimal point of `d` by `places` exactly as JSONata does (via
// the number's text), so 2.675 rounds like JavaScript would.
double ShiftDecimal(double d, int places) {
  std::string text = JsNumber(d);
  int exp = 0;
  const std::size_t e = text.find('e');
  if (e != std::string::npos) {
    exp = std::atoi(text.c_str() + e + 1);
    text.resize(e);
  }
  text += "e" + std::to_string(exp + places);
  return std::strtod(text.c_str(), nullptr);
}

// ---- aggregation ----

std::vector<double> Numbers(const Args& a, const char* fn) {
  std::vector<double> out;
  for (const Val& v : Items(a[0])) {
    if (!v.j || !v.j->is_number()) {
      Throw("T0412",
            "Argument 1 of function \"" + std::string(fn) + "\" must be an array of \"numbers\"");
    }
    out.push_back(v.j->get<double>());
  }
  return out;
}

}  // namespace

// ---- numbers ----

Val FnNumber(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  if (!a[0].j) BadArg("number", 0);
  const Json& v = *a[0].j;
  if (v.is_number()) return a[0];
  if (v.is_boolean()) return Number(v.get<bool>() ? 1 : 0);
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    auto fail = [&] { Throw("D3030", "Unable to cast value to a number: " + Stringify(v, false)); };
    if (s.size() > 2 && s[0] == '0' &&
        (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B')) {
      const int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
      char* end = nullptr;
      const long long n = std::strtoll(s.c_str() + 2, &end, base);
      if (*end != '\0') fail();
      return Number(static_cast<double>(n));
    }
    // JSON number syntax only.
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') ++i;
    const std::size_t int_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == int_start) fail();
    if (i < s.size() && s[i] == '.') {
      ++i;
      const std::size_t f = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == f) fail();
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
      const std::size_t e = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == e) fail();
    }
    if (i != s.size()) fail();
    const double d = std::strtod(s.c_str(), nullptr);
    if (!std::isfinite(d)) fail();
    return Number(d);
  }
  if (v.is_null()) BadArg("number", 0);
  Throw("D3030", "Unable to cast value to a number: " + Stringify(v, false));
}

Val FnAbs(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return Number(std::fabs(Num(a, 0, "abs")));
}

Val FnFloor(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return Number(std::floor(Num(a, 0, "floor")));
}

Val FnCeil(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  return Number(std::ceil(Num(a, 0, "ceil")));
}

double RoundHalfEven(double x, int precision) {
  if (precision != 0) x = ShiftDecimal(x, precision);
  double r = std::floor(x + 0.5);
  if (std::fabs(r - x) == 0.5 && std::fabs(std::fmod(r, 2)) == 1) r -= 1;
  if (precision != 0) r = ShiftDecimal(r, -precision);
  if (r == 0) r = 0;
  return r;
}

Val FnRound(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const double x = Num(a, 0, "round");
  int precision = 0;
  if (Has(a, 1)) precision = static_cast<int>(Num(a, 1, "round"));
  return Number(RoundHalfEven(x, precision));
}

Val FnPower(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const double r = std::pow(Num(a, 0, "power"), Num(a, 1, "power"));
  if (!std::isfinite(r)) {
    Throw("D3061",
          "The power function has resulted in a value that cannot be represented as a JSON number: "
          "base=" +
              JsNumber(a[0].j->get<double>()) + ", exponent=" + JsNumber(a[1].j->get<double>()));
  }
  return Number(r);
}

Val FnSqrt(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const double x = Num(a, 0, "sqrt");
  if (x < 0)
    Throw("D3060", "The sqrt function cannot be applied to a negative number: " + JsNumber(x));
  return Number(std::sqrt(x));
}

Val FnRandom(Evaluator& ev, Args& a, const Val&) {
  if (Has(a, 0)) {
    // AWS: the same seed always gives the same number.
    sim::Rng seeded(static_cast<std::uint64_t>(static_cast<std::int64_t>(Num(a, 0, "random"))));
    return Val::Owned(seeded.NextDouble());
  }
  sim::Rng* rng = ev.bindings().rng;
  if (!rng) Throw("D3137", "$random() needs a random number generator");
  return Val::Owned(rng->NextDouble());
}

Val FnFormatBase(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  auto n = static_cast<std::int64_t>(std::llround(Num(a, 0, "formatBase")));
  int radix = 10;
  if (Has(a, 1)) radix = static_cast<int>(Num(a, 1, "formatBase"));
  if (radix < 2 || radix > 36)
    Throw("D3100", "The radix of the formatBase function must be between 2 and 36.  It was given " +
                       std::to_string(radix));
  const bool neg = n < 0;
  std::uint64_t u = neg ? static_cast<std::uint64_t>(-(n + 1)) + 1 : static_cast<std::uint64_t>(n);
  std::string out;
  do {
    out.insert(out.begin(),
               "0123456789abcdefghijklmnopqrstuvwxyz"[u % static_cast<unsigned>(radix)]);
    u /= static_cast<unsigned>(radix);
  } while (u > 0);
  if (neg) out.insert(out.begin(), '-');
  return String(std::move(out));
}

Val FnSum(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  double s = 0;
  for (double d : Numbers(a, "sum")) s += d;
  return Number(s);
}

Val FnMax(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const auto v = Numbers(a, "max");
  if (v.empty()) return Val();
  return Number(*std::max_element(v.begin(), v.end()));
}

Val FnMin(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const auto v = Numbers(a, "min");
  if (v.empty()) return Val();
  return Number(*std::min_element(v.begin(), v.end()));
}

Val FnAverage(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const auto v = Numbers(a, "average");
  if (v.empty()) return Val();
  double s = 0;
  for (double d : v) s += d;
  return Number(s / static_cast<double>(v.size()));
}

Val FnCount(Evaluator&, Args& a, const Val&) {
  if (a.empty() || a[0].undefined()) return Number(0);
  return Number(static_cast<double>(Items(a[0]).size()));
}

}  // namespace stepsim::jsonata::internal
