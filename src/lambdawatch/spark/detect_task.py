"""Executor side, stage 2: one partition's records through the local engine's detection.

A partition holds whole account components (see :mod:`lambdawatch.spark.grouping`), its
records sorted by (event time, eventID). They go into a scratch :class:`Store` and through
:func:`run_detector` exactly as ``hunt`` without ``--state`` runs them, and the partition gives
back its finished alerts and its counts. With ``--format rows`` (no state) only the founding
query's groups are computed, as the local engine does.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import orjson

from lambdawatch.alerting.rows import Rows
from lambdawatch.detect.incremental import run_detector
from lambdawatch.ingest.records import Matched
from lambdawatch.spark.spec import RunSpec, config_of, rules_of
from lambdawatch.state.store import Store
from lambdawatch.summary import Summary

_BATCH = 2000
Key = tuple[int, float, str]  # (partition, event time, eventID)
Groups = dict[tuple[str, tuple[str, ...]], list[Any]]


@dataclass
class PartitionResult:
    alerts: list[dict[str, Any]] = field(default_factory=list)
    groups: Groups = field(default_factory=dict)  # Rows.groups of this partition (rows only)
    new_records: int = 0  # records stored (the rest: the same eventID delivered again)
    counts: dict[str, int] = field(default_factory=dict)  # the Summary's alert counters
    analyzer_errors: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0  # this partition's work (wall), measured in the task
    cpu: float = 0.0  # the same, CPU seconds of the worker process


COUNTERS = ("alerts", "alerts_new", "alerts_updated", "alerts_superseded", "alerts_suppressed")


def _rows_only(spec: RunSpec, records: Iterable[Matched]) -> PartitionResult:
    """The founding query alone, each eventID once (every copy of a record is in this
    partition: a record's account decides its partition)."""
    rows = Rows(rules_of(spec).rules)
    out = PartitionResult()
    seen: set[str] = set()
    for m in records:
        if m.event_id in seen:
            continue
        seen.add(m.event_id)
        out.new_records += 1
        if m.row is not None:
            rows.add(orjson.loads(m.row), m.ts, m.event_id)
    out.groups = rows.groups
    return out


def _detect(spec: RunSpec, records: Iterable[Matched]) -> PartitionResult:
    rules, config = rules_of(spec), config_of(spec)
    summary = Summary()
    out = PartitionResult()
    store = Store(None)
    try:
        store.begin()
        batch: list[Matched] = []
        for m in records:
            batch.append(m)
            if len(batch) >= _BATCH:
                out.new_records += store.add_events(batch)
                batch = []
        out.new_records += store.add_events(batch)
        run_detector(store, rules, config, spec.inventories, summary)
        out.alerts = list(store.run_alerts(emitted_only=True))
        store.commit()
    finally:
        store.close()
    out.counts = {name: getattr(summary, name) for name in COUNTERS}
    out.analyzer_errors = list(summary.analyzer_errors)
    return out


def detect_partition(
    spec: RunSpec, items: Iterator[tuple[Key, Matched]]
) -> Iterator[PartitionResult]:
    began, cpu = time.perf_counter(), time.process_time()
    first = next(items, None)
    if first is None:  # an empty partition (more partitions than components): nothing to load
        yield PartitionResult()
        return
    records = (m for _, m in chain([first], items))
    out = _rows_only(spec, records) if spec.rows_only else _detect(spec, records)
    out.seconds, out.cpu = time.perf_counter() - began, time.process_time() - cpu
    yield out
