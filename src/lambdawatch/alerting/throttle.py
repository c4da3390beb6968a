"""One alert per (account, region, function) per window of event time, across rules.

Events arrive in event-time order. A window opens at its first event; every later event of the
same key before ``opened + window`` folds into it; the first event at or after that opens the next
(the folding is done by :class:`lambdawatch.detect.detector.Detector`, which also saves the
windows still open at the end of a run). Only open windows are held in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from lambdawatch.ingest.normalize import Event
from lambdawatch.values import Finding, FnKey

Key = FnKey


@dataclass
class Window:
    key: Key
    events: list[Event] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def opened(self) -> datetime:
        return self.events[0].time

    def add(self, event: Event, findings: Iterable[Finding]) -> None:
        self.events.append(event)
        for f in findings:
            if f not in self.findings:
                self.findings.append(f)
