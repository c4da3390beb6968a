"""One response: resolve the target, preserve (or re-verify) the evidence, plan, apply.

Dependencies are passed in: the client factory, the code fetcher and the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lambdawatch import __version__
from lambdawatch.errors import AwsError, UsageError
from lambdawatch.respond.apply import apply_steps
from lambdawatch.respond.collect import collect_function
from lambdawatch.respond.collect_context import (
    collect_layers,
    collect_records,
    collect_role,
    collect_triggers,
)
from lambdawatch.respond.collect_sources import collect_sources, sources_from_evidence
from lambdawatch.respond.evidence import EvidenceStore, open_store
from lambdawatch.respond.fetch import Fetcher
from lambdawatch.respond.manifest import Evidence, Verification, verify, write_manifest
from lambdawatch.respond.model import Snapshot, Step, Target
from lambdawatch.respond.plan import Plan, blocking, build_plan
from lambdawatch.respond.target import Resolved, to_target

Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Options:
    evidence: str
    case: str | None = None
    apply: bool = False
    disable_triggers: bool = False
    workers: int = 8  # threads for per-version and per-qualifier reads


@dataclass
class Outcome:
    target: Target
    case: str
    location: str
    verification: Verification
    plan: Plan
    reused: bool
    applied: bool = False
    failed: Step | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def manifest(self) -> dict[str, Any]:
        return self.verification.manifest or {}


def respond(
    factory: Any,
    resolved: Resolved,
    opts: Options,
    *,
    fetcher: Fetcher | None = None,
    clock: Clock = utcnow,
) -> Outcome:
    ident = factory.client("sts").get_caller_identity()
    target = to_target(resolved, factory.region, str(ident["Account"]))
    store = open_store(
        opts.evidence, factory.client("s3") if opts.evidence.startswith("s3://") else None
    )
    now = clock().strftime("%Y-%m-%dT%H:%M:%SZ")
    lam = factory.client("lambda", target.region)
    notes = [resolved.note] if resolved.note else []
    found = verify(store)
    if found.manifest is not None:  # a case already preserved here: never overwrite it
        if not found.ok:
            raise AwsError(
                f"evidence at {store.location} does not verify ("
                f"{'; '.join(found.problems[:3])}); nothing changed. Use a new "
                "--evidence folder for a fresh collection"
            )
        if found.manifest.get("function_arn") != target.arn:
            raise UsageError(
                f"{store.location} holds the case of "
                f"{found.manifest.get('function_arn')}, not {target.arn}"
            )
        case = str(found.manifest["case"])
        if opts.case and opts.case != case:
            raise UsageError(f"{store.location} holds case {case}, not {opts.case}")
        snap = collect_function(lam, target, None, None, opts.workers)
        collect_triggers(
            factory.client("events", target.region),
            factory.client("scheduler", target.region),
            snap,
            None,
        )
        snap.sources = sources_from_evidence(store)
        notes.append(
            f"evidence already preserved in {store.location} (manifest verifies); "
            "state re-read for the plan only"
        )
        verification, reused = found, True
    else:
        case = opts.case or f"lw-{target.name}-{clock().strftime('%Y%m%dT%H%M%SZ')}"
        snap = _preserve(
            factory, target, resolved, store, fetcher, case, now, str(ident["Arn"]), opts.workers
        )
        verification, reused = verify(store), False
    plan = build_plan(snap, case, now, disable_triggers=opts.disable_triggers)
    out = Outcome(target, case, store.location, verification, plan, reused, notes=notes)
    if opts.apply:
        blocked = blocking(snap, opts.disable_triggers)
        if blocked:
            api, what, error = blocked[0]
            raise AwsError(
                f"cannot read {what} ({api}: {error}); no containment step run: "
                f"grant {api}"
                + (f" (and {len(blocked) - 1} more unreadable)" if len(blocked) > 1 else "")
            )
        if not verification.ok:
            raise AwsError(
                f"evidence at {store.location} does not verify ("
                f"{'; '.join(verification.problems[:3])}); no containment step run"
            )
        out.applied = True
        out.failed = apply_steps(plan.steps, lambda s: factory.client(s, target.region), store, now)
    return out


def _preserve(
    factory: Any,
    target: Target,
    resolved: Resolved,
    store: EvidenceStore,
    fetcher: Fetcher | None,
    case: str,
    now: str,
    caller: str,
    workers: int,
) -> Snapshot:
    evidence = Evidence(store)
    region = target.region
    snap = collect_function(factory.client("lambda", region), target, evidence, fetcher, workers)
    collect_layers(factory.client("lambda", region), snap, evidence, fetcher)
    collect_role(factory.client("iam", region), snap.role_arn, evidence)
    collect_triggers(
        factory.client("events", region), factory.client("scheduler", region), snap, evidence
    )
    collect_sources(
        factory.client("s3", region), factory.client("sns", region), snap, evidence, workers
    )
    if resolved.alert_id:
        collect_records(resolved.records, evidence, resolved.alert_id)
    write_manifest(
        evidence,
        {
            "case": case,
            "tool": f"lambdawatch {__version__}",
            "function_arn": target.arn,
            "collected_at": now,
            "collected_by": caller,
            "region": region,
        },
    )
    return snap
