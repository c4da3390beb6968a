"""The output columns of rules with an ``output`` block, projected from a matched record.

Run in the ingest workers (the main process then aggregates projected rows, see
``alerting/rows.py``). Environment variable values are never logged by CloudTrail; should a
record hold any, they are masked.
"""

from __future__ import annotations

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
