"""Real-shaped records for the analyzer, tuning and output tests: the package's base events
with the few fields a test is about patched in (account 111122223333, us-east-1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import Result

from lambdawatch.engine.bases import assumed_role, iam_user
from lambdawatch.ingest.normalize import Event, normalize
from tests.conftest import delivery_bytes, jsonl, record, run_cli, write

ACCOUNT = "111122223333"
REGION = "us-east-1"
TF_UA = (
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) "
    "terraform-provider-aws/5.40.0 aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.8"
)
BOTO_UA = "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.5.0 lang/python#3.11.6"


def user(name: str, account: str = ACCOUNT) -> dict[str, Any]:
    return iam_user(name, account)


def role_session(role: str, session: str, account: str = ACCOUNT) -> dict[str, Any]:
    return assumed_role(role, session, account)


CI = role_session("github-actions-deploy", "gha-run-1")
ATTACKER = user("svc-backup")


def fn_arn(name: str, account: str = ACCOUNT, region: str = REGION) -> str:
    return f"arn:aws:lambda:{region}:{account}:function:{name}"


def _common(
    r: dict[str, Any], time: str, who: dict[str, Any], ip: str, ua: str, account: str
) -> dict[str, Any]:
    r.update(
        {
            "eventTime": time,
            "userIdentity": who,
            "sourceIPAddress": ip,
            "userAgent": ua,
            "awsRegion": REGION,
            "recipientAccountId": account,
        }
    )
    r.pop("sessionCredentialFromConsole", None)
    return r


def create_fn(
    n: int,
    name: str,
    time: str = "2025-03-14T09:00:00Z",
    *,
    who: dict[str, Any] = ATTACKER,
    ip: str = "203.0.113.66",
    ua: str = BOTO_UA,
    account: str = ACCOUNT,
    **req: Any,
) -> dict[str, Any]:
    """CreateFunction20150331 as logged; ``req`` patches requestParameters (and the response)."""
    r = _common(record("create-function", n), time, who, ip, ua, account)
    role = req.pop("role", f"arn:aws:iam::{account}:role/{name}-role")
    request = {
        "functionName": name,
        "runtime": "python3.12",
        "role": role,
        "handler": "app.handler",
        "code": {},
        "environment": {},
        "publish": False,
        **req,
    }
    r["requestParameters"] = request
    resp = r["responseElements"]
    resp.update(
        {
            "functionName": name,
            "functionArn": fn_arn(name, account),
            "role": role,
            "runtime": request["runtime"],
            "loggingConfig": {"logFormat": "Text", "logGroup": f"/aws/lambda/{name}"},
        }
    )
    for key in ("memorySize", "timeout", "packageType", "description"):
        if key in req:
            resp[key] = req[key]
    return r


def update_code(
    n: int,
    name: str,
    time: str,
    *,
    who: dict[str, Any] = CI,
    ip: str = "192.0.2.10",
    ua: str = TF_UA,
    account: str = ACCOUNT,
    **req: Any,
) -> dict[str, Any]:
    r = _common(record("update-function-code", n), time, who, ip, ua, account)
    r["requestParameters"] = {
        "functionName": fn_arn(name, account),
        "s3Bucket": "prod-artifacts",
        "s3Key": f"{name}/build.zip",
        "publish": True,
        **req,
    }
    resp = r.get("responseElements") or {}
    resp.update(
        {
            "functionName": name,
            "functionArn": fn_arn(name, account) + ":7",
            "role": f"arn:aws:iam::{account}:role/{name}-role",
            "runtime": "python3.12",
        }
    )
    r["responseElements"] = resp
    return r


def update_config(
    n: int,
    name: str,
    time: str,
    *,
    who: dict[str, Any] = CI,
    ip: str = "192.0.2.10",
    ua: str = TF_UA,
    account: str = ACCOUNT,
    **req: Any,
) -> dict[str, Any]:
    r = _common(record("update-function-configuration", n), time, who, ip, ua, account)
    r["requestParameters"] = {"functionName": name, **req}
    resp = r["responseElements"]
    resp.update(
        {
            "functionName": name,
            "functionArn": fn_arn(name, account),
            "role": f"arn:aws:iam::{account}:role/{name}-role",
            "runtime": "python3.12",
            "layers": None,
            "memorySize": 128,
            "timeout": 30,
        }
    )
    return r


def event(r: dict[str, Any]) -> Event:
    e = normalize(json.loads(json.dumps(r)))
    e.rules = ["LW100"]
    return e


def hunt(
    tmp_path: Path,
    records: list[dict[str, Any]],
    *args: str,
    fmt: str = "jsonl",
    name: str = "trail.json",
) -> Result:
    path = write(tmp_path / "logs" / name, delivery_bytes(records))
    return run_cli("hunt", str(path.parent), "--workers", "1", "--format", fmt, *args)


def alerts(tmp_path: Path, records: list[dict[str, Any]], *args: str) -> list[dict[str, Any]]:
    result = hunt(tmp_path, records, *args)
    assert result.exit_code == 0, result.stderr
    return jsonl(result.stdout)


def kinds(alert: dict[str, Any]) -> list[str]:
    return sorted({f["kind"] for f in alert["findings"]})


def findings_of(alert: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in alert["findings"] if f["kind"] == kind]


def by_function(items: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [a for a in items if a["function"] == name]
