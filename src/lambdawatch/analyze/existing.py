"""Red flags of functions that already exist, from the Lambda inventory (``--lambda-inventory``).

An alert about a function the inventory knows gets the exposure its current configuration shows,
with the same kinds the CloudTrail rules use: public URL, permissive CORS, public or
cross-account invoke permission, foreign layers; plus its runtime, resources and VPC egress.

Codes: CF110 public-function-url, CF111 permissive-cors, CF112 public-invoke-permission,
CF113 cross-account-invoke-permission, CF114 foreign-layer (all with ``source: lambda inventory``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from lambdawatch.analyze.common import inventory_of
from lambdawatch.analyze.configuration import egress_findings, resource_findings, thresholds
from lambdawatch.analyze.runtimes import runtime_findings
from lambdawatch.findings import Finding
from lambdawatch.ingest.normalize import Event
from lambdawatch.inventory.lambda_inventory import FunctionInfo
from lambdawatch.layer_publishers import foreign_layer

SOURCE = "lambda inventory"
_ACCOUNT_IN = re.compile(r"(?:^|:)(\d{12})(?::|$)")
_SCOPING_KEYS = (
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:principalorgid",
    "aws:sourceowner",
    "aws:principalaccount",
)


def _principals(principal: Any) -> list[str]:
    if isinstance(principal, str):
        return [principal]
    if isinstance(principal, dict):
        out: list[str] = []
        for key in ("AWS", "CanonicalUser", "Federated"):
            value = principal.get(key)
            out += value if isinstance(value, list) else [value] if value else []
        return [str(v) for v in out]
    return []


def _scoped(condition: Any) -> bool:
    if not isinstance(condition, dict):
        return False
    for op in condition.values():
        if not isinstance(op, dict):
            continue
        for key, value in op.items():
            k = key.lower()
            if k in _SCOPING_KEYS:
                return True
            if k == "lambda:functionurlauthtype" and value == "AWS_IAM":
                return True
    return False


def policy_findings(info: FunctionInfo, known: set[str]) -> list[Finding]:
    out: list[Finding] = []
    for st in (info.policy or {}).get("Statement", []):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        sid = st.get("Sid")
        for p in _principals(st.get("Principal")):
            if p == "*" and not _scoped(st.get("Condition")):
                out.append(
                    Finding(
                        "public-invoke-permission",
                        "CF112",
                        "high",
                        "Existing function: anyone may invoke it",
                        {"sid": sid, "principal": p, "action": st.get("Action"), "source": SOURCE},
                    )
                )
            elif (m := _ACCOUNT_IN.search(p)) and m.group(1) not in known | {info.account}:
                out.append(
                    Finding(
                        "cross-account-invoke-permission",
                        "CF113",
                        "medium",
                        f"Existing function: account {m.group(1)} may invoke it",
                        {
                            "sid": sid,
                            "principal": p,
                            "account": m.group(1),
                            "action": st.get("Action"),
                            "source": SOURCE,
                        },
                    )
                )
    return out


def url_findings(info: FunctionInfo) -> list[Finding]:
    out: list[Finding] = []
    for url in info.url_configs:
        if url.get("AuthType") == "NONE":
            out.append(
                Finding(
                    "public-function-url",
                    "CF110",
                    "high",
                    "Existing function has a public URL (AuthType NONE)",
                    {"url": url.get("FunctionUrl"), "auth_type": "NONE", "source": SOURCE},
                )
            )
        cors = url.get("Cors") or {}
        origins = cors.get("AllowOrigins") or []
        if "*" in origins:
            out.append(
                Finding(
                    "permissive-cors",
                    "CF111",
                    "medium",
                    "Existing function URL allows any origin (CORS *)",
                    {
                        "url": url.get("FunctionUrl"),
                        "allow_origins": origins,
                        "allow_credentials": bool(cors.get("AllowCredentials")),
                        "source": SOURCE,
                    },
                )
            )
    return out


def layer_findings(info: FunctionInfo, trusted: set[str]) -> list[Finding]:
    """Foreign layers (AWS publishers, the function's account and ``trusted`` are not)."""
    out: list[Finding] = []
    for arn in info.layers:
        ref = foreign_layer(arn, {info.account}, trusted)
        if ref is not None:
            out.append(
                Finding(
                    "foreign-layer",
                    "CF114",
                    "high",
                    f"Existing function uses a layer from account {ref.account}",
                    {"layer": arn, "publisher_account": ref.account, "source": SOURCE},
                )
            )
    return out


def existing_findings(info: FunctionInfo, ctx: Any, when: date) -> list[Finding]:
    config = ctx.config
    known = set(config.accounts.known)
    trusted = known | set(config.layers.trusted_accounts)
    c = info.config
    eph = c.get("EphemeralStorage") or {}
    inventory = inventory_of(ctx)
    out = url_findings(info) + policy_findings(info, known) + layer_findings(info, trusted)
    out += resource_findings(
        c.get("MemorySize"), c.get("Timeout"), eph.get("Size"), thresholds(ctx), SOURCE
    )
    image = (info.code or {}).get("ImageUri")
    out += runtime_findings(c.get("Runtime"), c.get("PackageType"), image, when, SOURCE)
    if inventory is not None:
        out += egress_findings(info.security_group_ids, inventory.security_groups, SOURCE)
    return out


def analyze_existing(event: Event, ctx: Any) -> list[Finding]:
    inventory = inventory_of(ctx)
    if inventory is None or not event.function:
        return []
    info = inventory.function(event.account, event.region, event.function)
    if info is None:
        return []
    return existing_findings(info, ctx, event.time.date())
