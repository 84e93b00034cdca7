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
    out="$build_dir/demo"
    rm -rf "$out" && mkdir -p "$out"
    step() { echo; echo "== stepsim $*"; }
    step validate "$wf/definition.asl.json"
    "$stepsim" validate "$wf/definition.asl.json"
    step lint "$wf/definition.asl.json" "(the errors nobody catches; exit 1 is expected)"
    "$stepsim" lint "$wf/definition.asl.json" || true
    step paths "$wf/definition.asl.json" --count-only
    "$stepsim" paths "$wf/definition.asl.json" --count-only
    step run "$wf/definition.asl.json" --test-case PaymentRetriedThenSucceeds --trace
    "$stepsim" run "$wf/definition.asl.json" --input "$wf/input.json" \
      --mock-config "$wf/mocks.json" --test-case PaymentRetriedThenSucceeds --trace
    step test examples/order-processing/scenarios.json --junit --coverage-out
    "$stepsim" test examples/order-processing/scenarios.json --junit "$out/scenarios.junit.xml" \
      --coverage-out "$out/coverage.json"
    step coverage report --lcov --cobertura --html --fail-under "(every criterion at 100%)"
    "$stepsim" coverage report "$out/coverage.json" --lcov "$out/order.info" \
      --cobertura "$out/order.cobertura.xml" --html "$out/html" \
      --fail-under states=100,transitions=100,choices=100,retries=100,catches=100,errors=100
    step explore "$wf/definition.asl.json" --runs 500 "(hunts for unguarded paths; exit 1 is expected)"
    "$stepsim" explore "$wf/definition.asl.json" --runs 500 --seed 1 \
      --mock-config "$wf/mocks.json" --allow-error PaymentGatewayTimeout \
      --out-dir "$out/findings" || true
    echo
    echo "Reports: $out/html/index.html, $out/order.info, $out/order.cobertura.xml, $out/scenarios.junit.xml"
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
