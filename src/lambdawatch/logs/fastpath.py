"""The fast path for CloudWatch Logs S3 exports: chunks of bytes, not lines.

REPORT lines are found by their literal and parsed by one regex; every other line reaches
Python only when the screen hits it: Hyperscan (all patterns in one SIMD pass over the chunk)
when importable. START/END and ordinary application lines cost a newline count. Without
Hyperscan the per-line path of :mod:`.readers` is used; both give the same result.
"""

from __future__ import annotations

import re
import zlib
from functools import cache
from typing import Any

from lambdawatch.logs.analyze import FunctionLogs
from lambdawatch.logs.model import Invocation, LogLine, iso_to_ms
from lambdawatch.logs.readers import ReadReport, open_binary
from lambdawatch.logs.redflags import KEYWORDS

CHUNK = 4 << 20
_REPORT = re.compile(
    rb" REPORT RequestId: (\S+)\s+Duration: ([\d.]+) ms\s+Billed Duration: ([\d.]+) ms\s+"
    rb"Memory Size: (\d+) MB\s+Max Memory Used: (\d+) MB(?:\s+Init Duration: ([\d.]+) ms)?"
    rb"([^\n]*)"
)
_STATUS = re.compile(rb"Status: (\w+)")
_DIGITS = re.compile(rb"\d{1,3}")
_ISO = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
# Case-sensitive marks that make a line matter besides the red-flag keywords.
_MARKS = (
    rb"ERROR",
    rb"Traceback",
    rb"Task timed out",
    rb"errorType",
    rb"Runtime\.",
    rb"Error:",
    rb"EXTENSION",
    rb"platform\.",
    rb"\d\.\d{1,3}\.\d",
)


@cache
def _database() -> Any:
    try:
        import hyperscan
    except ImportError:  # pragma: no cover - platforms without Hyperscan wheels
        return None
    exprs = [re.escape(k.encode()) for k in KEYWORDS] + list(_MARKS)
    flags = [hyperscan.HS_FLAG_CASELESS] * len(KEYWORDS) + [0] * len(_MARKS)
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
    return db


def available() -> bool:
    return _database() is not None


_minutes: dict[bytes, int] = {}


def _ms(stamp: bytes) -> int:
    """Epoch ms of ``2025-03-14T09:00:00.123Z``, the minute's epoch cached."""
    head = stamp[:16]
    minute = _minutes.get(head)
    if minute is None:
        if len(_minutes) > 100_000:
            _minutes.clear()
        minute = _minutes[head] = iso_to_ms(head.decode() + ":00Z")
    if len(stamp) == 24 and stamp[19] == 46:  # the export's own form: ...:SS.mmmZ
        return minute + int(stamp[17:19]) * 1000 + int(stamp[20:23])
    ms = 0
    if stamp[19:20] == b".":
        m = _DIGITS.match(stamp, 20)
        ms = int(m.group().ljust(3, b"0")) if m else 0
    return minute + int(stamp[17:19]) * 1000 + ms


def _reports(buf: bytes, acc: FunctionLogs) -> None:
    batch: list[Invocation] = []
    add = batch.append
    rfind, iso = buf.rfind, _ISO.match
    for m in _REPORT.finditer(buf):
        at = m.start()
        start = rfind(b"\n", 0, at) + 1
        if not iso(buf, start):
            continue
        rid, d, b, mem, used, init, rest = m.groups()
        status = _STATUS.search(rest) if rest else None
        add(
            Invocation(
                _ms(buf[start:at]),
                rid.decode(),
                float(d),
                float(b),
                int(mem),
                int(used),
                float(init) if init else None,
                status.group(1).decode() if status else None,
            )
        )
    if batch:
        acc.add_invocations(batch, min(i.ts for i in batch), max(i.ts for i in batch))


def _hits(db: Any, scratch: Any, buf: bytes, acc: FunctionLogs) -> None:
    starts: set[int] = set()
    add = starts.add
    db.scan(buf, lambda i, s, end, f, c: add(buf.rfind(b"\n", 0, end) + 1), scratch=scratch)
    for start in sorted(starts):
        end = buf.find(b"\n", start)
        raw = buf[start : end if end >= 0 else len(buf)].decode("utf-8", "replace")
        if _ISO.match(buf, start):
            iso, _, message = raw.partition(" ")
        else:  # a continuation line: the time of the nearest line above that has one
            above = _iso_above(buf, start)
            if above is None:
                continue
            iso, message = above, raw
        if not message.startswith("REPORT "):
            acc.add_other(LogLine(None, message, iso=iso))


def _iso_above(buf: bytes, pos: int) -> str | None:
    for _ in range(200):
        if pos <= 0:
            return None
        pos = buf.rfind(b"\n", 0, pos - 1) + 1
        if _ISO.match(buf, pos):
            return buf[pos : buf.find(b" ", pos)].decode()
    return None


def scan_export(path: str, acc: FunctionLogs, report: ReadReport) -> None:
    """Feed one export file to ``acc`` chunk by chunk (needs :func:`available`)."""
    import hyperscan

    db = _database()
    scratch = hyperscan.Scratch(db)
    carry = b""
    pieces: list[bytes] = []
    size = 0
    error: BaseException | None = None
    with open_binary(path) as fh:
        while True:
            try:  # small reads: a truncated stream still gives what inflated before the break
                block = fh.read(1 << 13)
            except (OSError, EOFError, zlib.error) as exc:
                error, block = exc, b""
            if block:
                pieces.append(block)
                size += len(block)
            if size >= CHUNK or not block:
                buf = carry + b"".join(pieces)
                pieces, size = [], 0
                cut = buf.rfind(b"\n") + 1
                buf, carry = buf[:cut], buf[cut:]
                _chunk(db, scratch, buf, acc, report)
            if not block:
                break
    if error is not None:
        report.problem(path, f"truncated or corrupt, kept the lines before the break ({error})")
    elif carry.strip():
        _chunk(db, scratch, carry + b"\n", acc, report)


def _chunk(db: Any, scratch: Any, buf: bytes, acc: FunctionLogs, report: ReadReport) -> None:
    n = buf.count(b"\n") - buf.count(b"\n\n")
    acc.lines += n
    report.lines += n
    _reports(buf, acc)
    _hits(db, scratch, buf, acc)
