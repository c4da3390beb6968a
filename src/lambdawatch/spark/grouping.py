"""Which accounts must share a Detector: the partition key of the Spark engine.

The local engine runs one Detector over every account. Most of the stream state is keyed by
account (function history, names, roles, throttle windows), but a few parts are not confined
to one: principal novelty is keyed by the principal (an IAM user or role of account A acting
in account B is one principal in both), a role is looked up by its ARN (whose account may
differ from the record's), and a trigger or mapping record in one account may name a function
of another (an S3 bucket of A notifying a function of B). Records are therefore grouped by
the connected components of the graph whose nodes are accounts and whose edges join the
record's account with every account of its principal, of the roles and of the functions it
names. Per component, the Detector sees exactly what it would see in the local engine.
Over-joining only costs parallelism; under-joining would cost equality, so the links err wide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import orjson

from lambdawatch.ingest.records import Matched

# Accounts of the principals, roles and functions a record names (never layers, keys or
# buckets: those carry no stream state, and a shared publisher would join every account).
_LINKED = re.compile(
    rb"arn:aws[\w-]*:(?:lambda:[\w-]*:(\d{12}):function|iam::(\d{12}):(?:role|user|root)"
    rb"|sts::(\d{12}):(?:assumed-role|federated-user))")


def _identity_account(raw: bytes) -> str | None:
    try:
        rec = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    ident = rec.get("userIdentity") if isinstance(rec, dict) else None
    if isinstance(rec, dict) and "detail-type" in rec and isinstance(rec.get("detail"), dict):
        ident = rec["detail"].get("userIdentity")
    acct = ident.get("accountId") if isinstance(ident, dict) else None
    return acct if isinstance(acct, str) and acct else None


def linked_accounts(m: Matched) -> tuple[str, ...]:
    """The record's account first, then every other account it ties to it (sorted)."""
    found: set[str] = set()
    for groups in _LINKED.findall(m.raw):
        found.update(g.decode() for g in groups if g)
    ident = _identity_account(m.raw)
    if ident is not None:
        found.add(ident)
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
