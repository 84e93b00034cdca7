#!/usr/bin/env bash
# The two README commands:
#   scripts/dev.sh demo   install what is missing, build, run the order example
#   scripts/dev.sh test   install what is missing, build, run every test
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${STEPSIM_BUILD_DIR:-build}
jobs=${STEPSIM_JOBS:-2}

configure_and_build() {
  scripts/setup.sh
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTEPSIM_WERROR=ON "$@" >/dev/null
  cmake --build "$build_dir" -j"$jobs"
}

case "${1:-}" in
  demo)
    configure_and_build -DSTEPSIM_BUILD_TESTS=OFF -DSTEPSIM_BUILD_BENCH=OFF
    stepsim="$build_dir/bin/stepsim"
    wf=fixtures/order-processing
    echo "== stepsim validate $wf/definition.asl.json"
    "$stepsim" validate "$wf/definition.asl.json"
    for case in HappyPath PaymentRetriedThenSucceeds PaymentRetriesExhausted; do
      echo
      echo "== stepsim run $wf/definition.asl.json --test-case $case --trace"
      "$stepsim" run "$wf/definition.asl.json" --input "$wf/input.json" \
        --mock-config "$wf/mocks.json" --test-case "$case" --trace
    done
    ;;
  test)
    configure_and_build -DSTEPSIM_BUILD_TESTS=ON -DSTEPSIM_BUILD_BENCH=ON
    ctest --test-dir "$build_dir" --output-on-failure -j"$jobs" --timeout 600
    ;;
  *)
    echo "usage: scripts/dev.sh demo|test" >&2
    exit 2
    ;;
esac
