"""One record's checks: bounded size, depth and work, then the rules, then normalization.

Every failure here concerns one record: it is counted by reason, listed with its place (line or
record number) and skipped alone; the file's other records go on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from lambdawatch.errors import InputError
from lambdawatch.ingest.limits import Limits, human
from lambdawatch.ingest.normalize import normalize

Matcher = Callable[[dict[str, Any]], list[str]]
Projector = Callable[[dict[str, Any], list[str]], dict[str, Any] | None]
Where = str | Callable[[], str]  # "line 7", or how to say it (computed only when listed)
CLOUDTRAIL_API_CALL = "AWS API Call via CloudTrail"


class Matched(NamedTuple):
    """A record that matched a rule, normalized in the worker so the main process only stores it."""

    raw: bytes
    rules: list[str]
    event_id: str
    ts: float
    account: str
    region: str
    function: str | None
    row: bytes | None  # the output rules' columns (``--format rows``), projected here


@dataclass
class Decoded:
    """What one file gave: counts, candidate records that matched a rule, and problems."""

    records: int = 0
    matched: list[Matched] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # record-level reason -> count
    problem: str | None = None  # file-level problem (the file may still have given records)
    layout: str = ""
    project: Projector | None = None  # used while decoding; None once returned (not pickled)
    places: list[str] = field(default_factory=list)  # "line 7: reason", the first few
    unlisted: int = 0  # record problems past the listed ones

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n

    def note(self, reason: str, where: Where, limit: int) -> None:
        """Skip one record for ``reason`` and list where it was (the first ``limit`` of them)."""
        self.skip(reason)
        if len(self.places) < limit:
            self.places.append(f"{where if isinstance(where, str) else where()}: {reason}")
        else:
            self.unlisted += 1

    def finish(self) -> Decoded:
        """Fold the listed record problems into ``problem`` (the summary shows it per file)."""
        if self.places:
            more = f" (+{self.unlisted} more)" if self.unlisted else ""
            self.problem = "; ".join(([self.problem] if self.problem else []) + self.places) + more
            self.places, self.unlisted = [], 0
        self.project = None
        return self


class NotCloudTrail(Exception):
    """The file is valid JSON but not a CloudTrail layout this tool knows."""


def unwrap(obj: Any) -> Any:
    """An EventBridge envelope gives its CloudTrail record (``detail``); anything else itself."""
    if isinstance(obj, dict) and "detail-type" in obj:
        if obj.get("detail-type") != CLOUDTRAIL_API_CALL:
            raise NotCloudTrail(f"EventBridge event of type {obj.get('detail-type')!r}")
        return obj.get("detail")
    return obj


def too_heavy(obj: Any, limits: Limits) -> str | None:
    """Why a parsed record is too deep or too large to work on, or None. Iterative: a hostile
    record cannot exhaust the stack here."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    values = 0
    while stack:
        value, depth = stack.pop()
        values += 1
        if depth > limits.max_depth:
            return f"record nested deeper than {limits.max_depth} levels"
        if values > limits.max_values:
            return f"record with more than {limits.max_values} JSON values"
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return None


def _light(raw: bytes, limits: Limits) -> bool:
    """Byte counts bound the depth (containers) and the values (commas + containers)."""
    containers = raw.count(b"{") + raw.count(b"[")
    return containers < limits.max_depth and containers + raw.count(b",") < limits.max_values


def oversize(size: int, limits: Limits) -> str | None:
    if size > limits.max_record:
        return f"record larger than the {human(limits.max_record)} cap"
    return None


def accept(
    out: Decoded, obj: Any, raw: bytes | None, matcher: Matcher, where: Where, limits: Limits
) -> None:
    """Check one parsed record against the rules; keep it, normalized, when one matches."""
    try:
        rec = unwrap(obj)
    except NotCloudTrail as exc:
        out.note(f"not a CloudTrail record ({exc})", where, limits.max_problems)
        return
    if not isinstance(rec, dict):
        out.note("record is not a JSON object", where, limits.max_problems)
        return
    missing = [k for k in ("eventTime", "eventName") if not rec.get(k)]
    if missing:
        out.note(f"record without {' and '.join(missing)}", where, limits.max_problems)
        return
    if raw is not None and _light(raw, limits):
        heavy = None  # cannot be that deep nor hold that many values: no walk needed
    else:
        heavy = too_heavy(rec, limits)
    if heavy is not None:
        out.note(heavy, where, limits.max_problems)
        return
    try:
        big = _keep(out, rec, raw, matcher, limits)
        if big is not None:
            out.note(big, where, limits.max_problems)
    except InputError as exc:
        out.note(exc.message, where, limits.max_problems)
    except Exception as exc:  # noqa: BLE001 - isolation: one hostile record never costs its file
        out.note(
            f"record could not be evaluated ({type(exc).__name__}: {exc})",
            where,
            limits.max_problems,
        )


def _keep(
    out: Decoded, rec: dict[str, Any], raw: bytes | None, matcher: Matcher, limits: Limits
) -> str | None:
    """Keep ``rec`` when a rule matches; the reason it is too large to keep, else None (a
    record from a whole-document parse is measured once serialized)."""
    rules = matcher(rec)
    if not rules:
        return None
    e = normalize(rec)
    if raw is None:
        raw = orjson.dumps(rec)
        if (big := oversize(len(raw), limits)) is not None:
            return big
    row = out.project(rec, rules) if out.project is not None else None
    out.matched.append(
        Matched(
            raw,
            rules,
            e.event_id,
            e.ts,
            e.account,
            e.region,
            e.function,
            orjson.dumps(row) if row is not None else None,
        )
    )
    return None
