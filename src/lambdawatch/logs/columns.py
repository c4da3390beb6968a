"""A function's invocations as columns (``array.array``): about 45 bytes each instead of a
Python object, so memory stays small for millions of REPORT lines. Detectors read hourly
aggregates, sorted start times, or :class:`Invocation` tuples made on the fly."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lambdawatch.logs.model import Invocation

HOUR_MS = 3_600_000
_ERROR_STATUSES = ("timeout", "error", "failure")


@dataclass
class Hour:
    count: int = 0
    errors: int = 0
    mb_ms: float = 0.0  # billed ms x memory MB, summed
    durations: array[float] = field(default_factory=lambda: array("d"))


class Invocations:
    def __init__(self) -> None:
        self.ts: array[int] = array("q")
        self.duration: array[float] = array("d")
        self.billed: array[float] = array("d")
        self.memory: array[int] = array("l")
        self.used: array[int] = array("l")
        self.init: array[float] = array("d")  # NaN when the REPORT line had none
        self.status: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.ts)

    def append(self, inv: Invocation) -> None:
        self.extend([inv])

    def extend(self, batch: Iterable[Invocation]) -> None:
        rows = list(batch)
        if not rows:
            return
        base = len(self.ts)
        ts, _rid, dur, billed, mem, used, init, status = zip(*rows, strict=True)
        self.ts.extend(ts)
        self.duration.extend(dur)
        self.billed.extend(billed)
        self.memory.extend(mem)
        self.used.extend(used)
        self.init.extend([math.nan if x is None else x for x in init])
        for i, st in enumerate(status):
            if st:
                self.status[base + i] = st

    def __iter__(self) -> Iterator[Invocation]:
        status = self.status
        for i, (ts, dur, billed, mem, used, init) in enumerate(
            zip(self.ts, self.duration, self.billed, self.memory, self.used, self.init, strict=True)
        ):
            yield Invocation(
                ts, "", dur, billed, mem, used, None if math.isnan(init) else init, status.get(i)
            )

    def error_times(self) -> list[int]:
        return [self.ts[i] for i, st in self.status.items() if st in _ERROR_STATUSES]

    def starts(self) -> list[float]:
        """Start times in seconds, sorted."""
        return sorted([(t - d) / 1000.0 for t, d in zip(self.ts, self.duration, strict=True)])

    def hours(self) -> dict[int, Hour]:
        out: dict[int, Hour] = {}
        status = self.status
        for i, (t, dur, billed, mem) in enumerate(
            zip(self.ts, self.duration, self.billed, self.memory, strict=True)
        ):
            h = out.get(t // HOUR_MS)
            if h is None:
                h = out[t // HOUR_MS] = Hour()
            h.count += 1
            h.mb_ms += billed * mem
            h.durations.append(dur)
            if i in status:
                h.errors += 1
        return out
