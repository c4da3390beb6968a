"""Fill the outbox from a run's alert changes, inside the run's transaction (before commit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lambdawatch.notify import payloads
from lambdawatch.notify.targets import Target
from lambdawatch.secrets import redact_value
from lambdawatch.severity import SEVERITY_ORDER
from lambdawatch.state import outbox
from lambdawatch.state.store import Store

_KIND = {"new": "alert.created", "updated": "alert.updated", "superseded": "alert.superseded"}


@dataclass
class NotifyPolicy:
    targets: list[Target] = field(default_factory=list)
    min_severity: str = "high"
    clock: Callable[[], float] = field(default=lambda: datetime.now(UTC).timestamp())


def _announced(store: Store, alert_id: str, sink: str) -> bool:
    return (
        store.db.execute(
            "SELECT 1 FROM outbox WHERE alert_id=? AND sink=? LIMIT 1", (alert_id, sink)
        ).fetchone()
        is not None
    )


def enqueue_changes(store: Store, policy: NotifyPolicy) -> int:
    """One outbox row per target for each alert change of this run worth telling: at or above
    the minimum severity and not suppressed; a first announcement is ``alert.created`` whatever
    the revision; a withdrawal only for an alert that was announced. Returns rows added."""
    if not policy.targets:
        return 0
    now = policy.clock()
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    bar = SEVERITY_ORDER[policy.min_severity]
    added = 0
    for status, revision, raw_alert in list(store.run_changes()):
        alert = redact_value(raw_alert)  # no secret leaves in a message (keys in user agents...)
        for target in policy.targets:
            seen = _announced(store, alert["id"], target.sink)
            if status == "superseded":
                if not seen:
                    continue
                kind = "alert.superseded"
            else:
                if alert["suppressed"] or SEVERITY_ORDER[alert["severity"]] < bar:
                    continue
                kind = _KIND[status] if seen else "alert.created"
            if target.kind == "slack":
                body = payloads.slack_body(kind, revision, alert)
            else:
                body = payloads.webhook_body(kind, revision, alert, stamp)
            added += outbox.enqueue(store.db, alert["id"], revision, target.sink, kind, body, now)
    return added
