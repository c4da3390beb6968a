"""Behaviour that changes right after a change of the function (history from ``--state``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lambdawatch.findings import Finding
from lambdawatch.logs.history import Change
from lambdawatch.logs.model import Invocation, ms_to_iso
from lambdawatch.logs.stats import median

HOUR_MS = 3_600_000


def errors_after_change(
    error_ts: Sequence[int],
    changes: Sequence[Change],
    *,
    after_ms: int = HOUR_MS,
    before_ms: int = 24 * HOUR_MS,
) -> list[Finding]:
    """Errors and timeouts that begin within an hour of a change, against the day before."""
    out = []
    for ch in changes:
        after = sum(1 for t in error_ts if ch.ts <= t < ch.ts + after_ms)
        before = sum(1 for t in error_ts if ch.ts - before_ms <= t < ch.ts)
        before_rate = before * after_ms / before_ms
        if after >= 3 and after > 3 * before_rate + 1:
            out.append(
                Finding(
                    "errors-after-change",
                    "LG107",
                    "medium",
                    f"{after} errors in the hour after {ch.event} (usual {before_rate:.1f} per hour)",
                    {
                        "change": ch.event,
                        "change_event_id": ch.event_id,
                        "change_time": ms_to_iso(ch.ts),
                        "errors_after": after,
                        "errors_per_hour_before": round(before_rate, 2),
                    },
                )
            )
    return out


def jumps_after_change(
    invs: Iterable[Invocation], changes: Sequence[Change], *, span_ms: int = 24 * HOUR_MS
) -> list[Finding]:
    """Init duration or memory used that jumps after a code or layer change."""
    out: list[Finding] = []
    relevant = [ch for ch in changes if {"code", "layers"} & set(ch.what)]
    if not relevant:
        return out
    invs = list(invs)
    for ch in relevant:
        before = [i for i in invs if ch.ts - span_ms <= i.ts < ch.ts]
        after = [i for i in invs if ch.ts <= i.ts < ch.ts + span_ms]
        if len(before) < 3 or len(after) < 3:
            continue
        init_b = [i.init_ms for i in before if i.init_ms is not None]
        init_a = [i.init_ms for i in after if i.init_ms is not None]
        mem_b = median([float(i.max_memory_mb) for i in before])
        mem_a = median([float(i.max_memory_mb) for i in after])
        jumps = {}
        if (
            init_b
            and init_a
            and median(init_a) >= 2 * median(init_b)
            and median(init_a) - median(init_b) >= 100
        ):
            jumps["init_ms"] = {"before": median(init_b), "after": median(init_a)}
        if mem_a >= 1.5 * mem_b and mem_a - mem_b >= 32:
            jumps["max_memory_mb"] = {"before": mem_b, "after": mem_a}
        if jumps:
            out.append(
                Finding(
                    "duration-anomaly",
                    "LG206",
                    "medium",
                    f"{' and '.join(sorted(jumps))} jumped after {ch.event}",
                    {
                        "change": ch.event,
                        "change_event_id": ch.event_id,
                        "change_time": ms_to_iso(ch.ts),
                        **jumps,
                    },
                )
            )
    return out
