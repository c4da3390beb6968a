"""Evidence around the function: its layers, its execution role, the EventBridge rules and
Scheduler schedules that invoke it, and the CloudTrail records behind the alert."""

from __future__ import annotations

import re
from typing import Any

from lambdawatch.errors import LambdawatchError
from lambdawatch.respond.fetch import Fetcher, code_sha256_b64
from lambdawatch.respond.manifest import Evidence
from lambdawatch.respond.model import Snapshot
from lambdawatch.respond.reads import Reader

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _file(name: str) -> str:
    return _SAFE.sub("_", name)[:120] or "_"


def collect_layers(lam: Any, snap: Snapshot, evidence: Evidence, fetcher: Fetcher | None) -> None:
    """Each layer version's metadata, zip (hash-checked) and policy; unreadable = a gap."""
    reader = Reader(evidence)
    for arn in snap.layers:
        parts = arn.split(":")
        base = (
            f"layers/{parts[4]}-{_file(parts[6])}-{_file(parts[7])}"
            if len(parts) > 7
            else f"layers/{_file(arn)}"
        )
        got = reader.read(
            "lambda:GetLayerVersion", f"layer {arn}", lam.get_layer_version_by_arn, Arn=arn
        )
        if got is None:
            continue
        evidence.put_json(f"{base}.json", "GetLayerVersionByArn", arn, got)
        content = got.get("Content", {})
        if fetcher is not None and content.get("Location"):
            try:
                data = fetcher.get(content["Location"])
            except LambdawatchError as exc:  # a failed download is a gap, the case goes on
                evidence.gap(
                    f"layer {arn} zip", "GetLayerVersion", "download-failed", str(exc)[:300]
                )
            else:
                actual, expected = code_sha256_b64(data), content.get("CodeSha256")
                evidence.put(
                    f"{base}.zip",
                    "GetLayerVersion",
                    arn,
                    data,
                    aws_code_sha256_b64=expected,
                    verified=actual == expected,
                )
        if len(parts) > 7:
            policy = reader.read(
                "lambda:GetLayerVersionPolicy",
                f"layer {arn}",
                lam.get_layer_version_policy,
                LayerName=":".join(parts[:7]),
                VersionNumber=int(parts[7]),
            )
            if policy is not None:
                evidence.put_json(f"{base}.policy.json", "GetLayerVersionPolicy", arn, policy)


def collect_role(iam: Any, role_arn: str | None, evidence: Evidence) -> None:
    """The execution role with its trust policy, inline policies and managed policy documents."""
    if not role_arn:
        return
    reader = Reader(evidence)
    name = role_arn.rsplit("/", 1)[-1]
    role = reader.read("iam:GetRole", role_arn, iam.get_role, RoleName=name)
    if role is None:
        return
    evidence.put_json("role/role.json", "GetRole", None, role)
    inline = (
        reader.pages(
            iam,
            "list_role_policies",
            "PolicyNames",
            "iam:ListRolePolicies",
            role_arn,
            RoleName=name,
        )
        or []
    )
    for pname in inline:
        doc = reader.read(
            "iam:GetRolePolicy",
            f"{role_arn} inline {pname}",
            iam.get_role_policy,
            RoleName=name,
            PolicyName=pname,
        )
        if doc is not None:
            evidence.put_json(f"role/inline/{_file(pname)}.json", "GetRolePolicy", None, doc)
    attached = (
        reader.pages(
            iam,
            "list_attached_role_policies",
            "AttachedPolicies",
            "iam:ListAttachedRolePolicies",
            role_arn,
            RoleName=name,
        )
        or []
    )
    evidence.put_json("role/attached.json", "ListAttachedRolePolicies", None, attached)
    for pol in attached:
        meta = reader.read(
            "iam:GetPolicy", pol["PolicyArn"], iam.get_policy, PolicyArn=pol["PolicyArn"]
        )
        if meta is None:
            continue
        version = reader.read(
            "iam:GetPolicyVersion",
            pol["PolicyArn"],
            iam.get_policy_version,
            PolicyArn=pol["PolicyArn"],
            VersionId=meta["Policy"]["DefaultVersionId"],
        )
        evidence.put_json(
            f"role/managed/{_file(pol['PolicyName'])}.json",
            "GetPolicyVersion",
            None,
            {"Policy": meta["Policy"], "Version": version},
        )


def collect_triggers(
    events: Any, scheduler: Any, snap: Snapshot, evidence: Evidence | None
) -> None:
    """EventBridge rules targeting any ARN of the function (on every bus) and Scheduler
    schedules whose target is one of them (they invoke through a role, not the policy)."""
    reader = Reader(evidence, snap.unread)
    arns = snap.target_arns()
    buses = _buses(reader, events)
    rules: dict[tuple[str, str], dict[str, Any]] = {}
    for bus in buses:
        for arn in sorted(arns):
            names = (
                reader.pages(
                    events,
                    "list_rule_names_by_target",
                    "RuleNames",
                    "events:ListRuleNamesByTarget",
                    arn,
                    TargetArn=arn,
                    EventBusName=bus,
                )
                or []
            )
            for rname in names:
                if (bus, rname) in rules:
                    continue
                rule = reader.read(
                    "events:DescribeRule", rname, events.describe_rule, Name=rname, EventBusName=bus
                )
                targets = (
                    reader.pages(
                        events,
                        "list_targets_by_rule",
                        "Targets",
                        "events:ListTargetsByRule",
                        rname,
                        Rule=rname,
                        EventBusName=bus,
                    )
                    or []
                )
                if rule is not None:
                    rule = {k: v for k, v in rule.items() if k != "ResponseMetadata"}
                    rules[(bus, rname)] = {"Bus": bus, "Rule": rule, "Targets": targets}
    snap.rules = list(rules.values())
    schedules = []
    for item in (
        reader.pages(
            scheduler, "list_schedules", "Schedules", "scheduler:ListSchedules", "schedules"
        )
        or []
    ):
        if item.get("Target", {}).get("Arn") not in arns:
            continue
        got = reader.read(
            "scheduler:GetSchedule",
            item["Name"],
            scheduler.get_schedule,
            Name=item["Name"],
            GroupName=item.get("GroupName", "default"),
        )
        if got is not None:
            schedules.append({k: v for k, v in got.items() if k != "ResponseMetadata"})
    snap.schedules = schedules
    if evidence is not None:
        evidence.put_json(
            "triggers/eventbridge-rules.json", "ListRuleNamesByTarget", None, snap.rules
        )
        evidence.put_json("triggers/scheduler-schedules.json", "GetSchedule", None, snap.schedules)


def _buses(reader: Reader, events: Any) -> list[str]:
    got = reader.read("events:ListEventBuses", "event buses", events.list_event_buses) or {}
    names = [b["Name"] for b in got.get("EventBuses", [])]
    return names or ["default"]


def collect_records(records: list[dict[str, Any]], evidence: Evidence, alert_id: str) -> None:
    """The CloudTrail records behind the alert, exactly as stored."""
    evidence.put_json(
        "cloudtrail/records.json",
        "lambdawatch state",
        alert_id,
        {"alert": alert_id, "Records": records},
    )
