"""Tuning from the TOML config: environments, allowlists and approved changes.

Nothing is ever dropped: a suppressed alert is still produced with ``suppressed: true`` and its
``suppression_reason``; the table hides it unless ``--show-suppressed``.

- ``[accounts] environment`` maps accounts to ``prod``/``nonprod``; ``[environments.<env>]``
  shifts the alert's severity by ``severity_shift`` steps (default: prod 0, nonprod -1) and its
  risk by ``risk_shift`` (default: ``data/risk.yml`` ``environment_shift``).
- ``[[allowlist]]``: an entry matches an alert when every event of the alert matches every field
  the entry gives (globs; ``principal`` is compared with the caller ARN and, for assumed roles,
  with the role ARN).
- ``[[change]]``: an approved change matches when every event falls in ``[start, end)``, names a
  function matching ``function`` and (when given) a principal matching ``principal``; it
  suppresses (``action = "suppress"``) or lowers the severity one step (``"downgrade"``), and puts
  its ticket on the alert (``change_ticket``).
- A matching entry does not hide an alert (nor downgrade it below the flag) when the alert carries
  a finding whose kind is in the entry's ``keep_if`` (any severity), or a high or critical
  finding whose kind the entry does not list in ``accept``. Such an alert stays visible and
  ``tuning`` says which entry matched and which findings kept it.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from lambdawatch.config import Allow, Change, Config, _Tuning
from lambdawatch.ingest.normalize import Event, get
from lambdawatch.severity import SEVERITY_ORDER

Alert = dict[str, Any]
_BY_RANK = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__)
DEFAULT_SEVERITY_SHIFT = {"prod": 0, "nonprod": -1}


def shift_severity(severity: str, steps: int, floor: str = "info") -> str:
    rank = min(max(SEVERITY_ORDER[severity] + steps, SEVERITY_ORDER[floor]), len(_BY_RANK) - 1)
    return _BY_RANK[rank]


def environment_of(config: Config, account: str) -> str | None:
    return config.accounts.environment.get(account)


def severity_shift(config: Config, environment: str) -> tuple[int, int | None]:
    env = config.environments.get(environment)
    if env is None:
        return DEFAULT_SEVERITY_SHIFT.get(environment, 0), None
    return env.severity_shift, env.risk_shift


def _glob(pattern: str | None, *values: Any) -> bool:
    if pattern is None:
        return True
    return any(isinstance(v, str) and fnmatchcase(v, pattern) for v in values)


def _principals(event: Event) -> tuple[Any, ...]:
    return (event.principal_arn, get(event.record, "userIdentity.sessionContext.sessionIssuer.arn"))


def allow_matches(entry: Allow, alert: Alert, events: list[Event]) -> bool:
    return bool(events) and all(
        _glob(entry.principal, *_principals(e))
        and _glob(entry.user_agent, e.user_agent or "")
        and _glob(entry.function, alert["function"])
        and _glob(entry.account, e.account)
        for e in events
    )


def change_matches(change: Change, alert: Alert, events: list[Event]) -> bool:
    return (
        bool(events)
        and _glob(change.function, alert["function"])
        and all(
            change.start <= e.time < change.end and _glob(change.principal, *_principals(e))
            for e in events
        )
    )


def blocking(entry: _Tuning, alert: Alert) -> list[str]:
    """The findings (kind (severity)) that keep this alert visible despite ``entry``."""
    out: list[str] = []
    for f in alert["findings"]:
        kept = any(fnmatchcase(f["kind"], k) for k in entry.keep_if)
        red = SEVERITY_ORDER[f["severity"]] >= SEVERITY_ORDER["high"]
        accepted = any(fnmatchcase(f["kind"], k) for k in entry.accept)
        label = f"{f['kind']} ({f['severity']})"
        if (kept or (red and not accepted)) and label not in out:
            out.append(label)
    return out


def _red_floor(alert: Alert, entry: _Tuning) -> str:
    sev = [
        f["severity"]
        for f in alert["findings"]
        if SEVERITY_ORDER[f["severity"]] >= SEVERITY_ORDER["high"]
        and not any(fnmatchcase(f["kind"], k) for k in entry.accept)
    ]
    return max(sev, key=SEVERITY_ORDER.__getitem__, default="info")


def apply(alert: Alert, events: list[Event], config: Config) -> Alert:
    """Allowlists first, then approved changes; the first entry that suppresses wins."""
    notes: list[str] = []
    reason: str | None = None
    for entry in config.allowlist:
        if not allow_matches(entry, alert, events):
            continue
        kept = blocking(entry, alert)
        if kept:
            notes.append(f"allowlist {entry.name} matched; kept visible by {', '.join(kept)}")
        elif reason is None:
            reason = f"allowlist {entry.name}: {entry.reason}"
    ticket: str | None = None
    severity = alert["severity"]
    for change in config.change:
        if not change_matches(change, alert, events):
            continue
        ticket = ticket or change.ticket
        kept = blocking(change, alert)
        why = change.reason or "approved change"
        if change.action == "downgrade":
            lowered = shift_severity(severity, -1, floor=_red_floor(alert, change))
            notes.append(f"change {change.ticket} ({why}): severity {severity} -> {lowered}")
            severity = lowered
        elif kept:
            notes.append(f"change {change.ticket} matched; kept visible by {', '.join(kept)}")
        elif reason is None:
            reason = f"change {change.ticket}: {why}"
    out = {
        **alert,
        "severity": severity,
        "suppressed": reason is not None,
        "suppression_reason": reason,
        "change_ticket": ticket,
        "tuning": alert.get("tuning", []) + notes,
    }
    return out
