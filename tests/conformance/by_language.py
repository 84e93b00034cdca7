#!/usr/bin/env python3
"""Splits a check.py --report file by query language: a case counts as
JSONata when its definition uses JSONata anywhere (root or any state).

usage: by_language.py REPORT.json CASES_DIR
"""
import json
import os
import sys


def main() -> int:
    report_file, cases = sys.argv[1:3]
    with open(report_file) as f:
        report = json.load(f)
    table = {}
    for r in report["results"]:
        if r["outcome"] == "skip":
            continue
        with open(os.path.join(cases, r["case"], "definition.asl.json")) as f:
            language = "JSONata" if '"JSONata"' in f.read() else "JSONPath"
        row = table.setdefault((r["feature"], language), [0, 0])
        row[0 if r["outcome"] == "pass" else 1] += 1
    totals = {}
    print(f"{'feature':22}{'language':10}{'passed/total':>14}")
    for (feature, language), (passed, failed) in sorted(table.items()):
        print(f"{feature:22}{language:10}{passed:>8}/{passed + failed}")
        t = totals.setdefault(language, [0, 0])
        t[0] += passed
        t[1] += failed
    for language, (passed, failed) in sorted(totals.items()):
        print(f"all {language}: {passed}/{passed + failed} = {passed / (passed + failed):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
