"""Run the inline tests of rule files: each case must fire or stay silent, with given findings.

A case is evaluated as a hunt would: a fresh context with the case's ``config`` and the stream
state (``state.setup``), its ``before`` events observed in order, then the case's record: the
record-only match, the state observing it, the context part of the match, then the findings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson

from lambdawatch.engine.bases import make_event
from lambdawatch.engine.evaluate import rule_findings
from lambdawatch.engine.model import RuleTest
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.errors import LambdawatchError
from lambdawatch.ingest.normalize import normalize


@dataclass(frozen=True)
class CaseResult:
    rule: str
    name: str
    passed: bool
    detail: str


def _context(rules: RuleSet, case: RuleTest) -> Any:
    from lambdawatch.config import Config
    from lambdawatch.detect.stream_state import StreamState
    from lambdawatch.engine.context import HuntContext
    from lambdawatch.state.setup import setup

    ctx = HuntContext(rules, Config.model_validate(case.config), state=StreamState())
    setup(ctx, None)
    for i, before in enumerate(case.before):
        record = make_event(before.base, before.patch, before.remove)
        record["eventID"] = f"00000000-0000-4000-8000-b{i:011d}"
        event = normalize(record)
        for obs in ctx.observers:
            obs.observe(event)
    return ctx


def _passes_prefilter(rules: RuleSet, record: dict[str, Any]) -> bool:
    """A firing record must survive the byte prefilter in both JSON forms it is logged in."""
    pf = rules.prefilter
    if pf is None:
        return True
    compact = orjson.dumps(record)
    spaced = json.dumps(record).encode()
    return pf.accepts(compact) and pf.accepts(spaced)


def run_case(rules: RuleSet, rule_id: str, case: RuleTest) -> tuple[bool, str]:
    compiled = rules.by_id[rule_id]
    ctx = _context(rules, case)
    record = make_event(case.base, case.patch, case.remove)
    event = normalize(record)
    for obs in ctx.observers:
        obs.observe(event)
    fired = compiled.matches(record) and compiled.confirm(record, ctx)
    ok = fired == (case.expect == "fire")
    detail = f"expected {case.expect}, got {'fire' if fired else 'silent'}"
    if ok and fired and not _passes_prefilter(rules, record):
        return False, "the byte prefilter would skip this record: add a match.prefilter hint"
    if ok and fired and case.findings is not None:
        event.rules = [rule_id]
        kinds = sorted({f.kind for f in rule_findings(event, rules, ctx)})
        ok = kinds == sorted(case.findings)
        detail = f"findings {kinds}, expected {sorted(case.findings)}"
    return ok, detail


def run_rule_tests(rules: RuleSet, only: set[str] | None = None) -> list[CaseResult]:
    results: list[CaseResult] = []
    for compiled in rules.compiled:
        rule = compiled.rule
        if only and rule.id not in only and rule.slug not in only:
            continue
        for case in rule.tests:
            try:
                ok, detail = run_case(rules, rule.id, case)
            except (LambdawatchError, ValueError) as exc:  # bad base name, bad config: a failure
                ok, detail = False, f"error: {exc}"
            results.append(CaseResult(rule.id, case.name, ok, detail))
    return results
