"""The role inventory: an ``aws iam get-account-authorization-details`` file plus in-log IAM history.

Roles are keyed by (account, role name). The file gives the starting point (roles, their inline
and attached policies, and every version of the customer managed policies it lists); successful
CreateRole, AttachRolePolicy, DetachRolePolicy, PutRolePolicy, DeleteRolePolicy and DeleteRole
events, and CreatePolicy, CreatePolicyVersion, SetDefaultPolicyVersion, DeletePolicyVersion and
DeletePolicy for customer managed policies, then change it in event-time order, so a role judged
at a CreateFunction is the role as it stood then, each managed policy by its default version.
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

_POLICY_EVENTS = frozenset(
    {
        "CreatePolicy",
        "CreatePolicyVersion",
        "SetDefaultPolicyVersion",
        "DeletePolicyVersion",
        "DeletePolicy",
    }
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
        return {
            "event_id": self.event_id,
            "event_name": self.event_name,
            "principal": self.principal,
            "time": self.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "detail": self.detail,
        }


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
            raise InputError(
                "not the JSON of `aws iam get-account-authorization-details` (no RoleDetailList)",
                where=where,
            )
        for pol in data.get("Policies") or []:
            if not isinstance(pol, dict) or not isinstance(pol.get("Arn"), str):
                continue
            versions = self._versions().setdefault(pol["Arn"], {})
            for v in pol.get("PolicyVersionList") or []:
                if isinstance(v, dict) and isinstance(v.get("VersionId"), str):
                    versions[v["VersionId"]] = parse_document(v.get("Document"))
            default = next(
                (
                    v
                    for v in pol.get("PolicyVersionList") or []
                    if isinstance(v, dict) and v.get("IsDefaultVersion")
                ),
                None,
            )
            if default is not None:
                self.managed_docs[pol["Arn"]] = parse_document(default.get("Document"))
        for item in data["RoleDetailList"]:
            arn = item.get("Arn") or ""
            account = arn.split(":")[4] if arn.count(":") >= 5 else "unknown"
            role = Role(
                account,
                item.get("RoleName") or arn.rsplit("/", 1)[-1],
                trust=parse_document(item.get("AssumeRolePolicyDocument")),
                source="inventory",
            )
            role.managed = {
                p["PolicyArn"]
                for p in item.get("AttachedManagedPolicies") or []
                if p.get("PolicyArn")
            }
            role.inline = {
                p.get("PolicyName", ""): parse_document(p.get("PolicyDocument"))
                for p in item.get("RolePolicyList") or []
            }
            self.roles[(role.account, role.name)] = role

    # -- the stream --------------------------------------------------------------------------
    def _versions(self) -> dict[str, dict[str, Any]]:
        """Every known version of each customer managed policy (ARN -> version id -> document);
        a state saved before versions were kept gets an empty table."""
        versions: dict[str, dict[str, Any]] = self.__dict__.setdefault("policy_versions", {})
        return versions

    def _observe_policy(self, event: Event, req: dict[str, Any]) -> None:
        """Customer managed policies changed in the logs: CreatePolicy, CreatePolicyVersion,
        SetDefaultPolicyVersion, DeletePolicyVersion, DeletePolicy. The default version is the
        document every role with the policy attached is judged by."""
        name = event.base_name
        arn = req.get("policyArn") or get(event.record, "responseElements.policy.arn")
        if not isinstance(arn, str):
            return
        versions = self._versions().setdefault(arn, {})
        if name == "CreatePolicy":
            vid = get(event.record, "responseElements.policy.defaultVersionId") or "v1"
            versions[str(vid)] = parse_document(req.get("policyDocument"))
            self._set_default(event, arn, str(vid))
        elif name == "CreatePolicyVersion":
            vid = get(event.record, "responseElements.policyVersion.versionId")
            doc = parse_document(req.get("policyDocument"))
            if isinstance(vid, str):
                versions[vid] = doc
            if str(req.get("setAsDefault")).lower() == "true":
                if isinstance(vid, str):
                    self._set_default(event, arn, vid)
                else:  # the version id was not logged: the new document is the default
                    self.managed_docs[arn] = doc
                    self._regrade(event, arn, "a new default version")
        elif name == "SetDefaultPolicyVersion" and isinstance(req.get("versionId"), str):
            self._set_default(event, arn, req["versionId"])
        elif name == "DeletePolicyVersion":
            versions.pop(str(req.get("versionId")), None)
        elif name == "DeletePolicy":
            self._versions().pop(arn, None)
            self.managed_docs.pop(arn, None)

    def _set_default(self, event: Event, arn: str, vid: str) -> None:
        versions = self._versions().get(arn, {})
        if vid not in versions:  # a version the logs and the inventory never showed
            self.managed_docs.pop(arn, None)
        else:
            self.managed_docs[arn] = versions[vid]
        self._regrade(event, arn, f"default version {vid}")

    def _regrade(self, event: Event, arn: str, what: str) -> None:
        """Roles with ``arn`` attached: an admin grant when the new default makes them admin."""
        for role in self.roles.values():
            if arn not in role.managed:
                continue
            admin = self.assess_role(role).admin
            if admin and role.admin_grant is None and self._managed_admin(arn):
                role.admin_grant = Step(
                    event.event_id,
                    event.event_name,
                    event.principal_arn,
                    event.time,
                    f"{arn} {what} allows * on *",
                )
            elif not admin:
                role.admin_grant = None

    def observe(self, event: Event) -> None:
        if event.event_source != "iam.amazonaws.com" or not event.success:
            return
        req = event.record.get("requestParameters")
        if isinstance(req, dict) and event.base_name in _POLICY_EVENTS:
            self._observe_policy(event, req)
            return
        if not isinstance(req, dict) or not isinstance(req.get("roleName"), str):
            return
        key = (event.account, req["roleName"])
        name = event.base_name

        def step(detail: str) -> Step:
            return Step(event.event_id, event.event_name, event.principal_arn, event.time, detail)

        if name == "CreateRole":
            role = Role(*key, trust=parse_document(req.get("assumeRolePolicyDocument")))
            role.created = step(
                "trusts lambda.amazonaws.com" if trusts_lambda(role.trust) else "role created"
            )
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
