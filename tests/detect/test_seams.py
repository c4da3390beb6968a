"""The seams of the core: a record source passed in (acknowledged only after the commit) and a
store kept open across runs (as a queue watcher keeps it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.hunt import HuntOptions, run_hunt
from lambdawatch.ingest.reader import Outcome, decode_bytes
from lambdawatch.ingest.sources import Skipped
from lambdawatch.state.store import Store
from tests.conftest import delivery_bytes
from tests.detect.corpus import stream


class MemorySource:
    """Delivery files held in memory; records what it saw of the state when acknowledged."""

    def __init__(self, db: Path, *files: bytes) -> None:
        self.db, self.files = db, files
        self.acked_alerts: list[str] | None = None

    def read(self, rules: RuleSet) -> Iterator[Outcome | Skipped]:
        for i, data in enumerate(self.files):
            yield decode_bytes(f"mem://{i}", data, rules)

    def acknowledge(self) -> None:
        if not self.db.exists():
            return
        reader = Store(str(self.db), readonly=True)  # what another process sees: committed
        try:
            self.acked_alerts = [a["id"] for a in reader.iter_alerts()]
        finally:
            reader.close()


class Boom(Exception):
    pass


def test_the_source_is_acknowledged_after_the_commit(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    days = [delivery_bytes(d) for d in stream(2)]
    source = MemorySource(db, *days)
    result = run_hunt(HuntOptions(paths=[], state_path=str(db)), source=source)
    assert source.acked_alerts is not None
    assert sorted(source.acked_alerts) == sorted(a["id"] for a in result.alerts)


def test_a_failed_run_acknowledges_nothing_and_commits_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    source = MemorySource(db, delivery_bytes(stream(1)[0]))

    def sink(alerts: Iterator[dict[str, Any]]) -> None:
        raise Boom  # fails after the commit: the alerts stay recorded, the ack already done

    opts = HuntOptions(paths=[], state_path=str(db), sink=sink)
    with pytest.raises(Boom):
        run_hunt(opts, source=source)
    assert source.acked_alerts  # committed and acknowledged before the output
    again = MemorySource(db, delivery_bytes(stream(1)[0]))
    assert run_hunt(HuntOptions(paths=[], state_path=str(db)), source=again).alerts == []


def test_a_store_kept_open_serves_consecutive_runs(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    days = [delivery_bytes(d) for d in stream(3)]
    store = Store(str(db))
    try:
        got: dict[str, dict[str, Any]] = {}
        for data in days:
            result = run_hunt(
                HuntOptions(paths=[], state_path=str(db)),
                source=MemorySource(db, data),
                store=store,
            )
            got.update({a["id"]: a for a in result.alerts})
    finally:
        store.close()
    one = run_hunt(HuntOptions(paths=[]), source=MemorySource(tmp_path / "x.db", *days))
    assert {k: v for k, v in got.items() if not v.get("superseded")} == {
        a["id"]: a for a in one.all_alerts
    }


class FailingSource(MemorySource):
    def read(self, rules: RuleSet) -> Iterator[Outcome | Skipped]:
        yield from super().read(rules)
        raise Boom("the queue went away mid-batch")


def test_a_rolled_back_run_leaves_no_trace_in_a_store_kept_open(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    days = [delivery_bytes(d) for d in stream(3)]
    store = Store(str(db))
    try:
        run_hunt(HuntOptions(paths=[]), source=MemorySource(db, days[0]), store=store)
        with pytest.raises(Boom):
            run_hunt(HuntOptions(paths=[]), source=FailingSource(db, days[1]), store=store)
        for data in days[1:]:
            run_hunt(HuntOptions(paths=[]), source=MemorySource(db, data), store=store)
        got = list(store.iter_alerts())
    finally:
        store.close()
    one = run_hunt(HuntOptions(paths=[]), source=MemorySource(tmp_path / "x.db", *days))
    assert got == one.all_alerts
