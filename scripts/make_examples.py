"""Regenerate examples/cloudtrail: a small, realistic CloudTrail export in the S3 delivery layout.

The story: a CI/CD role deploys ``payments-api`` with Terraform; an attacker with a leaked
access key creates an admin role for Lambda, plants ``payrnents-api`` (a typosquat) with a layer
from a foreign account, opens it to the world, schedules it every minute, and updates it later;
the console user wires an SQS queue to ``orders-consumer`` in another region. One record is
delivered twice, one call fails, one file is a digest. Run: python scripts/make_examples.py
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lambdawatch.engine.bases import assumed_role, iam_user, set_path  # noqa: E402
from lambdawatch.engine.bases import make_event as _base  # noqa: E402

OUT = ROOT / "examples" / "cloudtrail"
PROD = "111122223333"
NONPROD = "444455556666"
FOREIGN = "999988887777"
ATTACKER_IP = "203.0.113.66"
ATTACKER_UA = (
    "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.6"
)
TF_UA = (
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) "
    "terraform-provider-aws/5.40.0 aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.8"
)


def make_event(base: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Base event with top-level keys replaced wholesale and dotted keys set inside."""
    record = _base(base)
    for key, value in fields.items():
        if "." in key:
            set_path(record, key, value)
        elif value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def _id(n: int) -> str:
    return str(uuid.UUID(int=0xA1B2C3D4 << 96 | n))


def user(name: str, account: str = PROD) -> dict[str, Any]:
    return iam_user(name, account)


def role_session(role: str, session: str, account: str = PROD) -> dict[str, Any]:
    return assumed_role(role, session, account)


def common(
    n: int,
    time: str,
    who: dict[str, Any],
    ip: str,
    ua: str,
    region: str = "us-east-1",
    account: str = PROD,
) -> dict[str, Any]:
    return {
        "eventID": _id(n),
        "requestID": _id(10_000 + n),
        "eventTime": time,
        "userIdentity": who,
        "sourceIPAddress": ip,
        "userAgent": ua,
        "awsRegion": region,
        "recipientAccountId": account,
    }


def fn_arn(name: str, region: str = "us-east-1", account: str = PROD) -> str:
    return f"arn:aws:lambda:{region}:{account}:function:{name}"


def noise(n: int, time: str) -> list[dict[str, Any]]:
    """Everyday records, two of which name lambda.amazonaws.com outside eventSource."""
    s3 = make_event(
        "invoke",
        {
            **common(n, time, role_session("etl", "etl-job"), "10.0.4.17", "aws-sdk-java/2.25.0"),
            "eventSource": "s3.amazonaws.com",
            "eventName": "GetObject",
            "requestParameters": {"bucketName": "prod-reports", "key": "daily.csv"},
            "resources": None,
            "additionalEventData": None,
            "managementEvent": False,
            "readOnly": True,
        },
    )
    kms = make_event(
        "invoke",
        {
            **common(
                n + 1,
                time,
                role_session("payments-api-role", "payments-api"),
                "lambda.amazonaws.com",
                "lambda.amazonaws.com",
            ),
            "eventSource": "kms.amazonaws.com",
            "eventName": "Decrypt",
            "userIdentity.invokedBy": "lambda.amazonaws.com",
            "requestParameters": {
                "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
                "encryptionContext": {"aws:lambda:FunctionArn": fn_arn("payments-api")},
            },
            "resources": None,
            "additionalEventData": None,
            "managementEvent": True,
            "readOnly": True,
        },
    )
    sts = make_event(
        "invoke",
        {
            **common(n + 2, time, user("alice"), "198.51.100.7", "aws-cli/2.15.30"),
            "eventSource": "sts.amazonaws.com",
            "eventName": "GetCallerIdentity",
            "requestParameters": None,
            "resources": None,
            "additionalEventData": None,
            "managementEvent": True,
            "readOnly": True,
        },
    )
    return [s3, kms, sts]


