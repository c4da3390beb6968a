"""``--format rows``: the founding query's select list, grouped by (functionName, user_arn, eventName).

Each group shows the values of its latest event, plus count, first_seen and last_seen. Environment
variable values are never logged by CloudTrail; should a record hold any, they are masked.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def rows(records: Iterable[tuple[dict[str, Any], list[str], str]],
         rules: list[Rule]) -> list[dict[str, Any]]:
    """Rows for every rule that declares output columns, from (record, rule ids, eventTime)
    in event-time order: the values of each group's latest event, its count, first and last."""
    specs = [(r.id, _compile(r.output), r.group_by) for r in rules if r.output]
    groups: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = {}
    for record, rule_ids, when in records:
        for rule_id, columns, group_by in specs:
            if rule_id not in rule_ids:
                continue
            row: dict[str, Any] = {}
            for name, paths in columns:
                value = _value(record, paths)
                fix = _TRANSFORMS.get(name)
                row[name] = fix(value) if fix is not None else value
            key = (rule_id, tuple(repr(row[c]) for c in group_by))
            seen = groups.get(key)
            row["count"] = (seen["count"] if seen else 0) + 1
            row["first_seen"] = seen["first_seen"] if seen else when
            row["last_seen"] = when
            groups[key] = row
    return sorted(groups.values(), key=lambda r: (r["first_seen"], repr(list(r.values()))))
