"""Per-event evaluation in event-time order: stream state, rule findings, analyzer findings.

Rules decide whether an event matters; each matched event then gets the findings of the rules it
matched plus those of the analyzers, with the stream's state as it stood at that event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.findings import Finding
from lambdawatch.ingest.normalize import Event


class StreamObserver(Protocol):
    def observe(self, event: Event) -> None: ...


Analyzer = Callable[[Event, Any], list[Finding]]


def rule_findings(event: Event, rules: RuleSet, context: Any = None) -> list[Finding]:
    out: list[Finding] = []
    for rule_id in event.rules:
        compiled = rules.by_id.get(rule_id)
        if compiled is None:
            continue
        for cf in compiled.findings:
            evidence = cf.evaluate(event.record, context)
            if evidence is not None:
                s = cf.spec
                out.append(Finding(s.kind, s.code, s.severity, s.title, evidence))
    return out


def evaluate(
    events: Iterable[Event],
    rules: RuleSet,
    *,
    observers: Iterable[StreamObserver] = (),
    analyzers: Iterable[Analyzer] = (),
    context: Any = None,
) -> Iterator[tuple[Event, list[Finding]]]:
    observers = list(observers)
    analyzers = list(analyzers)
    for event in events:
        for obs in observers:
            obs.observe(event)
        # The context part of each rule's match (config, stream state) decides now.
        event.rules = [
            r
            for r in event.rules
            if (c := rules.by_id.get(r)) is None or c.confirm(event.record, context)
        ]
        findings = rule_findings(event, rules, context)
        for analyze in analyzers:
            findings.extend(analyze(event, context))
        yield event, findings
