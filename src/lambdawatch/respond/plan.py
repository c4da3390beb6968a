"""The containment steps the function's current state calls for, in the order that keeps
evidence and legitimate data safe (``../shared/LIVE-AWS.md`` A.2): mappings disabled first (so
throttled SQS messages do not drain into a DLQ), reserved concurrency 0, URLs to ``AWS_IAM``,
public and cross-account statements removed per qualifier, triggers that only invoke this
function disabled on request, then the case tag. Reversible steps only: nothing is deleted."""

from __future__ import annotations

from dataclasses import dataclass, field

from lambdawatch.respond.model import Snapshot, Step
from lambdawatch.respond.statements import classify

# reads whose failure leaves a step out of the plan or its recorded ``before`` wrong
STATE_READS = frozenset(
    {
        "lambda:ListVersionsByFunction",
        "lambda:ListAliases",
        "lambda:GetPolicy",
        "lambda:GetFunctionUrlConfig",
        "lambda:ListEventSourceMappings",
        "lambda:GetFunctionConcurrency",
        "lambda:ListTags",
    }
)
TRIGGER_READS = frozenset(
    {
        "events:ListEventBuses",
        "events:ListRuleNamesByTarget",
        "events:DescribeRule",
        "events:ListTargetsByRule",
        "scheduler:ListSchedules",
        "scheduler:GetSchedule",
    }
)
CASE_TAG = "lambdawatch:case"
CONTAINED_TAG = "lambdawatch:contained"


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    kept: list[tuple[str, str, str]] = field(default_factory=list)  # qualifier, sid, reason
    notes: list[str] = field(default_factory=list)

    @property
    def pending(self) -> list[Step]:
        return [s for s in self.steps if s.status == "planned"]


def blocking(snap: Snapshot, disable_triggers: bool) -> list[tuple[str, str, str]]:
    """Failed reads that forbid ``--apply`` (api, what, error)."""
    reads = STATE_READS | (TRIGGER_READS if disable_triggers else frozenset())
    return sorted(u for u in snap.unread if u[0] in reads)


def _q(q: str) -> str:
    return q or "$LATEST"


def build_plan(snap: Snapshot, case: str, now: str, *, disable_triggers: bool) -> Plan:
    plan = Plan()
    arn = snap.target.arn
    for api, what, error in sorted(snap.unread):
        if api in STATE_READS | TRIGGER_READS:
            plan.notes.append(
                f"could not read {what} ({api}: {error}): what it holds is not "
                "in this plan; --apply refuses until it can be read"
            )
    for esm in snap.mappings:
        state = esm.get("State", "Enabled")
        done = state in ("Disabled", "Disabling")
        plan.steps.append(
            Step(
                "disable-mapping",
                esm.get("EventSourceMappingArn") or esm["UUID"],
                {"State": state},
                {"State": "Disabled"},
                f"stops {esm.get('EventSourceArn', 'its source')} invoking the function; resumes "
                "from the same position when re-enabled",
                {"UUID": esm["UUID"]},
                "unchanged" if done else "planned",
            )
        )
    if snap.provisioned:
        plan.notes.append(
            f"{len(snap.provisioned)} provisioned concurrency configuration(s) "
            "count toward reserved concurrency: if the throttle step is refused, "
            "remove them by hand (DeleteProvisionedConcurrencyConfig)"
        )
    plan.steps.append(
        Step(
            "throttle",
            arn,
            {"ReservedConcurrentExecutions": snap.concurrency},
            {"ReservedConcurrentExecutions": 0},
            "reserved concurrency 0 stops every version and alias from running; async events are "
            "retried by Lambda, then dropped or sent to the on-failure destination",
            {},
            "unchanged" if snap.concurrency == 0 else "planned",
        )
    )
    for q, url in sorted(snap.urls.items()):
        auth = url.get("AuthType")
        plan.steps.append(
            Step(
                "url-auth",
                f"{arn}:{_q(q)}",
                {"AuthType": auth},
                {"AuthType": "AWS_IAM"},
                f"function URL {url.get('FunctionUrl', '')} keeps its address but needs signed "
                "requests",
                {"Qualifier": q},
                "unchanged" if auth == "AWS_IAM" else "planned",
            )
        )
    for q in snap.qualifiers:
        for stmt in snap.policies.get(q, []):
            verdict = classify(stmt, snap.target.account)
            sid = str(stmt.get("Sid", ""))
            if not verdict.remove:
                plan.kept.append((_q(q), sid, verdict.reason))
                continue
            plan.steps.append(
                Step(
                    "remove-statement",
                    f"{arn}:{_q(q)} statement {sid}",
                    stmt,
                    None,
                    f"{verdict.kind}: {verdict.reason}",
                    {"Qualifier": q, "StatementId": sid},
                )
            )
    _triggers(plan, snap, disable_triggers)
    for source in snap.sources:
        plan.notes.append(
            f"{source} invokes the function (reserved concurrency 0 throttles "
            "it); remove the trigger at its source after approval"
        )
    if snap.tags.get(CASE_TAG) == case:
        plan.steps.append(
            Step(
                "tag",
                arn,
                {CASE_TAG: case},
                {CASE_TAG: case},
                "already tagged with this case",
                {},
                "unchanged",
            )
        )
    else:
        keys = (CASE_TAG, CONTAINED_TAG)
        plan.steps.append(
            Step(
                "tag",
                arn,
                {k: snap.tags.get(k) for k in keys},
                {CASE_TAG: case, CONTAINED_TAG: now},
                "marks the function as under response",
                {},
            )
        )
    return plan


def _triggers(plan: Plan, snap: Snapshot, disable: bool) -> None:
    arns = snap.target_arns()
    wanted = "planned" if disable else "optional"
    for item in snap.rules:
        rule, bus = item["Rule"], item["Bus"]
        others = [t["Arn"] for t in item["Targets"] if t.get("Arn") not in arns]
        if others:
            plan.notes.append(
                f"EventBridge rule {rule['Name']} (bus {bus}) also targets "
                f"{len(others)} other resource(s): not disabled; remove this "
                "function's target at the source after approval"
            )
            continue
        state = rule.get("State", "ENABLED")
        plan.steps.append(
            Step(
                "disable-rule",
                rule.get("Arn", rule["Name"]),
                {"State": state},
                {"State": "DISABLED"},
                "an EventBridge rule whose only targets are this function",
                {"Name": rule["Name"], "EventBusName": bus},
                wanted if state == "ENABLED" else "unchanged",
            )
        )
    for sched in snap.schedules:
        state = sched.get("State", "ENABLED")
        plan.steps.append(
            Step(
                "disable-schedule",
                sched.get("Arn", sched["Name"]),
                {"State": state},
                {"State": "DISABLED"},
                "a Scheduler schedule invoking this function through its role (invisible in the "
                "function policy)",
                {"Name": sched["Name"], "GroupName": sched.get("GroupName", "default")},
                wanted if state == "ENABLED" else "unchanged",
            )
        )
