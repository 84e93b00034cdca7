#pragma once

#include <coroutine>
#include <exception>
#include <utility>

namespace stepsim::sim::internal {

/// A lazily started coroutine returning T, awaitable once, owning its frame.
/// The interpreter's activities (the execution, Parallel branches, Map
/// iterations) are coroutines so that waits suspend them on the virtual
/// clock instead of blocking.
template <typename T>
class Co {
 public:
  struct promise_type;
  using Handle = std::coroutine_handle<promise_type>;

  struct promise_type {
    T value{};
    std::coroutine_handle<> continuation;
    std::exception_ptr exception;

    Co get_return_object() { return Co(Handle::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct Final {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(Handle h) noexcept {
        auto c = h.promise().continuation;
        if (c) return c;
        return std::noop_coroutine();
      }
      void await_resume() noexcept {}
    };
    Final final_suspend() noexcept { return {}; }
    void return_value(T v) { value = std::move(v); }
    void unhandled_exception() { exception = std::current_exception(); }
  };

  Co() = default;
  explicit Co(Handle h) : h_(h) {}
  Co(Co&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Co& operator=(Co&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  Co(const Co&) = delete;
  Co& operator=(const Co&) = delete;
  ~Co() {
    if (h_) h_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> c) noexcept {
    h_.promise().continuation = c;
    return h_;
  }
  T await_resume() {
    if (h_.promise().exception) std::rethrow_exception(h_.promise().exception);
    return std::move(h_.promise().value);
  }

  Handle handle() const { return h_; }
  bool done() const { return h_.done(); }
  T& result() { return h_.promise().value; }
  std::exception_ptr exception() const { return h_.promise().exception; }

 private:
  Handle h_;
};

}  // namespace stepsim::sim::internal
