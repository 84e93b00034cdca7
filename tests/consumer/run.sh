#!/usr/bin/env bash
# run.sh install|subdirectory SOURCE_DIR BUILD_DIR: builds the consumer
# against stepsim and checks that it loads the order workflow.
set -euo pipefail
mode=$1 src=$2 build=$3
work="$build/consumer-$mode"
rm -rf "$work"
if [[ $mode == install ]]; then
  cmake --install "$build" --prefix "$work/prefix" >/dev/null
  cmake -S "$src/tests/consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
else
  cmake -S "$src/tests/consumer" -B "$work/build" -DSTEPSIM_TREE="$src" >/dev/null
fi
cmake --build "$work/build" -j2 >/dev/null
out=$("$work/build/consumer" "$src/fixtures/order-processing/definition.asl.json")
expected="CheckInventory
IsInventoryAvailable
ProcessPayment
CreateShippingLabel
InventoryUnavailableState
InventoryErrorState
NotifyUserOfFailure"
if [[ "$out" != "$expected" ]]; then
  echo "consumer ($mode) printed:"; echo "$out"; exit 1
fi
echo "consumer ($mode): ok"