def ci_deploy() -> list[dict[str, Any]]:
    who = role_session("github-actions-deploy", "gha-run-8812")
    code = make_event(
        "update-function-code",
        {
            **common(100, "2025-03-14T08:01:10Z", who, "192.0.2.10", TF_UA),
            "requestParameters": {
                "functionName": fn_arn("payments-api"),
                "s3Bucket": "prod-artifacts",
                "s3Key": "payments-api/4f2a9c1.zip",
                "publish": True,
            },
            "responseElements.functionArn": fn_arn("payments-api") + ":42",
            "responseElements.functionName": "payments-api",
            "responseElements.role": f"arn:aws:iam::{PROD}:role/payments-api-role",
            "responseElements.runtime": "python3.12",
        },
    )
    conf = make_event(
        "update-function-configuration",
        {
            **common(101, "2025-03-14T08:02:30Z", who, "192.0.2.10", TF_UA),
            "requestParameters": {"functionName": "payments-api", "timeout": 30, "environment": {}},
            "responseElements.functionArn": fn_arn("payments-api"),
            "responseElements.functionName": "payments-api",
            "responseElements.role": f"arn:aws:iam::{PROD}:role/payments-api-role",
            "responseElements.layers": None,
            "responseElements.runtime": "python3.12",
        },
    )
    return [code, conf]


def attack() -> list[dict[str, Any]]:
    who = user("svc-backup")
    c = lambda n, t: common(n, t, who, ATTACKER_IP, ATTACKER_UA)  # noqa: E731
    role_arn = f"arn:aws:iam::{PROD}:role/lambda-maintenance"
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    layer = f"arn:aws:lambda:us-east-1:{FOREIGN}:layer:py-utils:3"
    return [
        make_event(
            "create-role",
            {
                **c(200, "2025-03-14T09:00:05Z"),
                "requestParameters": {
                    "roleName": "lambda-maintenance",
                    "assumeRolePolicyDocument": trust,
                },
                "responseElements.role.arn": role_arn,
                "responseElements.role.roleName": "lambda-maintenance",
                "responseElements.role.assumeRolePolicyDocument": trust,
            },
        ),
        make_event(
            "attach-role-policy",
            {**c(201, "2025-03-14T09:00:40Z"), "requestParameters.roleName": "lambda-maintenance"},
        ),
        make_event(
            "create-function",
            {
                **c(202, "2025-03-14T09:02:11Z"),
                "requestParameters": {
                    "functionName": "payrnents-api",
                    "runtime": "python3.7",
                    "role": role_arn,
                    "handler": "index.handler",
                    "code": {"s3Bucket": "tmp-upload-7731", "s3Key": "p.zip"},
                    "layers": [layer],
                    "environment": {},
                    "timeout": 900,
                    "memorySize": 3008,
                    "publish": True,
                },
                "responseElements.functionArn": fn_arn("payrnents-api"),
                "responseElements.functionName": "payrnents-api",
                "responseElements.role": role_arn,
                "responseElements.runtime": "python3.7",
                "responseElements.timeout": 900,
                "responseElements.memorySize": 3008,
                "responseElements.layers": [{"arn": layer, "codeSize": 4096}],
            },
        ),
        make_event(
            "add-permission",
            {
                **c(203, "2025-03-14T09:03:02Z"),
                "requestParameters": {
                    "functionName": "payrnents-api",
                    "action": "lambda:InvokeFunctionUrl",
                    "principal": "*",
                    "statementId": "url",
                    "functionUrlAuthType": "NONE",
                },
                "responseElements.statement": json.dumps(
                    {
                        "Sid": "url",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "lambda:InvokeFunctionUrl",
                        "Resource": fn_arn("payrnents-api"),
                        "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
                    }
                ),
            },
        ),
        make_event(
            "create-function-url-config",
            {
                **c(204, "2025-03-14T09:03:40Z"),
                "awsRegion": "us-east-1",
                "eventName": "CreateFunctionUrlConfig20211031",
                "requestParameters": {
                    "functionName": "payrnents-api",
                    "authType": "NONE",
                    "cors": {"allowOrigins": ["*"]},
                },
                "responseElements": {
                    "authType": "NONE",
                    "functionArn": fn_arn("payrnents-api"),
                    "functionUrl": "https://x7kq2m4vbn5pl3rt.lambda-url.us-east-1.on.aws/",
                    "cors": {"allowOrigins": ["*"]},
                },
            },
        ),
        make_event(
            "put-rule",
            {
                **c(206, "2025-03-14T09:05:10Z"),
                "requestParameters": {
                    "name": "maintenance-tick",
                    "scheduleExpression": "rate(1 minute)",
                    "state": "ENABLED",
                },
                "responseElements": {
                    "ruleArn": f"arn:aws:events:us-east-1:{PROD}:rule/maintenance-tick"
                },
            },
        ),
        make_event(
            "put-targets",
            {
                **c(207, "2025-03-14T09:05:30Z"),
                "requestParameters": {
                    "rule": "maintenance-tick",
                    "targets": [{"id": "1", "arn": fn_arn("payrnents-api")}],
                },
            },
        ),
        make_event(
            "create-function",
            {
                **c(205, "2025-03-14T09:06:00Z"),
                "requestParameters.functionName": "payrnents-api-2",
                "errorCode": "AccessDeniedException",
                "errorMessage": "User is not authorized to perform: lambda:CreateFunction",
                "responseElements": None,
            },
        ),
    ]


