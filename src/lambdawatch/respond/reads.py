"""One way to make a read: a result, ``None`` for "not there", or a recorded gap."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lambdawatch.aws import classify, gap_from, raise_for
from lambdawatch.respond.manifest import Evidence

T = TypeVar("T")
R = TypeVar("R")


def each(fn: Callable[[T], R], items: Iterable[T], workers: int) -> list[R]:
    """``fn`` over ``items`` on up to ``workers`` threads (boto3 clients are thread-safe);
    results in the order of ``items``, the first exception raised."""
    todo = list(items)
    if workers <= 1 or len(todo) <= 1:
        return [fn(item) for item in todo]
    with ThreadPoolExecutor(max_workers=min(workers, len(todo))) as pool:
        return list(pool.map(fn, todo))


class Reader:
    """Reads for one collection; gaps go to ``evidence`` (or are dropped when there is none)."""

    def __init__(
        self, evidence: Evidence | None, unread: list[tuple[str, str, str]] | None = None
    ) -> None:
        self.evidence = evidence
        self.unread = unread if unread is not None else []

    def read(
        self,
        api: str,
        what: str,
        call: Callable[..., Any],
        *,
        required: bool = False,
        **kwargs: Any,
    ) -> Any:
        """``call(**kwargs)``; ``None`` when the resource does not exist or cannot be read
        (a gap then, unless it simply does not exist). ``required`` reads raise instead."""
        try:
            return call(**kwargs)
        except Exception as exc:  # botocore's ClientError and endpoint errors, mapped once
            kind = classify(exc)
            if kind == "other" and not hasattr(exc, "response"):
                raise
            if required:
                raise raise_for(exc, api, what) from None
            if kind == "not-found":
                return None
            gap = gap_from(exc, api, what)
            self.unread.append((api, what, gap.error))
            if self.evidence is not None:
                self.evidence.gap(what, api, gap.error, gap.message)
            return None

    def pages(
        self, client: Any, operation: str, key: str, api: str, what: str, **kwargs: Any
    ) -> list[Any] | None:
        """Every item under ``key`` of a paginated listing (``None`` when it cannot be read)."""

        def run() -> list[Any]:
            items: list[Any] = []
            for page in client.get_paginator(operation).paginate(**kwargs):
                items.extend(page.get(key, []))
            return items

        result: list[Any] | None = self.read(api, what, run)
        return result
