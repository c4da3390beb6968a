"""One audit result per function (and per version or alias that differs from it), with the keys
of DESIGN.md "Outputs of the live commands", scored and given a playbook as alerts are
(:mod:`lambdawatch.alerting.scoring`, :mod:`lambdawatch.alerting.playbook`)."""

from __future__ import annotations

import hashlib
from typing import Any

from lambdawatch.alerting import playbook
from lambdawatch.alerting.scoring import score
from lambdawatch.audit.model import LATEST, FunctionState
from lambdawatch.aws import Gap
from lambdawatch.findings import Finding, max_severity
from lambdawatch.severity import SEVERITY_ORDER

PLAYBOOK = "founding"


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for f in findings:
        key = repr((f.kind, f.code, sorted(f.evidence.items(), key=lambda kv: kv[0])))
        seen.setdefault(key, f)
    return sorted(seen.values(), key=lambda f: (-f.rank, f.kind, f.code))


def build(
    fn: FunctionState, qualifier: str, findings: list[Finding], gaps: list[Gap]
) -> dict[str, Any]:
    config = fn.latest if qualifier == LATEST else fn.config_of(qualifier)
    found = _unique(findings)
    severity = max_severity([f.severity for f in found])
    risk = score(severity, found)
    steps = playbook.for_findings([f.kind for f in found])
    if SEVERITY_ORDER[severity] >= SEVERITY_ORDER["medium"]:
        steps += playbook.steps(PLAYBOOK)
    arn = fn.arn if qualifier == LATEST else f"{fn.arn}:{qualifier}"
    alias = fn.alias(qualifier)
    return {
        "id": result_id(fn.account, fn.region, fn.name, qualifier),
        "account": fn.account,
        "region": fn.region,
        "function": fn.name,
        "function_arn": arn,
        "qualifier": None if qualifier == LATEST else qualifier,
        "runtime": config.get("Runtime"),
        "role": config.get("Role"),
        "severity": severity,
        "findings": [f.to_dict() for f in found],
        "risk": risk.risk,
        "risk_explanation": risk.why,
        "playbook": steps,
        "gaps": [g.to_dict() for g in gaps],
        "context": {
            "version": alias.get("FunctionVersion") if alias else config.get("Version"),
            "code_sha256": config.get("CodeSha256"),
            "layers": [la.get("Arn") for la in config.get("Layers") or []],
            "reserved_concurrency": fn.concurrency,
            "triggers": [
                t.to_dict()
                for t in fn.triggers
                if t.qualifier == (None if qualifier == LATEST else qualifier)
            ],
            "event_source_mappings": [m.get("EventSourceArn") for m in fn.mappings]
            if qualifier == LATEST
            else [],
            "tags": fn.tags if qualifier == LATEST else {},
        },
    }


def result_id(account: str, region: str, function: str, qualifier: str) -> str:
    """Deterministic: the same function and qualifier keep their id across audits."""
    digest = hashlib.sha256(f"{account}\x1f{region}\x1f{function}\x1f{qualifier}".encode())
    return "au-" + digest.hexdigest()[:20]


def differs(fn: FunctionState, qualifier: str) -> bool:
    """Whether a version or alias differs from ``$LATEST`` in code, role, policy or URL (or has
    triggers or routing of its own)."""
    latest, mine = fn.latest, fn.config_of(qualifier)
    if any(mine.get(k) != latest.get(k) for k in ("CodeSha256", "Role", "Layers")):
        return True
    if fn.policies.get(qualifier) not in (None, fn.policies.get(LATEST)):
        return True
    if qualifier in fn.urls or any(t.qualifier == qualifier for t in fn.triggers):
        return True
    alias = fn.alias(qualifier)
    weights = ((alias or {}).get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return any(
        fn.configs.get(str(v), {}).get("CodeSha256") != latest.get("CodeSha256") for v in weights
    )
