"""env-secret (EV101): secrets in a function's environment variables.

CloudTrail does not log variable values, so the source is the Lambda inventory (and, should a
record hold any unredacted values, the record). Values are masked in the evidence.
"""

from __future__ import annotations

from typing import Any

from lambdawatch.analyze.common import inventory_of, params
from lambdawatch.analyze.secrets import scan_variable
from lambdawatch.findings import Finding, max_severity
from lambdawatch.ingest.normalize import Event
from lambdawatch.sealed import unseal
from lambdawatch.secrets import Hit


def env_findings(variables: dict[str, Any], where: str) -> list[Finding]:
    hits = []
    for name in sorted(variables):
        sealed = unseal(variables[name])  # a stored record: the secret was found, then sealed
        hit = Hit(*sealed) if sealed is not None else scan_variable(name, variables[name])
        if hit is not None:
            hits.append(
                {
                    "variable": name,
                    "detector": hit.detector,
                    "severity": hit.severity,
                    "value": hit.value_shown,
                }
            )
    if not hits:
        return []
    kinds = {h["detector"] for h in hits}
    pair = {"aws-access-key-id", "aws-secret-access-key"} <= kinds
    title = (
        "AWS access key pair in environment variables"
        if pair
        else f"Secret-looking environment variable(s): {', '.join(h['variable'] for h in hits)}"
    )
    severity = "critical" if pair else max_severity([h["severity"] for h in hits])
    return [
        Finding(
            "env-secret",
            "EV101",
            severity,
            title,
            {"variables": hits, "source": where, "values": "masked"},
        )
    ]


def analyze_env(event: Event, ctx: Any) -> list[Finding]:
    if event.event_source != "lambda.amazonaws.com" or not event.function:
        return []
    out: list[Finding] = []
    env = params(event).get("environment")
    variables = env.get("variables") if isinstance(env, dict) else None
    if isinstance(variables, dict):
        out += env_findings(variables, "event")
    inventory = inventory_of(ctx)
    info = inventory.function(event.account, event.region, event.function) if inventory else None
    if info is not None:
        out += env_findings(info.env, "lambda inventory")
    return out
