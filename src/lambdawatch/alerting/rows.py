"""``--format rows``: the founding query's select list, grouped by (functionName, user_arn, eventName).

Each group shows the values of its latest event, plus count, first_seen and last_seen. Environment
variable values are never logged by CloudTrail; should a record hold any, they are masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lambdawatch.engine.model import Rule
from lambdawatch.ingest.normalize import Event, bare_function_name, get, iso

MASK = "****"


def _layer_arns(value: Any) -> Any:
    if isinstance(value, list):
        return [v.get("arn") if isinstance(v, dict) else v for v in value]
    return value


def _masked_env(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: MASK for k in value}
    return value


def _column(record: dict[str, Any], name: str, paths: list[str]) -> Any:
    value = next((v for p in paths if (v := get(record, p)) is not None), None)
    if name == "functionName":
        return bare_function_name(value) or value
    if name == "layers":
        return _layer_arns(value)
    if name == "env_vars":
        return _masked_env(value)
    return value


def rows(events: Iterable[Event], rules: list[Rule]) -> list[dict[str, Any]]:
    """Rows for every rule that declares output columns; events must come in time order."""
    groups: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = {}
    with_output = [r for r in rules if r.output]
    for event in events:
        for rule in with_output:
            if rule.id not in event.rules:
                continue
            row = {c: _column(event.record, c, p) for c, p in rule.output.items()}
            key = (rule.id, tuple(repr(row[c]) for c in rule.group_by))
            seen = groups.get(key)
            when = iso(event.time)
            row["count"] = (seen["count"] if seen else 0) + 1
            row["first_seen"] = seen["first_seen"] if seen else when
            row["last_seen"] = when
            groups[key] = row
    return sorted(groups.values(), key=lambda r: (r["first_seen"], repr(list(r.values()))))
