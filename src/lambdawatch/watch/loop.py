"""``watch``: long-poll SQS, run each batch through the same pipeline as ``hunt --state``, commit,
then delete the messages, then deliver the notification outbox.

Order per batch (LIVE-AWS.md C.3): receive up to 10 -> read objects / inline records (a
visibility heartbeat meanwhile) -> the Detector over the saved state -> outbox rows for the
alert changes -> COMMIT -> DeleteMessageBatch (per-entry failures checked) -> send the outbox.
A crash before the commit loses nothing (the messages come back); after it, the redelivery is
absorbed by the eventID and object dedupe. SIGTERM/SIGINT finish the current batch and exit 0.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from lambdawatch.aws.errors import raise_for
from lambdawatch.aws.session import ClientFactory
from lambdawatch.hunt import HuntOptions, run_hunt
from lambdawatch.notify.enqueue import NotifyPolicy, enqueue_changes
from lambdawatch.notify.sender import Sender
from lambdawatch.state import outbox
from lambdawatch.state.store import Store
from lambdawatch.watch.source import BatchSource, Counters, Heartbeat, fault

log = logging.getLogger("lambdawatch.watch")


@dataclass
class WatchOptions:
    queue_url: str
    state_path: str
    config_path: str | None = None
    iam_inventory: str | None = None
    lambda_inventory: str | None = None
    rule_dirs: list[str] = field(default_factory=list)
    once: bool = False
    wait_seconds: int = 20
    status_every: float = 60.0
    metrics_file: str | None = None
    policy: NotifyPolicy = field(default_factory=NotifyPolicy)
    sink: Callable[[Iterator[dict[str, Any]]], None] | None = None
    status: Callable[[str], None] = print
    max_batches: int | None = None  # tests: stop after this many non-empty batches


@dataclass
class Metrics:
    batches: int = 0
    records_matched: int = 0
    alerts_new: int = 0
    alerts_updated: int = 0
    alerts_superseded: int = 0
    notifications_sent: int = 0
    outbox_backlog: int = 0
    lag_seconds: float | None = None
    counters: Counters = field(default_factory=Counters)

    def line(self) -> str:
        c = self.counters
        lag = "-" if self.lag_seconds is None else f"{self.lag_seconds:.0f}s"
        return (
            f"watch: messages {c.messages} (objects {c.objects}, inline records "
            f"{c.records_inline}, unknown {c.unknown + c.malformed}, failed {c.failed}), "
            f"records {self.records_matched}, alerts new {self.alerts_new} updated "
            f"{self.alerts_updated} superseded {self.alerts_superseded}, lag {lag}, "
            f"outbox {self.outbox_backlog} pending / {self.notifications_sent} sent"
        )


class _Stop:
    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, _frame: Any) -> None:
        log.warning("signal %s: finishing the current batch", signum)
        self.requested = True


def _sqs(api: str, url: str, call: Callable[..., Any], **kwargs: Any) -> Any:
    """An SQS call whose failure (after botocore's retries) is one clear error naming the API
    and the queue, not an internal error."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return call(QueueUrl=url, **kwargs)
    except (BotoCoreError, ClientError) as exc:
        raise raise_for(exc, api, url) from None


def _warn_queue(sqs: Any, url: str) -> int:
    attrs = _sqs(
        "sqs:GetQueueAttributes",
        url,
        sqs.get_queue_attributes,
        AttributeNames=["RedrivePolicy", "VisibilityTimeout"],
    )
    values = attrs.get("Attributes") or {}
    if "RedrivePolicy" not in values:
        log.warning(
            "the queue has no redrive policy: a message that cannot be processed will "
            "be received again forever; give it a dead-letter queue"
        )
    return int(values.get("VisibilityTimeout") or 30)


def watch(opts: WatchOptions, clients: ClientFactory) -> Metrics:
    sqs, s3 = clients.client("sqs"), clients.client("s3")
    visibility = _warn_queue(sqs, opts.queue_url)
    stop = _Stop()
    previous = [signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)]
    metrics = Metrics()
    sender = Sender(opts.policy.targets, sns_client=lambda region: clients.client("sns", region))
    store = Store(opts.state_path)
    last_status = time.monotonic()
    empty = 0
    try:
        while not stop.requested:
            resp = _sqs(
                "sqs:ReceiveMessage",
                opts.queue_url,
                sqs.receive_message,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=min(1, opts.wait_seconds) if opts.once else opts.wait_seconds,
                AttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
            )
            messages = resp.get("Messages") or []
            empty = 0 if messages else empty + 1
            if messages:
                _batch(opts, store, sqs, s3, messages, visibility, metrics)
            metrics.notifications_sent += sender.flush(store)
            metrics.outbox_backlog = outbox.backlog(store.db)
            if opts.metrics_file:
                Path(opts.metrics_file).write_bytes(orjson.dumps(asdict(metrics)))
            if time.monotonic() - last_status >= opts.status_every:
                opts.status(metrics.line())
                last_status = time.monotonic()
            if opts.once and empty >= 2:  # short polls sample servers: twice empty is drained
                break
            if opts.max_batches is not None and metrics.batches >= opts.max_batches:
                break
        if opts.once:  # drain: deliver what is due, waiting for retries a bounded time
            deadline = time.monotonic() + 60
            while outbox.backlog(store.db) and time.monotonic() < deadline:
                due = outbox.next_due(store.db)
                if due is not None and due > time.time():
                    time.sleep(min(5.0, max(0.0, due - time.time())))
                metrics.notifications_sent += sender.flush(store)
            metrics.outbox_backlog = outbox.backlog(store.db)
        opts.status(metrics.line())
    finally:
        store.close()
        for sig, handler in zip((signal.SIGTERM, signal.SIGINT), previous, strict=True):
            signal.signal(sig, handler)
    return metrics


def _before_commit(store: Store, policy: NotifyPolicy) -> None:
    enqueue_changes(store, policy)
    fault("before_commit")


def _batch(
    opts: WatchOptions,
    store: Store,
    sqs: Any,
    s3: Any,
    messages: list[dict[str, Any]],
    visibility: int,
    metrics: Metrics,
) -> None:
    now = time.time()
    source = BatchSource(messages, opts.queue_url, sqs, s3, store, metrics.counters, now)
    hopts = HuntOptions(
        paths=[],
        state_path=opts.state_path,
        config_path=opts.config_path,
        iam_inventory=opts.iam_inventory,
        lambda_inventory=opts.lambda_inventory,
        rule_dirs=list(opts.rule_dirs),
        sink=opts.sink,
        before_commit=lambda st: _before_commit(st, opts.policy),
    )
    with Heartbeat(sqs, opts.queue_url, messages, visibility):
        result = run_hunt(hopts, source=source, store=store)
    s = result.summary
    metrics.batches += 1
    metrics.records_matched += s.records_matched
    metrics.alerts_new += s.alerts_new
    metrics.alerts_updated += s.alerts_updated
    metrics.alerts_superseded += s.alerts_superseded
    if source.oldest_event is not None:
        metrics.lag_seconds = round(now - source.oldest_event, 1)
