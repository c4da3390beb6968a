"""Generated Lambda log series with known behaviour (seeded, deterministic), as platform lines.

Each generator returns (start seconds, duration ms, memory size MB, max memory used MB) tuples;
``export_lines`` renders them as a CloudWatch Logs S3 export would hold them."""

from __future__ import annotations

import gzip
import random
from datetime import UTC, datetime
from pathlib import Path

T0 = 1741910400  # 2025-03-14T00:00:00Z
Run = tuple[float, float, int, int]


def iso(seconds: float) -> str:
    return (
        datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{int(seconds * 1000) % 1000:03d}Z"
    )


def beacon(
    period: float = 300.0, hours: float = 48, jitter: float = 0.4, seed: int = 1
) -> list[Run]:
    rnd = random.Random(seed)
    n = int(hours * 3600 / period)
    return [
        (T0 + i * period + rnd.uniform(0, jitter), rnd.uniform(80, 120), 128, 60) for i in range(n)
    ]


def steady_api(hours: float = 72, per_minute: float = 2.0, seed: int = 2) -> list[Run]:
    """Poisson arrivals, log-normal durations: an ordinary API behind a gateway."""
    rnd = random.Random(seed)
    out: list[Run] = []
    t = float(T0)
    while t < T0 + hours * 3600:
        t += rnd.expovariate(per_minute / 60.0)
        out.append((t, rnd.lognormvariate(4.6, 0.3), 256, rnd.randint(80, 95)))
    return out


def daily_batch(days: int = 7, seed: int = 3) -> list[Run]:
    """A nightly job: 30 irregular runs from 02:00 for about 20 minutes, each a few minutes."""
    rnd = random.Random(seed)
    out: list[Run] = []
    for d in range(days):
        t = T0 + d * 86400 + 2 * 3600
        for _ in range(30):
            t += rnd.uniform(10, 70)
            out.append((t, rnd.uniform(60_000, 240_000), 1024, rnd.randint(300, 500)))
    return out


def spike(base: list[Run], at_hour: int, extra: int, seed: int = 4) -> list[Run]:
    rnd = random.Random(seed)
    start = T0 + at_hour * 3600
    return sorted(
        base
        + [
            (start + rnd.uniform(0, 3599), rnd.lognormvariate(4.6, 0.3), 256, 90)
            for _ in range(extra)
        ]
    )


def slow_hour(base: list[Run], at_hour: int, factor: float) -> list[Run]:
    lo, hi = T0 + at_hour * 3600, T0 + (at_hour + 1) * 3600
    return [(s, d * factor if lo <= s < hi else d, m, mm) for s, d, m, mm in base]


def mining(timeout_s: int = 900, runs: int = 6) -> list[Run]:
    return [(T0 + i * 1000.0, timeout_s * 1000 * 0.97, 3008, 2950) for i in range(runs)]


def report_line(run: Run, rid: str, init_ms: float | None = None) -> tuple[str, str]:
    start, duration, memory, used = run
    end = start + duration / 1000.0
    init = f"\tInit Duration: {init_ms:.2f} ms" if init_ms is not None else ""
    return iso(end), (
        f"REPORT RequestId: {rid}\tDuration: {duration:.2f} ms\tBilled Duration: "
        f"{int(duration) + 1} ms\tMemory Size: {memory} MB\tMax Memory Used: "
        f"{used} MB{init}\t"
    )


def export_lines(
    runs: list[Run], app: dict[int, list[str]] | None = None, init: dict[int, float] | None = None
) -> list[str]:
    """START / application lines / END / REPORT for each run, in time order."""
    lines: list[tuple[float, str]] = []
    for n, run in enumerate(runs):
        rid = f"0000{n:04d}-aaaa-4bbb-8ccc-{n:012d}"
        start = run[0]
        lines.append((start, f"{iso(start)} START RequestId: {rid} Version: $LATEST"))
        for text in (app or {}).get(n, []):
            lines.append((start + 0.001, f"{iso(start + 0.001)} {text}"))
        end = start + run[1] / 1000.0
        lines.append((end, f"{iso(end)} END RequestId: {rid}"))
        stamp, report = report_line(run, rid, (init or {}).get(n))
        lines.append((end + 0.0001, f"{stamp} {report}"))
    return [text for _, text in sorted(lines, key=lambda x: x[0])]


def write_export(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
    return path
