#!/usr/bin/env python3
"""Runs the check.py beside CASES_DIR (../shared/conformance/check.py for
executions, ../shared/conformance-teststate/check.py for TestState calls)
and fails when any feature folder's pass rate is below its floor in the
thresholds file (a floor only ever rises: a lower pass rate is a
regression).

usage: gate.py CLI CASES_DIR THRESHOLDS_JSON
"""
import json
import os
import subprocess
import sys
import tempfile


def main() -> int:
    cli, cases, thresholds_file = sys.argv[1:4]
    check = os.path.join(os.path.dirname(os.path.abspath(cases)), "check.py")
    with open(thresholds_file) as f:
        floors = json.load(f)["floors"]
    with tempfile.TemporaryDirectory() as tmp:
        report_file = os.path.join(tmp, "report.json")
        run = subprocess.run(
            [sys.executable, check, "--cli", cli, "--cases", cases,
             "--jobs", "2", "--report", report_file, "--verbose"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(run.stdout)
        if run.returncode != 0:
            print(f"check.py exited {run.returncode}")
            return 1
        with open(report_file) as f:
            report = json.load(f)
    per_feature = {feature: (counts["pass"], counts["fail"])
                   for feature, counts in report["by_feature"].items()}
    regressions = []
    for feature, floor in sorted(floors.items()):
        passed, failed = per_feature.get(feature, (0, 0))
        total = passed + failed
        rate = passed / total if total else 1.0
        if rate + 1e-9 < floor:
            regressions.append(f"{feature}: {passed}/{total} = {rate:.1%}, floor {floor:.1%}")
    for line in regressions:
        print("below floor:", line)
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
