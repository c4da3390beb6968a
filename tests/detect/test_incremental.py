"""Incremental --state: each run feeds only its own records, and the end state is exactly what
one run over all the input gives, whatever the split and order of the runs."""

from __future__ import annotations

import itertools
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from lambdawatch.hunt import HuntOptions, run_hunt
from tests.conftest import delivery_bytes, jsonl, record, run_cli, write
from tests.detect.corpus import ACCT, stream


def _files(tmp_path: Path, days: list[list[dict[str, Any]]]) -> list[Path]:
    return [write(tmp_path / f"day{i}.json", delivery_bytes(recs)) for i, recs in enumerate(days)]


def _hunt(paths: list[Path], state: Path | None) -> Any:
    return run_hunt(
        HuntOptions(
            paths=[str(p) for p in paths], state_path=str(state) if state else None, workers=1
        )
    )


def _state_alerts(state: Path) -> list[dict[str, Any]]:
    from lambdawatch.state.store import Store

    store = Store(str(state))
    try:
        return list(store.iter_alerts())
    finally:
        store.close()


@pytest.fixture
def single(tmp_path: Path) -> list[dict[str, Any]]:
    files = _files(tmp_path / "one", stream())
    return _hunt(files, None).all_alerts


def test_the_single_run_has_the_hard_parts(single: list[dict[str, Any]]) -> None:
    by = {(a["function"], a["first_seen"]): a for a in single}
    # the window opened at 23:50 on day 0 got the next day's 00:20 record
    assert by[("payments-api", "2025-03-10T23:50:00Z")]["event_count"] == 2
    # billing-synk, created on day 1, imitates billing-sync, which only appears on day 2
    squat = by[("billing-synk", "2025-03-11T10:00:00Z")]
    assert [f["code"] for f in squat["findings"] if f["kind"] == "typosquat-name"] == ["NM102"]


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (3, 2, 1, 0), (1, 3, 0, 2), (2, 0, 3, 1)])
def test_daily_runs_in_any_order_end_with_the_single_run(
    tmp_path: Path, order: tuple[int, ...], single: list[dict[str, Any]]
) -> None:
    files = _files(tmp_path / "days", stream())
    db = tmp_path / "state.db"
    for i in order:
        _hunt([files[i]], db)
    assert _state_alerts(db) == single


def test_a_second_run_over_the_same_records_changes_nothing(tmp_path: Path) -> None:
    files = _files(tmp_path / "days", stream())
    db = tmp_path / "state.db"
    for f in files:
        _hunt([f], db)
    again = _hunt(files, db)
    assert again.alerts == [] and again.summary.duplicates == again.summary.records_matched


def test_the_later_original_updates_the_earlier_look_alike_alert(tmp_path: Path) -> None:
    files = _files(tmp_path / "days", stream())
    db = tmp_path / "state.db"
    first = _hunt(files[:2], db)
    squat = next(a for a in first.alerts if a["function"] == "billing-synk")
    assert not [f for f in squat["findings"] if f["kind"] == "typosquat-name"]
    later = _hunt(files[2:3], db)
    again = next(a for a in later.alerts if a["function"] == "billing-synk")
    assert again["id"] == squat["id"]
    assert [f["code"] for f in again["findings"] if f["kind"] == "typosquat-name"] == ["NM102"]


def test_a_late_record_supersedes_the_window_it_moves_and_says_so(tmp_path: Path) -> None:
    fn = f"arn:aws:lambda:us-east-1:{ACCT}:function:billing-sync"

    def ev(n: int, time: str) -> dict[str, Any]:
        return record(
            "update-function-code",
            n,
            eventTime=time,
            recipientAccountId=ACCT,
            requestParameters__functionName=fn,
        )

    db = tmp_path / "s.db"
    on_time = write(
        tmp_path / "a.json",
        delivery_bytes([ev(1, "2025-03-14T09:30:00Z"), ev(2, "2025-03-14T12:00:00Z")]),
    )
    late = write(tmp_path / "b.json", delivery_bytes([ev(3, "2025-03-14T09:00:00Z")]))
    first = _hunt([on_time], db).alerts
    assert [a["first_seen"] for a in first] == ["2025-03-14T09:30:00Z", "2025-03-14T12:00:00Z"]
    result = run_cli("hunt", str(late), "--state", str(db), "--format", "jsonl", "-q")
    out = jsonl(result.stdout)
    assert [(a["first_seen"], a.get("superseded", False)) for a in out] == [
        ("2025-03-14T09:00:00Z", False),
        ("2025-03-14T09:30:00Z", True),
    ]
    assert [a["first_seen"] for a in _state_alerts(db)] == [
        "2025-03-14T09:00:00Z",
        "2025-03-14T12:00:00Z",
    ]
    shown = run_cli("explain", first[0]["id"], "--state", str(db))
    assert "superseded" in shown.stdout.lower()


