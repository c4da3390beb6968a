"""The Detector: rules, configuration and a stream state in; closed throttle windows out.

``feed`` takes one event (in event-time order): the stream state observes it, the rules'
context checks confirm it, rule and analyzer findings are computed, and the event is folded
into its function's throttle window. A window closes when a later event of the same function
comes 60 minutes or more after it opened, or when the stream's watermark passes its end
(``close_expired``): no event in order can join it then. ``build`` turns a window into the
assembled alert (with what each of its events changed), ``finish`` completes it (typosquats,
score, tuning, playbook). ``save`` writes the open windows back into the state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from lambdawatch.alerting import alert as alert_mod
from lambdawatch.alerting.finish import setup as alerting_setup
from lambdawatch.alerting.throttle import Window
from lambdawatch.analyze import setup as analyze_setup
from lambdawatch.analyze.triggers import for_function, s3_functions
from lambdawatch.config import Config
from lambdawatch.detect.stream_state import Key, Mark, OpenWindow, StreamState
from lambdawatch.engine.context import HuntContext
from lambdawatch.engine.evaluate import rule_findings
from lambdawatch.engine.model import WINDOW_MINUTES
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.normalize import Event, normalize
from lambdawatch.state.setup import setup as state_setup
from lambdawatch.values import Finding

EventLoader = Callable[[list[str]], list[Event]]


def _fan_out(event: Event) -> list[Event]:
    """A record that makes several functions reachable at once (an S3 notification naming
    several functions) is evaluated once per function, each copy keeping only that function's
    entries, so each function's alert is judged on its own entries."""
    if event.event_source != "s3.amazonaws.com":
        return [event]
    functions = s3_functions(event.record)
    if len(functions) < 2:
        return [event]
    return [_copy_for(event, fn) for fn in functions]


def _copy_for(event: Event, function: str) -> Event:
    if event.function == function or event.event_source != "s3.amazonaws.com":
        return event
    if function not in s3_functions(event.record):
        return event
    copy = normalize(for_function(event.record, function))
    copy.rules = list(event.rules)
    return copy


@dataclass
class Inventories:
    """The optional inventory files of a run (their paths, as the CLI gives them)."""

    iam_inventory: str | None = None
    lambda_inventory: str | None = None


