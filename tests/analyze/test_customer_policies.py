"""Customer managed policies: a role is judged by each attached policy's default version, from the
--iam-inventory file and from the policy changes in the logs (CreatePolicy, CreatePolicyVersion,
SetDefaultPolicyVersion), for admin-role and privileged-role alike."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lambdawatch.state.policy import is_admin_document, privileged_actions
from tests.analyze.helpers import ACCOUNT, alerts, create_fn, findings_of
from tests.conftest import record

POLICY = f"arn:aws:iam::{ACCOUNT}:policy/team/ops-all"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ops-role"
ADMIN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
READ = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::reports/*"}
    ],
}
PASS_ANY = {
    "Statement": {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:*"], "Resource": "*"}
}
PASS_ONE = {
    "Statement": {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": f"arn:aws:iam::{ACCOUNT}:role/app-role",
    }
}
ALL_BUT = {"Statement": {"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "*"}}
POWER_USER = {
    "Statement": [
        {
            "Effect": "Allow",
            "NotAction": ["iam:*", "organizations:*", "account:*"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": ["iam:CreateServiceLinkedRole", "iam:ListRoles"],
            "Resource": "*",
        },
    ]
}


def inventory(versions: list[tuple[str, dict[str, Any], bool]]) -> dict[str, Any]:
    """get-account-authorization-details: ops-role with the customer policy attached; the
    policy's versions as the raw API returns them (URL-encoded JSON documents)."""
    return {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [
            {
                "Path": "/",
                "RoleName": "ops-role",
                "Arn": ROLE,
                "AssumeRolePolicyDocument": quote(json.dumps({"Statement": []})),
                "RolePolicyList": [],
                "AttachedManagedPolicies": [{"PolicyName": "ops-all", "PolicyArn": POLICY}],
            }
        ],
        "Policies": [
            {
                "PolicyName": "ops-all",
                "Arn": POLICY,
                "Path": "/team/",
                "PolicyVersionList": [
                    {"VersionId": v, "IsDefaultVersion": d, "Document": quote(json.dumps(doc))}
                    for v, doc, d in versions
                ],
            }
        ],
    }


def _fn(n: int = 1, time: str = "2025-03-14T09:30:00Z") -> dict[str, Any]:
    return create_fn(n, "ops-report", time, role=ROLE)


def _iam(
    n: int, name: str, time: str, req: dict[str, Any], resp: dict[str, Any] | None = None
) -> dict[str, Any]:
    r = record(
        "attach-role-policy",
        n,
        eventName=name,
        eventTime=time,
        recipientAccountId=ACCOUNT,
        userIdentity__accountId=ACCOUNT,
    )
    r["requestParameters"], r["responseElements"] = req, resp
    return r


def _role_findings(
    tmp_path: Path,
    records: list[dict[str, Any]],
    inv: dict[str, Any] | None,
    inventory_file: Callable[[Any], Path],
) -> list[tuple[str, Any]]:
    args = ("--iam-inventory", str(inventory_file(inv))) if inv is not None else ()
    [alert] = [a for a in alerts(tmp_path, records, *args) if a["function"] == "ops-report"]
    return [
        (f["kind"], f["evidence"]["why"])
        for k in ("admin-role", "privileged-role")
        for f in findings_of(alert, k)
    ]


def test_default_version_admin_fires(tmp_path: Path, inventory_file: Any) -> None:
    inv = inventory([("v1", READ, False), ("v2", ADMIN, True)])
    assert _role_findings(tmp_path, [_fn()], inv, inventory_file) == [
        ("admin-role", [f"managed policy {POLICY} allows * on *"])
    ]


def test_admin_in_a_non_default_version_only_is_silent(tmp_path: Path, inventory_file: Any) -> None:
    inv = inventory([("v1", ADMIN, False), ("v2", READ, True)])
    assert _role_findings(tmp_path, [_fn()], inv, inventory_file) == []


def test_customer_policy_passrole_on_any_is_privileged(tmp_path: Path, inventory_file: Any) -> None:
    inv = inventory([("v1", PASS_ANY, True)])
    assert _role_findings(tmp_path, [_fn()], inv, inventory_file) == [
        ("privileged-role", ["iam:PassRole on *"])
    ]