def test_a_run_feeds_only_its_own_records(tmp_path: Path) -> None:
    from lambdawatch.detect import incremental

    files = _files(tmp_path / "days", stream())
    db = tmp_path / "state.db"
    fed: list[int] = []
    real = incremental.Detector.feed

    def counting(self: Any, event: Any) -> Any:
        fed[-1] += 1
        return real(self, event)

    incremental.Detector.feed = counting  # type: ignore[method-assign]
    try:
        for f in files:
            fed.append(0)
            _hunt([f], db)
    finally:
        incremental.Detector.feed = real  # type: ignore[method-assign]
    assert fed == [len(day) for day in stream()]


def test_the_state_file_is_private(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    _hunt(_files(tmp_path / "d", stream(1)), db)
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600


def test_a_damaged_state_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    f = _files(tmp_path / "d", stream(1))[0]
    result = run_cli("hunt", str(f), "--state", str(db), "--format", "jsonl")
    assert result.exit_code == 2
    assert "state file is damaged" in result.stderr and str(db) in result.stderr


def test_a_second_writer_waits_then_says_state_in_use(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    f = _files(tmp_path / "d", stream(1))[0]
    _hunt([f], db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run_cli(
            "hunt", str(f), "--state", str(db), "--format", "jsonl", "--lock-timeout", "0.2"
        )
        assert result.exit_code == 2 and "state in use" in result.stderr
        assert run_cli("explain", _state_alerts(db)[0]["id"], "--state", str(db)).exit_code == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize("cut", [1, 5, 9, 14])
def test_a_state_saved_and_reloaded_mid_stream_gives_the_same_alerts(cut: int) -> None:
    """The Detector alone: feed, save the state to bytes, load it in a new Detector, go on."""
    from lambdawatch.config import Config
    from lambdawatch.detect.detector import Detector
    from lambdawatch.detect.stream_state import StreamState
    from lambdawatch.engine.ruleset import RuleSet
    from lambdawatch.ingest.normalize import normalize

    rules = RuleSet.load(())
    events = []
    for rec in itertools.chain.from_iterable(stream()):
        event = normalize(rec)
        event.rules = [c.rule.id for c in rules.compiled if c.matches(rec)]
        events.append(event)
    events.sort(key=lambda e: (e.ts, e.event_id))
    by_id = {e.event_id: e for e in events}

    def load(ids: list[str]) -> list[Any]:
        out = []
        for i in ids:
            e = normalize(by_id[i].record)
            out.append(e)
        return out

    def windows(det: Detector, evs: list[Any]) -> list[tuple[Any, ...]]:
        closed = [w for e in evs for w in det.feed(e)]
        return [
            (w.key, [e.event_id for e in w.events], sorted(f.code for f in w.findings))
            for w in closed
        ]

    one = Detector(rules, Config(), StreamState())
    expected = windows(one, events) + [
        (w.key, [e.event_id for e in w.events], sorted(f.code for f in w.findings))
        for w in one.still_open()
    ]
    first = Detector(rules, Config(), StreamState())
    got = windows(first, events[:cut])
    first.save()
    blob = first.state.dumps()
    second = Detector(rules, Config(), StreamState.loads(blob), load_events=load)
    got += windows(second, events[cut:])
    got += [
        (w.key, [e.event_id for e in w.events], sorted(f.code for f in w.findings))
        for w in second.still_open()
    ]
    assert got == expected


def test_the_state_never_holds_a_secret_value_and_replays_still_find_it(tmp_path: Path) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    fn = f"arn:aws:lambda:us-east-1:{ACCT}:function:billing-sync"

    def ev(n: int, time: str, **extra: Any) -> dict[str, Any]:
        return record(
            "update-function-configuration",
            n,
            eventTime=time,
            recipientAccountId=ACCT,
            awsRegion="us-east-1",
            requestParameters__functionName=fn,
            **extra,
        )

    env = {"variables": {"AWS_SECRET_ACCESS_KEY": secret, "STAGE": "prod"}}
    on_time = write(
        tmp_path / "a.json",
        delivery_bytes([ev(1, "2025-03-14T09:30:00Z", requestParameters__environment=env)]),
    )
    late = write(tmp_path / "b.json", delivery_bytes([ev(2, "2025-03-14T09:00:00Z")]))
    db = tmp_path / "s.db"
    first = _hunt([on_time], db).alerts
    assert [f["code"] for f in first[0]["findings"] if f["kind"] == "env-secret"] == ["EV101"]
    _hunt([late], db)  # replays the stored record from before the first one
    assert secret.encode() not in db.read_bytes()
    import zlib

    con = sqlite3.connect(db)
    raws = [zlib.decompress(r[0]) for r in con.execute("SELECT raw FROM events")]
    con.close()
    assert not any(secret.encode() in r for r in raws) and any(b"STAGE" in r for r in raws)
    (alert,) = _state_alerts(db)
    assert [
        f["evidence"]["variables"][0]["variable"]
        for f in alert["findings"]
        if f["kind"] == "env-secret"
    ] == ["AWS_SECRET_ACCESS_KEY"]
    assert alert["findings"] == _hunt([on_time, late], None).all_alerts[0]["findings"]


def test_a_late_record_replays_the_last_hour_not_whole_runs(tmp_path: Path) -> None:
    """Each day's delivery also holds a record from 10 minutes before the previous day's last
    one (a late delivery): each run replays about an hour of stored events, never the history,
    and the end state still equals one run."""
    from lambdawatch.detect import incremental
    from tests.detect.corpus import ALICE, _at

    days = stream(5)
    for i in range(1, len(days)):
        late_minute = (i - 1) * 24 * 60 + 15 * 60 + 40  # the previous day's 23:40
        days[i].append(
            record(
                "update-function-code",
                900 + i,
                eventTime=_at(late_minute),
                recipientAccountId=ACCT,
                awsRegion="us-east-1",
                userIdentity=ALICE,
                requestParameters__functionName="orders-api",
            )
        )
    files = _files(tmp_path / "days", days)
    db = tmp_path / "state.db"
    fed: list[int] = []
    real = incremental.Detector.feed

    def counting(self: Any, event: Any) -> Any:
        fed[-1] += 1
        return real(self, event)

    incremental.Detector.feed = counting  # type: ignore[method-assign]
    try:
        for f in files:
            fed.append(0)
            _hunt([f], db)
    finally:
        incremental.Detector.feed = real  # type: ignore[method-assign]
    assert fed[0] == len(days[0])
    assert all(len(days[i]) <= fed[i] <= len(days[i]) + 2 for i in range(1, len(days))), fed
    assert _state_alerts(db) == _hunt(files, None).all_alerts


def test_a_withdrawn_alert_is_not_finished_back_to_life_by_a_new_look_alike(tmp_path: Path) -> None:
    """One run brings both a late record that moves billing-sync's window and a look-alike
    name that makes billing-sync's alerts be finished again: the withdrawn alert stays
    withdrawn (found by bench_watch.py's comparison with hunt)."""
    fn = f"arn:aws:lambda:us-east-1:{ACCT}:function:billing-sync"

    def ev(n: int, time: str, base: str = "update-function-code", name: str = fn) -> dict:
        return record(
            base,
            n,
            eventTime=time,
            recipientAccountId=ACCT,
            awsRegion="us-east-1",
            requestParameters__functionName=name,
        )

    other = f"arn:aws:lambda:us-east-1:{ACCT}:function:orders-api"
    first = write(
        tmp_path / "a.json",
        delivery_bytes(
            [  # checkpoints before 09:00 exist
                ev(4, "2025-03-14T07:00:00Z", name=other),
                ev(5, "2025-03-14T08:00:00Z", name=other),
                ev(1, "2025-03-14T09:30:00Z"),
            ]
        ),
    )
    second = write(
        tmp_path / "b.json",
        delivery_bytes(
            [
                ev(2, "2025-03-14T09:00:00Z"),
                ev(3, "2025-03-14T09:40:00Z", base="create-function", name="billing-synk"),
            ]
        ),
    )
    db = tmp_path / "s.db"
    _hunt([first], db)
    _hunt([second], db)
    assert _state_alerts(db) == _hunt([first, second], None).all_alerts
