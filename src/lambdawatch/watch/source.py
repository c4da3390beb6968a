"""One received SQS batch as a record source: objects fetched from S3 (each read once, marked in
the run's transaction), EventBridge records decoded in place, and the messages deleted only
after the state holding their records is committed (:meth:`acknowledge`)."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.reader import Outcome, decode_bytes
from lambdawatch.ingest.sources import Skipped
from lambdawatch.state.store import Store
from lambdawatch.watch.messages import ObjectRef, Parsed, parse

log = logging.getLogger("lambdawatch.watch")
FAULT_ENV = "LAMBDAWATCH_FAULT"  # tests: SIGKILL this process at a named point of a batch


def fault(point: str) -> None:
    """Fault injection for the crash tests (``LAMBDAWATCH_FAULT=before_commit|after_commit``):
    the process kills itself at that point, as a power cut or an OOM kill would."""
    if os.environ.get(FAULT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


MAX_OBJECT_BYTES = 1 << 30


@dataclass
class Counters:
    messages: int = 0
    objects: int = 0
    objects_repeated: int = 0
    records_inline: int = 0
    test_events: int = 0
    skipped_keys: int = 0
    unknown: int = 0
    malformed: int = 0
    failed: int = 0
    deleted: int = 0
    delete_failed: int = 0


@dataclass
class BatchSource:
    """``messages`` as ReceiveMessage gave them; ``sqs`` and ``s3`` are boto3 clients."""

    messages: list[dict[str, Any]]
    queue_url: str
    sqs: Any
    s3: Any
    store: Store
    counters: Counters
    now: float
    done: list[dict[str, Any]] = field(default_factory=list)  # to delete after the commit
    oldest_event: float | None = None

    def _fetch(self, ref: ObjectRef) -> bytes:
        resp = self.s3.get_object(Bucket=ref.bucket, Key=ref.key)
        body = resp["Body"]
        try:
            data: bytes = body.read(MAX_OBJECT_BYTES + 1)
        finally:
            body.close()
        if len(data) > MAX_OBJECT_BYTES:
            raise ValueError(f"larger than {MAX_OBJECT_BYTES} bytes")
        return data

    def _objects(self, parsed: Parsed, rules: RuleSet) -> Iterator[Outcome | Skipped]:
        for ref in parsed.objects:
            if self.store.object_done(ref.bucket, ref.key, ref.version):
                self.counters.objects_repeated += 1
                continue
            try:
                data = self._fetch(ref)
            except Exception as exc:  # noqa: BLE001 - isolation: one object, message retried
                raise _ObjectFailed(f"{ref.name}: {type(exc).__name__}: {exc}") from None
            self.counters.objects += 1
            yield self._seen(decode_bytes(ref.name, data, rules))
            self.store.mark_object(ref.bucket, ref.key, ref.version, self.now)

    def _seen(self, outcome: Outcome) -> Outcome:
        """Note the oldest matched record (the batch's lag is measured from it)."""
        if outcome.decoded is not None and outcome.decoded.matched:
            oldest = min(m.ts for m in outcome.decoded.matched)
            if self.oldest_event is None or oldest < self.oldest_event:
                self.oldest_event = oldest
        return outcome

    def read(self, rules: RuleSet) -> Iterator[Outcome | Skipped]:
        for msg in self.messages:
            self.counters.messages += 1
            parsed = parse(msg.get("Body") or "")
            self.counters.skipped_keys += parsed.skipped
            if parsed.kind in ("test", "skipped"):
                self.counters.test_events += parsed.kind == "test"
                self.done.append(msg)  # provable junk or nothing to read: delete
                continue
            if parsed.kind in ("unknown", "malformed"):
                setattr(self.counters, parsed.kind, getattr(self.counters, parsed.kind) + 1)
                log.warning(
                    "message %s: %s (%s); left for the queue's redrive policy",
                    msg.get("MessageId"),
                    parsed.kind,
                    parsed.detail,
                )
                continue
            try:
                yield from self._objects(parsed, rules)
            except _ObjectFailed as exc:
                self.counters.failed += 1
                log.warning("message %s: %s; left on the queue", msg.get("MessageId"), exc)
                continue
            if parsed.records:
                self.counters.records_inline += len(parsed.records)
                data = orjson.dumps({"Records": parsed.records})
                yield self._seen(decode_bytes(f"sqs://{msg.get('MessageId')}", data, rules))
            self.done.append(msg)

    def acknowledge(self) -> None:
        """DeleteMessageBatch (10 at a time) for the messages whose records are committed;
        per-entry failures are counted and logged (the message comes back; dedup absorbs it)."""
        fault("after_commit")
        for i in range(0, len(self.done), 10):
            chunk = self.done[i : i + 10]
            entries = [
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(chunk)
            ]
            resp = self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
            failed = resp.get("Failed") or []
            self.counters.deleted += len(resp.get("Successful") or [])
            self.counters.delete_failed += len(failed)
            for f in failed:
                log.warning(
                    "delete failed for a message (%s: %s); it will be redelivered and deduplicated",
                    f.get("Code"),
                    f.get("Message"),
                )
        self.done = []


class _ObjectFailed(Exception):
    pass


class Heartbeat:
    """Extends the visibility of in-flight messages every ``visibility / 2`` seconds while a
    batch is processed (a big object must not come back to another consumer mid-read)."""

    def __init__(
        self, sqs: Any, queue_url: str, messages: list[dict[str, Any]], visibility: int
    ) -> None:
        self.sqs, self.queue_url, self.messages = sqs, queue_url, messages
        self.visibility = max(visibility, 2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lw-heartbeat", daemon=True)
        self.beats = 0

    def _run(self) -> None:
        while not self._stop.wait(self.visibility / 2):
            try:
                for start in range(0, len(self.messages), 10):
                    entries = [
                        {
                            "Id": str(i),
                            "ReceiptHandle": m["ReceiptHandle"],
                            "VisibilityTimeout": self.visibility,
                        }
                        for i, m in enumerate(self.messages[start : start + 10])
                    ]
                    self.sqs.change_message_visibility_batch(
                        QueueUrl=self.queue_url, Entries=entries
                    )
                self.beats += 1
            except Exception as exc:  # noqa: BLE001 - a failed heartbeat only risks a redelivery
                log.warning("visibility heartbeat failed: %s", exc)
                return

    def __enter__(self) -> Heartbeat:
        if self.messages:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
