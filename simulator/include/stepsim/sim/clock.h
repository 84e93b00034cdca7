#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace stepsim::sim {

/// Virtual time: milliseconds since the Unix epoch, UTC. Nothing in the
/// simulator reads a real clock.
using Millis = std::chrono::milliseconds;
using VirtualTime = std::chrono::time_point<std::chrono::system_clock, Millis>;

/// The simulation's clock. It only moves when the scheduler advances it.
class VirtualClock {
 public:
  explicit VirtualClock(VirtualTime start = VirtualTime{}) : now_(start) {}
  VirtualTime now() const { return now_; }
  void AdvanceTo(VirtualTime t) {
    if (t > now_) now_ = t;
  }

 private:
  VirtualTime now_;
};

/// "2025-01-01T00:00:00.000Z" (CTX-02).
std::string FormatTimestamp(VirtualTime t);
/// Parses RFC 3339 ("2016-03-14T01:59:00Z", "...+01:00", fractional
/// seconds); false when `text` is not such a timestamp (CHO-09).
bool ParseTimestamp(const std::string& text, VirtualTime* out);

}  // namespace stepsim::sim
