"""AWS layer publishers: one list (data/layers.yml), one judgement, used by LW106 and the
inventory analyzer; AWS's own layers are never foreign, a community layer is."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lambdawatch.analyze.existing import layer_findings
from lambdawatch.config import Config
from lambdawatch.engine.predicate_library import foreign_layers
from lambdawatch.inventory.lambda_inventory import FunctionInfo
from lambdawatch.layer_publishers import (
    LayerRef,
    aws_publisher,
    aws_publishers,
    foreign_layer,
    parse_layer_arn,
)

AWS_LAYERS = [
    "arn:aws:lambda:eu-west-2:133256977650:layer:AWS-Parameters-and-Secrets-Lambda-Extension:11",
    "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12",
    "arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:11",
    "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7",
    "arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:20",
    "arn:aws:lambda:eu-central-1:901920570463:layer:aws-otel-python-amd64-ver-1-25-0:1",
    "arn:aws:lambda:us-east-1:615299751070:layer:AWSOpenTelemetryDistroPython:16",
    "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:49",
    "arn:aws:lambda:ap-east-1:519774774795:layer:LambdaInsightsExtension:13",
    "arn:aws-cn:lambda:cn-north-1:488211338238:layer:LambdaInsightsExtension:14",
    "arn:aws:lambda:us-east-1:027255383542:layer:AWS-AppConfig-Extension:128",
    "arn:aws:lambda:eu-west-2:336392948345:layer:AWSSDKPandas-Python311:7",
    "arn:aws:lambda:us-east-1:668099181075:layer:AWSLambda-Python37-SciPy1x:37",
]
COMMUNITY = "arn:aws:lambda:us-east-1:553035198032:layer:git-lambda2:8"  # lambci, not AWS
ATTACKER = "arn:aws:lambda:us-east-1:999988887777:layer:helper:4"


@pytest.mark.parametrize("arn", AWS_LAYERS)
def test_aws_layers_are_not_foreign(arn: str) -> None:
    ref = parse_layer_arn(arn)
    assert ref is not None and aws_publisher(ref.account) is not None
    assert foreign_layer(arn, {"111122223333"}) is None


def test_publisher_products_and_unknowns() -> None:
    assert aws_publisher("017000801446") == "Powertools for AWS Lambda (Python)"
    assert aws_publisher("133256977650") == "AWS Parameters and Secrets Lambda Extension"
    assert aws_publisher("580247275435") == "CloudWatch Lambda Insights extension"
    assert aws_publisher("553035198032") is None
    assert aws_publisher("999988887777") is None
    assert aws_publishers()["488211338238"].regions == ("cn-north-1", "cn-northwest-1")


def test_community_and_attacker_layers_are_foreign() -> None:
    assert foreign_layer(COMMUNITY, {"111122223333"}) == LayerRef(
        "us-east-1", "553035198032", "git-lambda2"
    )
    assert foreign_layer(ATTACKER, {"111122223333"}) == LayerRef(
        "us-east-1", "999988887777", "helper"
    )


def test_own_and_trusted_accounts_are_not_foreign() -> None:
    assert foreign_layer(ATTACKER, {"999988887777"}) is None
    assert foreign_layer(ATTACKER, {"111122223333"}, {"999988887777"}) is None
    assert foreign_layer("not-an-arn", set()) is None
    assert foreign_layer({"arn": ATTACKER}, set()) is None


def _record(layers: list[str]) -> dict[str, object]:
    return {"recipientAccountId": "111122223333", "requestParameters": {"layers": layers}}


def test_rule_predicate_names_only_the_foreign_layer() -> None:
    ctx = SimpleNamespace(config=Config())
    got = foreign_layers(_record([*AWS_LAYERS, COMMUNITY]), ctx)
    assert got == [{"layer": COMMUNITY, "publisher_account": "553035198032"}]
    assert foreign_layers(_record(AWS_LAYERS), ctx) == []


def test_inventory_analyzer_uses_the_same_list() -> None:
    info = FunctionInfo(
        "111122223333",
        "us-east-1",
        "orders",
        config={"Layers": [{"Arn": a} for a in [*AWS_LAYERS, ATTACKER]]},
    )
    got = [(f.kind, f.code, f.evidence["layer"]) for f in layer_findings(info, set())]
    assert got == [("foreign-layer", "CF114", ATTACKER)]
    info_aws = FunctionInfo(
        "111122223333", "us-east-1", "orders", config={"Layers": [{"Arn": a} for a in AWS_LAYERS]}
    )
    assert layer_findings(info_aws, set()) == []
