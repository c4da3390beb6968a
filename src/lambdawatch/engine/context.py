"""The hunt context: what evaluation knows besides the event (config, inventories, stream state).

Hooks, each owned by its stage: ``observers`` see every stored event in event-time order
(``state``), ``analyzers`` add findings to matched events (``analyze``), ``attach`` maps an
event to the throttle key of the function it concerns (or None): the function the event names,
else the first registered ``attachers`` answer (e.g. stream state: a PutRule to the function its
targets name, an IAM call by a Lambda execution role to that function), ``finish`` completes an
assembled alert by running the registered finishers in the order of :data:`FINISH_ORDER`
(explicit data, not registration order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lambdawatch.config import Config
from lambdawatch.engine.evaluate import Analyzer, StreamObserver
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.normalize import Event
from lambdawatch.values import FnKey

if TYPE_CHECKING:  # the state sits above this layer; only its type is needed here
    from lambdawatch.detect.stream_state import StreamState

Key = FnKey
Alert = dict[str, Any]


def key_of(event: Event) -> Key | None:
    """The throttle key of the function an event names, if it names one."""
    if not event.function:
        return None
    return (event.account, event.region, event.function)


Finisher = Callable[[Alert, list[Event], "HuntContext"], Alert]

# The order in which an assembled alert is completed: alert-time findings first (typosquats,
# judged against every name the stream knows), then severity and risk over every finding,
# then tuning (suppression sees the final severity), then the playbook (it lists the findings).
FINISH_ORDER = ("typosquat", "rescore", "tune", "playbook")


@dataclass
class HuntContext:
    rules: RuleSet
    config: Config = field(default_factory=Config)
    state: StreamState | None = None
    lambda_inventory: Any = None  # inventory.lambda_inventory.LambdaInventory
    observers: list[StreamObserver] = field(default_factory=list)
    analyzers: list[Analyzer] = field(default_factory=list)
    finishers: dict[str, Finisher] = field(default_factory=dict)
    attachers: list[Callable[[Event], Key | None]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # isolated analyzer failures

    def add_finisher(self, name: str, fn: Finisher) -> None:
        if name not in FINISH_ORDER:
            raise ValueError(f"finisher {name!r} is not in FINISH_ORDER")
        self.finishers[name] = fn

    def attach(self, event: Event) -> Key | None:
        key = key_of(event)
        if key is not None:
            return key
        for attacher in self.attachers:
            key = attacher(event)
            if key is not None:
                return key
        return None

    def finish(self, alert: Alert, events: list[Event]) -> Alert:
        for name in FINISH_ORDER:
            fn = self.finishers.get(name)
            if fn is not None:
                alert = fn(alert, events, self)
        return alert
