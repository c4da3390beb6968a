"""The executor seam: how the per-file decode runs (in order, lazily, bounded in flight).

``collect`` maps one plain top-level function ``fn(context, item)`` over the inputs through an
:class:`Executor`. The context (rules, limits) reaches each worker once; items are pulled from
the input iterator only while fewer than ``in_flight`` are pending, so memory stays flat whatever
the number of files. A Spark engine can implement the same protocol (broadcast the context, map
``decode_task``). Results come back in input order.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor as _PoolExecutor
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from lambdawatch.ingest.lifeline import bind_to_parent

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``fn(context, item)`` for every item; results in input order, lazily."""

    def map(self, fn: Callable[[C, T], R], context: C, items: Iterable[T]) -> Iterator[R]: ...


class SerialExecutor:
    """In the calling thread: one input at a time (stdin, one file, tests)."""

    def map(self, fn: Callable[[C, T], R], context: C, items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(context, item)


def _bounded(
    pool: _PoolExecutor, call: Callable[[T], Future[R]], items: Iterable[T], in_flight: int
) -> Iterator[R]:
    pending: deque[Future[R]] = deque()
    try:
        for item in items:
            pending.append(call(item))
            while len(pending) >= in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for fut in pending:
            fut.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


class ThreadExecutor:
    """Threads of this process: worth it where the native parts release the GIL."""

    def __init__(self, workers: int, in_flight: int | None = None) -> None:
        self.workers = workers
        self.in_flight = in_flight or workers * 4

    def map(self, fn: Callable[[C, T], R], context: C, items: Iterable[T]) -> Iterator[R]:
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="lambdawatch-decode")
        return _bounded(pool, lambda item: pool.submit(fn, context, item), items, self.in_flight)


_CONTEXT: Any = None


def _process_init(parent: int, context: Any) -> None:
    global _CONTEXT
    bind_to_parent(parent)
    _CONTEXT = context  # unpickled once per worker (a RuleSet reloads its rule files)


def _process_call(fn: Callable[[Any, T], R], item: T) -> R:
    return fn(_CONTEXT, item)


class ProcessExecutor:
    """Worker processes that load the context once and die with the main process."""

    def __init__(self, workers: int, in_flight: int | None = None) -> None:
        self.workers = workers
        self.in_flight = in_flight or workers * 4

    def map(self, fn: Callable[[C, T], R], context: C, items: Iterable[T]) -> Iterator[R]:
        pool = ProcessPoolExecutor(
            self.workers, initializer=_process_init, initargs=(os.getpid(), context)
        )
        return _bounded(
            pool, lambda item: pool.submit(_process_call, fn, item), items, self.in_flight
        )
