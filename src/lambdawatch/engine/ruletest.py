"""Run the inline tests of rule files: each case must fire or stay silent, with given findings."""

from __future__ import annotations

from dataclasses import dataclass

from lambdawatch.engine.bases import make_event
from lambdawatch.engine.evaluate import rule_findings
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.normalize import normalize


@dataclass(frozen=True)
class CaseResult:
    rule: str
    name: str
    passed: bool
    detail: str


def run_rule_tests(rules: RuleSet, only: set[str] | None = None) -> list[CaseResult]:
    results: list[CaseResult] = []
    for compiled in rules.compiled:
        rule = compiled.rule
        if only and rule.id not in only and rule.slug not in only:
            continue
        for case in rule.tests:
            record = make_event(case.base, case.patch, case.remove)
            fired = compiled.matches(record)
            ok = fired == (case.expect == "fire")
            detail = f"expected {case.expect}, got {'fire' if fired else 'silent'}"
            if ok and fired and case.findings is not None:
                event = normalize(record)
                event.rules = [rule.id]
                kinds = sorted({f.kind for f in rule_findings(event, rules)})
                ok = kinds == sorted(case.findings)
                detail = f"findings {kinds}, expected {sorted(case.findings)}"
            results.append(CaseResult(rule.id, case.name, ok, detail))
    return results
