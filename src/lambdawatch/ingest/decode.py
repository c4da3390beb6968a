"""Decode one log file into candidate records: decompress, find layout, byte-prefilter, cut, parse.

The byte search can only skip, never decide: every cut record is parsed and re-checked against
the rules. Anything the fast path cannot cut cleanly falls back to a full parse of that file, and a
broken file is salvaged record by record so its good records are still used.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from lambdawatch.engine.prefilter import Prefilter
from lambdawatch.errors import InputError
from lambdawatch.ingest.normalize import normalize

try:  # libdeflate: the fastest whole-buffer inflate measured here (bench/README.md)
    from deflate import gzip_decompress as _inflate_whole
except ImportError:  # pragma: no cover - a declared dependency
    _inflate_whole = None
try:  # ISA-L inflate measures ~2x faster than zlib here; zlib stays the last fallback.
    from isal import igzip as _gzip
except ImportError:  # pragma: no cover - isal is a declared dependency
    import gzip as _gzip  # type: ignore[no-redef]

GZIP_MAGIC = b"\x1f\x8b"
_LEADING = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*")
RECORD_MARK = b'{"eventVersion":'
RECORDS_HEAD = b'{"Records":[' + RECORD_MARK
CLOUDTRAIL_API_CALL = "AWS API Call via CloudTrail"

Matcher = Callable[[dict[str, Any]], list[str]]
Projector = Callable[[dict[str, Any], list[str]], dict[str, Any] | None]


class Matched(NamedTuple):
    """A record that matched a rule, normalized in the worker so the main process only stores it."""

    raw: bytes
    rules: list[str]
    event_id: str
    ts: float
    account: str
    region: str
    function: str | None
    row: bytes | None  # the output rules' columns (``--format rows``), projected here


@dataclass
class Decoded:
    """What one file gave: counts, candidate records that matched a rule, and problems."""

    records: int = 0
    matched: list[Matched] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # record-level reason -> count
    problem: str | None = None  # file-level problem (the file may still have given records)
    layout: str = ""
    project: Projector | None = None

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n


class NotCloudTrail(Exception):
    """The file is valid JSON but not a CloudTrail layout this tool knows."""


def decompress(data: bytes) -> tuple[bytes, str | None]:
    """Inflate gzip (by magic, not by name); on a broken stream keep what inflated cleanly."""
    if not data.startswith(GZIP_MAGIC):
        return data, None
    if _inflate_whole is not None and len(data) >= 18:
        try:
            out = _inflate_whole(data)  # a bytearray: used as is, a copy would cost ~10%
        except Exception:  # noqa: BLE001 - libdeflate's error: the careful path below decides
            out = None
        # libdeflate reads one member and ignores what follows: accept its result only when
        # the trailer's ISIZE says that member was the whole file (else: multi-member/cut).
        if out is not None and len(out) & 0xFFFFFFFF == int.from_bytes(data[-4:], "little"):
            return out, None
    try:
        return _gzip.decompress(data), None
    except (OSError, EOFError, zlib.error, ValueError):
        pass
    d = zlib.decompressobj(wbits=47)
    out: list[bytes] = []
    try:
        out.append(d.decompress(data))
        while d.eof and d.unused_data:  # further gzip members
            rest = d.unused_data
            d = zlib.decompressobj(wbits=47)
            out.append(d.decompress(rest))
    except zlib.error as exc:
        got = b"".join(out)
        return got, f"corrupt gzip ({exc}); recovered {len(got)} bytes"
    got = b"".join(out)
    if not d.eof:
        return got, f"truncated gzip; recovered {len(got)} bytes"
    return got, None


def unwrap(obj: Any) -> Any:
    """An EventBridge envelope gives its CloudTrail record (``detail``); anything else itself."""
    if isinstance(obj, dict) and "detail-type" in obj:
        if obj.get("detail-type") != CLOUDTRAIL_API_CALL:
            raise NotCloudTrail(f"EventBridge event of type {obj.get('detail-type')!r}")
        return obj.get("detail")
    return obj


def _is_record(obj: Any) -> bool:
    return isinstance(obj, dict) and ("eventName" in obj or "eventSource" in obj)


def _accept(out: Decoded, rec: dict[str, Any], raw: bytes | None, matcher: Matcher) -> None:
    """Check a parsed record against the rules; keep it, normalized, when one matches."""
    missing = [k for k in ("eventTime", "eventName") if not rec.get(k)]
    if missing:
        out.skip(f"record without {' and '.join(missing)}")
        return
    rules = matcher(rec)
    if not rules:
        return
    try:
        e = normalize(rec)
    except InputError as exc:
        out.skip(exc.message)
        return
    row = out.project(rec, rules) if out.project is not None else None
    out.matched.append(Matched(raw if raw is not None else orjson.dumps(rec), rules, e.event_id,
                               e.ts, e.account, e.region, e.function,
                               orjson.dumps(row) if row is not None else None))


def _take(out: Decoded, obj: Any, matcher: Matcher) -> None:
    out.records += 1
    try:
        rec = unwrap(obj)
    except NotCloudTrail as exc:
        out.skip(f"not a CloudTrail record ({exc})")
        return
    if not isinstance(rec, dict):
        out.skip("record is not a JSON object")
        return
    _accept(out, rec, None, matcher)


def _fast_records(buf: bytes, pf: Prefilter, out: Decoded, matcher: Matcher,
                  truncated: bool) -> bool:
    """``{"Records":[{"eventVersion":...},...]}`` cut at record marks. False: use the full parse."""
    out.layout = "records-fast"
    out.records = buf.count(RECORD_MARK)
    starts: dict[int, tuple[list[str | None], int]] = {}  # record start -> (hits, record end)
    current: list[str | None] = []
    boundary = -1  # where the record holding the last hit ends: later hits before it join it
    for pos, source in pf.sources(buf):
        if pos < boundary:
            current.append(source)
            continue
        start = buf.rfind(RECORD_MARK, 0, pos)
        if start < 0:
            return False
        nxt = buf.find(RECORD_MARK, pos)
        boundary = nxt if nxt >= 0 else len(buf)
        current = [source]
        starts[start] = (current, boundary)
    last = buf.rfind(RECORD_MARK)
    last_parsed = False
    for start, (hits, stop) in starts.items():  # in file order: hits come sorted
        if not pf.accepts(buf, hits, start, stop):
            continue
        last_parsed = last_parsed or start == last
        chunk = buf[start:stop].rstrip()
        if stop == len(buf) and chunk.endswith(b"]}"):
            chunk = chunk[:-2].rstrip()
        if chunk.endswith(b","):
            chunk = chunk[:-1]
        try:
            rec = orjson.loads(chunk)
        except orjson.JSONDecodeError:
            if truncated and start == last:
                out.skip("incomplete record at end of truncated file")
                continue
            return False
        if not isinstance(rec, dict):
            return False
        _accept(out, rec, chunk, matcher)
    if truncated and last >= 0 and not last_parsed:
        try:
            orjson.loads(buf[last:].rstrip().removesuffix(b"]}"))
        except orjson.JSONDecodeError:
            out.skip("incomplete record at end of truncated file")
    return True


def _fast_lines(buf: bytes, pf: Prefilter | None, out: Decoded, matcher: Matcher) -> None:
    """JSON Lines: candidate lines found by byte search, each parsed and re-checked."""
    out.layout = "jsonl"
    out.records = sum(1 for line in buf.split(b"\n") if line.strip())
    starts: dict[int, list[str | None] | None] = {}
    if pf is None:
        starts = {m.start(): None for m in re.finditer(rb"(?m)^(?=.)", buf)}
    else:
        for pos, source in pf.sources(buf):
            sources = starts.setdefault(buf.rfind(b"\n", 0, pos) + 1, [])
            assert sources is not None
            sources.append(source)
    for start in sorted(starts):
        end = buf.find(b"\n", start)
        line = buf[start: end if end >= 0 else len(buf)]
        if not line.strip():
            continue
        if pf is not None and not pf.accepts(line, starts[start]):
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            lineno = buf.count(b"\n", 0, start) + 1
            out.skip("invalid JSON line")
            out.problem = out.problem or f"line {lineno}: invalid JSON"
            continue
        out.records -= 1  # _take counts it again
        _take(out, obj, matcher)


def _salvage(text: bytes, out: Decoded, matcher: Matcher) -> None:
    """Decode a broken ``{"Records":[...`` or ``[...`` record by record, up to the first break."""
    s = text.decode("utf-8", errors="replace")
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
        try:
            obj, i = dec.raw_decode(s, i)
        except json.JSONDecodeError:
            out.skip("unreadable record (file broken here)")
            return
        _take(out, obj, matcher)


def _full(buf: bytes, out: Decoded, matcher: Matcher) -> None:
    try:
        doc = orjson.loads(buf)
    except orjson.JSONDecodeError as exc:
        head = buf.lstrip()[:1]
        if head in (b"{", b"["):
            _salvage(buf, out, matcher)
        if out.records == 0 and head not in (b"{", b"["):
            raise NotCloudTrail("not JSON (binary or text data)") from None
        out.problem = out.problem or f"invalid JSON ({exc})"
        out.layout = "salvaged"
        return
    for rec in iter_layout(doc, out):
        _take(out, rec, matcher)


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


def _looks_jsonl(buf: bytes) -> bool:
    nl = buf.find(b"\n")
    if nl < 0 or not buf[nl:].strip():
        return False
    try:
        first = orjson.loads(buf[:nl])
    except orjson.JSONDecodeError:
        return False
    return isinstance(first, dict) and "Records" not in first


def decode(data: bytes, prefilter: Prefilter | None, matcher: Matcher,
           project: Projector | None = None) -> Decoded:
    """Decode one file's bytes. Raises NotCloudTrail when nothing in it is CloudTrail."""
    out = Decoded(project=project)
    buf, problem = decompress(data)
    out.problem = problem
    lead = _LEADING.match(buf)
    if lead is not None and lead.end():  # a BOM or blank lines before the JSON (rare: copy)
        buf = buf[lead.end():]
    if not buf:
        raise NotCloudTrail("empty file" if not problem else problem)
    if prefilter is not None and buf.startswith(RECORDS_HEAD):
        snapshot = (out.records, len(out.matched), dict(out.skipped))
        if _fast_records(buf, prefilter, out, matcher, truncated=problem is not None):
            return out
        out.records, out.matched, out.skipped = snapshot[0], out.matched[: snapshot[1]], snapshot[2]
    if _looks_jsonl(buf):
        _fast_lines(buf, prefilter, out, matcher)
        return out
    _full(buf, out, matcher)
    return out
