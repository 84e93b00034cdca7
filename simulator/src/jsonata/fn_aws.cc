#include <openssl/evp.h>
#include <stepsim/sim/rng.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "jsonata/builtins.h"

namespace stepsim::jsonata::internal {

namespace {

void NormalizeNumbers(Json& j) {
  if (j.is_number_float()) {
    j = MakeNumber(j.get<double>());
  } else if (j.is_array() || j.is_object()) {
    for (auto& e : j) NormalizeNumbers(e);
  }
}

}  // namespace

// ---- Step Functions additions (JSONATA-02) ----

Val FnPartition(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const double size = Num(a, 1, "partition");
  if (size <= 0 || std::floor(size) != size) BadArg("partition", 1);
  std::vector<Val> items = Items(a[0]);
  Json out = Json::array();
  const auto n = static_cast<std::size_t>(size);
  for (std::size_t i = 0; i < items.size(); i += n) {
    Json chunk = Json::array();
    for (std::size_t k = i; k < std::min(items.size(), i + n); ++k) chunk.push_back(*items[k].j);
    out.push_back(std::move(chunk));
  }
  return Val::Owned(std::move(out));
}

Val FnRange(Evaluator&, Args& a, const Val&) {
  const double start = Num(a, 0, "range");
  const double end = Num(a, 1, "range");
  const double step = Num(a, 2, "range");
  if (step == 0) BadArg("range", 2);
  Json out = Json::array();
  for (double v = start; step > 0 ? v <= end : v >= end; v += step) {
    out.push_back(MakeNumber(v));
    if (out.size() > 10000000)
      Throw("D2014", "The size of the sequence allocated by $range must not exceed 1e7");
  }
  return Val::Sequence(std::move(out));
}

Val FnHash(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& data = Str(a, 0, "hash");
  std::string algorithm = "SHA-256";
  if (Has(a, 1)) algorithm = Str(a, 1, "hash");
  const EVP_MD* md = nullptr;
  if (algorithm == "MD5")
    md = EVP_md5();
  else if (algorithm == "SHA-1")
    md = EVP_sha1();
  else if (algorithm == "SHA-256")
    md = EVP_sha256();
  else if (algorithm == "SHA-384")
    md = EVP_sha384();
  else if (algorithm == "SHA-512")
    md = EVP_sha512();
  else
    BadArg("hash", 1);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, md, nullptr) != 1) BadArg("hash", 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return String(std::move(out));
}

Val FnUuid(Evaluator& ev, Args&, const Val&) {
  sim::Rng* rng = ev.bindings().rng;
  if (!rng) Throw("D3137", "$uuid() needs a random number generator");
  std::uint64_t hi = rng->Next();
  std::uint64_t lo = rng->Next();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return String(buf);
}

Val FnParse(Evaluator&, Args& a, const Val&) {
  if (a[0].undefined()) return Val();
  const std::string& s = Str(a, 0, "parse");
  Json j = Json::parse(s, nullptr, false);
  if (j.is_discarded()) Throw("D3140", "Unable to parse JSON: " + Stringify(Json(s), false));
  NormalizeNumbers(j);
  return Val::Owned(std::move(j));
}

}  // namespace stepsim::jsonata::internal