def test_passrole_on_one_role_is_not_privileged(tmp_path: Path, inventory_file: Any) -> None:
    inv = inventory([("v1", PASS_ONE, True)])
    assert _role_findings(tmp_path, [_fn()], inv, inventory_file) == []


def test_not_action_documents() -> None:
    assert is_admin_document(ALL_BUT) is True
    assert privileged_actions(ALL_BUT) == []
    assert is_admin_document(POWER_USER) is False
    assert privileged_actions(POWER_USER) == ["sts:AssumeRole on *"]
    deny_like = {"Statement": {"Effect": "Allow", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}}
    assert (is_admin_document(deny_like), privileged_actions(deny_like)) == (False, [])


def test_logged_new_default_version_makes_the_role_admin(
    tmp_path: Path, inventory_file: Any
) -> None:
    inv = inventory([("v1", READ, True)])
    new_version = _iam(
        10,
        "CreatePolicyVersion",
        "2025-03-14T09:10:00Z",
        {"policyArn": POLICY, "policyDocument": json.dumps(ADMIN), "setAsDefault": True},
        {
            "policyVersion": {
                "versionId": "v2",
                "isDefaultVersion": True,
                "createDate": "Mar 14, 2025 9:10:00 AM",
            }
        },
    )
    assert _role_findings(tmp_path, [new_version, _fn()], inv, inventory_file) == [
        ("admin-role", [f"managed policy {POLICY} allows * on *"])
    ]


def test_logged_version_not_set_as_default_is_silent(tmp_path: Path, inventory_file: Any) -> None:
    inv = inventory([("v1", READ, True)])
    new_version = _iam(
        10,
        "CreatePolicyVersion",
        "2025-03-14T09:10:00Z",
        {"policyArn": POLICY, "policyDocument": json.dumps(ADMIN), "setAsDefault": False},
        {"policyVersion": {"versionId": "v2", "isDefaultVersion": False}},
    )
    assert _role_findings(tmp_path, [new_version, _fn()], inv, inventory_file) == []


def test_set_default_back_to_an_old_admin_version(tmp_path: Path, inventory_file: Any) -> None:
    inv = inventory([("v1", ADMIN, False), ("v2", READ, True)])
    back = _iam(
        11,
        "SetDefaultPolicyVersion",
        "2025-03-14T09:10:00Z",
        {"policyArn": POLICY, "versionId": "v1"},
    )
    forward = _iam(
        12,
        "SetDefaultPolicyVersion",
        "2025-03-14T09:10:00Z",
        {"policyArn": POLICY, "versionId": "v2"},
    )
    assert _role_findings(tmp_path, [back, _fn()], inv, inventory_file) == [
        ("admin-role", [f"managed policy {POLICY} allows * on *"])
    ]
    assert _role_findings(tmp_path / "b", [forward, _fn()], inv, inventory_file) == []


def test_policy_created_and_attached_in_the_logs(tmp_path: Path, inventory_file: Any) -> None:
    created = _iam(
        20,
        "CreatePolicy",
        "2025-03-14T09:05:00Z",
        {"policyName": "ops-all", "path": "/team/", "policyDocument": json.dumps(ADMIN)},
        {
            "policy": {
                "policyName": "ops-all",
                "arn": POLICY,
                "defaultVersionId": "v1",
                "attachmentCount": 0,
                "isAttachable": True,
            }
        },
    )
    attached = _iam(
        21,
        "AttachRolePolicy",
        "2025-03-14T09:06:00Z",
        {"policyArn": POLICY, "roleName": "ops-role"},
    )
    inv = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "Policies": [],
        "RoleDetailList": [
            {
                "RoleName": "ops-role",
                "Arn": ROLE,
                "AttachedManagedPolicies": [],
                "RolePolicyList": [],
            }
        ],
    }
    assert _role_findings(tmp_path, [created, attached, _fn()], inv, inventory_file) == [
        ("admin-role", [f"managed policy {POLICY} allows * on *"])
    ]
    benign = _iam(
        20,
        "CreatePolicy",
        "2025-03-14T09:05:00Z",
        {"policyName": "ops-all", "policyDocument": json.dumps(READ)},
        {"policy": {"arn": POLICY, "defaultVersionId": "v1"}},
    )
    assert _role_findings(tmp_path / "b", [benign, attached, _fn()], inv, inventory_file) == []
