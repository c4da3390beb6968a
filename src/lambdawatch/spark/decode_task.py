"""Executor side, stage 1: read and decode inputs with the local engine's own functions.

Each input is read where it runs (a local path, an S3 object through the run's client factory,
or bytes the driver read from stdin) and decoded by :func:`decode_bytes`. What comes back per
input is small: its outcome without the records (for the Summary), how many records fell
outside --since/--until, the account links of its records (for the partition key) and the
matched, normalized records themselves.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from lambdawatch.ingest.reader import Fetched, Outcome, decode_bytes, read_and_decode
from lambdawatch.ingest.records import Matched
from lambdawatch.ingest.sources import LocalFile, S3Object
from lambdawatch.spark.grouping import linked_accounts
from lambdawatch.spark.spec import RunSpec, rules_of

Item = LocalFile | S3Object | Fetched


@dataclass
class FileResult:
    index: int  # the input's place in the listing (the Summary follows input order)
    outcome: Outcome  # decoded.matched emptied: the records travel separately
    outside: int  # matched records outside --since/--until
    links: set[tuple[str, ...]]
    matched: list[Matched]
    seconds: float = 0.0  # this input's read + decode (wall), measured in the task
    cpu: float = 0.0  # the same, CPU seconds of the worker process


_CLIENTS: dict[int, Any] = {}


def _s3_bytes(spec: RunSpec, obj: S3Object) -> Fetched | Outcome:
    factory = spec.s3_client_factory
    if factory is None:
        return Outcome(obj.name, error="S3 input without an S3 client factory")
    try:
        client = _CLIENTS.get(id(factory))
        if client is None:
            client = _CLIENTS.setdefault(id(factory), factory())
        body = client.get_object(Bucket=obj.bucket, Key=obj.key)["Body"]
        try:
            return Fetched(obj.name, body.read(spec.limits.max_inflate + 1))
        finally:
            body.close()
    except Exception as exc:  # noqa: BLE001 - isolation boundary: one object never stops the run
        return Outcome(obj.name, error=f"S3 read failed ({exc})")


def decode_one(spec: RunSpec, index: int, item: Item) -> FileResult:
    began, cpu = time.perf_counter(), time.process_time()
    rules = rules_of(spec)
    if isinstance(item, LocalFile):
        outcome = read_and_decode(item.path, rules, spec.limits)
    else:
        got = _s3_bytes(spec, item) if isinstance(item, S3Object) else item
        outcome = (
            got
            if isinstance(got, Outcome)
            else decode_bytes(got.name, got.data, rules, spec.limits)
        )
    matched: list[Matched] = []
    outside = 0
    if outcome.decoded is not None:
        matched = outcome.decoded.matched
        if spec.since is not None or spec.until is not None:
            lo = spec.since if spec.since is not None else float("-inf")
            hi = spec.until if spec.until is not None else float("inf")
            kept = [m for m in matched if lo <= m.ts < hi]
            outside = len(matched) - len(kept)
            matched = kept
        outcome = replace(outcome, decoded=replace(outcome.decoded, matched=[]))
    links = {linked_accounts(m) for m in matched}
    return FileResult(
        index,
        outcome,
        outside,
        links,
        matched,
        time.perf_counter() - began,
        time.process_time() - cpu,
    )


def decode_partition(spec: RunSpec, items: Iterator[tuple[int, Item]]) -> Iterator[FileResult]:
    for index, item in items:
        yield decode_one(spec, index, item)
