"""``--format rows``: the founding query's select list, grouped by (functionName, user_arn, eventName).

Each group shows the values of its latest event, plus count, first_seen and last_seen. Environment
variable values are never logged by CloudTrail; should a record hold any, they are masked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from lambdawatch.engine.model import Rule
from lambdawatch.engine.projection import MASK, Projector

__all__ = ["MASK", "Projector", "Rows", "iso_seconds"]


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
            out.append(
                {
                    **values,
                    "count": count,
                    "first_seen": iso_seconds(first_ts),
                    "last_seen": iso_seconds(latest_ts),
                }
            )
        return sorted(out, key=lambda r: (r["first_seen"], repr(list(r.values()))))


@lru_cache(maxsize=65536)
def iso_seconds(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
