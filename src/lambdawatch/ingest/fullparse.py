"""The slow paths: a whole-document parse, and the salvage of a broken document.

The salvage reads a broken ``{"Records":[...`` or ``[...`` record by record; at a record it
cannot read it skips to the next record mark and goes on, so one bad record costs only itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson

from lambdawatch.ingest.fastpath import RECORD_MARK
from lambdawatch.ingest.gunzip import Buffer
from lambdawatch.ingest.limits import Limits
from lambdawatch.ingest.records import Decoded, Matcher, NotCloudTrail, accept

_MARK = RECORD_MARK.decode()


def _is_record(obj: Any) -> bool:
    return isinstance(obj, dict) and ("eventName" in obj or "eventSource" in obj)


def iter_layout(doc: Any, out: Decoded) -> Iterator[Any]:
    """Records of a parsed document, whatever the known layout; NotCloudTrail otherwise."""
    if isinstance(doc, dict) and isinstance(doc.get("Records"), list):
        out.layout = "records"
        yield from doc["Records"]
    elif isinstance(doc, list):
        out.layout = "array"
        yield from doc
    elif isinstance(doc, dict) and "detail-type" in doc:
        out.layout = "eventbridge"
        yield doc
    elif _is_record(doc):
        out.layout = "record"
        yield doc
    elif isinstance(doc, dict) and "digestStartTime" in doc:
        raise NotCloudTrail("CloudTrail digest file")
    else:
        keys = ", ".join(list(doc)[:5]) if isinstance(doc, dict) else type(doc).__name__
        raise NotCloudTrail(f"JSON without CloudTrail records (top level: {keys or 'empty'})")


def salvage(text: Buffer, out: Decoded, matcher: Matcher, limits: Limits) -> None:
    """Decode a broken array of records one by one, skipping (and naming) each bad record."""
    s = bytes(text).decode("utf-8", errors="replace")
    i = s.find("[")
    if i < 0:
        return
    dec = json.JSONDecoder()
    i += 1
    n = len(s)
    while i < n:
        while i < n and s[i] in " \t\r\n,":
            i += 1
        if i >= n or s[i] == "]":
            return
        number = out.records + 1
        try:
            obj, i = dec.raw_decode(s, i)
        except (json.JSONDecodeError, RecursionError) as exc:
            resume = s.find(_MARK, i + 1)
            if resume < 0:
                out.skip("unreadable record (file broken here)")
                return
            out.records += 1
            reason = (
                "record nested too deeply to read"
                if isinstance(exc, RecursionError)
                else "invalid JSON record"
            )
            out.note(reason, f"record {number}", limits.max_problems)
            i = resume
            continue
        out.records += 1
        accept(out, obj, None, matcher, f"record {number}", limits)


def full(buf: Buffer, out: Decoded, matcher: Matcher, limits: Limits) -> None:
    """Parse the whole document (any known layout); salvage it when it is broken."""
    try:
        doc = orjson.loads(buf)
    except orjson.JSONDecodeError as exc:
        head = bytes(buf[:1])
        if head in (b"{", b"["):
            salvage(buf, out, matcher, limits)
        if out.records == 0 and head not in (b"{", b"["):
            raise NotCloudTrail("not JSON (binary or text data)") from None
        out.problem = out.problem or f"invalid JSON ({exc})"
        out.layout = "salvaged"
        return
    for number, rec in enumerate(iter_layout(doc, out), 1):
        out.records += 1
        accept(out, rec, None, matcher, f"record {number}", limits)
