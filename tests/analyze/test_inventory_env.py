"""The Lambda inventory (every accepted shape), the red flags of existing functions, and env-secret
(values always masked)."""

from __future__ import annotations

import json

import pytest

from lambdawatch.analyze.secrets import scan_variable
from lambdawatch.errors import InputError
from lambdawatch.inventory.lambda_inventory import load_lambda_inventory
from tests.analyze.helpers import alerts, by_function, findings_of, update_code

ARN = "arn:aws:lambda:us-east-1:111122223333:function:payments-api"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DB_PASSWORD = "S3cr3t-Passw0rd!x"
GH_TOKEN = "ghp_" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx\n-----END RSA PRIVATE KEY-----"
HIGH_ENTROPY = "q8Zr2LmX9vT4kW7pB1nC6yH3sD5fJ0gA"
SECRETS = [KEY_ID, SECRET_KEY, DB_PASSWORD, GH_TOKEN, "MIIEowIBAAKCAQEAx", HIGH_ENTROPY]

CONFIG = {
    "FunctionName": "payments-api",
    "FunctionArn": ARN,
    "Runtime": "python3.8",
    "Role": "arn:aws:iam::111122223333:role/payments-api-role",
    "MemorySize": 256,
    "Timeout": 30,
    "PackageType": "Zip",
    "Environment": {
        "Variables": {
            "AWS_ACCESS_KEY_ID": KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "DATABASE_URL": f"postgres://app:{DB_PASSWORD}@db.internal:5432/payments",
            "GITHUB_TOKEN": GH_TOKEN,
            "SIGNING_KEY": PEM,
            "WEBHOOK_SIGNING": HIGH_ENTROPY,
            "LOG_LEVEL": "INFO",
            "TABLE_NAME": "payments",
        }
    },
    "Layers": [
        {"Arn": "arn:aws:lambda:us-east-1:999988887777:layer:py-utils:3", "CodeSize": 10},
        {
            "Arn": "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:68",
            "CodeSize": 10,
        },
    ],
    "VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-open"], "VpcId": "vpc-1"},
}
POLICY = {
    "Policy": json.dumps(
        {
            "Version": "2012-10-17",
            "Id": "default",
            "Statement": [
                {
                    "Sid": "public",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "lambda:InvokeFunction",
                    "Resource": ARN,
                },
                {
                    "Sid": "partner",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                    "Action": "lambda:InvokeFunction",
                    "Resource": ARN,
                },
                {
                    "Sid": "s3",
                    "Effect": "Allow",
                    "Principal": {"Service": "s3.amazonaws.com"},
                    "Action": "lambda:InvokeFunction",
                    "Resource": ARN,
                    "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}},
                },
                {
                    "Sid": "url-iam",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "lambda:InvokeFunctionUrl",
                    "Resource": ARN,
                    "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}},
                },
            ],
        }
    ),
    "RevisionId": "r1",
}
URL = {
    "FunctionUrl": "https://abc.lambda-url.us-east-1.on.aws/",
    "FunctionArn": ARN,
    "AuthType": "NONE",
    "Cors": {"AllowOrigins": ["*"]},
    "InvokeMode": "BUFFERED",
}
ESM = {
    "EventSourceMappings": [
        {
            "UUID": "u-1",
            "FunctionArn": ARN,
            "EventSourceArn": "arn:aws:sqs:us-east-1:111122223333:payments",
        }
    ]
}
SGS = {
    "SecurityGroups": [
        {
            "GroupId": "sg-open",
            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        }
    ]
}
CODE = {
    "RepositoryType": "S3",
    "Location": "https://awslambda-us-east-1-tasks.s3.amazonaws.com/snapshots/x?X-Amz-Signature=abc",
}


def test_every_shape_alone_or_combined(inventory_file) -> None:
    combined = inventory_file(
        {
            "get-function": {"Configuration": CONFIG, "Code": CODE},
            "get-policy": POLICY,
            "url": URL,
            "esm": ESM,
            "sgs": SGS,
        }
    )
    listed = inventory_file([{"Functions": [CONFIG]}, POLICY, URL, ESM, SGS], "list.json")
    for path in (combined, listed):
        inv = load_lambda_inventory(str(path))
        info = inv.function("111122223333", "us-east-1", "payments-api")
        assert info.config["Runtime"] == "python3.8"
        assert [s["Sid"] for s in info.policy["Statement"]] == [
            "public",
            "partner",
            "s3",
            "url-iam",
        ]
        assert info.url_configs == [URL]
        assert [m["UUID"] for m in info.mappings] == ["u-1"]
        assert "sg-open" in inv.security_groups
    single = load_lambda_inventory(str(inventory_file(CONFIG, "conf.json")))
    assert single.names_in("111122223333") == {"payments-api"}


