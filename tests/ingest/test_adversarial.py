"""Hostile inputs, run through ``lambdawatch hunt`` in a child process: each case asserts the exit
code, the message naming the file, that good records still alert, the child's peak memory and its
elapsed time under a generous budget (a hang bound, not a speed test).

Peak memory: the child's own high-water mark (``VmHWM``; Linux keeps ``ru_maxrss`` across
``execve``, so ``resource`` in a child forked from a large pytest reports the parent's size),
with ``resource``'s figure for its worker processes (RUSAGE_CHILDREN) and where /proc is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from lambdawatch.ingest.limits import MIB
from tests.conftest import ROOT, record
from tests.ingest.helpers import (
    GOOD,
    GOOD_IDS,
    bomb,
    deep,
    delivery,
    gz,
    lines,
    with_records,
    write,
)

_CHILD = textwrap.dedent("""
    import atexit, json, resource, sys
    sys.path.insert(0, {src!r})
    def report():
        try:
            with open("/proc/self/status") as fh:
                own = next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:"))
        except OSError:
            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kb = max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        with open({out!r}, "w") as fh:
            json.dump({{"peak_mb": kb / 1024}}, fh)
    atexit.register(report)
    sys.argv = ["lambdawatch", *{args!r}]
    from lambdawatch.cli import run
    run()
""")


@dataclass
class Run:
    code: int
    err: str
    alerts: list[dict]
    peak_mb: float
    seconds: float

    def event_ids(self) -> list[str]:
        return sorted(e for a in self.alerts for e in a["event_ids"])


def hunt(tmp_path: Path, *args: str, budget: float = 120.0) -> Run:
    out = tmp_path / "rusage.json"
    argv = ["hunt", *args, "--format", "jsonl", "--workers", "1"]
    code = _CHILD.format(src=str(ROOT / "src"), out=str(out), args=argv)
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=budget
    )
    seconds = time.monotonic() - start
    assert "Traceback" not in proc.stderr, proc.stderr
    alerts = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    return Run(
        proc.returncode, proc.stderr, alerts, json.loads(out.read_text())["peak_mb"], seconds
    )


BASELINE_MB = 250  # the interpreter, the rules and the alerting stage, with room to spare


def test_gzip_bomb_after_good_records(tmp_path: Path, budget: float = 120.0) -> None:
    head = with_records(*GOOD)[:-2] + b","
    f = write(tmp_path / "bomb.json.gz", bomb(512 * MIB, head))
    assert f.stat().st_size < 1 * MIB
    run = hunt(tmp_path, str(f), "--max-inflate", "16M", budget=budget)
    assert run.code == 0
    assert (
        f"partly read: {f}: inflates past the 16 MiB cap (--max-inflate); read the first "
        "16 MiB" in run.err
    )
    assert run.event_ids() == GOOD_IDS
    assert run.peak_mb < BASELINE_MB + 16 * 4
    assert run.seconds < budget


def test_special_files_in_a_folder_never_hang_nor_grow(
    tmp_path: Path, budget: float = 60.0
) -> None:
    good = write(tmp_path / "good.json", with_records(*GOOD))
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.json.gz"
    zero.symlink_to("/dev/zero")
    run = hunt(tmp_path, str(tmp_path), budget=budget)
    assert run.code == 0
    assert f"skipped file: {fifo}: FIFO, not a regular file: not opened" in run.err
    assert f"skipped file: {zero}: character device, not a regular file: not opened" in run.err
    assert run.event_ids() == GOOD_IDS and good.exists()
    assert run.peak_mb < BASELINE_MB
    assert run.seconds < budget


def test_gzip_with_trailing_zeros_and_two_members(tmp_path: Path, budget: float = 60.0) -> None:
    a = with_records(GOOD[0])[:-2] + b","
    b = with_records(GOOD[1], GOOD[2])[12:]
    f = write(tmp_path / "padded.json.gz", gz(a) + gz(b) + b"\x00" * 512)
    run = hunt(tmp_path, str(f), budget=budget)
    assert run.code == 0
    assert f"partly read: {f}: 512 trailing zero bytes after the gzip data ignored" in run.err
    assert run.event_ids() == GOOD_IDS
    assert run.peak_mb < BASELINE_MB and run.seconds < budget


def test_huge_record_is_skipped_alone(tmp_path: Path, budget: float = 60.0) -> None:
    big = record("create-function", 80, requestParameters__blob="x" * (3 * MIB))
    f = write(tmp_path / "big.json", with_records(GOOD[0], big, GOOD[1], GOOD[2]))
    run = hunt(tmp_path, str(f), "--max-record", "1M", budget=budget)
    assert run.code == 0
    assert f"partly read: {f}: record 2: record larger than the 1 MiB cap" in run.err
    assert f"skipped records: 1 record larger than the 1 MiB cap (in {f})" in run.err
    assert run.event_ids() == GOOD_IDS
    assert run.peak_mb < BASELINE_MB and run.seconds < budget


def test_record_with_fifty_thousand_targets_is_bounded(
    tmp_path: Path, budget: float = 60.0
) -> None:
    targets = [
        {"id": f"t{i}", "arn": f"arn:aws:lambda:us-east-1:111122223333:function:f{i}"}
        for i in range(50_000)
    ]
    many = record("put-targets", 81, requestParameters__targets=targets)
    f = write(tmp_path / "targets.json", with_records(GOOD[0], GOOD[1], GOOD[2], many))
    run = hunt(tmp_path, str(f), budget=budget)
    assert run.code == 0
    assert f"partly read: {f}: record 4: record with more than 50000 JSON values" in run.err
    assert run.event_ids() == GOOD_IDS
    assert run.peak_mb < BASELINE_MB and run.seconds < budget


def test_bad_records_cost_only_themselves(tmp_path: Path, budget: float = 60.0) -> None:
    bad_time = record("create-function", 82, eventTime="99999-01-01T00:00:00Z")
    f = write(
        tmp_path / "mixed.json", delivery([GOOD[0], deep(5000, 83), GOOD[1], bad_time, GOOD[2]])
    )
    run = hunt(tmp_path, str(f), budget=budget)
    assert run.code == 0
    assert (
        f"partly read: {f}: record 2: record nested deeper than 64 levels; record 4: record "
        "has no valid eventTime ("
    ) in run.err
    assert run.event_ids() == GOOD_IDS
    assert run.peak_mb < BASELINE_MB and run.seconds < budget


def test_jsonl_lines_that_are_not_objects_are_counted(tmp_path: Path, budget: float = 60.0) -> None:
    no_time = record("invoke", 84, eventName="GetFunction20150331v2")
    del no_time["eventTime"]
    f = write(tmp_path / "x.jsonl", lines([GOOD[0], b"[]", GOOD[1], b"null", no_time, GOOD[2]]))
    run = hunt(tmp_path, str(f), budget=budget)
    assert run.code == 0
    assert (
        f"partly read: {f}: line 2: line is not a JSON object; line 4: line is not a JSON "
        "object; line 5: record without eventTime"
    ) in run.err
    assert f"skipped records: 2 line is not a JSON object (in {f})" in run.err
    assert f"skipped records: 1 record without eventTime (in {f})" in run.err
    assert run.event_ids() == GOOD_IDS


def test_clean_twin_reports_nothing(tmp_path: Path, budget: float = 60.0) -> None:
    f = write(tmp_path / "clean.json.gz", gz(with_records(*GOOD)))
    run = hunt(tmp_path, str(f), budget=budget)
    assert run.code == 0
    assert "partly read" not in run.err and "skipped" not in run.err
    assert run.event_ids() == GOOD_IDS
