"""``audit``: collect every region, read the execution roles, judge each function and qualifier.

Regions run concurrently (one thread each, each with its own bounded pool for its functions);
all API calls go through one :class:`Caller` (per region and service semaphore, recorded gaps).
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from lambdawatch.analyze.typosquat import NameBook
from lambdawatch.audit.caller import Caller
from lambdawatch.audit.code import CodeScanner, Resolver, layers_of, merge
from lambdawatch.audit.collect import attach, collect_region
from lambdawatch.audit.function_findings import function_findings, trigger_findings
from lambdawatch.audit.model import LATEST, FunctionState, RegionState
from lambdawatch.audit.result import build, differs
from lambdawatch.audit.roles import RoleReader
from lambdawatch.audit.triggers import s3_triggers
from lambdawatch.audit.view import Judge, view_findings
from lambdawatch.aws import ClientFactory, Gap
from lambdawatch.config import Config
from lambdawatch.errors import AwsError
from lambdawatch.inventory.lambda_inventory import FunctionInfo, LambdaInventory

# LastModified as Lambda writes it (2024-05-01T10:00:00.000+0000; moto: nanoseconds)
_STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?")


@dataclass
class AuditOptions:
    regions: list[str] | None = None  # None or ["all"]: every enabled region
    functions: list[str] | None = None
    scan_code: bool = False
    config: Config = field(default_factory=Config)
    workers: int = 8  # functions read at once per region
    per_service: int = 8  # calls in flight per region and service
    region_workers: int | None = None  # regions read at once (default: all of them)
    resolver: Resolver | None = None  # code URL -> bytes (tests inject one)
    today: date | None = None  # the day deprecations are judged at (default: today, UTC)


@dataclass
class AuditRun:
    account: str
    regions: list[str]
    results: list[dict[str, Any]]
    gaps: list[Gap]  # of the run: regions, region-wide lists
    states: list[RegionState]
    roles: RoleReader
    inventory: LambdaInventory
    calls: int = 0
    seconds: float = 0.0

    @property
    def functions(self) -> int:
        return sum(len(s.functions) for s in self.states)


def _regions(caller: Caller, opts: AuditOptions, home: str, gaps: list[Gap]) -> list[str]:
    if opts.regions and opts.regions != ["all"]:
        return list(dict.fromkeys(opts.regions))
    got, gap = caller.call("ec2", home, "describe_regions")
    if gap is not None:
        gaps.append(gap)
        return [home]
    return sorted(r["RegionName"] for r in (got or {}).get("Regions") or [])


def run_audit(factory: ClientFactory, opts: AuditOptions) -> AuditRun:
    started = time.perf_counter()
    caller = Caller(factory, opts.per_service)
    home = factory.region or "us-east-1"
    ident, gap = caller.call("sts", home, "get_caller_identity")
    if ident is None:
        why = gap.message if gap else "no answer"
        raise AwsError(f"sts:GetCallerIdentity: {why} (check the credentials and the profile)")
    account = str(ident["Account"])
    gaps: list[Gap] = []
    regions = _regions(caller, opts, home, gaps)
    only = set(opts.functions) if opts.functions else None
    with ThreadPoolExecutor(max_workers=opts.region_workers or max(1, len(regions))) as pool:
        states = list(
            pool.map(lambda r: collect_region(caller, account, r, only, opts.workers), regions)
        )
    s3, s3_gaps = s3_triggers(caller, regions[0])
    gaps += s3_gaps
    for state in states:
        attach(state, [t for t in s3 if t.region == state.region])
        gaps += state.gaps
    roles = RoleReader(caller, regions[0])
    role_arns = sorted(
        {
            str(c["Role"])
            for s in states
            for f in s.functions.values()
            for c in f.configs.values()
            if c.get("Role")
        }
    )
    with ThreadPoolExecutor(max_workers=opts.workers) as pool:
        role_gaps = dict(zip(role_arns, pool.map(roles.read, role_arns), strict=True))
    inventory = _inventory(states)
    judge = Judge(
        opts.config,
        inventory,
        roles.inventory(),
        {k: v for s in states for k, v in s.layers.items()},
        opts.today or datetime.now(UTC).date(),
        [t for s in states for t in s.route_tables],
    )
    scanner = CodeScanner(caller, opts.resolver) if opts.scan_code else None
    book = _name_book(states)
    results = [
        r
        for s in states
        for fn in s.functions.values()
        for r in _isolated_judge(judge, book, s, fn, role_gaps, scanner)
    ]
    return AuditRun(
        account,
        regions,
        results,
        gaps,
        states,
        roles,
        inventory,
        caller.calls,
        time.perf_counter() - started,
    )


def _inventory(states: list[RegionState]) -> LambdaInventory:
    inv = LambdaInventory(source="audit")
    for s in states:
        inv.security_groups.update(s.security_groups)
        for fn in s.functions.values():
            url = fn.urls.get(LATEST)
            inv.functions[(fn.account, fn.region, fn.name)] = FunctionInfo(
                fn.account,
                fn.region,
                fn.name,
                config=fn.latest,
                code=fn.code.get(LATEST, {}),
                policy=fn.policies.get(LATEST),
                url_configs=[url] if url else [],
                mappings=fn.mappings,
            )
    return inv


def _first_seen(fn: FunctionState) -> datetime | None:
    stamps = []
    for c in fn.configs.values():
        m = _STAMP.match(str(c.get("LastModified") or ""))
        if m is not None:
            fraction = int((m.group(2) or "0")[:6].ljust(6, "0"))
            stamps.append(
                datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(
                    microsecond=fraction, tzinfo=UTC
                )
            )
    return min(stamps) if stamps else None


def _name_book(states: list[RegionState]) -> NameBook:
    """Every function name per account; the younger of two look-alikes is the imitation."""
    book = NameBook()
    for s in states:
        for fn in s.functions.values():
            key = (fn.account, fn.name)
            book.seen.add(key)
            when = _first_seen(fn)
            if when is not None and (key not in book.created or when < book.created[key]):
                book.created[key] = when
    return book


def _isolated_judge(
    judge: Judge,
    book: NameBook,
    state: RegionState,
    fn: FunctionState,
    role_gaps: dict[str, list[Gap]],
    scanner: CodeScanner | None,
) -> list[dict[str, Any]]:
    """Isolation boundary: a function whose judgement fails still has a result, with the gap."""
    try:
        return _judge_function(judge, book, state, fn, role_gaps, scanner)
    except Exception as exc:  # noqa: BLE001 - isolation boundary: one function
        gap = Gap("judge", "other", f"{type(exc).__name__}: {exc}"[:300], fn.name)
        return [build(fn, LATEST, [], [*fn.gaps, gap])]


def _judge_function(
    judge: Judge,
    book: NameBook,
    state: RegionState,
    fn: FunctionState,
    role_gaps: dict[str, list[Gap]],
    scanner: CodeScanner | None,
) -> list[dict[str, Any]]:
    out = []
    for qualifier in [LATEST, *fn.qualifiers()]:
        if qualifier != LATEST and not differs(fn, qualifier):
            continue
        config = fn.latest if qualifier == LATEST else fn.config_of(qualifier)
        findings = view_findings(judge, fn, qualifier)
        gaps = list(role_gaps.get(str(config.get("Role")), []))
        if qualifier == LATEST:
            findings += function_findings(judge, book, fn, state.signing_in_use)
            gaps = fn.gaps + gaps
        else:
            findings += [
                f for t in fn.triggers if t.qualifier == qualifier for f in trigger_findings(t)
            ]
        if scanner is not None:
            code_findings, code_gaps = merge(
                [scanner.function(fn, qualifier)]
                + [scanner.layer(judge.layers[a]) for a in layers_of(config) if a in judge.layers]
            )
            findings += code_findings
            gaps += code_gaps
        out.append(build(fn, qualifier, findings, gaps))
    return out
