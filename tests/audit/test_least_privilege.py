"""Every AWS call audit makes (recorded over HTTP on moto's server) is allowed by the shipped
read-only policy, and the policy allows nothing that writes."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from lambdawatch.audit.permissions import allowed_actions, iam_action, not_allowed
from lambdawatch.audit.run import AuditOptions, run_audit
from lambdawatch.aws import CallRecorder, ClientFactory
from tests.audit.moto_fixes import code_resolver

POLICY = Path(__file__).resolve().parents[2] / "docs" / "iam" / "audit-policy.json"
READ_ONLY = re.compile(r"^[a-z0-9-]+:(Get|List|Describe)[A-Za-z]*$|^apigateway:GET$")


def test_every_recorded_call_is_in_the_policy(
    factory: ClientFactory, recorder: CallRecorder
) -> None:
    run = run_audit(
        factory, AuditOptions(scan_code=True, resolver=code_resolver, today=date(2026, 1, 1))
    )
    ops = recorder.operations()
    assert (
        run.results
        and {
            "lambda:ListFunctions",
            "lambda:GetPolicy",
            "iam:GetPolicyVersion",
            "events:ListTargetsByRule",
            "scheduler:GetSchedule",
            "s3:GetBucketNotificationConfiguration",
            "apigateway:GetMethod",
            "ec2:DescribeRegions",
            "lambda:GetLayerVersion",
        }
        <= ops
    )
    assert not_allowed(ops, POLICY) == []


def test_the_check_fails_for_a_call_outside_the_policy(tmp_path: Path) -> None:
    narrow = tmp_path / "p.json"
    narrow.write_text(
        json.dumps({"Statement": [{"Effect": "Allow", "Action": "lambda:List*", "Resource": "*"}]})
    )
    assert not_allowed(
        {"lambda:ListFunctions", "lambda:GetPolicy", "sts:GetCallerIdentity"}, narrow
    ) == ["lambda:GetPolicy needs lambda:GetPolicy"]


def test_policy_is_read_only() -> None:
    policy: dict[str, Any] = json.loads(POLICY.read_text())
    writes = [a for a in allowed_actions(policy) if not READ_ONLY.match(a)]
    assert writes == []


def test_action_names_that_differ_from_the_operation() -> None:
    assert iam_action("s3:ListBuckets") == "s3:ListAllMyBuckets"
    assert iam_action("s3:GetBucketNotificationConfiguration") == "s3:GetBucketNotification"
    assert iam_action("apigateway:GetRoutes") == "apigateway:GET"
    assert iam_action("sts:GetCallerIdentity") is None
    assert iam_action("lambda:GetPolicy") == "lambda:GetPolicy"
