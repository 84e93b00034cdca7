#pragma once

#include <utility>

// Unwrapping a Result<T> (stepsim/error.h) without writing the check out:
//
//   STEPSIM_TRY(JsonPtr eff, SelectPath(...));          // return the AslError
//   STEPSIM_TRY_OR(JsonPtr eff, SelectPath(...), r.Fail);  // return r.Fail(error)
//   STEPSIM_CO_TRY_OR(auto items, SelectItems(...), r.Error);  // co_return ...
//
// `lhs` is a declaration or an existing variable; it receives the value when
// the Result holds one. Otherwise the enclosing function returns (or, in a
// coroutine, co_returns) `on_error(error)`, where `on_error` is any callable
// expression (a function, a member call without its parentheses, a lambda).
// Each macro expands to two statements: inside a bare `if` or `case`, brace
// them.

#define STEPSIM_TRY_CONCAT_INNER_(a, b) a##b
#define STEPSIM_TRY_CONCAT_(a, b) STEPSIM_TRY_CONCAT_INNER_(a, b)
#define STEPSIM_TRY_TMP_ STEPSIM_TRY_CONCAT_(stepsim_try_, __LINE__)

#define STEPSIM_TRY_IMPL_(ret, tmp, lhs, expr, on_error) \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) ret on_error(tmp.error());              \
  lhs = std::move(tmp).value()

/// `lhs = *expr`, or return the error from a function returning Result<U>.
#define STEPSIM_TRY(lhs, expr) STEPSIM_TRY_IMPL_(return, STEPSIM_TRY_TMP_, lhs, expr, )

/// `lhs = *expr`, or `return on_error(error)`.
#define STEPSIM_TRY_OR(lhs, expr, on_error) \
  STEPSIM_TRY_IMPL_(return, STEPSIM_TRY_TMP_, lhs, expr, on_error)

/// `lhs = *expr`, or `co_return on_error(error)` from a coroutine.
#define STEPSIM_CO_TRY_OR(lhs, expr, on_error) \
  STEPSIM_TRY_IMPL_(co_return, STEPSIM_TRY_TMP_, lhs, expr, on_error)
