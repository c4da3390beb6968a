"""One qualifier's judgement: what invoking ``$LATEST``, a version or an alias runs and exposes.

The configuration, policy and URL of the qualifier are put into the Lambda inventory's
:class:`FunctionInfo` and judged by :func:`lambdawatch.analyze.existing.existing_findings` (public
URL, CORS, public or cross-account permission, foreign layer, runtime, resources, VPC egress) and
:func:`lambdawatch.analyze.env.env_findings`, exactly as ``hunt --lambda-inventory`` judges an
inventory's function; the execution role by :class:`lambdawatch.state.iam.RoleInventory`, as
``hunt --iam-inventory`` does. Only what the live account adds is judged here: layer policies
and unreadable layers, and the weighted routing of an alias.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from lambdawatch.analyze.env import env_findings
from lambdawatch.analyze.existing import existing_findings
from lambdawatch.audit.kinds import audit_finding, rule_finding
from lambdawatch.audit.model import LATEST, FunctionState, LayerState
from lambdawatch.audit.vpc import internet_routes
from lambdawatch.config import Config
from lambdawatch.findings import Finding
from lambdawatch.inventory.lambda_inventory import FunctionInfo, LambdaInventory
from lambdawatch.state.iam import RoleInventory


@dataclass
class Judge:
    """What every judgement of a run shares: configuration, inventories, the day judged."""

    config: Config
    inventory: LambdaInventory
    roles: RoleInventory
    layers: dict[str, LayerState]
    today: date
    route_tables: list[dict[str, Any]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.extras["lambda_inventory"] = self.inventory  # what the analyzers read from a ctx


def info_for(fn: FunctionState, qualifier: str) -> FunctionInfo:
    """The qualifier as the Lambda inventory holds a function."""
    config = fn.latest if qualifier == LATEST else fn.config_of(qualifier)
    url = fn.urls.get(qualifier)
    return FunctionInfo(
        fn.account,
        fn.region,
        fn.name,
        config=config,
        code=fn.code.get(qualifier) or fn.code.get(LATEST) or {},
        policy=fn.policies.get(qualifier),
        url_configs=[url] if url else [],
        mappings=fn.mappings if qualifier == LATEST else [],
    )


def _relabel(findings: list[Finding], judge: Judge, config: dict[str, Any]) -> list[Finding]:
    """The analyzers' findings as audit shows them: its source, and for VPC egress the routes
    to the internet the function's subnets have."""
    out = []
    for f in findings:
        extra: dict[str, Any] = {"source": "audit"}
        if f.kind == "vpc-egress-unrestricted":
            extra["internet_routes"] = internet_routes(
                judge.route_tables, config.get("VpcConfig") or {}
            )
        out.append(replace(f, evidence={**f.evidence, **extra}))
    return out


def role_findings(judge: Judge, role: Any, account: str) -> list[Finding]:
    found = judge.roles.assess(role, account)
    if found is None:
        return []
    if found.admin:
        return [rule_finding("LW501", {"role": role, "why": found.reasons})]
    if found.privileged:
        return [rule_finding("LW502", {"role": role, "why": found.privileged})]
    return []


def _public_statements(policy: dict[str, Any] | None) -> list[Any]:
    out = []
    for st in (policy or {}).get("Statement") or []:
        principal = st.get("Principal") if isinstance(st, dict) else None
        if st.get("Effect") == "Allow" and (
            principal == "*"
            or (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"]))
        ):
            out.append(st.get("Sid"))
    return out


def layer_findings(judge: Judge, info: FunctionInfo) -> list[Finding]:
    out: list[Finding] = []
    for arn in info.layers:
        layer = judge.layers.get(arn)
        if layer is None:
            continue
        if not layer.readable:
            out.append(
                audit_finding(
                    "unreadable-layer",
                    {"layer": arn},
                    f"Layer {arn.split(':')[6]} cannot be read: its code is not verified",
                )
            )
        elif sids := _public_statements(layer.policy):
            out.append(rule_finding("LW508", {"layer": arn, "statements": sids}))
    return out


def view_findings(judge: Judge, fn: FunctionState, qualifier: str) -> list[Finding]:
    info = info_for(fn, qualifier)
    out = _relabel(
        existing_findings(info, judge, judge.today) + env_findings(info.env, "audit"),
        judge,
        info.config,
    )
    out += role_findings(judge, info.config.get("Role"), fn.account)
    out += layer_findings(judge, info)
    alias = fn.alias(qualifier)
    if alias is not None:
        out += weighted_findings(fn, alias)
    return out


def weighted_findings(fn: FunctionState, alias: dict[str, Any]) -> list[Finding]:
    """An alias routing a share of its traffic to a version that no alias names as primary."""
    primaries = {str(a.get("FunctionVersion")) for a in fn.aliases}
    weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    out = []
    for version, weight in sorted(weights.items()):
        if str(version) in primaries:
            continue
        hidden = fn.configs.get(str(version), {})
        primary = fn.configs.get(str(alias.get("FunctionVersion")), {})
        differs = [
            k
            for k in ("CodeSha256", "Role", "Layers", "Handler")
            if hidden.get(k) != primary.get(k)
        ]
        out.append(
            audit_finding(
                "weighted-alias-to-hidden-version",
                {
                    "alias": alias.get("Name"),
                    "primary_version": alias.get("FunctionVersion"),
                    "hidden_version": str(version),
                    "weight": weight,
                    "differs_in": differs,
                    "hidden_code_sha256": hidden.get("CodeSha256"),
                },
                f"Alias {alias.get('Name')} sends {float(weight):.0%} of invocations to version "
                f"{version}, which no alias names",
            )
        )
    return out
