"""Each audit check, must-fire beside its look-alike that must not, on hand-built live state."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lambdawatch.audit.function_findings import (
    destination_findings,
    name_findings,
    signing_findings,
    trigger_findings,
)
from lambdawatch.audit.model import LATEST, FunctionState, LayerState, Trigger
from lambdawatch.audit.result import differs
from lambdawatch.audit.view import Judge, layer_findings, view_findings, weighted_findings
from lambdawatch.config import Config
from lambdawatch.inventory.lambda_inventory import FunctionInfo, LambdaInventory
from lambdawatch.state.iam import RoleInventory

ACCT = "111122223333"
ARN = f"arn:aws:lambda:us-east-1:{ACCT}:function:app"


def _fn(**config: Any) -> FunctionState:
    fn = FunctionState(ACCT, "us-east-1", "app")
    fn.configs[LATEST] = {
        "FunctionName": "app",
        "FunctionArn": ARN,
        "Version": LATEST,
        "Runtime": "python3.12",
        "CodeSha256": "A",
        **config,
    }
    return fn


def _judge(layers: dict[str, LayerState] | None = None, known: list[str] | None = None) -> Judge:
    config = Config.model_validate({"accounts": {"known": known or []}})
    return Judge(config, LambdaInventory(), RoleInventory(), layers or {}, date(2026, 1, 1))


def _codes(findings: list[Any]) -> list[str]:
    return sorted(f.code for f in findings)


@pytest.mark.parametrize(
    ("kind", "detail", "codes"),
    [
        ("eventbridge-rule", {"schedule": "rate(1 minute)"}, ["LW511"]),
        ("eventbridge-rule", {"schedule": "rate(1 hour)"}, []),
        ("eventbridge-rule", {"schedule": "cron(*/5 * * * ? *)"}, ["LW511"]),
        ("scheduler", {"schedule": "rate(2 minutes)"}, ["AU103", "LW512"]),
        ("scheduler", {"schedule": "rate(1 day)"}, ["AU103"]),
        ("s3", {"events": ["s3:ObjectCreated:*"], "filter_rules": []}, ["LW513"]),
        (
            "s3",
            {
                "events": ["s3:ObjectCreated:Put"],
                "filter_rules": [{"Name": "prefix", "Value": "in/"}],
            },
            [],
        ),
        ("s3", {"events": ["s3:ObjectCreated:Put"], "filter_rules": []}, ["LW513"]),
        ("apigateway-rest", {"authorization": "NONE", "api_key_required": False}, ["LW514"]),
        ("apigateway-rest", {"authorization": "NONE", "api_key_required": True}, []),
        ("apigateway-http", {"authorization": "AWS_IAM", "api_key_required": False}, []),
        ("sns", {}, []),
    ],
)
def test_trigger_findings(kind: str, detail: dict[str, Any], codes: list[str]) -> None:
    t = Trigger(kind, "src", "app", None, detail, "us-east-1")
    assert _codes(trigger_findings(t)) == codes


def test_async_destination_in_another_account() -> None:
    fn = _fn(DeadLetterConfig={"TargetArn": f"arn:aws:sqs:us-east-1:{ACCT}:dlq"})
    fn.invoke_configs = [
        {
            "DestinationConfig": {
                "OnSuccess": {"Destination": "arn:aws:sqs:us-east-1:999999999999:exfil"},
                "OnFailure": {"Destination": f"arn:aws:sns:us-east-1:{ACCT}:alarms"},
            }
        }
    ]
    found = destination_findings(_judge(), fn)
    assert [(f.code, f.evidence["via"], f.evidence["account"]) for f in found] == [
        ("AU102", "async OnSuccess", "999999999999")
    ]
    assert destination_findings(_judge(known=["999999999999"]), fn) == []


def test_code_signing_warn_only_and_missing_where_others_sign() -> None:
    warn = _fn()
    warn.code_signing = {
        "CodeSigningConfigArn": "csc",
        "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Warn"},
    }
    enforce = _fn()
    enforce.code_signing = {
        "CodeSigningConfigArn": "csc",
        "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Enforce"},
    }
    assert _codes(signing_findings(warn, True)) == ["LW510"]
    assert signing_findings(enforce, True) == []
    assert _codes(signing_findings(_fn(), True)) == ["LW510"]
    assert signing_findings(_fn(), False) == []  # nobody signs in the region: no finding


def test_weighted_alias_only_to_a_version_no_alias_names() -> None:
    fn = _fn()
    fn.configs["1"] = {"Version": "1", "CodeSha256": "A"}
    fn.configs["2"] = {"Version": "2", "CodeSha256": "B"}
    hidden = {
        "Name": "live",
        "FunctionVersion": "1",
        "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.05}},
    }
    fn.aliases = [hidden]
    assert [(f.code, f.evidence["hidden_version"]) for f in weighted_findings(fn, hidden)] == [
        ("AU101", "2")
    ]
    fn.aliases = [hidden, {"Name": "canary", "FunctionVersion": "2"}]
    assert weighted_findings(fn, hidden) == []  # a canary alias names version 2: not hidden


def test_public_and_unreadable_layers() -> None:
    own = f"arn:aws:lambda:us-east-1:{ACCT}:layer:util:1"
    public = f"arn:aws:lambda:us-east-1:{ACCT}:layer:shared:2"
    foreign = "arn:aws:lambda:us-east-1:999999999999:layer:x:3"
    layers = {
        own: LayerState(
            own,
            policy={
                "Statement": [
                    {
                        "Sid": "org",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
                        "Action": "lambda:GetLayerVersion",
                    }
                ]
            },
        ),
        public: LayerState(
            public,
            policy={
                "Statement": [
                    {
                        "Sid": "all",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "lambda:GetLayerVersion",
                    }
                ]
            },
        ),
        foreign: LayerState(foreign, readable=False),
    }
    info = FunctionInfo(
        ACCT,
        "us-east-1",
        "app",
        config={"Layers": [{"Arn": own}, {"Arn": public}, {"Arn": foreign}]},
    )
    assert [(f.code, f.evidence["layer"]) for f in layer_findings(_judge(layers), info)] == [
        ("LW508", public),
        ("AU104", foreign),
    ]


def test_names_judged_by_the_hunt_analyzer() -> None:
    hidden = FunctionState(ACCT, "us-east-1", "app\u200b")
    hidden.configs[LATEST] = {"Description": "ok"}
    assert _codes(name_findings(_judge(), hidden)) == ["NM104"]
    assert name_findings(_judge(), _fn(Description="billing export")) == []


def test_env_secret_masked_and_plain_values_ignored() -> None:
    fn = _fn(
        Environment={
            "Variables": {
                "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "STAGE": "prod",
            }
        }
    )
    found = [f for f in view_findings(_judge(), fn, LATEST) if f.kind == "env-secret"]
    assert [(f.code, f.severity) for f in found] == [("EV101", "critical")]
    assert "wJalr" not in repr(found[0].to_dict())
    assert [
        f
        for f in view_findings(_judge(), _fn(Environment={"Variables": {"STAGE": "prod"}}), LATEST)
        if f.kind == "env-secret"
    ] == []


def test_qualifier_results_only_when_they_differ() -> None:
    fn = _fn(Role="r1")
    fn.configs["1"] = {"Version": "1", "CodeSha256": "A", "Role": "r1"}
    fn.configs["2"] = {"Version": "2", "CodeSha256": "B", "Role": "r1"}
    assert differs(fn, "1") is False
    assert differs(fn, "2") is True
    fn.policies["1"] = {"Statement": [{"Sid": "x"}]}
    assert differs(fn, "1") is True


OPEN_SG = {
    "GroupId": "sg-open",
    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
}
CLOSED_SG = {
    "GroupId": "sg-closed",
    "IpPermissionsEgress": [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
        }
    ],
}
ROUTES = [
    {
        "VpcId": "vpc-1",
        "Associations": [{"Main": True}],
        "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}],
    },
    {
        "VpcId": "vpc-1",
        "Associations": [{"SubnetId": "subnet-pub"}],
        "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}],
    },
]


@pytest.mark.parametrize(("group", "fires"), [("sg-open", True), ("sg-closed", False)])
def test_vpc_egress_with_routes(group: str, fires: bool) -> None:
    judge = _judge()
    judge.inventory.security_groups = {"sg-open": OPEN_SG, "sg-closed": CLOSED_SG}
    judge.route_tables = ROUTES
    fn = _fn(
        VpcConfig={
            "VpcId": "vpc-1",
            "SubnetIds": ["subnet-pub", "subnet-priv"],
            "SecurityGroupIds": [group],
        }
    )
    found = [f for f in view_findings(judge, fn, LATEST) if f.kind == "vpc-egress-unrestricted"]
    if not fires:
        assert found == []
        return
    assert [(f.code, f.evidence["internet_routes"]) for f in found] == [
        ("CF102", {"subnet-pub": "igw-1", "subnet-priv": None})
    ]


@pytest.mark.parametrize(
    ("runtime", "codes"),
    [("python3.7", ["RT101"]), ("python3.12", []), ("provided.al2023", ["RT102"])],
)
def test_runtime_judged_at_the_audit_day(runtime: str, codes: list[str]) -> None:
    found = [
        f
        for f in view_findings(_judge(), _fn(Runtime=runtime), LATEST)
        if f.kind in ("deprecated-runtime", "custom-runtime")
    ]
    assert _codes(found) == codes


def test_cross_account_permission_unless_the_account_is_known() -> None:
    fn = _fn()
    fn.policies[LATEST] = {
        "Statement": [
            {
                "Sid": "partner",
                "Effect": "Allow",
                "Action": "lambda:InvokeFunction",
                "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                "Resource": ARN,
            }
        ]
    }
    found = [f for f in view_findings(_judge(), fn, LATEST) if f.kind.endswith("permission")]
    assert [(f.code, f.evidence["account"]) for f in found] == [("CF113", "444455556666")]
    assert [
        f
        for f in view_findings(_judge(known=["444455556666"]), fn, LATEST)
        if f.kind.endswith("permission")
    ] == []
