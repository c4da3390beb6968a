"""Read every input, in parallel across processes, and yield one :class:`Outcome` per input.

Inputs are consumed lazily and a bounded number of files is in flight at any time, so memory
stays flat whatever the number of files or objects. Local files are read and decoded by the
worker processes; S3 objects are fetched by threads (I/O) and decoded by the processes.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from itertools import chain
from typing import Any

from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest import reader
from lambdawatch.ingest.sources import LocalFile, S3Object, Skipped, Stdin, read_stdin

S3ClientFactory = Callable[[], Any]
Input = LocalFile | S3Object | Stdin | Skipped
_FETCH_AHEAD = 16


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def _fetch_s3(client: Any, obj: S3Object) -> bytes:
    body = client.get_object(Bucket=obj.bucket, Key=obj.key)["Body"]
    try:
        return body.read()
    finally:
        body.close()


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


def collect(inputs: Iterable[Input], rules: RuleSet, *, workers: int,
            s3_client_factory: S3ClientFactory | None = None) -> Iterator[reader.Outcome | Skipped]:
    """Outcomes in completion order (callers must not depend on order; the engine sorts)."""
    clients = _Clients(s3_client_factory)
    several, items = _several_files(iter(inputs))
    if workers <= 1 or not several:
        yield from _serial(items, rules, clients)
    else:
        yield from _parallel(items, rules, clients, workers)


def _read_object(client: Any, obj: S3Object) -> bytes | reader.Outcome:
    try:
        return _fetch_s3(client, obj)
    except Exception as exc:  # isolation boundary: one object never stops the run
        return reader.Outcome(obj.name, error=f"S3 read failed ({exc})")


def _in_place(item: Input, rules: RuleSet) -> reader.Outcome | Skipped | None:
    """What needs no worker: a skipped input as it is, stdin decoded here; else None."""
    if isinstance(item, Skipped):
        return item
    if isinstance(item, Stdin):
        return reader.decode_bytes("-", read_stdin(), rules)
    return None


def _serial(items: Iterator[Input], rules: RuleSet,
            clients: _Clients) -> Iterator[reader.Outcome | Skipped]:
    for item in items:
        if (done := _in_place(item, rules)) is not None:
            yield done
        elif isinstance(item, LocalFile):
            yield reader.read_and_decode(item.path, rules)
        else:
            data = _read_object(clients.s3(), item)
            yield data if isinstance(data, reader.Outcome) else reader.decode_bytes(
                item.name, data, rules)


def _parallel(items: Iterator[Input], rules: RuleSet, clients: _Clients,
              workers: int) -> Iterator[reader.Outcome | Skipped]:
    limit = workers * 4
    pending: deque[Future[reader.Outcome]] = deque()
    fetching: deque[tuple[S3Object, Future[bytes | reader.Outcome]]] = deque()
    with ProcessPoolExecutor(workers, initializer=reader.worker_init, initargs=(rules,)) as pool, \
            ThreadPoolExecutor(8) as fetchers:

        def hand_over(block: bool) -> Iterator[reader.Outcome]:
            """Fetched objects go to the decoders (when done, or all of them when ``block``)."""
            while fetching and (block or fetching[0][1].done() or len(fetching) >= _FETCH_AHEAD):
                obj, fut = fetching.popleft()
                data = fut.result()
                if isinstance(data, reader.Outcome):
                    yield data
                else:
                    pending.append(pool.submit(reader.worker_decode, obj.name, data))

        for item in items:
            if (done := _in_place(item, rules)) is not None:
                yield done
            elif isinstance(item, LocalFile):
                pending.append(pool.submit(reader.worker_read, item.path))
            else:
                # the client is made here, in this thread: boto3 sessions are not thread-safe
                fetching.append((item, fetchers.submit(_read_object, clients.s3(), item)))
            yield from hand_over(block=False)
            while len(pending) >= limit:
                yield pending.popleft().result()
        yield from hand_over(block=True)
        while pending:
            yield pending.popleft().result()
