"""The hunt context: what evaluation knows besides the event (config, inventories, stream state).

Hooks, each owned by its stage: ``observers`` see every stored event in event-time order
(``state``), ``analyzers`` add findings to matched events (``analyze``), ``attach`` maps an
event to the throttle key of the function it concerns (or None): the function the event names,
else the first registered ``attachers`` answer (e.g. stream state: a PutRule to the function its
targets name, an IAM call by a Lambda execution role to that function), ``finish`` completes an
assembled alert (scoring, tuning, playbook: ``alerting``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lambdawatch.alerting.throttle import Key, key_of
from lambdawatch.config import Config
from lambdawatch.engine.evaluate import Analyzer, StreamObserver
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.normalize import Event


@dataclass
class HuntContext:
    rules: RuleSet
    config: Config = field(default_factory=Config)
    observers: list[StreamObserver] = field(default_factory=list)
    analyzers: list[Analyzer] = field(default_factory=list)
    finishers: list[Callable[[dict[str, Any], list[Event], HuntContext], dict[str, Any]]] = field(
        default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    attachers: list[Callable[[Event], Key | None]] = field(default_factory=list)

    def attach(self, event: Event) -> Key | None:
        key = key_of(event)
        if key is not None:
            return key
        for attacher in self.attachers:
            key = attacher(event)
            if key is not None:
                return key
        return None

    def finish(self, alert: dict[str, Any], events: list[Event]) -> dict[str, Any]:
        for fn in self.finishers:
            alert = fn(alert, events, self)
        return alert
