"""Compile a rule's match into a fast Python check over raw records (the byte prefilter is engine/prefilter.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lambdawatch.engine import predicates as _predicates
from lambdawatch.engine.model import Condition, FindingSpec, Match, Rule
from lambdawatch.ingest.normalize import get, is_success, split_event_name

Record = dict[str, Any]
Check = Callable[[Record], bool]
ContextCheck = Callable[[Record, Any], Any]


def _condition(c: Condition) -> Check:
    if isinstance(c.field, list):
        alternatives = [_one_condition(c, p) for p in c.field]
        return lambda r: any(check(r) for check in alternatives)
    return _one_condition(c, c.field)


def _one_condition(c: Condition, path: str) -> Check:
    if c.equals is not None:
        want = c.equals
        return lambda r: get(r, path) == want
    if c.in_ is not None:
        allowed = list(c.in_)
        return lambda r: get(r, path) in allowed
    if c.not_in is not None:
        banned = list(c.not_in)
        return lambda r: get(r, path) not in banned
    if c.exists is not None:
        want_exists = c.exists
        return lambda r: (get(r, path) not in (None, "", [], {})) is want_exists
    if c.contains is not None:
        needle = c.contains
        return lambda r: needle in _text(get(r, path))
    assert c.regex is not None
    rx = re.compile(c.regex)
    return lambda r: rx.search(_text(get(r, path))) is not None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    import orjson

    return orjson.dumps(value).decode()


def compile_checks(
    where: Iterable[Condition], names: Iterable[str], any_of: Iterable[Condition] = ()
) -> list[Check]:
    """Record-only checks: every ``where``, one of ``any_of``, every plain predicate."""
    checks = [_condition(c) for c in where]
    alternatives = [_condition(c) for c in any_of]
    if alternatives:
        checks.append(lambda r: any(a(r) for a in alternatives))
    for name in names:
        if name in _predicates.PREDICATES:
            checks.append(_predicates.PREDICATES[name])
    return checks


def context_checks(names: Iterable[str]) -> tuple[ContextCheck, ...]:
    return tuple(
        _predicates.CONTEXT_PREDICATES[n] for n in names if n in _predicates.CONTEXT_PREDICATES
    )


def compile_match(m: Match) -> Check:
    """The record-only part of the match (what ingest and the prefilter can decide)."""
    sources = frozenset(m.event_source)
    names = frozenset(m.event_names)
    success = m.success
    checks = compile_checks(m.where, m.predicates, m.any)

    def matches(r: Record) -> bool:
        if r.get("eventSource") not in sources:
            return False
        if names:
            name = r.get("eventName")
            if not isinstance(name, str) or split_event_name(name)[0] not in names:
                return False
        if success is not None and is_success(r) is not success:
            return False
        return all(check(r) for check in checks)

    return matches


@dataclass(frozen=True, slots=True)
class CompiledFinding:
    spec: FindingSpec
    checks: tuple[Check, ...]
    context: tuple[ContextCheck, ...] = ()

    def evaluate(self, record: Record, ctx: Any = None) -> dict[str, Any] | None:
        """The evidence dict when the finding applies to ``record``, else None.

        Context predicates see ``ctx`` (None outside a hunt: they then do not hold); a dict they
        return is merged into the evidence.
        """
        if not all(check(record) for check in self.checks):
            return None
        evidence = {name: get(record, path) for name, path in self.spec.evidence.items()}
        for check in self.context:
            got = check(record, ctx) if ctx is not None else False
            if not got:
                return None
            if isinstance(got, dict):
                evidence.update(got)
        return evidence


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: Rule
    matches: Check
    findings: tuple[CompiledFinding, ...]
    context: tuple[ContextCheck, ...] = ()

    def confirm(self, record: Record, ctx: Any) -> bool:
        """The context part of the match (configuration, stream state), at evaluation time."""
        if not self.context:
            return True
        return ctx is not None and all(bool(check(record, ctx)) for check in self.context)


def compile_rule(rule: Rule) -> CompiledRule:
    findings = tuple(
        CompiledFinding(
            f, tuple(compile_checks(f.where, f.predicates, f.any)), context_checks(f.predicates)
        )
        for f in rule.findings
    )
    return CompiledRule(
        rule, compile_match(rule.match), findings, context_checks(rule.match.predicates)
    )
