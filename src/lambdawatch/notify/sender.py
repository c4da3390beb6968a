"""Deliver the outbox: HTTP POSTs (webhook, Slack) and SNS publishes, with retries.

Retries on network errors, 408, 429 and 5xx, exponential backoff with full jitter
(``random(0, min(cap, base * 2**n))``), ``Retry-After`` honoured; other 4xx and rows older than
``max_age`` are marked dead. A row is marked sent only after the receiver accepted it; a crash
in between resends it once with the same ``webhook-id``, which receivers dedup on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import random
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import orjson

from lambdawatch.notify.payloads import sns_subject
from lambdawatch.notify.targets import Target
from lambdawatch.state import outbox
from lambdawatch.state.store import Store

SECRET_ENV = "LAMBDAWATCH_WEBHOOK_SECRET"


class Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Fatal(Exception):
    pass


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """Standard Webhooks v1: base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"));
    a ``whsec_`` secret is the base64 of the key."""
    key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - _now())
        except (TypeError, ValueError):
            return None


def _now() -> float:
    import time

    return time.time()


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> None:
    req = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"content-type": "application/json", "user-agent": "lambdawatch", **headers},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only
            resp.read(1024)
    except urllib.error.HTTPError as exc:
        code = exc.code
        if code in (408, 429) or code >= 500:
            raise Retryable(f"HTTP {code}", _retry_after(exc.headers.get("Retry-After"))) from None
        raise Fatal(f"HTTP {code}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise Retryable(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from None


@dataclass
class Sender:
    targets: list[Target]
    sns_client: Callable[[str], Any] | None = None  # region -> boto3 SNS client
    clock: Callable[[], float] = _now
    timeout: float = 10.0
    base: float = 1.0
    cap: float = 300.0
    max_age: float = 24 * 3600.0
    rng: random.Random = field(default_factory=random.Random)
    sent_count: int = 0

    def _by_sink(self) -> dict[str, Target]:
        return {t.sink: t for t in self.targets}

    def _deliver(self, target: Target, row: outbox.Row) -> None:
        if target.kind == "sns":
            self._publish(target, row)
            return
        headers: dict[str, str] = {}
        if target.kind == "webhook":
            stamp = int(self.clock())
            headers = {"webhook-id": row.key, "webhook-timestamp": str(stamp)}
            secret = os.environ.get(SECRET_ENV)
            if secret:
                headers["webhook-signature"] = sign(secret, row.key, stamp, row.payload)
        post(target.address, row.payload, headers, self.timeout)

    def _publish(self, target: Target, row: outbox.Row) -> None:
        if self.sns_client is None:
            raise Fatal("no SNS client")
        region = target.address.split(":")[3]
        body = orjson.loads(row.payload)
        kwargs: dict[str, Any] = {
            "TopicArn": target.address,
            "Message": row.payload.decode(),
            "Subject": sns_subject(body.get("data") or {}),
            "MessageAttributes": {
                "severity": {
                    "DataType": "String",
                    "StringValue": str((body.get("data") or {}).get("severity")),
                },
                "type": {"DataType": "String", "StringValue": row.kind},
            },
        }
        if target.address.endswith(".fifo"):
            kwargs["MessageDeduplicationId"] = hashlib.sha256(row.key.encode()).hexdigest()
            kwargs["MessageGroupId"] = row.alert_id
        try:
            self.sns_client(region).publish(**kwargs)
        except Exception as exc:  # noqa: BLE001 - botocore already retried; classify once
            from lambdawatch.aws.errors import classify

            kind = classify(exc)
            if kind in ("throttled", "unreachable", "other"):
                raise Retryable(f"SNS {kind}: {exc}") from None
            raise Fatal(f"SNS {kind}: {exc}") from None

    def flush(self, store: Store, *, limit: int = 100) -> int:
        """Send what is due now; each row's outcome committed at once. Returns rows sent."""
        by_sink = self._by_sink()
        sent = 0
        for row in outbox.due(store.db, self.clock(), limit):
            target = by_sink.get(row.sink)
            try:
                if target is None:
                    raise Retryable("sink not configured in this run")
                self._deliver(target, row)
            except Retryable as exc:
                now = self.clock()
                if now - row.created_at > self.max_age:
                    outbox.dead(store.db, row, f"gave up after {row.attempts + 1} tries: {exc}")
                else:
                    delay = self.rng.uniform(0, min(self.cap, self.base * 2**row.attempts))
                    if exc.retry_after is not None:
                        delay = max(delay, exc.retry_after)
                    outbox.retry(store.db, row, now + delay, str(exc))
                continue
            except Fatal as exc:
                outbox.dead(store.db, row, str(exc))
                continue
            outbox.sent(store.db, row)
            sent += 1
        self.sent_count += sent
        return sent
