"""Read CloudWatch Logs from files, whatever the shape, recognised by content (not name):

- ``aws logs filter-log-events`` output (``{"events": [...]}``, one page, a list of pages, or a
  bare list of events), also ``get-log-events``;
- a CloudWatch Logs export to S3 (gzip, ``ISO-TIMESTAMP message`` per line), streamed;
- the JSON log format, one record per line (``{"time", "type", "record"}`` / app records);
- subscription-filter payloads (``{"logGroup", "logEvents"}``) as gzip, base64 of gzip (one per
  line), Kinesis events (``Records[].kinesis.data``) or Firehose records (``records[].data``).

A problem in one file is recorded with the file and the reason, and the run goes on.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import orjson
from isal import igzip

from lambdawatch.logs import jsonstream
from lambdawatch.logs.model import LogLine

_ISO_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
_GZIP = b"\x1f\x8b"


@dataclass
class ReadReport:
    files: int = 0
    lines: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)

    def problem(self, where: str, why: str) -> None:
        self.problems.append((where, why))


def open_binary(path: str) -> IO[bytes]:
    """The file's bytes, inflated when it starts with the gzip magic (ISA-L, multi-member)."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return (
        igzip.open(path, "rb")  # type: ignore[no-untyped-call,no-any-return,unused-ignore]
        if magic == _GZIP
        else open(path, "rb")
    )


def _open_text(path: str) -> IO[str]:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    raw: IO[bytes] = (
        igzip.open(path, "rb")  # type: ignore[no-untyped-call,unused-ignore]
        if magic == _GZIP
        else open(path, "rb")
    )  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline=None)


def sniff(path: str, report: ReadReport) -> str | None:
    """``export``, ``json`` or ``base64`` from the first bytes; None (recorded) when unreadable."""
    try:
        with _open_text(path) as fh:
            head = fh.read(4096)
    except (OSError, EOFError, zlib.error) as exc:
        report.problem(path, f"cannot read ({exc})")
        return None
    text = head.lstrip()
    if not text:
        report.problem(path, "empty file")
        return None
    if _ISO_LINE.match(text):
        return "export"
    return "json" if text[0] in "{[" else "base64"


def read_file(path: str, report: ReadReport, kind: str | None = None) -> Iterator[LogLine]:
    if kind is None:
        report.files += 1
        kind = sniff(path, report)
    if kind == "export":
        yield from _export_lines(path, report)
    elif kind == "json":
        yield from _json_content(path, report)
    elif kind == "base64":
        yield from _base64_payloads(path, report)


def _export_lines(path: str, report: ReadReport) -> Iterator[LogLine]:
    last_iso = ""
    try:
        with _open_text(path) as fh:
            for raw in fh:
                line = raw.rstrip("\n")
                if not line:
                    continue
                report.lines += 1
                if line[10:11] == "T" and line[4:5] == "-" and _ISO_LINE.match(line):
                    last_iso, _, message = line.partition(" ")
                    yield LogLine(None, message, iso=last_iso)
                elif last_iso:  # a continuation line of a multi-line message
                    yield LogLine(None, line, iso=last_iso)
    except (OSError, EOFError, zlib.error) as exc:
        report.problem(path, f"truncated or corrupt, kept the lines before the break ({exc})")


def _whole(path: str, report: ReadReport) -> bytes | None:
    try:
        with _open_text(path) as fh:
            return fh.read().encode("utf-8")
    except (OSError, EOFError, zlib.error) as exc:
        report.problem(path, f"cannot read ({exc})")
        return None


def _json_documents(data: bytes) -> Iterator[Any]:
    """One JSON document, JSON Lines, or concatenated objects (``}{``, as Firehose writes)."""
    try:
        yield orjson.loads(data)
        return
    except orjson.JSONDecodeError:
        pass
    decoder = __import__("json").JSONDecoder()
    text = data.decode("utf-8", "replace")
    pos = 0
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            return
        doc, pos = decoder.raw_decode(text, pos)
        yield doc


