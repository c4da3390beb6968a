"""Scan files in a process pool (parsing is CPU-bound Python: threads would not help).

Files go to the workers in chunks of about ``CHUNK_BYTES`` (biggest first, so one large file
does not finish last), and the results come back in input order whatever the completion order.
Workers are forked from the scanning process (the checks are already imported), die with it
(``PR_SET_PDEATHSIG`` on Linux), and a worker that dies (a crashing native parser, the OOM
killer) costs only its chunk: those files are reported as errors and the run goes on.
Small scans stay in-process: a pool costs more than it saves below ``MIN_PARALLEL_BYTES``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from lambdawatch.codescan.filejob import FileBudget, scan_with_budget
from lambdawatch.codescan.model import Finding, Severity
from lambdawatch.codescan.package_checks import LIMIT

CHUNK_BYTES = 512 * 1024
CHUNK_FILES = 64
MIN_PARALLEL_BYTES = 2 * 1024 * 1024
Job = tuple[int, str, bytes, bool]  # (index, path, data, vendored)
Outcome = tuple[list[Finding], list[str], bool]


def default_workers() -> int:
    env = os.environ.get("LAMBDAWATCH_SCAN_WORKERS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(
        1,
        min(
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1),
            8,
        ),
    )


def _scan_one(
    path: str, data: bytes, vendored: bool, errors: list[str], parse: bool
) -> list[Finding]:
    from lambdawatch.codescan.scanner import scan_file

    return scan_file(path, data, vendored, errors, parse=parse)


_SHARED: Sequence[Job] = ()  # the jobs of the running scan, inherited by forked workers


def _run_chunk(positions: list[int], budget: FileBudget) -> list[tuple[int, Outcome]]:
    """Scan jobs given by position in ``_SHARED``: only positions cross the pipe, the bytes
    are the parent's, inherited at fork (copy-on-write), never pickled."""
    out = []
    for pos in positions:
        i, p, d, v = _SHARED[pos]
        out.append((i, scan_with_budget(_scan_one, p, d, v, budget)))
    return out


def _die_with_parent() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass


def chunks(jobs: Sequence[Job]) -> list[list[int]]:
    """Positions in ``jobs``, biggest files first, grouped by size and count."""
    out: list[list[int]] = []
    cur: list[int] = []
    size = 0
    for pos in sorted(range(len(jobs)), key=lambda k: -len(jobs[k][2])):
        cur.append(pos)
        size += len(jobs[pos][2])
        if size >= CHUNK_BYTES or len(cur) >= CHUNK_FILES:
            out.append(cur)
            cur, size = [], 0
    if cur:
        out.append(cur)
    return out


def scan_jobs(
    jobs: Sequence[Job], budget: FileBudget, workers: int, deadline: float | None = None
) -> Iterator[tuple[int, Outcome]]:
    """``(index, outcome)`` for every job started before ``deadline`` (a ``time.monotonic``
    value); jobs not started by then are not yielded (the caller reports them)."""
    if workers <= 1 or len(jobs) < 2 or sum(len(j[2]) for j in jobs) < MIN_PARALLEL_BYTES:
        for i, p, d, v in jobs:
            if deadline is not None and time.monotonic() > deadline:
                return
            yield i, scan_with_budget(_scan_one, p, d, v, budget)
        return
    global _SHARED
    _SHARED = jobs
    try:
        yield from _pooled(jobs, chunks(jobs), budget, workers, deadline)
    finally:
        _SHARED = ()


def _pooled(
    jobs: Sequence[Job],
    todo: list[list[int]],
    budget: FileBudget,
    workers: int,
    deadline: float | None,
) -> Iterator[tuple[int, Outcome]]:
    ctx = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_die_with_parent)
    running: dict[Future[list[tuple[int, Outcome]]], list[int]] = {}
    todo.reverse()  # pop() takes the biggest chunks first
    try:
        while todo or running:
            while todo and len(running) < workers * 2 and not _late(deadline):
                chunk = todo.pop()
                try:
                    running[pool.submit(_run_chunk, chunk, budget)] = chunk
                except BrokenProcessPool:  # a worker died: start a fresh pool for the rest
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = ProcessPoolExecutor(
                        workers, mp_context=ctx, initializer=_die_with_parent
                    )
                    running[pool.submit(_run_chunk, chunk, budget)] = chunk
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                chunk = running.pop(fut)
                yield from _collect(fut, [jobs[pos] for pos in chunk])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _late(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline


def _collect(
    fut: Future[list[tuple[int, Outcome]]], chunk: list[Job]
) -> Iterator[tuple[int, Outcome]]:
    try:
        yield from fut.result()
    except BrokenProcessPool as exc:  # a file that kills its parser must still fail the gate
        why = f"scan worker died ({exc or 'killed'}): not scanned"
        for i, p, _, _ in chunk:
            yield (
                i,
                (
                    [Finding(LIMIT.kind, LIMIT.code, Severity.HIGH, p, 0, why, p)],
                    [f"{p}: {why}"],
                    False,
                ),
            )
    except Exception as exc:  # noqa: BLE001 - isolation boundary: one chunk, reported
        for i, p, _, _ in chunk:
            yield i, ([], [f"{p}: scan failed: {type(exc).__name__}: {exc}"], False)
