"""Findings of the function as a whole: its name, what invokes it, where its results go, code
signing. Names are judged by :func:`lambdawatch.analyze.names.analyze_names` on the
``CreateFunction`` record that would create the function as it is (the same analyzer as
``hunt``); typosquats by :func:`lambdawatch.analyze.typosquat.typosquat_of` against every
function of the account, the younger of two look-alikes (by its first version's date) being the
imitation; schedules and S3 filters by the rule predicates' own functions.
"""

from __future__ import annotations

from typing import Any

from lambdawatch.analyze.common import escaped
from lambdawatch.analyze.names import analyze_names
from lambdawatch.analyze.typosquat import NameBook, typosquat_of
from lambdawatch.audit.kinds import audit_finding, rule_finding
from lambdawatch.audit.model import FunctionState, Trigger
from lambdawatch.audit.view import Judge
from lambdawatch.engine.predicate_library import is_high_frequency, wildcard_s3_configs
from lambdawatch.findings import Finding
from lambdawatch.ingest.normalize import normalize


def name_findings(judge: Judge, fn: FunctionState) -> list[Finding]:
    c = fn.latest
    record = {
        "eventVersion": "1.08",
        "eventTime": c.get("LastModified") or "1970-01-01T00:00:00Z",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "CreateFunction20150331",
        "awsRegion": fn.region,
        "recipientAccountId": fn.account,
        "eventID": f"audit:{fn.account}:{fn.region}:{fn.name}",
        "requestParameters": {
            "functionName": fn.name,
            "description": c.get("Description"),
            "handler": c.get("Handler"),
        },
    }
    return analyze_names(normalize(record), judge)


def typosquat_findings(book: NameBook, fn: FunctionState) -> list[Finding]:
    matches = typosquat_of(fn.name, fn.account, book, None)
    if not matches:
        return []
    confusable = any(m["how"] == "confusable" for m in matches)
    shown = escaped(fn.name)
    return [
        Finding(
            "typosquat-name",
            "NM102",
            "high" if confusable else "medium",
            f"{shown} looks like {matches[0]['looks_like']}",
            {"function": shown, "matches": matches, "source": "audit"},
        )
    ]


def _s3_record(t: Trigger) -> dict[str, Any]:
    """The live notification as ``PutBucketNotification`` logs it (what the rule predicate reads)."""
    rules = [
        {"Name": r.get("Name"), "Value": r.get("Value")} for r in t.detail.get("filter_rules") or []
    ]
    conf = {
        "CloudFunction": t.function,
        "Event": t.detail.get("events"),
        "Filter": {"S3Key": {"FilterRule": rules}},
    }
    return {
        "requestParameters": {"NotificationConfiguration": {"LambdaFunctionConfiguration": conf}}
    }


def trigger_findings(t: Trigger) -> list[Finding]:
    ev = t.to_dict()
    schedule = t.detail.get("schedule")
    if t.kind == "eventbridge-rule" and is_high_frequency(schedule):
        return [rule_finding("LW511", ev)]
    if t.kind == "scheduler":
        out = [audit_finding("scheduler-target", ev)]
        return out + ([rule_finding("LW512", ev)] if is_high_frequency(schedule) else [])
    if t.kind == "s3" and wildcard_s3_configs(_s3_record(t)):
        return [rule_finding("LW513", ev)]
    if (
        t.kind.startswith("apigateway")
        and str(t.detail.get("authorization")).upper() == "NONE"
        and not t.detail.get("api_key_required")
    ):
        return [rule_finding("LW514", ev)]
    return []


def _foreign(arn: Any, mine: set[str]) -> str | None:
    parts = str(arn or "").split(":")
    account = parts[4] if len(parts) > 4 else ""
    return account if account.isdigit() and account not in mine else None


def destination_findings(judge: Judge, fn: FunctionState) -> list[Finding]:
    mine = {fn.account, *judge.config.accounts.known}
    out: list[tuple[str, Any]] = []
    for cfg in fn.invoke_configs:
        for when in ("OnSuccess", "OnFailure"):
            out.append(
                (
                    f"async {when}",
                    ((cfg.get("DestinationConfig") or {}).get(when) or {}).get("Destination"),
                )
            )
    out.append(("dead-letter queue", (fn.latest.get("DeadLetterConfig") or {}).get("TargetArn")))
    for m in fn.mappings:
        out.append(
            (
                f"event source mapping {m.get('UUID')} OnFailure",
                ((m.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination"),
            )
        )
    return [
        audit_finding(
            "async-destination-foreign", {"via": via, "destination": arn, "account": acct}
        )
        for via, arn in out
        if (acct := _foreign(arn, mine))
    ]


def signing_findings(fn: FunctionState, signing_in_use: bool) -> list[Finding]:
    policies = (fn.code_signing or {}).get("CodeSigningPolicies") or {}
    if fn.code_signing is not None and policies.get("UntrustedArtifactOnDeployment") == "Warn":
        return [
            rule_finding(
                "LW510",
                {
                    "code_signing_config": fn.code_signing.get("CodeSigningConfigArn"),
                    "untrusted_artifact_on_deployment": "Warn",
                },
                "Code signing only warns: unsigned code deploys",
            )
        ]
    if fn.code_signing is None and signing_in_use and fn.latest.get("PackageType") != "Image":
        return [
            rule_finding(
                "LW510",
                {"code_signing_config": None, "region_uses_code_signing": True},
                "Function has no code signing while others in the region do",
            )
        ]
    return []


def function_findings(
    judge: Judge, book: NameBook, fn: FunctionState, signing_in_use: bool
) -> list[Finding]:
    out = name_findings(judge, fn) + typosquat_findings(book, fn)
    out += [f for t in fn.triggers if t.qualifier is None for f in trigger_findings(t)]
    out += destination_findings(judge, fn) + signing_findings(fn, signing_in_use)
    return out