def _json_content(path: str, report: ReadReport) -> Iterator[LogLine]:
    with _open_text(path) as fh:
        streamed = jsonstream.is_events_page(fh.read(4096))
    if streamed:
        yield from _streamed_events(path, report)
        return
    data = _whole(path, report)
    if data is None:
        return
    try:
        docs = list(_json_documents(data))
    except ValueError as exc:
        report.problem(path, f"invalid JSON ({exc})")
        return
    found = False
    for doc in docs:
        for line in _from_document(doc, None, path, report):
            found = True
            report.lines += 1
            yield line
    if not found:
        report.problem(
            path,
            "no CloudWatch Logs events in it (not filter-log-events output, "
            "a subscription payload or JSON log records)",
        )


def _streamed_events(path: str, report: ReadReport) -> Iterator[LogLine]:
    try:
        with _open_text(path) as fh:
            for ev in jsonstream.events(fh):
                if isinstance(ev.get("message"), str):
                    report.lines += 1
                    yield LogLine(
                        _int(ev.get("timestamp")), ev["message"], None, ev.get("logStreamName")
                    )
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        report.problem(path, f"truncated or invalid, kept the events before the break ({exc})")


def _from_document(doc: Any, group: str | None, path: str, report: ReadReport) -> Iterator[LogLine]:
    if isinstance(doc, list):
        for item in doc:
            yield from _from_document(item, group, path, report)
        return
    if not isinstance(doc, dict):
        return
    if isinstance(doc.get("events"), list):  # filter-log-events / get-log-events
        for ev in doc["events"]:
            yield from _from_document(ev, group, path, report)
    elif isinstance(doc.get("logEvents"), list):  # a subscription-filter payload
        if doc.get("messageType") == "CONTROL_MESSAGE":
            return
        grp = str(doc.get("logGroup") or "") or group
        owner = str(doc.get("owner") or "") or None
        for ev in doc["logEvents"]:
            if isinstance(ev, dict) and isinstance(ev.get("message"), str):
                yield LogLine(
                    _int(ev.get("timestamp")),
                    ev["message"],
                    grp,
                    doc.get("logStream"),
                    account=owner,
                )
    elif isinstance(doc.get("Records"), list) or isinstance(doc.get("records"), list):
        for rec in doc.get("Records") or doc.get("records") or []:
            blob = (rec.get("kinesis") or {}).get("data") if isinstance(rec, dict) else None
            blob = blob or (rec.get("data") if isinstance(rec, dict) else None)
            if isinstance(blob, str):
                yield from _decoded(blob, path, report)
    elif isinstance(doc.get("message"), str) and isinstance(doc.get("timestamp"), int | float):
        yield LogLine(_int(doc.get("timestamp")), doc["message"], group, doc.get("logStreamName"))
    elif "time" in doc and ("type" in doc or "level" in doc) or "requestId" in doc:
        yield _json_log_record(doc)


def _json_log_record(doc: dict[str, Any]) -> LogLine:
    """A JSON-log-format record read straight from a file: kept whole as the message."""
    iso = doc.get("time") or doc.get("timestamp")
    return LogLine(None, orjson.dumps(doc).decode(), iso=str(iso) if iso else None)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _decoded(blob: str, path: str, report: ReadReport) -> Iterator[LogLine]:
    try:
        raw = base64.b64decode(blob, validate=True)
        if raw[:2] == _GZIP:
            raw = zlib.decompress(raw, 16 + zlib.MAX_WBITS)
        doc = orjson.loads(raw)
    except (binascii.Error, zlib.error, orjson.JSONDecodeError, ValueError) as exc:
        report.problem(path, f"a payload is not base64 gzip JSON ({exc})")
        return
    yield from _from_document(doc, None, path, report)


def _base64_payloads(path: str, report: ReadReport) -> Iterator[LogLine]:
    data = _whole(path, report)
    if data is None:
        return
    found = False
    line_report = ReadReport()
    for n, raw in enumerate(data.splitlines(), 1):
        blob = raw.strip()
        if not blob:
            continue
        for line in _decoded(blob.decode("ascii", "replace"), f"{path}:{n}", line_report):
            found = True
            report.lines += 1
            yield line
    if not found:
        report.problem(path, "not CloudWatch Logs (no export lines, JSON or base64 payloads)")
    else:
        report.problems.extend(line_report.problems)
