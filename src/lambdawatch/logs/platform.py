"""The Lambda platform's own lines: REPORT (text and JSON log format), EXTENSION, timeouts."""

from __future__ import annotations

import re
from typing import Any

import orjson

from lambdawatch.logs.model import Invocation, LogLine, iso_to_ms

_REPORT = re.compile(
    r"REPORT RequestId: (?P<rid>\S+)\s+Duration: (?P<d>[\d.]+) ms\s+"
    r"Billed Duration: (?P<b>[\d.]+) ms\s+Memory Size: (?P<m>\d+) MB\s+"
    r"Max Memory Used: (?P<mm>\d+) MB(?:\s+Init Duration: (?P<i>[\d.]+) ms)?"
    r"(?:.*?Status: (?P<s>\w+))?"
)
_EXTENSION = re.compile(r"^EXTENSION\s+Name: (?P<name>\S+)\s+State: (?P<state>\w+)")
_TIMEOUT = re.compile(r"Task timed out after (?P<s>[\d.]+) seconds")


_FIELDS = {
    "Duration": "d",
    "Billed Duration": "b",
    "Memory Size": "m",
    "Max Memory Used": "mm",
    "Init Duration": "i",
    "Status": "s",
}


def parse_report(line: LogLine) -> Invocation | None:
    """The invocation of a text REPORT line, or None when the line is not one.

    The fast path splits the tab-separated fields; anything unusual goes to the regex."""
    parts = line.message.rstrip().split("\t")
    head = parts[0]
    if head.startswith("REPORT RequestId: "):
        got: dict[str, str] = {}
        for part in parts[1:]:
            key, sep, value = part.strip().partition(": ")
            short = _FIELDS.get(key)
            if sep and short:
                got[short] = value.split(" ", 1)[0]
        try:
            return Invocation(
                line.millis(),
                head[18:].strip(),
                float(got["d"]),
                float(got["b"]),
                int(got["m"]),
                int(got["mm"]),
                float(got["i"]) if "i" in got else None,
                got.get("s"),
            )
        except (KeyError, ValueError):
            pass
    return _parse_report_regex(line)


def _parse_report_regex(line: LogLine) -> Invocation | None:
    m = _REPORT.search(line.message)
    if m is None:
        return None
    init = m.group("i")
    return Invocation(
        line.millis(),
        m.group("rid"),
        float(m.group("d")),
        float(m.group("b")),
        int(m.group("m")),
        int(m.group("mm")),
        float(init) if init else None,
        m.group("s"),
    )


def json_record(message: str) -> dict[str, Any] | None:
    """A JSON-log-format line (``{"time":..,"type":"platform.report",..}``) or None."""
    if not message.startswith("{"):
        return None
    try:
        doc = orjson.loads(message)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) else None


def parse_json_report(line: LogLine, doc: dict[str, Any]) -> Invocation | None:
    if doc.get("type") != "platform.report" or not isinstance(doc.get("record"), dict):
        return None
    rec = doc["record"]
    metrics = rec.get("metrics") if isinstance(rec.get("metrics"), dict) else {}
    ts = line.ts
    if isinstance(doc.get("time"), str):
        try:
            ts = iso_to_ms(doc["time"])
        except ValueError:
            ts = line.ts
    try:
        return Invocation(
            ts if ts is not None else line.millis(),
            str(rec.get("requestId", "")),
            float(metrics.get("durationMs", 0)),
            float(metrics.get("billedDurationMs", 0)),
            int(metrics.get("memorySizeMB", 0)),
            int(metrics.get("maxMemoryUsedMB", 0)),
            float(metrics["initDurationMs"]) if "initDurationMs" in metrics else None,
            rec.get("status") if rec.get("status") != "success" else None,
        )
    except (TypeError, ValueError):
        return None


def extension_name(message: str, doc: dict[str, Any] | None) -> str | None:
    """The extension an EXTENSION line (or a JSON ``platform.extension`` record) names."""
    if doc is not None:
        if doc.get("type") == "platform.extension" and isinstance(doc.get("record"), dict):
            name = doc["record"].get("name")
            return str(name) if name else None
        return None
    m = _EXTENSION.match(message)
    return m.group("name") if m else None


def timeout_seconds(message: str) -> float | None:
    m = _TIMEOUT.search(message)
    return float(m.group("s")) if m else None
