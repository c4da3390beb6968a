"""Execution roles read live and judged locally by the same evaluation ``--iam-inventory`` uses.

For each role a function runs with: ``GetRole`` (trust), ``ListAttachedRolePolicies``,
``ListRolePolicies`` + ``GetRolePolicy`` (inline), and for each attached managed policy (AWS's
included, read once per run) ``GetPolicy`` + ``GetPolicyVersion(DefaultVersionId)``: a customer
policy whose *default version* allows ``*`` on ``*`` makes the role administrator even when an
older version looks harmless. The result is kept as the JSON of ``aws iam
get-account-authorization-details`` (``RoleDetailList`` + ``Policies``), which is both what
:class:`lambdawatch.state.iam.RoleInventory` judges and what ``--save-inventory`` writes.
"""

from __future__ import annotations

import threading
from typing import Any

from lambdawatch.audit.caller import Caller
from lambdawatch.aws import Gap
from lambdawatch.state.iam import RoleInventory
from lambdawatch.state.policy import parse_document


class RoleReader:
    """Reads each role and each managed policy once, whatever number of functions share them."""

    def __init__(self, caller: Caller, region: str) -> None:
        self.caller = caller
        self.region = region  # IAM is global: any region's endpoint answers
        self.details: dict[str, dict[str, Any]] = {}  # role ARN -> RoleDetailList item
        self.policies: dict[str, dict[str, Any]] = {}  # policy ARN -> Policies item
        self.gaps: dict[str, list[Gap]] = {}
        self._lock = threading.Lock()
        self._role_locks: dict[str, threading.Lock] = {}

    def _lock_for(self, key: str) -> threading.Lock:
        with self._lock:
            return self._role_locks.setdefault(key, threading.Lock())

    def read(self, role_arn: str) -> list[Gap]:
        """Read a role (once); the gaps met reading it."""
        with self._lock_for(role_arn):
            if role_arn not in self.details and role_arn not in self.gaps:
                self._read(role_arn)
            return list(self.gaps.get(role_arn, []))

    def _call(self, gaps: list[Gap], op: str, resource: str, **kw: Any) -> dict[str, Any] | None:
        got, gap = self.caller.call("iam", self.region, op, resource, **kw)
        gaps += [gap] if gap else []
        return got

    def _read(self, role_arn: str) -> None:
        name = role_arn.rsplit("/", 1)[-1]
        gaps: list[Gap] = []
        role = (self._call(gaps, "get_role", role_arn, RoleName=name) or {}).get("Role")
        if role is None:
            self.gaps[role_arn] = gaps
            return
        attached, gap = self.caller.pages(
            "iam",
            self.region,
            "list_attached_role_policies",
            "AttachedPolicies",
            role_arn,
            RoleName=name,
        )
        gaps += [gap] if gap else []
        inline_names, gap = self.caller.pages(
            "iam", self.region, "list_role_policies", "PolicyNames", role_arn, RoleName=name
        )
        gaps += [gap] if gap else []
        inline = []
        for pname in inline_names:
            got = self._call(
                gaps, "get_role_policy", f"{role_arn} {pname}", RoleName=name, PolicyName=pname
            )
            if got is not None:
                inline.append(
                    {
                        "PolicyName": pname,
                        "PolicyDocument": parse_document(got.get("PolicyDocument")),
                    }
                )
        for p in attached:
            gaps += self._managed(str(p.get("PolicyArn")))
        self.details[role_arn] = {
            "RoleName": role.get("RoleName", name),
            "Arn": role.get("Arn", role_arn),
            "Path": role.get("Path", "/"),
            "AssumeRolePolicyDocument": parse_document(role.get("AssumeRolePolicyDocument")),
            "AttachedManagedPolicies": [
                {"PolicyName": p.get("PolicyName"), "PolicyArn": p.get("PolicyArn")}
                for p in attached
            ],
            "RolePolicyList": inline,
        }
        if gaps:
            self.gaps[role_arn] = gaps

    def _managed(self, arn: str) -> list[Gap]:
        with self._lock_for(arn):
            if arn in self.policies:
                return []
            gaps: list[Gap] = []
            policy = (self._call(gaps, "get_policy", arn, PolicyArn=arn) or {}).get("Policy")
            if policy is None:
                return gaps
            version = policy.get("DefaultVersionId")
            got = (
                self._call(gaps, "get_policy_version", arn, PolicyArn=arn, VersionId=version)
                if version
                else None
            )
            doc = ((got or {}).get("PolicyVersion") or {}).get("Document")
            self.policies[arn] = {
                "PolicyName": policy.get("PolicyName"),
                "Arn": arn,
                "DefaultVersionId": version,
                "PolicyVersionList": [
                    {
                        "VersionId": version,
                        "IsDefaultVersion": True,
                        "Document": parse_document(doc),
                    }
                ]
                if doc
                else [],
            }
            return gaps

    def authorization_details(self) -> dict[str, Any]:
        """The shape of ``aws iam get-account-authorization-details`` (what --iam-inventory reads)."""
        return {
            "RoleDetailList": [self.details[k] for k in sorted(self.details)],
            "Policies": [self.policies[k] for k in sorted(self.policies)],
            "UserDetailList": [],
            "GroupDetailList": [],
        }

    def inventory(self) -> RoleInventory:
        """The same judge ``hunt --iam-inventory`` builds from that file."""
        inv = RoleInventory()
        inv.load_data(self.authorization_details(), "audit")
        return inv
