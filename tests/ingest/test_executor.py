"""The executor seam: serial, thread and process executors give the same outcomes, pull inputs
lazily with a bounded number in flight, and process workers die with the main process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lambdawatch.ingest.collect import collect
from lambdawatch.ingest.executor import (
    Executor,
    ProcessExecutor,
    SerialExecutor,
    ThreadExecutor,
)
from lambdawatch.ingest.reader import Outcome
from lambdawatch.ingest.sources import LocalFile, Skipped, walk_local
from tests.conftest import ROOT, record
from tests.ingest.helpers import RULES, gz, with_records, write


def _corpus(root: Path) -> list[str]:
    ids = []
    for i in range(6):
        recs = [record("create-function", 10 * i + k) for k in range(3)]
        ids += [r["eventID"] for r in recs]
        write(root / f"f{i}.json.gz", gz(with_records(*recs)))
    write(root / "bad.json", b"not json")
    return sorted(ids)


def _run(root: Path, executor: Executor) -> tuple[list[str], list[str]]:
    matched, problems = [], []
    for item in collect(walk_local(str(root)), RULES, workers=2, executor=executor):
        if isinstance(item, Outcome) and item.decoded is not None:
            matched += [m.event_id for m in item.decoded.matched]
        else:
            problems.append(
                f"{Path(item.name).name}: {item.error if isinstance(item, Outcome) else item.reason}"
            )
    return sorted(matched), problems


@pytest.mark.parametrize(
    "executor",
    [SerialExecutor(), ThreadExecutor(2), ProcessExecutor(2)],
    ids=["serial", "threads", "processes"],
)
def test_every_executor_gives_the_same_outcomes(tmp_path: Path, executor: Executor) -> None:
    ids = _corpus(tmp_path)
    assert _run(tmp_path, executor) == (ids, ["bad.json: not JSON (binary or text data)"])


def _double(ctx: int, item: int) -> int:
    return ctx * item


@pytest.mark.parametrize(
    "executor",
    [ThreadExecutor(2, in_flight=3), ProcessExecutor(2, in_flight=3)],
    ids=["threads", "processes"],
)
def test_inputs_are_pulled_lazily_and_results_come_in_order(executor: Executor) -> None:
    pulled = []

    def items() -> Iterator[int]:
        for i in range(100):
            pulled.append(i)
            yield i

    results = executor.map(_double, 2, items())
    first = [next(results) for _ in range(2)]
    assert first == [0, 2]
    assert len(pulled) <= 5  # three in flight, one being handed over: never the whole input
    assert first + list(results) == [2 * i for i in range(100)]


def test_default_is_serial_for_one_file_and_a_pool_for_several(tmp_path: Path) -> None:
    one = write(tmp_path / "a.json", with_records(record("create-function", 1)))
    out = list(collect([LocalFile(str(one)), Skipped("x", "digest")], RULES, workers=4))
    assert [type(o).__name__ for o in out] == ["Outcome", "Skipped"]


_ORPHAN = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {src!r})
    from lambdawatch.ingest.executor import ProcessExecutor

    def slow(ctx, item):
        print(os.getpid(), flush=True)
        time.sleep(60)
        return item

    results = ProcessExecutor(2).map(slow, None, iter(range(2)))
    next(results)
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_the_main_process(sig: signal.Signals, budget: float = 20.0) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN.format(src=str(ROOT / "src"))],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    workers = {int(parent.stdout.readline()), int(parent.stdout.readline())}
    assert all(_alive(w) for w in workers)
    os.kill(parent.pid, sig)
    parent.wait(timeout=budget)
    deadline = time.monotonic() + budget
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [w for w in workers if _alive(w)] == []
