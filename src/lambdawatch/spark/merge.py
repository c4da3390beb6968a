"""The founding query's groups of every partition merged into one result, order-independent.

A group's count adds up, its first time is the earliest, its values are those of its latest
event by (event time, eventID): the same as one :class:`Rows` over every event (each eventID
is in exactly one partition, so nothing is counted twice).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lambdawatch.alerting.rows import Rows
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.spark.detect_task import Groups


def merge_groups(parts: Iterable[Groups]) -> Groups:
    out: Groups = {}
    for groups in parts:
        for key, (latest, values, count, first) in groups.items():
            mine = out.get(key)
            if mine is None:
                out[key] = [latest, values, count, first]
                continue
            mine[2] += count
            mine[3] = min(mine[3], first)
            if latest > mine[0]:
                mine[0], mine[1] = latest, values
    return out


def merge_rows(rules: RuleSet, parts: Iterable[Groups]) -> list[dict[str, Any]]:
    rows = Rows(rules.rules)
    rows.groups = merge_groups(parts)
    return rows.result()
