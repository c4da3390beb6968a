"""Invocation and cost anomalies, each judged against the function's own behaviour.

Every detector returns findings (possibly none) from the invocations of one function, sorted
by time. Thresholds are on robust statistics (median, MAD), never on raw counts alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from lambdawatch.findings import Finding
from lambdawatch.logs.columns import HOUR_MS, Hour
from lambdawatch.logs.model import Invocation, ms_to_iso
from lambdawatch.logs.stats import median, robust_cv, robust_z


def beaconing(
    starts: list[float],
    schedules: list[tuple[str, str, float]],
    *,
    max_period_s: float = 3600.0,
    min_count: int = 12,
) -> list[Finding]:
    """Regular inter-arrival times (robust CV <= 0.1) at a period no known schedule explains."""
    gaps = [b - a for a, b in itertools.pairwise(starts) if b > a]
    if len(gaps) + 1 < min_count:
        return []
    period = median(gaps)
    cv = robust_cv(gaps)
    if period <= 0 or period > max_period_s or cv > 0.1:
        return []
    regular = sum(1 for g in gaps if abs(g - period) <= 0.1 * period) / len(gaps)
    if regular < 0.8:
        return []
    if any(abs(p - period) <= max(0.05 * period, 5.0) for _, _, p in schedules):
        return []  # a known EventBridge schedule explains the cadence
    return [
        Finding(
            "beaconing",
            "LG201",
            "high",
            f"Invoked every {period:.0f} s like clockwork; no known schedule explains it",
            {
                "period_s": round(period, 1),
                "robust_cv": round(cv, 4),
                "regular_share": round(regular, 3),
                "invocations": len(starts),
                "first": ms_to_iso(starts[0] * 1000),
                "last": ms_to_iso(starts[-1] * 1000),
                "known_schedules": [f"{r}: {e}" for r, e, _ in schedules],
            },
        )
    ]


def _judge_hours(
    values: dict[int, float], *, floor: Any, min_ratio: float, min_value: float, fill: bool
) -> tuple[int, float, list[float], float] | None:
    """The worst hour above its baseline (previous >= 24 h), skipping daily recurrences."""
    if not values:
        return None
    hours = range(min(values), max(values) + 1) if fill else sorted(values)
    seen: list[tuple[int, float]] = []
    worst = None
    for h in hours:
        v = values.get(h, 0.0)
        if seen and h - seen[0][0] >= 24:
            base = [x for _, x in seen[-168:]]
            same_hour = [x for hh, x in seen if (h - hh) % 24 == 0]
            z = robust_z(v, base, floor(base))
            centre = median(base)
            unusual = (
                z >= 6
                and v >= min_value
                and v >= min_ratio * max(centre, 1e-9)
                and not any(x >= 0.5 * v for x in same_hour)
            )
            if unusual and (worst is None or z > worst[3]):
                worst = (h, v, base, z)
        seen.append((h, v))
    return worst


def invocation_spike(hours: dict[int, Hour]) -> list[Finding]:
    return spike_in_counts({h: float(v.count) for h, v in hours.items()})


def spike_in_counts(counts: dict[int, float]) -> list[Finding]:
    """The spike test on hourly invocation counts (REPORT lines or the Invocations metric)."""
    hit = _judge_hours(
        counts, floor=lambda b: max(1.0, median(b) ** 0.5), min_ratio=2.0, min_value=10, fill=True
    )
    if hit is None:
        return []
    h, v, base, z = hit
    return [
        Finding(
            "invocation-spike",
            "LG202",
            "medium",
            f"{v:.0f} invocations in one hour against a usual {median(base):.0f}",
            {
                "hour": ms_to_iso(h * HOUR_MS),
                "invocations": int(v),
                "baseline_median": median(base),
                "robust_z": round(z, 1),
            },
        )
    ]


def duration_anomaly(hours: dict[int, Hour]) -> list[Finding]:
    p50 = {h: median(list(v.durations)) for h, v in hours.items() if v.count >= 5}
    hit = _judge_hours(
        p50, floor=lambda b: max(0.1 * median(b), 1.0), min_ratio=2.0, min_value=0, fill=False
    )
    if hit is None:
        return []
    h, v, base, z = hit
    return [
        Finding(
            "duration-anomaly",
            "LG203",
            "medium",
            f"Median duration {v:.0f} ms in one hour against a usual {median(base):.0f} ms",
            {
                "hour": ms_to_iso(h * HOUR_MS),
                "median_duration_ms": round(v, 1),
                "baseline_median_ms": round(median(base), 1),
                "robust_z": round(z, 1),
            },
        )
    ]


def long_hot_runs(
    invs: Iterable[Invocation], timeout_s: float | None, *, min_runs: int = 3
) -> list[Finding]:
    """Runs near the timeout with memory near its size: what a miner looks like."""
    limit_ms = (timeout_s or 900.0) * 1000.0
    hot = sorted(
        (
            i
            for i in invs
            if i.duration_ms >= 0.9 * limit_ms
            and i.memory_mb
            and i.max_memory_mb >= 0.8 * i.memory_mb
        ),
        key=lambda i: i.ts,
    )
    if len(hot) < min_runs:
        return []
    return [
        Finding(
            "long-hot-run",
            "LG204",
            "high",
            f"{len(hot)} runs near the timeout with memory nearly full (mining?)",
            {
                "runs": len(hot),
                "timeout_s": timeout_s,
                "timeout_known": bool(timeout_s),
                "median_duration_ms": median([i.duration_ms for i in hot]),
                "median_memory_used_pct": round(
                    100 * median([i.max_memory_mb / i.memory_mb for i in hot]), 1
                ),
                "first": ms_to_iso(hot[0].ts),
                "last": ms_to_iso(hot[-1].ts),
            },
        )
    ]


def log_gap(starts: list[float], window_end_ms: int | None) -> list[Finding]:
    """Logging that stops: a gap far beyond the usual interval, never seen before, after a
    full day of baseline (so a nightly batch's daily pause is its usual rhythm)."""
    if window_end_ms is not None and starts:
        starts_end = [*starts, window_end_ms / 1000.0]
    else:
        starts_end = starts
    if len(starts) < 20:
        return []
    gaps = [b - a for a, b in itertools.pairwise(starts_end)]
    longest = 0.0
    for n, g in enumerate(gaps):
        # only a gap twice as long as any before can be unusual: the median is computed then
        if n >= 19 and g >= 1800.0 and g > 2 * longest and starts_end[n] - starts_end[0] >= 86400:
            usual = median(gaps[:n])
            if g >= 6 * usual:
                return [
                    Finding(
                        "log-gap",
                        "LG106",
                        "medium",
                        f"No invocation logged for {g / 3600:.1f} h (usually every {usual:.0f} s)",
                        {
                            "from": ms_to_iso(starts_end[n] * 1000),
                            "to": ms_to_iso(starts_end[n + 1] * 1000),
                            "gap_s": round(g, 1),
                            "usual_interval_s": round(usual, 1),
                            "until_end_of_logs": n + 1 == len(starts_end) - 1
                            and window_end_ms is not None,
                        },
                    )
                ]
        longest = max(longest, g)
    return []
