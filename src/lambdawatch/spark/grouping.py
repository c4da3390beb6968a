"""Which accounts must share a Detector: the partition key of the Spark engine.

The local engine runs one Detector over every account. Most of the stream state is keyed by
account (function history, names, roles, throttle windows), but a few parts are not confined
to one: principal novelty is keyed by the principal (an IAM user or role of account A acting
in account B is one principal in both), a role is looked up by its ARN (whose account may
differ from the record's), and a trigger or mapping record in one account may name a function
of another (an S3 bucket of A notifying a function of B). Records are therefore grouped by
the connected components of the graph whose nodes are accounts and whose edges join the
record's account with the accounts of its principal, of the function's execution role and of
every function it names. Per component, the Detector sees exactly what it would see in the
local engine. Over-joining only costs parallelism; under-joining would cost equality.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson

from lambdawatch.ingest.records import Matched

# Accounts of the functions a record names anywhere (a trigger, mapping, integration or target of
# another account's function attaches to that function's alert).
_FUNCTION = re.compile(rb"arn:aws[\w-]*:lambda:[\w-]*:(\d{12}):function")
# Accounts inside an ARN of a principal or role (iam::ACCT:..., sts::ACCT:...).
_ARN_ACCOUNT = re.compile(r"^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):")


def _arn_account(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    m = _ARN_ACCOUNT.match(value)
    return m.group(1) if m else None


def _get(obj: Any, *path: str) -> Any:
    for part in path:
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def _state_accounts(rec: Any) -> set[str]:
    """The accounts of the acting principal and of the function's execution role."""
    if isinstance(rec, dict) and "detail-type" in rec:
        rec = rec.get("detail")
    if not isinstance(rec, dict):
        return set()
    ident = rec.get("userIdentity")
    found = {
        _get(ident, "accountId"),
        _arn_account(_get(ident, "arn")),
        _arn_account(_get(ident, "sessionContext", "sessionIssuer", "arn")),
        _arn_account(_get(rec, "requestParameters", "role")),
        _arn_account(_get(rec, "responseElements", "role")),
    }
    return {a for a in found if isinstance(a, str) and a}


def linked_accounts(m: Matched) -> tuple[str, ...]:
    """The record's account first, then every other account whose stream state it touches
    (sorted). The grantee of a permission (``AddPermission``'s principal), layers, keys,
    buckets and queues do not count: no stream state is keyed by them."""
    found = {g.decode() for g in _FUNCTION.findall(m.raw)}
    try:
        found |= _state_accounts(orjson.loads(m.raw))
    except orjson.JSONDecodeError:
        pass
    found.discard(m.account)
    return (m.account, *sorted(found))


class Components:
    """Union-find over account ids; each component is named by its smallest account id."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, a: str) -> str:
        root = self.parent.setdefault(a, a)
        while root != self.parent[root]:
            root = self.parent[root]
        while self.parent[a] != root:  # path compression
            self.parent[a], a = root, self.parent[a]
        return root

    def join(self, accounts: Iterable[str]) -> None:
        it = iter(accounts)
        first = next(it, None)
        if first is None:
            return
        a = self.find(first)
        for other in it:
            b = self.find(other)
            if a != b:
                a, b = min(a, b), max(a, b)
                self.parent[b] = a

    def groups(self) -> dict[str, str]:
        """account -> its component's name."""
        return {a: self.find(a) for a in list(self.parent)}


def assign(weights: dict[str, int], partitions: int) -> dict[str, int]:
    """Each component to a partition, heaviest first onto the lightest partition (ties by
    index): balanced and deterministic. ``weights`` maps a component to its record count."""
    load = [0] * max(1, partitions)
    out: dict[str, int] = {}
    for name in sorted(weights, key=lambda g: (-weights[g], g)):
        target = min(range(len(load)), key=lambda i: (load[i], i))
        out[name] = target
        load[target] += weights[name]
    return out