@dataclass
class Detector:
    rules: RuleSet
    config: Config
    state: StreamState
    inventories: Inventories = field(default_factory=Inventories)
    load_events: EventLoader | None = None  # rehydrates the open windows a saved state names
    ctx: HuntContext = field(init=False)
    open: dict[Key, Window] = field(init=False, default_factory=dict)
    # keys of the windows this detector folded an event into (the others, reopened from a saved
    # state and left alone, still give the alert stored for them)
    touched: set[Key] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.ctx = HuntContext(self.rules, self.config, state=self.state)
        for setup in (state_setup, analyze_setup, alerting_setup):
            setup(self.ctx, self.inventories)
        self._by_id = {r.id: r for r in self.rules.rules}
        self._alerting = {r.id for r in self.rules.rules if r.alert}
        self._span = timedelta(minutes=WINDOW_MINUTES)
        self._reopen()

    # -- the saved windows ----------------------------------------------------------------------
    def _reopen(self) -> None:
        saved = self.state.windows
        if not saved:
            return
        if self.load_events is None:
            raise ValueError("a state with open windows needs an event loader")
        for key, ow in saved.items():
            events = [_copy_for(e, key[2]) for e in self.load_events(ow.event_ids)]
            for event, rules in zip(events, ow.rules, strict=True):
                event.rules = list(rules)
            window = Window(key, events, list(ow.findings))
            self.open[key] = window

    def open_ids(self) -> set[str]:
        """The alert ids of the windows open now."""
        return {self._id(w) for w in self.open.values()}

    def changed(self, window: Window) -> bool:
        """Whether this detector folded an event into ``window`` (else: as saved)."""
        return window.key in self.touched

    @staticmethod
    def alert_id_of(window: Window) -> str:
        return Detector._id(window)

    @staticmethod
    def _id(window: Window) -> str:
        account, region, function = window.key
        return alert_mod.alert_id(account, region, function, window.events[0].time_iso)

    def save(self) -> None:
        """Write the open windows into the state; forget diffs no open window needs."""
        self.state.windows = {
            key: OpenWindow(
                [e.event_id for e in w.events], [list(e.rules) for e in w.events], list(w.findings)
            )
            for key, w in self.open.items()
        }
        keep = {e.event_id for w in self.open.values() for e in w.events}
        diffs = self.state.functions.diffs
        for event_id in [k for k in diffs if k not in keep]:
            del diffs[event_id]

    # -- the stream -------------------------------------------------------------------------------
    def feed(self, event: Event) -> list[Window]:
        """Evaluate one event; the windows it closed (usually none or one)."""
        ctx = self.ctx
        for obs in ctx.observers:
            obs.observe(event)
        mark: Mark = (event.ts, event.event_id)
        if self.state.watermark is None or mark > self.state.watermark:
            self.state.watermark = mark
        closed = []
        for copy in _fan_out(event):
            window = self._fold(copy)
            if window is not None:
                closed.append(window)
        return closed

    def _fold(self, event: Event) -> Window | None:
        ctx = self.ctx
        event.rules = [r for r in event.rules if self._confirm(r, event)]
        findings = self._rule_findings(event)
        for analyze in ctx.analyzers:  # every event: stateful analyzers see the whole stream
            findings.extend(analyze(event, ctx))
        if not any(r in self._alerting for r in event.rules):
            return None  # context-only records (IAM history) feed the state, not the alerts
        key = ctx.attach(event)
        if key is None:
            return None
        current = self.open.get(key)
        self.touched.add(key)
        if current is not None and event.time < current.opened + self._span:
            current.add(event, findings)
            return None
        fresh = Window(key)
        fresh.add(event, findings)
        self.open[key] = fresh
        return current

    # A rule or predicate that raises is isolated: the error is recorded with the rule and the
    # event, the rule counts as not matching that event, and the run goes on.
    def _failed(self, rule_id: str, event: Event, exc: Exception) -> None:
        self.ctx.errors.append(
            {
                "rule": rule_id,
                "event_id": event.event_id,
                "error": f"{type(exc).__name__}: {exc}"[:300],
            }
        )

    def _confirm(self, rule_id: str, event: Event) -> bool:
        compiled = self.rules.by_id.get(rule_id)
        if compiled is None:
            return True
        try:
            return bool(compiled.confirm(event.record, self.ctx))
        except Exception as exc:  # noqa: BLE001 - isolation boundary: one rule, one event
            self._failed(rule_id, event, exc)
            return False

    def _rule_findings(self, event: Event) -> list[Finding]:
        try:
            return rule_findings(event, self.rules, self.ctx)
        except Exception:  # noqa: BLE001 - find the failing rule, keep the others' findings
            out: list[Finding] = []
            for rule_id in event.rules:
                probe = replace(event, rules=[rule_id])
                try:
                    out.extend(rule_findings(probe, self.rules, self.ctx))
                except Exception as exc:  # noqa: BLE001 - isolation boundary
                    self._failed(rule_id, event, exc)
            return out

    def close_expired(self) -> Iterator[Window]:
        """Close the windows that no event at or after the watermark can join."""
        if self.state.watermark is None:
            return
        limit = self.state.watermark[0]
        done = [k for k, w in self.open.items() if (w.opened + self._span).timestamp() <= limit]
        for key in sorted(done, key=lambda k: (self.open[k].opened, k)):
            yield self.open.pop(key)

    def still_open(self) -> list[Window]:
        return sorted(self.open.values(), key=lambda w: (w.opened, w.key))

    # -- alerts -----------------------------------------------------------------------------------
    def build(self, window: Window) -> dict[str, Any]:
        """The assembled alert of a window, with what each of its events changed."""
        built = alert_mod.build(window, self._by_id)
        built["changes"] = self.state.functions.changes_for(window.events)
        return built

    def finish(self, built: dict[str, Any], events: list[Event]) -> dict[str, Any]:
        return self.ctx.finish(dict(built), events)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.ctx.errors
