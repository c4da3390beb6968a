"""A VPC function's way out: its subnets' route tables (an explicit association, else the VPC's
main table) and whether a default route leads to an internet or NAT gateway. Read with one
``DescribeRouteTables`` per region for the VPCs functions use; judged together with the security
groups by :func:`lambdawatch.analyze.configuration.egress_findings`."""

from __future__ import annotations

from typing import Any

from lambdawatch.audit.caller import Caller
from lambdawatch.audit.model import RegionState

_DEFAULT = ("0.0.0.0/0", "::/0")


def collect_routes(caller: Caller, state: RegionState) -> None:
    vpcs = sorted(
        {
            str((c.get("VpcConfig") or {}).get("VpcId"))
            for fn in state.functions.values()
            for c in fn.configs.values()
            if (c.get("VpcConfig") or {}).get("VpcId")
        }
    )
    if not vpcs:
        return
    tables, gap = caller.pages(
        "ec2",
        state.region,
        "describe_route_tables",
        "RouteTables",
        ",".join(vpcs),
        Filters=[{"Name": "vpc-id", "Values": vpcs}],
    )
    state.route_tables = tables
    if gap is not None:
        state.gaps.append(gap)


def _table_of(tables: list[dict[str, Any]], vpc: str, subnet: str) -> dict[str, Any] | None:
    main = None
    for t in tables:
        if t.get("VpcId") != vpc:
            continue
        for a in t.get("Associations") or []:
            if a.get("SubnetId") == subnet:
                return t
            if a.get("Main"):
                main = t
    return main


def internet_routes(
    tables: list[dict[str, Any]], vpc_config: dict[str, Any]
) -> dict[str, str | None]:
    """subnet -> the gateway its default route leads to (``igw-...``/``nat-...``), or None."""
    out: dict[str, str | None] = {}
    vpc = str(vpc_config.get("VpcId") or "")
    for subnet in vpc_config.get("SubnetIds") or []:
        table = _table_of(tables, vpc, subnet) or {}
        out[subnet] = next(
            (
                str(r.get("GatewayId") or r.get("NatGatewayId"))
                for r in table.get("Routes") or []
                if (
                    r.get("DestinationCidrBlock") in _DEFAULT
                    or r.get("DestinationIpv6CidrBlock") in _DEFAULT
                )
                and str(r.get("GatewayId") or r.get("NatGatewayId") or "").startswith(
                    ("igw-", "nat-")
                )
            ),
            None,
        )
    return out
