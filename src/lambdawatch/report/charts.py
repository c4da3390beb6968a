"""Geometry for the report's inline SVG charts, computed here so the macros only draw.

Every function returns plain numbers and labels (rounded, deterministic) for a Jinja macro:
the severity bar chart, an alert's event strip, the trigger star and a time series line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float


def severity_bars(counts: dict[str, int], *, width: int = 360, height: int = 120) -> list[Bar]:
    top = max(counts.values(), default=0) or 1
    slot = width / len(SEVERITIES)
    bars = []
    for i, sev in enumerate(SEVERITIES):
        n = counts.get(sev, 0)
        h = round((height - 30) * n / top, 1)
        bars.append(
            Bar(sev, n, round(i * slot + 8, 1), round(height - 18 - h, 1), round(slot - 16, 1), h)
        )
    return bars


@dataclass(frozen=True)
class Mark:
    x: float
    label: str
    flagged: bool


def _parse(t: str) -> float:
    return datetime.fromisoformat(t).timestamp()


def event_strip(rows: list[tuple[str, str, bool]], *, width: int = 600) -> list[Mark]:
    """(time ISO, label, flagged) -> x positions over the rows' own time span."""
    times = [_parse(t) for t, _, _ in rows]
    if not times:
        return []
    lo, hi = min(times), max(times)
    span = (hi - lo) or 1.0
    pad = 12
    return [
        Mark(round(pad + (t - lo) / span * (width - 2 * pad), 1), label, flagged)
        for t, (_, label, flagged) in zip(times, rows, strict=True)
    ]


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    label: str
    risky: bool


def trigger_star(labels: list[tuple[str, bool]], *, size: int = 320) -> list[Node]:
    """Triggers placed on a circle around the centre (the function), clockwise from the top."""
    c, r = size / 2, size / 2 - 40
    n = len(labels)
    nodes = []
    for i, (label, risky) in enumerate(labels):
        a = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        nodes.append(
            Node(round(c + r * math.cos(a), 1), round(c + r * math.sin(a), 1), label, risky)
        )
    return nodes


def series_points(values: list[float], *, width: int = 600, height: int = 80) -> str:
    """A polyline ``points`` attribute for values spread evenly over ``width``."""
    if not values:
        return ""
    top = max(values) or 1.0
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{round(i * step, 1)},{round(height - 4 - (height - 8) * v / top, 1)}"
        for i, v in enumerate(values)
    )