def test_bad_inventory_is_an_input_error(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not JSON"):
        load_lambda_inventory(str(bad))


def _alert(tmp_path, inventory_file, data):
    path = inventory_file(data)
    out = alerts(
        tmp_path,
        [update_code(1, "payments-api", "2025-03-14T08:01:10Z")],
        "--lambda-inventory",
        str(path),
    )
    [alert] = by_function(out, "payments-api")
    return alert


def test_existing_function_exposure_from_the_inventory(tmp_path, inventory_file) -> None:
    alert = _alert(tmp_path, inventory_file, [{"Functions": [CONFIG]}, POLICY, URL, SGS])
    got = {
        (f["kind"], f["code"])
        for f in alert["findings"]
        if f["evidence"].get("source") == "lambda inventory"
    }
    assert got == {
        ("public-function-url", "CF110"),
        ("permissive-cors", "CF111"),
        ("public-invoke-permission", "CF112"),
        ("cross-account-invoke-permission", "CF113"),
        ("foreign-layer", "CF114"),
        ("deprecated-runtime", "RT101"),
        ("vpc-egress-unrestricted", "CF102"),
        ("env-secret", "EV101"),
    }
    # scoped statements (service with SourceArn, URL with AWS_IAM) are not public; AWS's
    # Powertools layer is not foreign
    assert [f["evidence"]["sid"] for f in findings_of(alert, "public-invoke-permission")] == [
        "public"
    ]
    assert [f["evidence"]["publisher_account"] for f in findings_of(alert, "foreign-layer")] == [
        "999988887777"
    ]


def test_env_secrets_are_found_and_masked(tmp_path, inventory_file) -> None:
    alert = _alert(tmp_path, inventory_file, {"Configuration": CONFIG, "Code": CODE})
    [f] = findings_of(alert, "env-secret")
    assert (f["code"], f["severity"]) == ("EV101", "critical")
    assert f["title"] == "AWS access key pair in environment variables"
    detectors = {v["variable"]: v["detector"] for v in f["evidence"]["variables"]}
    assert detectors == {
        "AWS_ACCESS_KEY_ID": "aws-access-key-id",
        "AWS_SECRET_ACCESS_KEY": "aws-secret-access-key",
        "DATABASE_URL": "password-in-connection-string",
        "GITHUB_TOKEN": "github-token",
        "SIGNING_KEY": "private-key",
        "WEBHOOK_SIGNING": "high-entropy-value",
    }
    text = json.dumps(alert)
    for secret in SECRETS:
        assert secret not in text
    assert "X-Amz-Signature" not in text  # the presigned code URL is never shown


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOG_LEVEL", "INFO"),
        ("TABLE_NAME", "payments"),
        ("DB_PASSWORD_PARAM", "/prod/db/password"),
        ("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"),
        ("REQUEST_ID", "9b2f3c1e-1111-4a2b-8c3d-123456789abc"),
        ("API_URL", "https://api.example.com/v1/orders"),
        ("DATABASE_URL", "postgres://app@db.internal:5432/payments"),
        ("DB_PASSWORD", "${DB_PASSWORD}"),
        ("API_TOKEN", "changeme"),
        ("POWERTOOLS_SERVICE_NAME", "payments-api-service-name-long"),
    ],
)
def test_benign_variables_are_not_secrets(name: str, value: str) -> None:
    assert scan_variable(name, value) is None


def test_function_without_secrets_has_no_env_finding(tmp_path, inventory_file) -> None:
    clean = {
        **CONFIG,
        "Environment": {"Variables": {"LOG_LEVEL": "INFO"}},
        "Layers": [],
        "Runtime": "python3.12",
        "VpcConfig": {},
    }
    alert = _alert(tmp_path, inventory_file, {"Functions": [clean]})
    assert alert["findings"] == []
