"""Read every input through an executor and yield one :class:`Outcome` (or Skipped) per input.

Inputs are consumed lazily and a bounded number is in flight at any time, so memory stays flat
whatever the number of files or objects. Local files are read and decoded by the workers; S3
objects are fetched by threads here (I/O, a bounded number ahead) and decoded by the workers;
stdin is read here. By default a process pool decodes when there are several files and more
than one worker; any :class:`~lambdawatch.ingest.executor.Executor` can be passed in.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import chain
from typing import Any

from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.executor import (
    Executor,
    ProcessExecutor,
    SerialExecutor,
    ThreadExecutor,
)
from lambdawatch.ingest.limits import Limits, default_limits
from lambdawatch.ingest.reader import DecodeContext, Fetched, Outcome, Task, decode_task
from lambdawatch.ingest.sources import LocalFile, S3Object, Skipped, Stdin, read_stdin

S3ClientFactory = Callable[[], Any]
Input = LocalFile | S3Object | Stdin | Skipped
_FETCH_AHEAD = 16


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


_EXECUTORS: dict[str, Callable[[int], Executor]] = {
    "processes": ProcessExecutor,
    "threads": ThreadExecutor,
}
_default_kind = "processes"


def set_default_executor(kind: str) -> None:
    """``processes`` (default) or ``threads``: what ``collect`` uses for several files."""
    global _default_kind
    if kind not in _EXECUTORS:
        raise ValueError(f"unknown executor {kind!r} (processes or threads)")
    _default_kind = kind


def default_executor(workers: int) -> Executor:
    return _EXECUTORS[_default_kind](workers)


def _fetch_s3(client: Any, obj: S3Object, limit: int) -> Fetched | Outcome:
    try:
        body = client.get_object(Bucket=obj.bucket, Key=obj.key)["Body"]
        try:
            return Fetched(obj.name, body.read(limit + 1))  # past the cap: inflate reports it
        finally:
            body.close()
    except Exception as exc:  # noqa: BLE001 - isolation boundary: one object never stops the run
        return Outcome(obj.name, error=f"S3 read failed ({exc})")


class _Clients:
    """One S3 client for the run, made on first use (nothing talks to AWS before it must)."""

    def __init__(self, factory: S3ClientFactory | None) -> None:
        self.factory = factory
        self.client: Any = None

    def s3(self) -> Any:
        if self.client is None:
            if self.factory is None:
                raise ValueError("S3 input without an S3 client factory")
            self.client = self.factory()
        return self.client


def _several_files(inputs: Iterator[Input]) -> tuple[bool, Iterator[Input]]:
    """Whether at least two files or objects come (a pool is worth starting), and the inputs."""
    seen: list[Input] = []
    files = 0
    for item in inputs:
        seen.append(item)
        files += isinstance(item, LocalFile | S3Object)
        if files >= 2:
            break
    return files >= 2, chain(seen, inputs)


def _tasks(items: Iterator[Input], clients: _Clients, limit: int) -> Iterator[Task]:
    """Inputs as tasks, in order: S3 objects fetched ahead by threads (the client is made in
    this thread: boto3 sessions are not thread-safe), stdin read here."""
    ahead: deque[Future[Fetched | Outcome] | Task] = deque()
    fetchers: ThreadPoolExecutor | None = None

    def ready() -> Iterator[Task]:
        while ahead and (
            len(ahead) > _FETCH_AHEAD or not isinstance(ahead[0], Future) or ahead[0].done()
        ):
            head = ahead.popleft()
            yield head.result() if isinstance(head, Future) else head

    try:
        for item in items:
            if isinstance(item, S3Object):
                if fetchers is None:
                    fetchers = ThreadPoolExecutor(8, thread_name_prefix="lambdawatch-s3")
                ahead.append(fetchers.submit(_fetch_s3, clients.s3(), item, limit))
            elif isinstance(item, Stdin):
                ahead.append(Fetched("-", read_stdin(limit)))
            else:
                ahead.append(item)
            yield from ready()
        while ahead:
            head = ahead.popleft()
            yield head.result() if isinstance(head, Future) else head
    finally:
        if fetchers is not None:
            fetchers.shutdown(wait=True, cancel_futures=True)


def collect(
    inputs: Iterable[Input],
    rules: RuleSet,
    *,
    workers: int,
    s3_client_factory: S3ClientFactory | None = None,
    executor: Executor | None = None,
    limits: Limits | None = None,
) -> Iterator[Outcome | Skipped]:
    """Outcomes in input order (callers must not depend on order; the engine sorts)."""
    limits = limits or default_limits()
    items: Iterator[Input] = iter(inputs)
    if executor is None:
        several, items = _several_files(items)
        executor = default_executor(workers) if workers > 1 and several else SerialExecutor()
    tasks = _tasks(items, _Clients(s3_client_factory), limits.max_inflate)
    yield from executor.map(decode_task, DecodeContext(rules, limits), tasks)
