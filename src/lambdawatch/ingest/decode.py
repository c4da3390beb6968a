"""Decode one log file into candidate records: inflate, find the layout, prefilter, cut, parse.

The byte search can only skip, never decide: every cut record is parsed and re-checked against
the rules. Anything the fast path cannot cut cleanly falls back to a full parse of that file, and
a broken file is salvaged record by record so its good records are still used.
``decode_bytes`` is the one per-file function every executor runs (processes, threads, Spark).
"""

from __future__ import annotations

import re

import orjson

from lambdawatch.engine.prefilter import Prefilter
from lambdawatch.ingest.fastpath import RECORD_MARK, RECORDS_HEAD, fast_lines, fast_records
from lambdawatch.ingest.fullparse import full, iter_layout
from lambdawatch.ingest.gunzip import GZIP_MAGIC, Buffer, inflate
from lambdawatch.ingest.limits import Limits, default_limits
from lambdawatch.ingest.records import (
    CLOUDTRAIL_API_CALL,
    Decoded,
    Matched,
    Matcher,
    NotCloudTrail,
    Projector,
    unwrap,
)

__all__ = [
    "CLOUDTRAIL_API_CALL",
    "GZIP_MAGIC",
    "RECORDS_HEAD",
    "RECORD_MARK",
    "Decoded",
    "Matched",
    "Matcher",
    "NotCloudTrail",
    "Projector",
    "decode",
    "decompress",
    "iter_layout",
    "unwrap",
]

_LEADING = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*")


def decompress(data: bytes, max_inflate: int | None = None) -> tuple[Buffer, str | None]:
    """Inflate gzip (by magic, not by name) as zcat does; see :mod:`lambdawatch.ingest.gunzip`."""
    return inflate(data, default_limits().max_inflate if max_inflate is None else max_inflate)


def _looks_jsonl(buf: Buffer) -> bool:
    """Several lines, and one of the first few is a JSON object that is not a delivery file."""
    nl = buf.find(b"\n")
    if nl < 0 or not buf[nl:].strip():
        return False
    pos = 0
    for _ in range(5):
        end = buf.find(b"\n", pos)
        line = buf[pos : end if end >= 0 else len(buf)]
        if line.strip():
            try:
                first = orjson.loads(line)
            except orjson.JSONDecodeError:
                first = None
            if isinstance(first, dict):
                return "Records" not in first
        if end < 0:
            return False
        pos = end + 1
    return False


def decode(
    data: bytes,
    prefilter: Prefilter | None,
    matcher: Matcher,
    project: Projector | None = None,
    limits: Limits | None = None,
) -> Decoded:
    """Decode one file's bytes. Raises NotCloudTrail when nothing in it is CloudTrail."""
    limits = limits or default_limits()
    out = Decoded(project=project)
    buf, problem = inflate(data, limits.max_inflate)
    out.problem = problem
    lead = _LEADING.match(buf)
    if lead is not None and lead.end():  # a BOM or blank lines before the JSON (rare: copy)
        buf = buf[lead.end() :]
    if not buf:
        raise NotCloudTrail(problem or "empty file")
    if prefilter is not None and buf.startswith(RECORDS_HEAD):
        snapshot = (out.records, len(out.matched), dict(out.skipped))
        if fast_records(buf, prefilter, out, matcher, problem is not None, limits):
            return out.finish()
        out.records, out.matched, out.skipped = snapshot[0], out.matched[: snapshot[1]], snapshot[2]
        out.places, out.unlisted = [], 0
    if _looks_jsonl(buf):
        fast_lines(buf, prefilter, out, matcher, limits)
        return out.finish()
    full(buf, out, matcher, limits)
    return out.finish()
