"""One alert per (account, region, function) per window of event time, across rules.

Events arrive in event-time order. A window opens at its first event; every later event of the
same key before ``opened + window`` folds into it; the first event at or after that opens the next.
Only open windows are held in memory, so the pass is bounded by the number of active functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from lambdawatch.findings import Finding
from lambdawatch.ingest.normalize import Event

Key = tuple[str, str, str]


@dataclass
class Window:
    key: Key
    events: list[Event] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def opened(self):  # noqa: ANN201 - datetime
        return self.events[0].time

    def add(self, event: Event, findings: Iterable[Finding]) -> None:
        self.events.append(event)
        for f in findings:
            if f not in self.findings:
                self.findings.append(f)


def key_of(event: Event) -> Key | None:
    if not event.function:
        return None
    return (event.account, event.region, event.function)


class Throttle:
    def __init__(self, minutes: int = 60) -> None:
        self.span = timedelta(minutes=minutes)
        self.open: dict[Key, Window] = {}

    def feed(self, key: Key, event: Event, findings: Iterable[Finding]) -> Window | None:
        """Fold ``event`` into its key's window; return the window it closed, if any."""
        current = self.open.get(key)
        if current is not None and event.time < current.opened + self.span:
            current.add(event, findings)
            return None
        fresh = Window(key)
        fresh.add(event, findings)
        self.open[key] = fresh
        return current

    def drain(self) -> Iterator[Window]:
        """The windows still open at the end of the stream, in order of opening."""
        yield from sorted(self.open.values(), key=lambda w: (w.opened, w.key))
        self.open.clear()
