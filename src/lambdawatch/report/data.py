"""The one adapter between the report and the state store (its API is being reworked).

Alerts come from ``Store.get_alert`` / ``Store.iter_alerts`` (live alerts) and event records
from ``Store.events_by_id``; nothing else of the store is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from lambdawatch.errors import StateError, UsageError
from lambdawatch.state.store import Store


def open_store(path: str) -> Store:
    if not os.path.isfile(path):
        raise StateError("state file not found (write one with hunt --state)", where=path)
    return Store(path, readonly=True)


def _all_alerts(store: Store) -> list[dict[str, Any]]:
    return list(store.iter_alerts())


def load_alerts(store: Store, ids: Iterable[str]) -> list[dict[str, Any]]:
    """The alerts with these ids in the order given, or every live alert when ``ids`` is empty."""
    wanted = list(ids)
    if not wanted:
        return _all_alerts(store)
    out = []
    for alert_id in wanted:
        alert = store.get_alert(alert_id)
        if alert is None:
            raise UsageError(
                f"no alert {alert_id!r} in the state (ids: hunt --format table)", where=store.path
            )
        out.append(alert)
    return out


def load_events(store: Store, alerts: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The raw CloudTrail records of each alert (by alert id), in the alert's event order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for alert in alerts:
        ids = [e for e in alert.get("event_ids") or [] if isinstance(e, str)]
        try:
            events = store.events_by_id(ids)
        except KeyError:  # an event the state no longer holds: keep the ones it has
            events = [ev for e in ids for ev in _safe_one(store, e)]
        out[alert["id"]] = [_raw(ev) for ev in events]
    return out


def _safe_one(store: Store, event_id: str) -> list[Any]:
    try:
        return list(store.events_by_id([event_id]))
    except KeyError:
        return []


def _raw(event: Any) -> dict[str, Any]:
    raw = getattr(event, "raw", None)
    if raw is None:
        raw = getattr(event, "record", None)
    return raw if isinstance(raw, dict) else {}
