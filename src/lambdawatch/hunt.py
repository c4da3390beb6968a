"""``hunt``: the batch pipeline from sources to alerts, one direction, as in DESIGN.md.

sources -> decode+prefilter+normalize (worker processes) -> store (dedupe by eventID) ->
the Detector over the saved stream state, fed only this run's records in event-time order
(state, rules, analyzers, throttle windows) -> alerts (scoring, tuning, playbook) -> reconciled
with the state store -> commit -> the alerts new, changed or superseded by this run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

from lambdawatch.alerting.rows import Rows
from lambdawatch.config import Config, load_config
from lambdawatch.detect.detector import Inventories
from lambdawatch.detect.incremental import run_detector
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.collect import collect, default_workers
from lambdawatch.ingest.decode import Matched
from lambdawatch.ingest.reader import Outcome
from lambdawatch.ingest.sources import Skipped, check_paths, expand
from lambdawatch.state.store import Store
from lambdawatch.summary import Summary


@dataclass
class HuntOptions:
    paths: list[str]
    state_path: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    workers: int = field(default_factory=default_workers)
    rule_dirs: list[str] = field(default_factory=list)
    want_rows: bool = False
    config_path: str | None = None
    iam_inventory: str | None = None
    lambda_inventory: str | None = None
    s3_client_factory: Callable[[], Any] | None = None
    on_progress: Callable[[Outcome | Skipped | None, Summary], None] | None = None
    sink: Callable[[Iterator[dict[str, Any]]], None] | None = None
    lock_timeout: float = 30.0
    keep_all: bool = False  # fill HuntResult.all_alerts with every live alert of --state
    # called inside the run's transaction, after the alerts are reconciled (the notification
    # outbox is filled here, so it commits with the alert changes it announces)
    before_commit: Callable[[Store], object] | None = None
    # called after the commit, the store still open (the HTML report reads the run's events)
    after_commit: Callable[[Store], object] | None = None


@dataclass
class HuntResult:
    alerts: list[dict[str, Any]]  # new, changed or superseded in this run (no sink)
    all_alerts: list[dict[str, Any]]  # every live alert of the state after this run (no sink)
    rows: list[dict[str, Any]]
    summary: Summary


class RecordSource(Protocol):
    """Where a run's records come from: one outcome per input (file, object, message).

    ``acknowledge`` is called once the state holding what ``read`` gave has been committed (a
    queue deletes its messages then: a crash before it redelivers them, and the eventID dedupe
    makes the redelivery harmless)."""

    def read(self, rules: RuleSet) -> Iterator[Outcome | Skipped]: ...

    def acknowledge(self) -> None: ...


@dataclass
class PathSource:
    """Files, folders, ``s3://`` prefixes and ``-`` (stdin), decoded by the worker pool."""

    paths: list[str]
    workers: int = field(default_factory=default_workers)
    s3_client_factory: Callable[[], Any] | None = None

    def read(self, rules: RuleSet) -> Iterator[Outcome | Skipped]:
        inputs = expand(self.paths, self.s3_client_factory)
        yield from collect(
            inputs, rules, workers=self.workers, s3_client_factory=self.s3_client_factory
        )

    def acknowledge(self) -> None:
        """Files stay where they are: nothing to acknowledge."""


def _ingest(
    opts: HuntOptions,
    source: RecordSource,
    rules: RuleSet,
    summary: Summary,
    accept: Callable[[list[Matched]], int],
) -> None:
    """Read every input; ``accept`` keeps a batch of matched records, returning how many were
    new (the rest: the same eventID delivered again)."""
    for item in source.read(rules):
        summary.add(item)
        if isinstance(item, Outcome) and item.decoded is not None:
            batch = item.decoded.matched
            if opts.since or opts.until:
                lo = opts.since.timestamp() if opts.since else float("-inf")
                hi = opts.until.timestamp() if opts.until else float("inf")
                kept = [m for m in batch if lo <= m.ts < hi]
                if len(kept) != len(batch):
                    summary.skip_record(
                        item.name, "outside --since/--until", len(batch) - len(kept)
                    )
                batch = kept
            summary.records_matched += len(batch)
            summary.duplicates += len(batch) - accept(batch)
        if opts.on_progress:
            opts.on_progress(item, summary)


