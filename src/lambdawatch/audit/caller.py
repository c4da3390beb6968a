"""Every AWS call of an audit goes through one :class:`Caller`: bounded, recorded, never raising.

Calls run under a semaphore per (region, service), so one region's many functions cannot open
more than ``per_service`` connections to one endpoint at once; botocore's adaptive retries
(configured by :class:`lambdawatch.aws.ClientFactory`) absorb throttling. A failed call becomes
a :class:`lambdawatch.aws.Gap` (access denied, not found, unsupported, throttled, ...) handed
back to the caller, who records it on the function or on the run: the audit goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from lambdawatch.aws import ClientFactory, Gap, gap_from

_BOTO_ERRORS: tuple[type[BaseException], ...] | None = None


def _boto_errors() -> tuple[type[BaseException], ...]:
    global _BOTO_ERRORS
    if _BOTO_ERRORS is None:
        from botocore.exceptions import BotoCoreError, ClientError
        from botocore.parsers import ResponseParserError

        _BOTO_ERRORS = (ClientError, BotoCoreError, ResponseParserError)
    return _BOTO_ERRORS


class Caller:
    """``call``/``pages`` return ``(result, None)`` or ``(None, gap)``; they never raise on AWS
    errors. ``calls`` counts the API calls made (pages included)."""

    def __init__(self, factory: ClientFactory, per_service: int = 8) -> None:
        self.factory = factory
        self.per_service = per_service
        self._locks: dict[tuple[str, str], threading.BoundedSemaphore] = {}
        self._guard = threading.Lock()
        self.calls = 0

    def _slot(self, service: str, region: str) -> threading.BoundedSemaphore:
        with self._guard:
            found = self._locks.get((service, region))
            if found is None:
                found = self._locks[(service, region)] = threading.BoundedSemaphore(
                    self.per_service
                )
            return found

    def _count(self) -> None:
        with self._guard:
            self.calls += 1

    def call(
        self, service: str, region: str, op: str, resource: str | None = None, **kwargs: Any
    ) -> tuple[dict[str, Any] | None, Gap | None]:
        client = self.factory.client(service, region)
        with self._slot(service, region):
            self._count()
            try:
                result: dict[str, Any] = getattr(client, op)(**kwargs)
            except _boto_errors() as exc:
                return None, gap_from(exc, _api(service, client, op), resource)
        return result, None

    def pages(
        self,
        service: str,
        region: str,
        op: str,
        key: str,
        resource: str | None = None,
        **kwargs: Any,
    ) -> tuple[list[Any], Gap | None]:
        """Every item under ``key`` of every page (what was read before a failure is kept)."""
        client = self.factory.client(service, region)
        items: list[Any] = []
        with self._slot(service, region):
            try:
                for page in _paginate(client, op, kwargs, self._count):
                    items.extend(page.get(key) or [])
            except _boto_errors() as exc:
                return items, gap_from(exc, _api(service, client, op), resource)
        return items, None


def _paginate(client: Any, op: str, kwargs: dict[str, Any], count: Any) -> Iterator[dict[str, Any]]:
    if client.can_paginate(op):
        for page in client.get_paginator(op).paginate(**kwargs):
            count()
            yield page
    else:
        count()
        yield getattr(client, op)(**kwargs)


def _api(service: str, client: Any, op: str) -> str:
    """``lambda:GetPolicy``: the service and the operation's API name."""
    names = client.meta.method_to_api_mapping
    return f"{service}:{names.get(op, op)}"
