"""``hunt``: the batch pipeline from sources to alerts, one direction, as in DESIGN.md.

sources -> decode+prefilter+normalize (worker processes) -> store (dedupe by eventID) ->
evaluate in event-time order (state, rules, analyzers) -> throttle windows -> alerts (scoring,
tuning, playbook) -> compare with the state store -> the alerts new or changed by this run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from lambdawatch.alerting import alert as alert_mod
from lambdawatch.alerting.finish import setup as alerting_setup
from lambdawatch.alerting.rows import Rows
from lambdawatch.alerting.throttle import Throttle, Window
from lambdawatch.analyze import setup as analyze_setup
from lambdawatch.config import Config, load_config
from lambdawatch.engine.context import HuntContext
from lambdawatch.engine.evaluate import evaluate
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.collect import collect, default_workers
from lambdawatch.ingest.decode import Matched
from lambdawatch.ingest.reader import Outcome
from lambdawatch.ingest.sources import Skipped, check_paths, expand
from lambdawatch.state.setup import setup as state_setup
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


@dataclass
class HuntResult:
    alerts: list[dict[str, Any]]  # new or changed in this run, by first_seen then id (no sink)
    all_alerts: list[dict[str, Any]]  # every alert this run produced (no sink)
    rows: list[dict[str, Any]]
    summary: Summary


def _ingest(opts: HuntOptions, rules: RuleSet, summary: Summary,
            accept: Callable[[list[Matched]], int]) -> None:
    """Read every input; ``accept`` keeps a batch of matched records, returning how many were
    new (the rest: the same eventID delivered again)."""
    inputs = expand(opts.paths, opts.s3_client_factory)
    for item in collect(inputs, rules, workers=opts.workers,
                        s3_client_factory=opts.s3_client_factory):
        summary.add(item)
        if isinstance(item, Outcome) and item.decoded is not None:
            batch = item.decoded.matched
            if opts.since or opts.until:
                lo = opts.since.timestamp() if opts.since else float("-inf")
                hi = opts.until.timestamp() if opts.until else float("inf")
                kept = [m for m in batch if lo <= m.ts < hi]
                if len(kept) != len(batch):
                    summary.skip_record(item.name, "outside --since/--until", len(batch) - len(kept))
                batch = kept
            summary.records_matched += len(batch)
            summary.duplicates += len(batch) - accept(batch)
        if opts.on_progress:
            opts.on_progress(item, summary)


def build_context(opts: HuntOptions, rules: RuleSet, config: Config) -> HuntContext:
    """The evaluation context; each stage registers its hooks (see engine/context.py)."""
    ctx = HuntContext(rules, config)
    for setup in (state_setup, analyze_setup, alerting_setup):
        setup(ctx, opts)
    return ctx


def _windows(store: Store, ctx: HuntContext) -> Iterator[Window]:
    """Closed throttle windows, as the event-time stream closes them (then the open ones)."""
    rules = ctx.rules
    by_id = {r.id: r for r in rules.rules}
    minutes = max((r.throttle.minutes for r in rules.rules), default=60)
    throttle = Throttle(minutes)
    stream = evaluate(store.iter_events(), rules, observers=ctx.observers,
                      analyzers=ctx.analyzers, context=ctx)
    for event, findings in stream:
        if not any(r in by_id and by_id[r].alert for r in event.rules):
            continue  # context-only records (IAM history) feed the state, not the alerts
        key = ctx.attach(event)
        if key is None:
            continue
        done = throttle.feed(key, event, findings)
        if done is not None:
            yield done
    yield from throttle.drain()


def _alerts(store: Store, ctx: HuntContext, summary: Summary,
            progress: Callable[[Any, Summary], None] | None = None) -> None:
    """Two passes, memory flat whatever the number of alerts. First the event stream: each
    window the throttle closes becomes an alert (its events' findings) parked in the store.
    Then, with the whole stream's state known (typosquats are judged against every name the
    logs show), each alert is finished (scoring, tuning, playbook) and reconciled with the
    state: new and changed ones are noted for output; alerts this run no longer produces (a
    late, older record moved a window) are marked superseded."""
    by_id = {r.id: r for r in ctx.rules.rules}
    store.begin_pending()
    for window in _windows(store, ctx):
        store.add_pending(alert_mod.build(window, by_id))
    store.begin_alerts()
    for built, event_ids in store.iter_pending():
        alert = ctx.finish(built, store.events_by_id(event_ids))
        status = store.record_alert(alert, alert_mod.digest(alert))
        summary.alerts += 1
        summary.alerts_suppressed += bool(alert["suppressed"])
        summary.alerts_new += status == "new"
        summary.alerts_updated += status == "updated"
        if progress is not None and summary.alerts % 200 == 0:
            progress(None, summary)
    summary.alerts_superseded += store.supersede_missing()
    summary.analyzer_errors = list(ctx.extras.get("analyzer_errors", []))


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


def run_hunt(opts: HuntOptions) -> HuntResult:
    """Run the pipeline. With ``opts.sink`` the run's new or changed alerts are streamed to it
    (in first_seen, id order) and not kept; without, they are returned in the result."""
    check_paths(opts.paths)
    config = load_config(opts.config_path)
    rules = RuleSet.load(tuple(opts.rule_dirs) + tuple(config.rules.folders))
    summary = Summary()
    if opts.want_rows and opts.state_path is None:
        # Only the rules with output columns matter: their prefilter is narrower.
        wanted = RuleSet([r for r in rules.rules if r.output], rules.extra_dirs)
        only = _RowsOnly(wanted)
        _ingest(opts, wanted, summary, only)
        summary.alerts_computed = False
        return HuntResult([], [], only.rows.result(), summary)
    ctx = build_context(opts, rules, config)
    store = Store(opts.state_path)
    emitted: list[dict[str, Any]] = []
    current: list[dict[str, Any]] = []
    try:
        store.begin()
        _ingest(opts, rules, summary, store.add_events)
        _alerts(store, ctx, summary, opts.on_progress)
        if opts.sink is not None:
            opts.sink(store.run_alerts(emitted_only=True))
        else:
            emitted = list(store.run_alerts(emitted_only=True))
            current = list(store.run_alerts(emitted_only=False))
        table_rows: list[dict[str, Any]] = []
        if opts.want_rows:
            acc = Rows(rules.rules)
            for by_rule, ts, event_id in store.iter_rows(run_only=True):
                acc.add(by_rule, ts, event_id)
            table_rows = acc.result()
        store.commit()
    except BaseException:
        store.rollback()
        raise
    finally:
        store.close()
    return HuntResult(emitted, current, table_rows, summary)
