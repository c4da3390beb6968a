"""The fast paths: records found by the fused byte scan, cut out and parsed one by one.

``{"Records":[{"eventVersion":...},...]}`` (the S3 delivery layout) is cut at record marks; JSON
Lines at newlines. Only the records the prefilter keeps are parsed, each once. Every line gets a
cheap structural check (starts with ``{``, ends with ``}``), so a line that is not a JSON object
is reported with its number even when no rule would have looked at it.
"""

from __future__ import annotations

from functools import partial

import orjson

from lambdawatch.engine.prefilter import Prefilter
from lambdawatch.ingest.gunzip import Buffer
from lambdawatch.ingest.limits import Limits
from lambdawatch.ingest.records import Decoded, Matcher, Where, accept, oversize

RECORD_MARK = b'{"eventVersion":'
RECORDS_HEAD = b'{"Records":[' + RECORD_MARK
NEWLINE = b"\n"


def _too_deep(exc: orjson.JSONDecodeError) -> bool:
    text = str(exc).lower()
    return "depth" in text or "recursion" in text


def _group(
    hits: list[tuple[int, str | None]],
    buf: Buffer,
) -> dict[int, tuple[list[str | None], int]] | None:
    """Record start -> (sources seen in it, record end); None when a hit precedes every mark."""
    starts: dict[int, tuple[list[str | None], int]] = {}
    current: list[str | None] = []
    boundary = -1  # where the record holding the last hit ends: later hits before it join it
    for pos, source in hits:
        if pos < boundary:
            current.append(source)
            continue
        start = buf.rfind(RECORD_MARK, 0, pos)
        if start < 0:
            return None
        nxt = buf.find(RECORD_MARK, pos)
        if nxt < 0:  # the last record ends at the last brace (padding or junk may follow)
            brace = buf.rfind(b"}", pos)
            nxt = brace + 1 if brace >= 0 else len(buf)
        boundary = nxt
        current = [source]
        starts[start] = (current, boundary)
    return starts


_KEYS = ((b'"eventTime"', "eventTime"), (b'"eventName"', "eventName"))


def _unnamed(
    buf: Buffer, start: int, stop: int, out: Decoded, where: Where, limits: Limits
) -> None:
    """A candidate no rule wants: still reported when it lacks eventTime or eventName."""
    missing = [name for key, name in _KEYS if buf.find(key, start, stop) < 0]
    if missing:
        out.note(f"record without {' and '.join(missing)}", where, limits.max_problems)


def fast_records(
    buf: Buffer, pf: Prefilter, out: Decoded, matcher: Matcher, truncated: bool, limits: Limits
) -> bool:
    """Decode the delivery layout from its candidates. False: the caller parses the whole file."""
    out.layout = "records-fast"
    out.records = buf.count(RECORD_MARK)
    starts = _group(pf.sources(buf, RECORD_MARK), buf)
    if starts is None:
        return False
    last = buf.rfind(RECORD_MARK)
    last_parsed = False

    def where(start: int) -> str:
        return f"record {buf.count(RECORD_MARK, 0, start) + 1}"

    for start, (hits, stop) in starts.items():  # in file order: hits come sorted
        if not pf.accepts(buf, hits, start, stop):
            _unnamed(buf, start, stop, out, partial(where, start), limits)
            continue
        last_parsed = last_parsed or start == last
        if (big := oversize(stop - start, limits)) is not None:
            out.note(big, partial(where, start), limits.max_problems)
            continue
        chunk = bytes(buf[start:stop]).rstrip()
        if start == last and chunk.endswith(b"]}"):
            chunk = chunk[:-2].rstrip()
        chunk = chunk.removesuffix(b",")
        try:
            rec = orjson.loads(chunk)
        except orjson.JSONDecodeError as exc:
            if truncated and start == last:
                out.skip("incomplete record at end of truncated file")
                continue
            if _too_deep(exc):
                out.note(
                    f"record nested deeper than {limits.max_depth} levels",
                    partial(where, start),
                    limits.max_problems,
                )
                continue
            return False
        if not isinstance(rec, dict):
            return False
        accept(out, rec, chunk, matcher, partial(where, start), limits)
    if truncated and last >= 0 and not last_parsed:
        try:
            orjson.loads(bytes(buf[last:]).rstrip().removesuffix(b"]}"))
        except orjson.JSONDecodeError:
            out.skip("incomplete record at end of truncated file")
    return True


def _structure(buf: Buffer, out: Decoded, limits: Limits) -> set[int]:
    """Count the records and report every non-blank line that is not ``{...}``; their starts."""
    lines = buf.count(b"\n") + (not buf.endswith(b"\n"))
    opens = buf.startswith(b"{") + buf.count(b"\n{")
    closes = buf.count(b"}\n") + buf.endswith(b"}")
    if opens == closes == lines:  # every line is {...}: the common case, three C passes
        out.records = lines
        return set()
    bad: set[int] = set()
    pos = 0
    for number, line in enumerate(bytes(buf).split(b"\n"), 1):
        text = line.strip()
        if text:
            out.records += 1
            if not (text.startswith(b"{") and text.endswith(b"}")):
                bad.add(pos)
                out.note("line is not a JSON object", f"line {number}", limits.max_problems)
        pos += len(line) + 1
    return bad


def fast_lines(
    buf: Buffer, pf: Prefilter | None, out: Decoded, matcher: Matcher, limits: Limits
) -> None:
    """JSON Lines: candidate lines found by the fused scan, each parsed and re-checked."""
    out.layout = "jsonl"
    bad = _structure(buf, out, limits)
    starts: dict[int, list[str | None] | None] = {}
    if pf is None:
        pos = 0
        while pos < len(buf):
            starts[pos] = None
            nl = buf.find(b"\n", pos)
            pos = nl + 1 if nl >= 0 else len(buf)
    else:
        for pos, source in pf.sources(buf, b"\n"):
            sources = starts.setdefault(buf.rfind(b"\n", 0, pos) + 1, [])
            assert sources is not None
            sources.append(source)

    def where(start: int) -> str:
        return f"line {buf.count(NEWLINE, 0, start) + 1}"

    for start in sorted(starts):
        if start in bad:
            continue
        end = buf.find(b"\n", start)
        stop = end if end >= 0 else len(buf)
        if (big := oversize(stop - start, limits)) is not None:
            out.note(big, partial(where, start), limits.max_problems)
            continue
        line = bytes(buf[start:stop])
        if not line.strip():
            continue
        if pf is not None and not pf.accepts(line, starts[start]):
            _unnamed(line, 0, len(line), out, partial(where, start), limits)
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            reason = (
                f"record nested deeper than {limits.max_depth} levels"
                if _too_deep(exc)
                else "invalid JSON line"
            )
            out.note(reason, partial(where, start), limits.max_problems)
            continue
        accept(
            out,
            obj,
            line if isinstance(obj, dict) and "detail-type" not in obj else None,
            matcher,
            partial(where, start),
            limits,
        )
