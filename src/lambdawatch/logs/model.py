"""Value types of the logs pipeline: a log line, an invocation from its REPORT line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple


@dataclass(slots=True)
class LogLine:
    """One CloudWatch Logs event. ``ts`` is epoch milliseconds, or None until it is needed
    (S3 exports carry an ISO prefix that is parsed only for the lines that matter)."""

    ts: int | None
    message: str
    group: str | None = None
    stream: str | None = None
    iso: str | None = None
    account: str | None = None

    def millis(self) -> int:
        if self.ts is None:
            self.ts = iso_to_ms(self.iso or "")
        return self.ts


class Invocation(NamedTuple):
    """A platform REPORT line (text or JSON log format); a tuple: cheap to make by the million."""

    ts: int  # ms, when the REPORT line was logged (the end of the invocation)
    request_id: str
    duration_ms: float
    billed_ms: float
    memory_mb: int
    max_memory_mb: int
    init_ms: float | None
    status: str | None  # "timeout", "error", ... when the runtime says so

    @property
    def start(self) -> float:
        """Start time in seconds."""
        return (self.ts - self.duration_ms) / 1000.0


def iso_to_ms(text: str) -> int:
    text = text.strip()
    if not text:
        raise ValueError("empty timestamp")
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


def ms_to_iso(ms: float) -> str:
    return datetime.fromtimestamp(ms / 1000.0, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def function_of_group(group: str | None) -> str | None:
    """``/aws/lambda/NAME`` (also inside a longer path or an ARN) -> NAME."""
    if not group:
        return None
    marker = "/aws/lambda/"
    at = group.find(marker)
    if at < 0:
        return None
    rest = group[at + len(marker) :]
    name = rest.split("/", 1)[0].split(":", 1)[0]
    return name or None
