"""Configuration red flags an event shows (founding spec, "Configuration Red Flags"):
high memory or timeout, and a VPC whose security groups allow all egress (when the inventory
holds ``describe-security-groups``).

Codes: CF101 high-resources, CF102 vpc-egress-unrestricted.
Thresholds come from ``[thresholds]`` in the config: ``memory_mb`` (default 3008),
``timeout_s`` (default 600), ``ephemeral_mb`` (default 5120).
"""

from __future__ import annotations

from typing import Any

from lambdawatch.analyze.common import inventory_of, is_function_change, params
from lambdawatch.findings import Finding
from lambdawatch.ingest.normalize import Event

DEFAULT_THRESHOLDS = {"memory_mb": 3008, "timeout_s": 600, "ephemeral_mb": 5120}


def thresholds(ctx: Any) -> dict[str, int]:
    config = getattr(ctx, "config", None)
    given = config.thresholds.model_dump(exclude_none=True) if config is not None else {}
    return {**DEFAULT_THRESHOLDS, **given}


def resource_findings(
    memory: Any, timeout: Any, ephemeral: Any, limits: dict[str, int], where: str
) -> list[Finding]:
    over: dict[str, Any] = {}
    if isinstance(memory, int) and memory >= limits["memory_mb"]:
        over["memory_mb"] = memory
    if isinstance(timeout, int) and timeout >= limits["timeout_s"]:
        over["timeout_s"] = timeout
    if isinstance(ephemeral, int) and ephemeral >= limits["ephemeral_mb"]:
        over["ephemeral_mb"] = ephemeral
    if not over:
        return []
    what = ", ".join(f"{k}={v}" for k, v in over.items())
    return [
        Finding(
            "high-resources",
            "CF101",
            "low",
            f"High memory or timeout allocation ({what})",
            {**over, "thresholds": {k: limits[k] for k in over}, "source": where},
        )
    ]


def open_egress(group: dict[str, Any]) -> bool:
    for perm in group.get("IpPermissionsEgress") or []:
        if perm.get("IpProtocol") not in ("-1", "all"):
            continue
        ranges = [r.get("CidrIp") for r in perm.get("IpRanges") or []]
        ranges += [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges") or []]
        if "0.0.0.0/0" in ranges or "::/0" in ranges:
            return True
    return False


def egress_findings(
    group_ids: list[str], groups: dict[str, dict[str, Any]], where: str
) -> list[Finding]:
    open_ids = [g for g in group_ids if g in groups and open_egress(groups[g])]
    if not open_ids:
        return []
    return [
        Finding(
            "vpc-egress-unrestricted",
            "CF102",
            "medium",
            "VPC function's security group allows all outbound traffic",
            {
                "security_groups": open_ids,
                "egress": "all protocols to 0.0.0.0/0 or ::/0",
                "source": where,
            },
        )
    ]


def analyze_configuration(event: Event, ctx: Any) -> list[Finding]:
    if not is_function_change(event):
        return []
    p = params(event)
    eph = p.get("ephemeralStorage")
    out = resource_findings(
        p.get("memorySize"),
        p.get("timeout"),
        eph.get("size") if isinstance(eph, dict) else None,
        thresholds(ctx),
        "event",
    )
    inventory = inventory_of(ctx)
    vpc = p.get("vpcConfig")
    if inventory is not None and isinstance(vpc, dict):
        ids = vpc.get("securityGroupIds") or vpc.get("securityGroupIdList") or []
        out += egress_findings(list(ids), inventory.security_groups, "event + inventory")
    return out
