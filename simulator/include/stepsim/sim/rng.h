#pragma once

#include <cstdint>

namespace stepsim::sim {

/// The only source of randomness in a run: a seeded xoshiro256** generator.
/// Same seed, same sequence, on every platform and standard library (so no
/// std::uniform_*_distribution anywhere in stepsim).
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) { Reseed(seed); }

  void Reseed(std::uint64_t seed) {
    seed_ = seed;
    std::uint64_t x = seed;
    for (auto& word : s_) word = SplitMix64(x);
  }
  std::uint64_t seed() const { return seed_; }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1), 53 bits.
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [lo, hi] (inclusive); requires lo <= hi.
  std::int64_t NextInRange(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    if (span == UINT64_MAX) return static_cast<std::int64_t>(Next());
    const std::uint64_t bound = span + 1;
    // Rejection sampling keeps the draw unbiased.
    const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
    std::uint64_t r = Next();
    while (r >= limit) r = Next();
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + r % bound);
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t SplitMix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::uint64_t seed_ = 0;
  std::uint64_t s_[4] = {};
};

}  // namespace stepsim::sim
