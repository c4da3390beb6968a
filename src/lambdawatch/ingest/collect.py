"""Read every input, in parallel across processes, and yield one :class:`Outcome` per input."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest import reader
from lambdawatch.ingest.sources import LocalFile, S3Object, Skipped, Stdin, read_stdin

S3ClientFactory = Callable[[], Any]


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def _fetch_s3(client: Any, obj: S3Object) -> bytes:
    body = client.get_object(Bucket=obj.bucket, Key=obj.key)["Body"]
    try:
        return body.read()
    finally:
        body.close()


def collect(
    inputs: list[LocalFile | S3Object | Stdin | Skipped],
    rules: RuleSet,
    *,
    workers: int,
    s3_client_factory: S3ClientFactory | None = None,
) -> Iterator[reader.Outcome | Skipped]:
    """Outcomes in completion order (callers must not depend on order; the engine sorts)."""
    locals_ = [i.path for i in inputs if isinstance(i, LocalFile)]
    s3_objects = [i for i in inputs if isinstance(i, S3Object)]
    yield from (i for i in inputs if isinstance(i, Skipped))
    if any(isinstance(i, Stdin) for i in inputs):
        yield reader.decode_bytes("-", read_stdin(), rules)
    parallel = workers > 1 and (len(locals_) + len(s3_objects)) > 1
    if not parallel:
        for path in locals_:
            yield reader.read_and_decode(path, rules)
        if s3_objects:
            yield from _s3_serial(s3_objects, rules, s3_client_factory)
        return
    with ProcessPoolExecutor(workers, initializer=reader.worker_init, initargs=(rules,)) as pool:
        # Bounded in flight: memory stays flat whatever the number of files.
        pending: list[Future[reader.Outcome]] = []
        limit = workers * 4
        for path in locals_:
            pending.append(pool.submit(reader.worker_read, path))
            if len(pending) >= limit:
                yield pending.pop(0).result()
        if s3_objects:
            yield from _s3_parallel(s3_objects, pool, s3_client_factory, pending, limit)
        for fut in pending:
            yield fut.result()


def _s3_serial(objs: list[S3Object], rules: RuleSet,
               factory: S3ClientFactory | None) -> Iterator[reader.Outcome]:
    assert factory is not None
    client = factory()
    for obj in objs:
        try:
            data = _fetch_s3(client, obj)
        except Exception as exc:  # isolation boundary: one object never stops the run
            yield reader.Outcome(obj.name, error=f"S3 read failed ({exc})")
            continue
        yield reader.decode_bytes(obj.name, data, rules)


def _s3_parallel(objs: list[S3Object], pool: ProcessPoolExecutor,
                 factory: S3ClientFactory | None, pending: list[Future[reader.Outcome]],
                 limit: int) -> Iterator[reader.Outcome]:
    """Objects are fetched by threads (I/O) and decoded by processes, a bounded number at once."""
    assert factory is not None
    client = factory()
    with ThreadPoolExecutor(8) as fetchers:
        queue: deque[tuple[S3Object, Future[bytes]]] = deque()
        todo = iter(objs)
        while True:
            while len(queue) < 16 and (obj := next(todo, None)) is not None:
                queue.append((obj, fetchers.submit(_fetch_s3, client, obj)))
            if not queue:
                return
            obj, fut = queue.popleft()
            try:
                data = fut.result()
            except Exception as exc:  # isolation boundary: one object never stops the run
                yield reader.Outcome(obj.name, error=f"S3 read failed ({exc})")
                continue
            pending.append(pool.submit(reader.worker_decode, obj.name, data))
            while len(pending) >= limit:
                yield pending.pop(0).result()
