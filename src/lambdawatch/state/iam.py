"""The role inventory: an ``aws iam get-account-authorization-details`` file plus in-log IAM history.

Roles are keyed by (account, role name). The file gives the starting point; successful CreateRole,
AttachRolePolicy, DetachRolePolicy, PutRolePolicy, DeleteRolePolicy and DeleteRole events then
change it in event-time order, so a role judged at a CreateFunction is the role as it stood then.
Each role remembers who created it and who made it administrator (the privesc chain's steps).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from lambdawatch.errors import InputError
from lambdawatch.ingest.normalize import Event, get
from lambdawatch.state.policy import (
    ADMIN_POLICY_ARNS,
    PRIVILEGED_POLICY_NAMES,
    is_admin_document,
    parse_document,
    privileged_actions,
    trusts_lambda,
)


@dataclass(frozen=True)
class Step:
    """One IAM event of a chain: who did what, when."""

    event_id: str
    event_name: str
    principal: str | None
    time: datetime
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "event_name": self.event_name,
                "principal": self.principal, "time": self.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "detail": self.detail}


@dataclass
class Role:
    account: str
    name: str
    trust: dict[str, Any] | None = None
    managed: set[str] = field(default_factory=set)
    inline: dict[str, Any] = field(default_factory=dict)
    created: Step | None = None
    admin_grant: Step | None = None
    source: str = "log"  # "inventory" or "log"


@dataclass(frozen=True)
class Assessment:
    admin: bool
    privileged: list[str]
    reasons: list[str]


def role_key(arn_or_name: str, account: str) -> tuple[str, str]:
    """(account, role name) from a role ARN (any path) or a bare name."""
    if arn_or_name.startswith("arn:"):
        parts = arn_or_name.split(":", 5)
        acct = parts[4] if len(parts) > 4 and parts[4] else account
        return acct, arn_or_name.rsplit("/", 1)[-1]
    return account, arn_or_name


class RoleInventory:
    """Observer of IAM events; answers whether a role is administrator or privileged."""

    def __init__(self) -> None:
        self.roles: dict[tuple[str, str], Role] = {}
        self.managed_docs: dict[str, Any] = {}  # customer managed policy ARN -> default document

    # -- the inventory file ------------------------------------------------------------------
    def load_file(self, path: str | Path) -> None:
        try:
            data = orjson.loads(Path(path).read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise InputError(f"cannot read the IAM inventory ({exc})", where=str(path)) from None
        self.load_data(data, str(path))

    def load_data(self, data: Any, where: str) -> None:
        """The parsed JSON of ``get-account-authorization-details`` (a file's, or ``audit``'s)."""
        if not isinstance(data, dict) or "RoleDetailList" not in data:
            raise InputError("not the JSON of `aws iam get-account-authorization-details` "
                             "(no RoleDetailList)", where=where)
        for pol in data.get("Policies") or []:
            default = next((v for v in pol.get("PolicyVersionList") or []
                            if v.get("IsDefaultVersion")), None)
            if default is not None and pol.get("Arn"):
                self.managed_docs[pol["Arn"]] = parse_document(default.get("Document"))
        for item in data["RoleDetailList"]:
            arn = item.get("Arn") or ""
            account = arn.split(":")[4] if arn.count(":") >= 5 else "unknown"
            role = Role(account, item.get("RoleName") or arn.rsplit("/", 1)[-1],
                        trust=parse_document(item.get("AssumeRolePolicyDocument")), source="inventory")
            role.managed = {p["PolicyArn"] for p in item.get("AttachedManagedPolicies") or []
                            if p.get("PolicyArn")}
            role.inline = {p.get("PolicyName", ""): parse_document(p.get("PolicyDocument"))
                           for p in item.get("RolePolicyList") or []}
            self.roles[(role.account, role.name)] = role

    # -- the stream --------------------------------------------------------------------------
    def observe(self, event: Event) -> None:
        if event.event_source != "iam.amazonaws.com" or not event.success:
            return
        req = event.record.get("requestParameters")
        if not isinstance(req, dict) or not isinstance(req.get("roleName"), str):
            return
        key = (event.account, req["roleName"])
        name = event.base_name
        step = lambda detail: Step(event.event_id, event.event_name, event.principal_arn,
                                   event.time, detail)
        if name == "CreateRole":
            role = Role(*key, trust=parse_document(req.get("assumeRolePolicyDocument")))
            role.created = step("trusts lambda.amazonaws.com" if trusts_lambda(role.trust)
                                else "role created")
            self.roles[key] = role
            return
        if name == "DeleteRole":
            self.roles.pop(key, None)
            return
        role = self.roles.setdefault(key, Role(*key))
        if name == "AttachRolePolicy" and isinstance(req.get("policyArn"), str):
            role.managed.add(req["policyArn"])
            if self._managed_admin(req["policyArn"]) and role.admin_grant is None:
                role.admin_grant = step(f"attached {req['policyArn']}")
        elif name == "DetachRolePolicy":
            role.managed.discard(req.get("policyArn"))
        elif name == "PutRolePolicy":
            doc = parse_document(req.get("policyDocument"))
            role.inline[str(req.get("policyName"))] = doc
            if is_admin_document(doc) and role.admin_grant is None:
                role.admin_grant = step(f"inline policy {req.get('policyName')} allows * on *")
        elif name == "DeleteRolePolicy":
            role.inline.pop(str(req.get("policyName")), None)
        if not self.assess_role(role).admin:
            role.admin_grant = None

    # -- questions ---------------------------------------------------------------------------
    def _managed_admin(self, arn: str) -> bool:
        return arn in ADMIN_POLICY_ARNS or is_admin_document(self.managed_docs.get(arn))

    def get(self, role_arn: str, account: str) -> Role | None:
        return self.roles.get(role_key(role_arn, account))

    def assess_role(self, role: Role) -> Assessment:
        reasons: list[str] = []
        privileged: list[str] = []
        for arn in sorted(role.managed):
            if self._managed_admin(arn):
                reasons.append(f"managed policy {arn} allows * on *")
            if arn.rsplit("/", 1)[-1] in PRIVILEGED_POLICY_NAMES:
                privileged.append("iam:*")
            privileged.extend(privileged_actions(self.managed_docs.get(arn)))
        for pname, doc in sorted(role.inline.items()):
            if is_admin_document(doc):
                reasons.append(f"inline policy {pname} allows * on *")
            privileged.extend(privileged_actions(doc))
        return Assessment(bool(reasons), sorted(set(privileged)), reasons)

    def assess(self, role_arn: Any, account: str) -> Assessment | None:
        if not isinstance(role_arn, str) or not role_arn:
            return None
        role = self.get(role_arn, account)
        return None if role is None else self.assess_role(role)


def role_of_request(event: Event) -> str | None:
    value = get(event.record, "requestParameters.role")
    return value if isinstance(value, str) else None
