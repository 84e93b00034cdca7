#!/usr/bin/env bash
# Lint gates of CI (STYLE.md rule 16).
#   scripts/ci/lint.sh format          fail when a C++ file is not clang-format clean
#   scripts/ci/lint.sh tidy BUILD_DIR  run clang-tidy (.clang-tidy) on every project
#                                      source in BUILD_DIR/compile_commands.json,
#                                      two at a time; fail on any warning
set -euo pipefail
cd "$(dirname "$0")/../.."

case "${1:-}" in
  format)
    mapfile -t files < <(git ls-files '*.h' '*.cc' | grep -v -e '^tests/fuzz/corpus/' -e '^fixtures/')
    bad=()
    for f in "${files[@]}"; do
      if ! clang-format-14 --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
    done
    if ((${#bad[@]})); then
      echo "not clang-format clean (run clang-format-14 -i on them):" >&2
      printf '  %s\n' "${bad[@]}" >&2
      exit 1
    fi
    echo "clang-format: ${#files[@]} files clean"
    ;;
  tidy)
    build=${2:?usage: scripts/ci/lint.sh tidy BUILD_DIR}
    if [[ ! -f $build/compile_commands.json ]]; then
      echo "no $build/compile_commands.json (configure with CMake first)" >&2
      exit 2
    fi
    # Project sources only: not the generated witness test, not fixtures.
    run-clang-tidy-14 -quiet -j "${STEPSIM_JOBS:-2}" -p "$build" \
      "$PWD/(simulator|analysis|reports|framework|cli|tests|bench|examples)/.*\.cc$"
    ;;
  *)
    echo "usage: scripts/ci/lint.sh format | tidy BUILD_DIR" >&2
    exit 2
    ;;
esac
