#!/usr/bin/env bash
# Runs the AWS conformance corpus against the stepsim CLI.
#
#   scripts/conformance.sh [check.py options...]   e.g. --jobs 2 --verbose --filter base/
#
# Paths are relative to the repository root (this script cds there first):
# the CLI is build/bin/stepsim (override with STEPSIM_CLI=path/to/stepsim) and
# the corpus is ../shared/conformance/cases. Exit status is check.py's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec python3 ../shared/conformance/check.py \
  --cli "${STEPSIM_CLI:-build/bin/stepsim}" \
  --cases ../shared/conformance/cases \
  "$@"