class _RowsOnly:
    """``--format rows`` without ``--state``: the founding query alone, aggregated as records
    arrive (dedupe by eventID in memory; no store, no alerts)."""

    def __init__(self, rules: RuleSet) -> None:
        self.rows = Rows(rules.rules)
        self.seen: set[str] = set()

    def __call__(self, batch: list[Matched]) -> int:
        new = 0
        for m in batch:
            if m.event_id in self.seen:
                continue
            self.seen.add(m.event_id)
            new += 1
            if m.row is not None:
                self.rows.add(orjson.loads(m.row), m.ts, m.event_id)
        return new


def _stamp(path: str | None) -> float:
    try:
        return os.stat(path).st_mtime if path else 0.0
    except OSError:
        return -1.0


_LOADED: dict[tuple[Any, ...], tuple[Config, RuleSet]] = {}


def _rules_and_config(
    config_path: str | None, rule_dirs: tuple[str, ...]
) -> tuple[Config, RuleSet]:
    """The configuration and rules, loaded once per process while their files are unchanged
    (a watcher runs one batch after another: loading and compiling them is not per batch)."""
    key = (config_path, _stamp(config_path), rule_dirs, tuple(_stamp(d) for d in rule_dirs))
    found = _LOADED.get(key)
    if found is None:
        config = load_config(config_path)
        rules = RuleSet.load(rule_dirs + tuple(config.rules.folders))
        found = _LOADED[key] = (config, rules)
    return found


def run_hunt(
    opts: HuntOptions, *, source: RecordSource | None = None, store: Store | None = None
) -> HuntResult:
    """Run the pipeline. With ``opts.sink`` the run's new, changed or superseded alerts are
    streamed to it (in first_seen, id order) and not kept; without, they are returned in the
    result. ``source`` defaults to ``opts.paths``; a ``store`` passed in stays open (a watcher
    keeps one for its whole life), else ``opts.state_path`` (or a scratch file) is opened."""
    if source is None:
        check_paths(opts.paths)
        source = PathSource(opts.paths, opts.workers, opts.s3_client_factory)
    config, rules = _rules_and_config(opts.config_path, tuple(opts.rule_dirs))
    summary = Summary()
    if opts.want_rows and opts.state_path is None and store is None:
        # Only the rules with output columns matter: their prefilter is narrower.
        wanted = RuleSet([r for r in rules.rules if r.output], rules.extra_dirs)
        only = _RowsOnly(wanted)
        _ingest(opts, source, wanted, summary, only)
        source.acknowledge()
        summary.alerts_computed = False
        return HuntResult([], [], only.rows.result(), summary)
    inventories = Inventories(opts.iam_inventory, opts.lambda_inventory)
    owned = store is None
    if store is None:
        store = Store(opts.state_path, lock_timeout=opts.lock_timeout)
    table_rows: list[dict[str, Any]] = []
    try:
        store.begin()
        _ingest(opts, source, rules, summary, store.add_events)
        run_detector(store, rules, config, inventories, summary, opts.on_progress)
        if opts.want_rows:
            acc = Rows(rules.rules)
            for by_rule, ts, event_id in store.iter_rows(run_only=True):
                acc.add(by_rule, ts, event_id)
            table_rows = acc.result()
        if opts.before_commit is not None:
            opts.before_commit(store)
        # Output only after the commit: a run killed before it emits nothing and the next run
        # emits its alerts; a run killed after it has recorded them (no alert printed twice).
        store.commit()
        source.acknowledge()
        if opts.after_commit is not None:
            opts.after_commit(store)
        if opts.sink is not None:
            opts.sink(store.run_alerts(emitted_only=True))
            return HuntResult([], [], table_rows, summary)
        emitted = list(store.run_alerts(emitted_only=True))
        # every live alert of the state: its cost follows the history, so only when asked
        current = list(store.iter_alerts()) if opts.keep_all or not store.persistent else []
        return HuntResult(emitted, current, table_rows, summary)
    except BaseException:
        store.rollback()
        raise
    finally:
        if owned:
            store.close()
        else:
            store.end_run()
