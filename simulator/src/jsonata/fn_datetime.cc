#include <stepsim/sim/clock.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "jsonata/builtins.h"
#include "jsonata/picture.h"

namespace stepsim::jsonata::internal {

namespace {

// $fromMillis/$now from argument `picture_at` on: [picture], [timezone].
Val FromMillisWith(std::int64_t ms, const Args& a, std::size_t picture_at, const char* fn) {
  const std::string* picture = Has(a, picture_at) ? &Str(a, picture_at, fn) : nullptr;
  const std::string* timezone = Has(a, picture_at + 1) ? &Str(a, picture_at + 1, fn) : nullptr;
  return String(FormatDateTime(ms, picture, timezone));
}

std::string Padded(int v, int width) {
  std::string s = std::to_string(v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return s;
}

// JSONata's ISO 8601 check, then JavaScript's Date.parse of what it lets
// through (a date, a date-time, a fraction, Z or an offset; no offset = UTC).
std::optional<double> ParseIso8601(const std::string& s) {
  static const std::regex kIso(
      R"(^(\d{4})(?:-([01]\d))?(?:-([0-3]\d))?(?:T([0-2]\d):([0-5]\d):([0-5]\d))?(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$)");
  std::smatch m;
  if (!std::regex_match(s, m, kIso)) return std::nullopt;
  auto num = [&](int g, int fallback) { return m[g].matched ? std::stoi(m.str(g)) : fallback; };
  const int month = num(2, 1);
  const int day = num(3, 1);
  if (month < 1 || month > 12 || day < 1 || day > 31 || num(4, 0) > 24) return std::nullopt;
  double ms = 0;
  if (m[7].matched) ms = std::floor(std::stod("0" + m.str(7)) * 1000 + 1e-6);
  const std::string when = Padded(num(1, 0), 4) + "-" + Padded(month, 2) + "-" + Padded(day, 2) +
                           "T" + Padded(num(4, 0), 2) + ":" + Padded(num(5, 0), 2) + ":" +
                           Padded(num(6, 0), 2) + "Z";
  sim::VirtualTime t;
  if (!sim::ParseTimestamp(when, &t)) return std::nullopt;
  double total = static_cast<double>(t.time_since_epoch().count()) + ms;
  if (m[8].matched && m.str(8) != "Z") {
    const std::string z = m.str(8);
    const int hours = std::stoi(z.substr(1, 2));
    const int minutes = std::stoi(z.substr(z.size() - 2));
    const double offset = (hours * 60 + minutes) * 60000.0;
    total += z[0] == '+' ? -offset : offset;
  }
  return total;
}

std::int64_t NowMillis(const Evaluator& ev) { return ev.bindings().now.time_since_epoch().count(); }

}  // namespace

Val FnNow(Evaluator& ev, Args& a, const Val&) { return FromMillisWith(NowMillis(ev), a, 0, "now"); }

Val FnMillis(Evaluator& ev, Args&, const Val&) {
  return Number(static_cast<double>(NowMillis(ev)));
}

Val FnToMillis(Evaluator& ev, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "toMillis");
  if (Has(a, 1)) {
    const std::optional<double> ms = ParseDateTime(s, Str(a, 1, "toMillis"), NowMillis(ev));
    if (!ms || std::isnan(*ms)) return Val();
    return Number(*ms);
  }
  const std::optional<double> ms = ParseIso8601(s);
  if (!ms) {
    Throw("D3110",
          "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given " +
              Stringify(Json(s), false));
  }
  return Number(*ms);
}

Val FnFromMillis(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const double ms = Num(a, 0, "fromMillis");
  return FromMillisWith(static_cast<std::int64_t>(std::floor(ms)), a, 1, "fromMillis");
}

Val FnFormatInteger(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const double value = std::floor(Num(a, 0, "formatInteger"));
  return String(FormatInteger(value, AnalyseIntegerPicture(Str(a, 1, "formatInteger"))));
}

Val FnParseInteger(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& text = Str(a, 0, "parseInteger");
  const std::optional<double> v =
      ParseInteger(text, AnalyseIntegerPicture(Str(a, 1, "parseInteger")));
  if (!v || std::isnan(*v)) return Val();
  return Number(*v);
}

}  // namespace stepsim::jsonata::internal
