"""``hunt``: the batch pipeline from sources to alerts, one direction, as in DESIGN.md.

sources -> decode+prefilter -> normalize -> store (dedupe by eventID) -> evaluate in event-time
order (state, rules, analyzers) -> throttle windows -> alerts (scoring) -> compare with the state
store -> the alerts new or changed by this run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


from lambdawatch.alerting import alert as alert_mod
from lambdawatch.alerting.rows import rows as build_rows
from lambdawatch.alerting.throttle import Throttle, Window, key_of
from lambdawatch.alerting.finish import setup as alerting_setup
from lambdawatch.analyze import setup as analyze_setup
from lambdawatch.config import Config, load_config
from lambdawatch.engine.context import HuntContext
from lambdawatch.engine.evaluate import evaluate
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.collect import collect, default_workers
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
    on_progress: Callable[[Outcome | Skipped, Summary], None] | None = None


@dataclass
class HuntResult:
    alerts: list[dict[str, Any]]  # new or changed in this run, by first_seen then id
    all_alerts: list[dict[str, Any]]  # every current alert in the store
    rows: list[dict[str, Any]]
    summary: Summary


def _ingest(opts: HuntOptions, rules: RuleSet, store: Store, summary: Summary) -> None:
    inputs = list(expand(opts.paths, opts.s3_client_factory))
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
            summary.duplicates += len(batch) - store.add_events(batch)
        if opts.on_progress:
            opts.on_progress(item, summary)


def build_context(opts: HuntOptions, rules: RuleSet, config: Config) -> HuntContext:
    """The evaluation context; each stage registers its hooks (see engine/context.py)."""
    ctx = HuntContext(rules, config)
    for setup in (state_setup, analyze_setup, alerting_setup):
        setup(ctx, opts)
    return ctx


def _alerts(store: Store, ctx: HuntContext) -> list[dict[str, Any]]:
    rules = ctx.rules
    by_id = {r.id: r for r in rules.rules}
    minutes = max((r.throttle.minutes for r in rules.rules), default=60)
    throttle = Throttle(minutes)
    closed: list[Window] = []
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
            closed.append(done)
    closed.extend(throttle.drain())
    alerts = [ctx.finish(alert_mod.build(w, by_id), w.events) for w in closed]
    return sorted(alerts, key=lambda a: (a["first_seen"], a["id"]))


def _reconcile(store: Store, current: list[dict[str, Any]], summary: Summary) -> list[dict[str, Any]]:
    """Store this run's alerts; return those new or changed; mark vanished ones superseded."""
    previous = store.stored_alerts()
    emitted: list[dict[str, Any]] = []
    changed: list[tuple[dict[str, Any], str]] = []
    for a in current:
        d = alert_mod.digest(a)
        before = previous.get(a["id"])
        if before is None:
            summary.alerts_new += 1
        elif before.digest != d or before.superseded:
            summary.alerts_updated += 1
        else:
            continue
        emitted.append(a)
        changed.append((a, d))
    store.put_alerts(changed)
    live = {a["id"] for a in current}
    for old_id, old in previous.items():
        if old_id not in live and not old.superseded:
            store.supersede(old_id)
            summary.alerts_superseded += 1
    summary.alerts = len(current)
    summary.alerts_suppressed = sum(1 for a in current if a["suppressed"])
    return emitted


def run_hunt(opts: HuntOptions) -> HuntResult:
    check_paths(opts.paths)
    config = load_config(opts.config_path)
    rules = RuleSet.load(tuple(opts.rule_dirs) + tuple(config.rules.folders))
    ctx = build_context(opts, rules, config)
    summary = Summary()
    store = Store(opts.state_path)
    # --format rows without --state is the founding query alone: alerts would be discarded.
    with_alerts = not (opts.want_rows and opts.state_path is None)
    try:
        store.begin()
        _ingest(opts, rules, store, summary)
        current = _alerts(store, ctx) if with_alerts else []
        emitted = _reconcile(store, current, summary) if with_alerts else []
        summary.alerts_computed = with_alerts
        table_rows = build_rows(store.iter_rows(run_only=True), rules.rules) if opts.want_rows else []
        store.commit()
    except BaseException:
        store.rollback()
        raise
    finally:
        store.close()
    return HuntResult(emitted, current, table_rows, summary)
