"""What ``hunt --state`` knows about a function: its changes and the schedules that invoke it.

The one place the logs command reads the state store (its API is being reworked)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lambdawatch.logs.model import iso_to_ms

_CHANGE_EVENTS = frozenset({"CreateFunction", "UpdateFunctionCode", "UpdateFunctionConfiguration"})
_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(\S+))?\)$")
_UNIT = {"minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Change:
    ts: int  # ms
    event: str
    event_id: str
    what: tuple[str, ...]  # "code", "layers", "configuration"


@dataclass
class History:
    changes: dict[str, list[Change]] = field(default_factory=dict)
    schedules: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict)
    timeout_s: dict[str, float] = field(default_factory=dict)
    accounts: dict[str, tuple[str, str]] = field(default_factory=dict)


def schedule_period(expression: str) -> float | None:
    """Seconds between runs of ``rate(...)`` or a regular ``cron(...)``; None when irregular."""
    expr = expression.strip()
    m = _RATE.match(expr)
    if m:
        return int(m.group(1)) * _UNIT[m.group(2).rstrip("s")]
    m = _CRON.match(expr)
    if not m:
        return None
    minute, hour = m.group(1), m.group(2)
    step = re.match(r"^(?:\*|\d+)/(\d+)$", minute)
    if step and hour == "*":
        return int(step.group(1)) * 60
    if minute == "*" and hour == "*":
        return 60
    if minute.isdigit() and hour == "*":
        return 3600
    hstep = re.match(r"^(?:\*|\d+)/(\d+)$", hour)
    if minute.isdigit() and hstep:
        return int(hstep.group(1)) * 3600
    if minute.isdigit() and hour.isdigit():
        return 86400
    return None


def _req(record: dict[str, Any]) -> dict[str, Any]:
    req = record.get("requestParameters")
    return req if isinstance(req, dict) else {}


def from_events(events: Iterable[Any]) -> History:
    """Build the history from normalized events (``.record``, ``.base_name``, ``.function``)."""
    h = History()
    rules: dict[str, str] = {}
    targets: list[tuple[str, str]] = []
    for ev in events:
        record, base, fn = ev.record, ev.base_name, ev.function
        req = _req(record)
        if base == "PutRule" and isinstance(req.get("scheduleExpression"), str):
            rules[str(req.get("name"))] = req["scheduleExpression"]
        elif base == "PutTargets" and fn:
            targets.append((fn, str(req.get("rule"))))
        if not fn:
            continue
        h.accounts.setdefault(fn, (ev.account, ev.region))
        if base in _CHANGE_EVENTS and ev.success:
            what = []
            if base == "UpdateFunctionCode" or base == "CreateFunction":
                what.append("code")
            if "layers" in req:
                what.append("layers")
            if base != "UpdateFunctionCode":
                what.append("configuration")
            h.changes.setdefault(fn, []).append(
                Change(
                    iso_to_ms(str(record.get("eventTime"))),
                    str(record.get("eventName")),
                    str(record.get("eventID")),
                    tuple(what),
                )
            )
            resp = (
                record.get("responseElements")
                if isinstance(record.get("responseElements"), dict)
                else {}
            )
            timeout = req.get("timeout") or resp.get("timeout")
            if isinstance(timeout, int | float) and timeout > 0:
                h.timeout_s[fn] = float(timeout)
    for fn, rule in targets:
        expr = rules.get(rule)
        period = schedule_period(expr) if expr else None
        if expr and period:
            h.schedules.setdefault(fn, []).append((rule, expr, period))
    return h


def load_history(state_path: str) -> History:
    from lambdawatch.report.data import open_store

    store = open_store(state_path)
    try:
        return from_events(store.iter_events())
    finally:
        store.close()
