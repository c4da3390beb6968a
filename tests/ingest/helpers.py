"""Shared helpers of the ingest tests: decode bytes with the bundled rules, write inputs."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.decode import Decoded, decode
from lambdawatch.ingest.limits import Limits
from tests.conftest import delivery_bytes, record

RULES = RuleSet.load()
GOOD = [
    record("create-function", 1),
    record("add-permission", 2),
    record("update-function-code", 3),
]
GOOD_IDS = sorted(r["eventID"] for r in GOOD)


def decoded(data: bytes, limits: Limits | None = None) -> Decoded:
    return decode(data, RULES.prefilter, RULES.match, RULES.project, limits or Limits())


def ids(out: Decoded) -> list[str]:
    return sorted(m.event_id for m in out.matched)


def delivery(records: list[Any]) -> bytes:
    """A delivery file of records given as dicts or as ready compact bytes."""
    parts = [
        r
        if isinstance(r, bytes)
        else json.dumps(
            {"eventVersion": r.get("eventVersion", "1.08"), **r}, separators=(",", ":")
        ).encode()
        for r in records
    ]
    return b'{"Records":[' + b",".join(parts) + b"]}"


def lines(records: list[Any]) -> bytes:
    """JSON Lines, compact, eventVersion first like the delivery files (objects only)."""
    out = []
    for r in records:
        if isinstance(r, dict):
            r = {"eventVersion": r.get("eventVersion", "1.08"), **r}
        out.append(r if isinstance(r, bytes) else json.dumps(r, separators=(",", ":")).encode())
    return b"\n".join(out) + b"\n"


def with_records(*records: dict[str, Any]) -> bytes:
    return delivery_bytes(list(records))


def deep(depth: int, n: int = 50) -> bytes:
    """A CreateFunction record (compact JSON) whose requestParameters nest ``depth`` levels."""
    base = json.dumps(
        {"eventVersion": "1.08", **record("create-function", n, requestParameters__deep="@")},
        separators=(",", ":"),
    ).encode()
    return base.replace(b'"@"', b'{"a":' * depth + b'"x"' + b"}" * depth)


def gzip_stream(chunks: Iterator[bytes]) -> bytes:
    """Gzip built by streaming compression (a bomb never exists uncompressed in memory)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [comp.compress(c) for c in chunks]
    out.append(comp.flush())
    return b"".join(out)


def bomb(total: int, prefix: bytes = b"") -> bytes:
    """``prefix`` then ``total`` zero bytes (well, spaces), compressed as a stream."""

    def chunks() -> Iterator[bytes]:
        yield prefix
        block = b" " * (1 << 20)
        for _ in range(total >> 20):
            yield block

    return gzip_stream(chunks())


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
