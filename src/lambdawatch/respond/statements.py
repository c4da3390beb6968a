"""Which resource-policy statements containment removes: public and cross-account ones only.

Same-account statements and AWS-service statements bound to this account stay (they are how
legitimate callers reach the function). A service statement with no ``AWS:SourceAccount`` or
``AWS:SourceArn`` is kept but noted (Security Hub Lambda.1 calls it public). Statement shapes
are AWS's (``Principal`` ``"*"`` or ``{"AWS": ARN}`` / ``{"Service": ...}``, conditions under
``Condition``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_ACCOUNT_IN_ARN = re.compile(r"^arn:aws[\w-]*:[\w-]*:[\w-]*:(\d{12}):")


@dataclass(frozen=True)
class Verdict:
    kind: str  # public | cross-account | same-account | service | service-unbound
    reason: str

    @property
    def remove(self) -> bool:
        return self.kind in ("public", "cross-account")


def _account_of(value: str) -> str | None:
    if re.fullmatch(r"\d{12}", value):
        return value
    m = _ACCOUNT_IN_ARN.match(value)
    return m.group(1) if m else None


def _conditions(statement: dict[str, Any]) -> dict[str, list[str]]:
    """Condition keys (lower-cased) to their values, whatever the operator."""
    out: dict[str, list[str]] = {}
    cond = statement.get("Condition") or {}
    if not isinstance(cond, dict):
        return out
    for block in cond.values():
        if isinstance(block, dict):
            for key, value in block.items():
                values = value if isinstance(value, list) else [value]
                out.setdefault(str(key).lower(), []).extend(str(v) for v in values)
    return out


def _bound_accounts(conds: dict[str, list[str]]) -> set[str] | None:
    """Accounts a SourceAccount/SourceArn/PrincipalAccount condition limits callers to."""
    found: set[str] = set()
    bound = False
    for key in ("aws:sourceaccount", "aws:principalaccount", "aws:sourceowner"):
        for value in conds.get(key, []):
            bound = True
            found.add(value)
    for value in conds.get("aws:sourcearn", []):
        bound = True
        account = _account_of(value)
        found.add(account or "?")  # an S3 bucket ARN names no account
    return found if bound else None


def classify(statement: dict[str, Any], account: str) -> Verdict:
    """Why a statement stays or goes, for a function in ``account``."""
    principal = statement.get("Principal")
    conds = _conditions(statement)
    bound = _bound_accounts(conds)
    if isinstance(principal, dict) and "Service" in principal:
        if bound is None:
            return Verdict(
                "service-unbound",
                "AWS service principal with no SourceAccount or SourceArn condition (kept; review)",
            )
        if bound - {account, "?"}:
            return Verdict(
                "cross-account",
                "AWS service acting for another account "
                f"({', '.join(sorted(bound - {account, '?'}))})",
            )
        return Verdict("service", "AWS service principal bound to this account")
    values: list[str] = []
    if isinstance(principal, str):
        values = [principal]
    elif isinstance(principal, dict):
        raw = principal.get("AWS", [])
        values = [str(v) for v in (raw if isinstance(raw, list) else [raw])]
    if not values or "*" in values:
        if bound is not None and not bound - {account}:
            return Verdict("same-account", "any principal, limited to this account by condition")
        if conds.get("aws:principalorgid"):
            return Verdict("cross-account", "any principal of an organization")
        return Verdict("public", 'Principal "*" (anyone)')
    accounts = {_account_of(v) or "?" for v in values}
    foreign = sorted(accounts - {account})
    if foreign:
        return Verdict("cross-account", f"principal of another account ({', '.join(foreign)})")
    return Verdict("same-account", "principal of this account")


def add_permission_args(statement: dict[str, Any]) -> dict[str, Any]:
    """The ``AddPermission`` arguments that re-create ``statement`` (for rollback).

    Raises ``ValueError`` naming what cannot be re-created (an unknown condition key)."""
    args: dict[str, Any] = {"StatementId": statement["Sid"]}
    action = statement.get("Action")
    args["Action"] = action[0] if isinstance(action, list) else action
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        principal = principal.get("Service") or principal.get("AWS")
    if isinstance(principal, list):
        raise ValueError(f"statement {statement['Sid']} has several principals")  # noqa: TRY004
    principal = str(principal)
    m = re.fullmatch(r"arn:aws[\w-]*:iam::(\d{12}):root", principal)
    args["Principal"] = m.group(1) if m else principal
    for op, block in (statement.get("Condition") or {}).items():
        for key, value in block.items():
            k = key.lower()
            v = value[0] if isinstance(value, list) and len(value) == 1 else value
            if k == "aws:sourcearn":
                args["SourceArn"] = v
            elif k == "aws:sourceaccount":
                args["SourceAccount"] = v
            elif k == "aws:principalorgid":
                args["PrincipalOrgID"] = v
            elif k == "lambda:functionurlauthtype":
                args["FunctionUrlAuthType"] = v
            elif k == "lambda:eventsourcetoken":
                args["EventSourceToken"] = v
            else:
                raise ValueError(
                    f"statement {statement['Sid']}: condition {op} {key} has no "
                    "AddPermission parameter"
                )
    return args