def later() -> list[dict[str, Any]]:
    who = user("svc-backup")
    upd = lambda n, t: make_event(
        "update-function-code",
        {  # noqa: E731
            **common(n, t, who, ATTACKER_IP, ATTACKER_UA),
            "requestParameters": {
                "functionName": fn_arn("payrnents-api"),
                "s3Bucket": "tmp-upload-7731",
                "s3Key": f"p{n}.zip",
                "publish": True,
            },
            "responseElements.functionArn": fn_arn("payrnents-api") + ":2",
            "responseElements.functionName": "payrnents-api",
        },
    )
    return [upd(300, "2025-03-14T09:50:00Z"), upd(301, "2025-03-14T10:15:30Z")]


def console_mapping() -> dict[str, Any]:
    return make_event(
        "create-event-source-mapping",
        {
            **common(
                400,
                "2025-03-14T11:20:00Z",
                role_session("Admin", "bob", NONPROD),
                "AWS Internal",
                "AWS Internal",
                region="us-west-2",
                account=NONPROD,
            ),
            "userIdentity.invokedBy": "AWS Internal",
            "requestParameters.functionName": "orders-consumer",
            "requestParameters.eventSourceArn": f"arn:aws:sqs:us-west-2:{NONPROD}:orders",
            "responseElements.functionArn": fn_arn("orders-consumer", "us-west-2", NONPROD),
            "responseElements.eventSourceArn": f"arn:aws:sqs:us-west-2:{NONPROD}:orders",
        },
    )


def delivery(
    account: str, region: str, stamp: str, suffix: str, records: list[dict[str, Any]]
) -> None:
    day = f"{stamp[:4]}/{stamp[4:6]}/{stamp[6:8]}"
    folder = OUT / "AWSLogs" / account / "CloudTrail" / region / day
    folder.mkdir(parents=True, exist_ok=True)
    ordered = [{"eventVersion": r.get("eventVersion", "1.08"), **r} for r in records]
    body = json.dumps({"Records": ordered}, separators=(",", ":")).encode()
    name = f"{account}_CloudTrail_{region}_{stamp}_{suffix}.json.gz"
    (folder / name).write_bytes(gzip.compress(body, mtime=0))


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    atk = attack()
    delivery(
        PROD,
        "us-east-1",
        "20250314T0805Z",
        "Qx1vTzA8mN2pL4rS",
        noise(1, "2025-03-14T08:00:00Z") + ci_deploy(),
    )
    delivery(
        PROD,
        "us-east-1",
        "20250314T0910Z",
        "Hd7kWp3sZc9vB1nE",
        noise(10, "2025-03-14T09:01:00Z") + atk,
    )
    # CloudTrail delivered the AddPermission record a second time in the next file.
    delivery(
        PROD,
        "us-east-1",
        "20250314T1020Z",
        "Rm5tYq8uJf2gK6aD",
        [atk[3]] + later() + noise(20, "2025-03-14T10:00:00Z"),
    )
    delivery(
        NONPROD,
        "us-west-2",
        "20250314T1125Z",
        "Ab3cDe4fGh5iJk6L",
        [console_mapping()] + noise(30, "2025-03-14T11:00:00Z"),
    )
    digest = OUT / "AWSLogs" / PROD / "CloudTrail-Digest" / "us-east-1" / "2025" / "03" / "14"
    digest.mkdir(parents=True, exist_ok=True)
    (
        digest / f"{PROD}_CloudTrail-Digest_us-east-1_trail_us-east-1_20250314T1100Z.json.gz"
    ).write_bytes(
        gzip.compress(
            json.dumps(
                {
                    "awsAccountId": PROD,
                    "digestStartTime": "2025-03-14T10:00:00Z",
                    "digestEndTime": "2025-03-14T11:00:00Z",
                    "logFiles": [],
                }
            ).encode(),
            mtime=0,
        )
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
