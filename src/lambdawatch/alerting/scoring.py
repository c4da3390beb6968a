"""Risk 0-100 from an alert's rule severity and findings; weights are data, the sum is explained."""

from __future__ import annotations

from dataclasses import dataclass

from lambdawatch.findings import Finding

BASE_BY_SEVERITY = {"critical": 40, "high": 30, "medium": 20, "low": 10, "info": 0}
WEIGHT_BY_SEVERITY = {"critical": 30, "high": 20, "medium": 10, "low": 4, "info": 0}


@dataclass(frozen=True)
class Score:
    risk: int
    why: list[str]


def score(rule_severity: str, findings: list[Finding]) -> Score:
    total = BASE_BY_SEVERITY[rule_severity]
    why = [f"+{total} rule severity {rule_severity}"]
    for f in findings:
        w = WEIGHT_BY_SEVERITY[f.severity]
        if w:
            total += w
            why.append(f"+{w} {f.kind} ({f.severity})")
    return Score(min(100, total), why)
