"""One run of the detector over a state store: load, feed only what is new, reconcile, save.

1. The oldest record this run stored decides where to start: the newest checkpoint (saved
   stream state) older than it. Normally that is the previous run's, and only this run's records
   are fed. A late record (older than the saved watermark) restarts from an older checkpoint,
   or from the beginning when none is that old, and the stored events after it are replayed;
   checkpoints after it are dropped (they no longer describe the stream).
2. Windows that close become assembled alerts, parked in the store; at the end the windows
   still open are assembled too (and stay open in the saved state, so a later run can extend
   them: the alert keeps its id and is updated).
3. Each assembled alert is finished (typosquats against every name the stream knows, score,
   tuning, playbook) and reconciled with the stored one: new, updated or the same.
4. Alerts the replayed part of the stream used to produce and no longer does (a late record
   moved a window) are marked superseded, and reported once more as such.
5. Names that appeared or changed in this run can make another function a look-alike, or stop
   it being one: the live alerts of those functions are finished again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lambdawatch.alerting import alert as alert_mod
from lambdawatch.analyze.typosquat import index_for
from lambdawatch.config import Config
from lambdawatch.detect.detector import Detector, Inventories
from lambdawatch.detect.stream_state import Mark, StreamState
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.state.store import Store
from lambdawatch.summary import Summary

Progress = Callable[[Any, Summary], None]


# The state a run saved, kept in memory for the next run of the same process over the same
# store (a watcher's next batch): decoding it again from the checkpoint would cost in
# proportion to the number of functions, on every batch. Forgotten unless the run committed.
_WARM: dict[int, tuple[Mark, StreamState, int]] = {}  # id(store) -> (mark, state, commits)


def _start(store: Store, first_new: Mark) -> tuple[StreamState, Mark | None, list[str]]:
    found = store.checkpoint_before(first_new)
    warm = _WARM.pop(id(store), None)
    if found is None:
        store.drop_checkpoints_from((float("-inf"), ""))
        return StreamState(), None, []
    mark, blob, open_ids = found
    store.drop_checkpoints_from(first_new)
    if warm is not None and warm[0] == mark and store.commits == warm[2]:
        return warm[1], mark, open_ids
    return StreamState.loads(blob), mark, open_ids


# Records arrive late: CloudTrail delivers most within 15 minutes, some hours after. Besides
# the end of each run, a checkpoint is saved before the first record of the last 3 hours and of
# the last hour of the run, so a late record replays at most about that much of the stream.
# (The end of each run is a checkpoint too: a watcher's batches have one every few seconds.)
LATE_MARKS_S = (3 * 3600.0, 3600.0)


def _checkpoint(store: Store, detector: Detector) -> None:
    state = detector.state
    if state.watermark is None:
        return
    detector.save()
    store.save_checkpoint(state.watermark, state.dumps(), detector.open_ids())


def _changed_names(
    before: dict[tuple[str, str], Any], after: dict[tuple[str, str], Any]
) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key, created in after.items():
        if key not in before or before[key] != created:
            out.setdefault(key[0], set()).add(key[1])
    return out


def _affected(
    state: StreamState, changed: dict[str, set[str]], inventory: Any
) -> set[tuple[str, str]]:
    """(account, function) of every name that may be, or may imitate, a changed name."""
    out: set[tuple[str, str]] = set()
    for account, names in changed.items():
        index = index_for(state.names, inventory, account)
        for name in names:
            out.add((account, name))
            out.update((account, other) for other in index.candidates(name))
    return out


def run_detector(
    store: Store,
    rules: RuleSet,
    config: Config,
    inventories: Inventories,
    summary: Summary,
    progress: Progress | None = None,
) -> None:
    first_new = store.first_new_event()
    store.begin_alerts()
    if first_new is None:
        return  # nothing new: every stored alert stands
    state, start, open_at_start = _start(store, first_new)
    names_before = state.name_marks()
    detector = Detector(rules, config, state, inventories, load_events=store.events_by_id)
    store.begin_pending()
    last = store.last_event()
    marks = (
        sorted(((last[0] - h) for h in LATE_MARKS_S), reverse=True)
        if (last and store.persistent)
        else []
    )
    for event in store.iter_events(after=start):
        if marks and event.ts >= marks[-1]:
            while marks and event.ts >= marks[-1]:
                marks.pop()
            _checkpoint(store, detector)  # a late record replays from here, not from the start
        for closed in detector.feed(event):
            store.add_pending(detector.build(closed))
    for window in [*detector.close_expired(), *detector.still_open()]:
        if detector.changed(window):
            store.add_pending(detector.build(window))
        else:  # reopened from the saved state and left alone: its stored alert stands
            store.keep_alert(detector.alert_id_of(window))
    detector.save()
    if store.persistent and state.watermark is not None:
        store.save_checkpoint(state.watermark, state.dumps(), detector.open_ids())
        _WARM[id(store)] = (state.watermark, state, store.commits + 1)  # valid once committed

    def record(built: dict[str, Any], *, again: bool = False) -> None:
        events = store.events_by_id(built["event_ids"])
        alert = detector.finish(built, events)
        first = (events[0].ts, events[0].event_id)
        status = store.record_alert(alert, built, alert_mod.digest(alert), first)
        if again and status == "same":
            return  # finished again, unchanged: not this run's alert
        summary.alerts += 1
        summary.alerts_suppressed += bool(alert["suppressed"])
        summary.alerts_new += status == "new"
        summary.alerts_updated += status == "updated"
        if progress is not None and summary.alerts % 200 == 0:
            progress(None, summary)

    for built in store.iter_pending():
        record(built)
    # first withdraw what the replayed part no longer produces, then finish again the live
    # alerts whose look-alikes changed (a withdrawn alert must not be finished back to life)
    summary.alerts_superseded += store.supersede_in_scope(start, open_at_start)
    changed = _changed_names(names_before, state.name_marks())
    if changed and start is not None:
        for account, function in sorted(_affected(state, changed, detector.ctx.lambda_inventory)):
            for built in store.built_alerts_of(account, function):
                if not store.produced(built["id"]):
                    record(built, again=True)
    summary.analyzer_errors = list(detector.errors)
