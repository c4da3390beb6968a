"""Assemble an alert (the public dict of DESIGN.md) from a closed throttle window."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from lambdawatch.alerting import playbook
from lambdawatch.alerting.scoring import score
from lambdawatch.alerting.throttle import Window
from lambdawatch.engine.model import Rule
from lambdawatch.findings import max_severity
from lambdawatch.severity import PRIORITY_ORDER, SEVERITY_ORDER


def alert_id(account: str, region: str, function: str, opened_iso: str) -> str:
    digest = hashlib.sha256(f"{account}\x1f{region}\x1f{function}\x1f{opened_iso}".encode())
    return "lw-" + digest.hexdigest()[:20]


def _distinct(values: list[Any]) -> list[Any]:
    seen: dict[Any, None] = {}
    for v in values:
        if v not in (None, "") and v not in seen:
            seen[v] = None
    return list(seen)


def _opening_rule(window: Window, rules: dict[str, Rule]) -> Rule:
    first = [rules[r] for r in window.events[0].rules if r in rules]
    return min(first, key=lambda r: (-SEVERITY_ORDER[r.severity], r.id))


def build(window: Window, rules: dict[str, Rule]) -> dict[str, Any]:
    account, region, function = window.key
    events = window.events
    opener = _opening_rule(window, rules)
    matched = [rules[r] for r in _distinct([r for e in events for r in e.rules]) if r in rules]
    findings = sorted(window.findings, key=lambda f: (-f.rank, f.kind, f.code))
    rule_severity = max_severity([r.severity for r in matched])
    severity = max_severity([rule_severity] + [f.severity for f in findings])
    risk = score(rule_severity, findings)
    opened = events[0].time_iso
    arn = next((e.function_arn for e in reversed(events) if e.function_arn), None)
    return {
        "id": alert_id(account, region, function, opened),
        "rule": opener.id,
        "title": f"{opener.title}: {function}",
        "severity": severity,
        "priority": min((r.priority for r in matched), key=PRIORITY_ORDER.__getitem__),
        "account": account,
        "region": region,
        "function": function,
        "function_arn": arn,
        "first_seen": opened,
        "last_seen": events[-1].time_iso,
        "event_count": len(events),
        "event_ids": [e.event_id for e in events],
        "event_names": _distinct([e.event_name for e in events]),
        "principals": _distinct([e.principal_arn for e in events]),
        "source_ips": _distinct([e.source_ip for e in events]),
        "user_agents": _distinct([e.user_agent for e in events]),
        "findings": [f.to_dict() for f in findings],
        "risk": risk.risk,
        "risk_explanation": risk.why,
        "suppressed": False,
        "suppression_reason": None,
        "mitre": _distinct([t for r in matched for t in r.mitre.techniques]),
        "tactics": _distinct([t for r in matched for t in r.mitre.tactics]),
        "playbook": playbook.steps(opener.playbook),
        "rules": [r.id for r in matched],
    }


def digest(alert: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(alert, option=orjson.OPT_SORT_KEYS)).hexdigest()
