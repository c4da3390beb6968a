"""Which function to respond to: a name or ARN on the command line, or a stored alert."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lambdawatch.errors import InputError, UsageError
from lambdawatch.respond.model import Target

_ARN = re.compile(
    r"^arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)"
    r"(?::([$\w-]+))?$"
)
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,140}$")


@dataclass
class Resolved:
    name: str
    region: str | None
    account: str | None
    alert_id: str | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None


def parse_function(value: str, region: str | None) -> Resolved:
    """A bare name or an (optionally qualified) function ARN; a qualifier is noted, not used:
    containment acts on the whole function (every version and alias)."""
    m = _ARN.match(value)
    if m:
        arn_region, account, name, qualifier = m.groups()
        if region and region != arn_region:
            raise UsageError(f"--region {region} differs from the ARN's region {arn_region}")
        note = (
            f"qualifier {qualifier} ignored: the whole function is preserved and contained"
            if qualifier
            else None
        )
        return Resolved(name, arn_region, account, note=note)
    if not _NAME.match(value):
        raise UsageError(f"{value!r} is neither a function name nor a function ARN")
    return Resolved(value, region, None)


def from_alert(alert_id: str, state_path: str) -> Resolved:
    """Function, account and region of a stored alert, and its CloudTrail records."""
    from lambdawatch.state.store import Store

    store = Store(state_path)
    try:
        alert = store.get_alert(alert_id)
        if alert is None:
            raise InputError(f"no alert {alert_id!r} in the state", where=state_path)
        ids = [str(e) for e in alert.get("event_ids") or []]
        records: list[dict[str, Any]] = []
        for eid in ids:  # one by one: a record pruned from the state is skipped, not fatal
            try:
                records.extend(e.record for e in store.events_by_id([eid]))
            except KeyError:
                continue
    finally:
        store.close()
    return Resolved(
        str(alert["function"]),
        str(alert["region"]),
        str(alert["account"]),
        alert_id=alert_id,
        records=records,
    )


def to_target(resolved: Resolved, default_region: str | None, caller_account: str) -> Target:
    region = resolved.region or default_region
    if not region:
        raise UsageError("no region: pass --region or set the AWS default region")
    if resolved.account and resolved.account != caller_account:
        raise UsageError(
            f"the function is in account {resolved.account} but the credentials "
            f"are for account {caller_account}"
        )
    return Target(resolved.name, caller_account, region)
