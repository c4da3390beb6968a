"""Stream state end to end: the IAM inventory file, in-log IAM history, trigger links, changes."""

from __future__ import annotations

import json
from pathlib import Path

from lambdawatch.state.iam import RoleInventory
from tests.conftest import delivery_bytes, record, write

ACCT = "111122223333"
ROLE = f"arn:aws:iam::{ACCT}:role/ops-lambda"


def _inventory(tmp_path: Path, policy: dict) -> Path:
    data = {
        "RoleDetailList": [
            {
                "RoleName": "ops-lambda",
                "Arn": ROLE,
                "AssumeRolePolicyDocument": {"Statement": []},
                "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": policy}],
                "AttachedManagedPolicies": [],
            }
        ],
        "Policies": [],
        "UserDetailList": [],
        "GroupDetailList": [],
    }
    path = tmp_path / "iam.json"
    path.write_text(json.dumps(data))
    return path


def _fn(n: int, time: str, **fields) -> dict:
    return record(
        "create-function",
        n,
        eventTime=time,
        recipientAccountId=ACCT,
        requestParameters__role=ROLE,
        **fields,
    )


def test_inventory_admin_role_then_in_log_detach(tmp_path: Path, hunt_jsonl) -> None:
    inv = _inventory(tmp_path, {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    delete = record(
        "put-role-policy",
        2,
        eventName="DeleteRolePolicy",
        eventTime="2025-03-14T10:00:00Z",
        recipientAccountId=ACCT,
        requestParameters={"roleName": "ops-lambda", "policyName": "p"},
    )
    logs = write(
        tmp_path / "a.json",
        delivery_bytes(
            [
                _fn(1, "2025-03-14T09:00:00Z"),
                delete,
                _fn(3, "2025-03-14T11:00:00Z", requestParameters__functionName="later-fn"),
            ]
        ),
    )
    alerts = hunt_jsonl(str(logs), "--iam-inventory", str(inv))
    by_fn = {a["function"]: a for a in alerts}
    first = [f for f in by_fn["cloudtrail-events-test"]["findings"] if f["kind"] == "admin-role"]
    assert (
        first[0]["evidence"]["role"] == ROLE and "LW101" in by_fn["cloudtrail-events-test"]["rules"]
    )
    assert not [f for f in by_fn["later-fn"]["findings"] if f["kind"] == "admin-role"]
    assert set(by_fn) == {"cloudtrail-events-test", "later-fn"}  # IAM context opened no alert


def test_privileged_not_admin_from_inventory(tmp_path: Path) -> None:
    inv = RoleInventory()
    inv.load_file(
        _inventory(
            tmp_path,
            {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]},
        )
    )
    got = inv.assess(ROLE, ACCT)
    assert got is not None and not got.admin and got.privileged == ["sts:AssumeRole on *"]


def test_chain_changes_and_lambda_session_attach(tmp_path: Path, hunt_jsonl) -> None:
    trust = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
        '{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
    )
    who = {"type": "IAMUser", "arn": f"arn:aws:iam::{ACCT}:user/mallory", "accountId": ACCT}
    role = f"arn:aws:iam::{ACCT}:role/backdoor-fn-role"
    records = [
        record(
            "create-role",
            1,
            eventTime="2025-03-14T08:50:00Z",
            recipientAccountId=ACCT,
            userIdentity=who,
            requestParameters={"roleName": "backdoor-fn-role", "assumeRolePolicyDocument": trust},
        ),
        record(
            "attach-role-policy",
            2,
            eventTime="2025-03-14T08:51:00Z",
            recipientAccountId=ACCT,
            userIdentity=who,
            requestParameters__roleName="backdoor-fn-role",
        ),
        record(
            "create-function",
            3,
            eventTime="2025-03-14T08:55:00Z",
            recipientAccountId=ACCT,
            userIdentity=who,
            requestParameters__role=role,
            requestParameters__functionName="backdoor-fn",
        ),
        record("iam-call-from-lambda", 4),  # 09:00, session backdoor-fn, region us-east-1
        record("put-rule", 5, eventTime="2025-03-14T09:10:00Z"),
        record("put-targets", 6, eventTime="2025-03-14T09:11:00Z"),
        record(
            "put-rule",
            7,
            eventTime="2025-03-14T09:20:00Z",
            requestParameters__scheduleExpression="rate(2 minutes)",
        ),
    ]
    alerts = hunt_jsonl(str(write(tmp_path / "a.json", delivery_bytes(records))))
    assert len(alerts) == 1
    a = alerts[0]
    assert a["function"] == "backdoor-fn" and a["rule"] == "LW100"
    assert a["event_names"] == ["CreateFunction20150331", "CreateUser", "PutTargets", "PutRule"]
    kinds = {f["kind"] for f in a["findings"]}
    assert {
        "privesc-chain",
        "admin-role",
        "lambda-role-iam-activity",
        "high-frequency-schedule",
    } <= kinds
    chain = next(f for f in a["findings"] if f["kind"] == "privesc-chain")["evidence"]["chain"]
    assert [s["event_name"] for s in chain] == ["CreateRole", "AttachRolePolicy"]
    changed = {c["event_name"]: c["changes"] for c in a["changes"]}
    assert changed["CreateFunction20150331"]["role"] == {"before": None, "after": role}
    assert changed["PutTargets"]["triggers"]["after"] == ["eventbridge-rule:backdoor-schedule"]
