#!/usr/bin/env python3
"""Runs a conformance corpus and fails when any group's pass rate is below its
floor in a thresholds file (a floor only ever rises: a lower pass rate is a
regression).

usage: gate.py CLI CASES_DIR THRESHOLDS_JSON
           the check.py beside CASES_DIR (../shared/conformance/check.py for
           executions, ../shared/conformance-teststate/check.py for TestState
           calls); groups are its feature folders
       gate.py --jsonata-suite CLI SUITE_DIR THRESHOLDS_JSON
           ../shared/jsonata-suite/run_suite.py; groups are the jsonata-js
           suite's groups, and any crash or hang fails the gate
"""
import json
import os
import subprocess
import sys
import tempfile


def run_report(command, report_file):
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(run.stdout)
    if run.returncode != 0:
        print(f"{os.path.basename(command[1])} exited {run.returncode}")
        return None
    with open(report_file) as f:
        return json.load(f)


def conformance_counts(cli, cases, tmp):
    report_file = os.path.join(tmp, "report.json")
    check = os.path.join(os.path.dirname(os.path.abspath(cases)), "check.py")
    report = run_report([sys.executable, check, "--cli", cli, "--cases", cases,
                         "--jobs", "2", "--report", report_file, "--verbose"], report_file)
    if report is None:
        return None, []
    return {feature: (c["pass"], c["pass"] + c["fail"])
            for feature, c in report["by_feature"].items()}, []


def jsonata_counts(cli, suite, tmp):
    report_file = os.path.join(tmp, "report.json")
    runner = os.path.join(suite, "run_suite.py")
    report = run_report([sys.executable, runner, "--cli", cli, "--jobs", "2",
                         "--report", report_file], report_file)
    if report is None:
        return None, []
    counts = {group: (c["pass"], c["pass"] + c["fail"] + c["error"] + c["missed-error"])
              for group, c in report["groups"].items()}
    problems = [f"crash or hang: {case}" for case in report["summary"].get("crash_or_hang", [])]
    return counts, problems


def main() -> int:
    args = sys.argv[1:]
    jsonata = args[:1] == ["--jsonata-suite"]
    if jsonata:
        args = args[1:]
    if len(args) != 3:
        print(__doc__)
        return 2
    cli, corpus, thresholds_file = args
    with open(thresholds_file) as f:
        floors = json.load(f)["floors"]
    with tempfile.TemporaryDirectory() as tmp:
        counts, problems = (jsonata_counts if jsonata else conformance_counts)(cli, corpus, tmp)
    if counts is None:
        return 1
    for group, floor in sorted(floors.items()):
        passed, total = counts.get(group, (0, 0))
        rate = passed / total if total else 1.0
        if rate + 1e-9 < floor:
            problems.append(f"below floor: {group}: {passed}/{total} = {rate:.1%}, floor {floor:.1%}")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
