"""Robust statistics: median, MAD and a robust z-score (no fixed thresholds on raw values)."""

from __future__ import annotations

import statistics

MAD_TO_SIGMA = 1.4826  # MAD of a normal distribution times this is its standard deviation


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def mad(values: list[float], centre: float | None = None) -> float:
    if not values:
        return 0.0
    c = median(values) if centre is None else centre
    return median([abs(v - c) for v in values])


def robust_z(value: float, baseline: list[float], floor: float) -> float:
    """How many robust standard deviations ``value`` lies above the baseline's median.

    ``floor`` bounds the spread from below so a perfectly flat baseline (MAD 0) does not turn
    any wobble into an infinite score."""
    centre = median(baseline)
    spread = max(MAD_TO_SIGMA * mad(baseline, centre), floor)
    return (value - centre) / spread


def robust_cv(values: list[float]) -> float:
    """Robust coefficient of variation: scaled MAD over the median (0 = perfectly regular)."""
    centre = median(values)
    return MAD_TO_SIGMA * mad(values, centre) / centre if centre > 0 else float("inf")
