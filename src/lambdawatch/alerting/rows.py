"""``--format rows``: the founding query's select list, grouped by (functionName, user_arn, eventName).

Each group shows the values of its latest event, plus count, first_seen and last_seen. Environment
variable values are never logged by CloudTrail; should a record hold any, they are masked.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from lambdawatch.engine.model import Rule
from lambdawatch.ingest.normalize import bare_function_name

MASK = "****"


def _layer_arns(value: Any) -> Any:
    if isinstance(value, list):
        return [v.get("arn") if isinstance(v, dict) else v for v in value]
    return value


def _masked_env(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: MASK for k in value}
    return value


Column = tuple[str, tuple[tuple[str, ...], ...]]


def _compile(output: dict[str, list[str]]) -> list[Column]:
    return [(name, tuple(tuple(p.split(".")) for p in paths)) for name, paths in output.items()]


def _value(record: dict[str, Any], paths: tuple[tuple[str, ...], ...]) -> Any:
    for parts in paths:
        cur: Any = record
        for part in parts:
            cur = cur.get(part) if isinstance(cur, dict) else None
            if cur is None:
                break
        if cur is not None:
            return cur
    return None


_TRANSFORMS = {
    "functionName": lambda v: bare_function_name(v) or v,
    "layers": _layer_arns,
    "env_vars": _masked_env,
}


class Projector:
    """Each output rule's columns of a matched record (run in the ingest workers)."""

    def __init__(self, rules: list[Rule]) -> None:
        self.specs = [(r.id, _compile(r.output)) for r in rules if r.output]

    def __call__(self, record: dict[str, Any], rule_ids: list[str]) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        for rule_id, columns in self.specs:
            if rule_id not in rule_ids:
                continue
            row: dict[str, Any] = {}
            for name, paths in columns:
                value = _value(record, paths)
                fix = _TRANSFORMS.get(name)
                row[name] = fix(value) if fix is not None else value
            out[rule_id] = row
        return out or None


class Rows:
    """The founding query's GROUP BY, order-independent: for each group the values of its latest
    event (by event time, eventID breaking ties), its count, first and last event time."""

    def __init__(self, rules: list[Rule]) -> None:
        self.group_by = {r.id: r.group_by for r in rules if r.output}
        # key -> [latest (ts, event_id), values, count, first ts]
        self.groups: dict[tuple[str, tuple[str, ...]], list[Any]] = {}

    def add(self, by_rule: dict[str, Any], ts: float, event_id: str) -> None:
        for rule_id, values in by_rule.items():
            keys = self.group_by.get(rule_id)
            if keys is None:
                continue
            key = (rule_id, tuple(repr(values[c]) for c in keys))
            group = self.groups.get(key)
            if group is None:
                self.groups[key] = [(ts, event_id), values, 1, ts]
                continue
            group[2] += 1
            group[3] = min(group[3], ts)
            if (ts, event_id) > group[0]:
                group[0], group[1] = (ts, event_id), values

    def result(self) -> list[dict[str, Any]]:
        out = []
        for (latest_ts, _), values, count, first_ts in self.groups.values():
            out.append({**values, "count": count, "first_seen": iso_seconds(first_ts),
                        "last_seen": iso_seconds(latest_ts)})
        return sorted(out, key=lambda r: (r["first_seen"], repr(list(r.values()))))


@lru_cache(maxsize=65536)
def iso_seconds(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
