"""``lambdawatch audit`` end to end over HTTP, and the loop back into ``hunt``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lambdawatch.audit import store
from lambdawatch.audit.inventory_out import masked_config
from lambdawatch.cli import main
from lambdawatch.inventory.lambda_inventory import load_lambda_inventory

CONTRACT_KEYS = {
    "account",
    "region",
    "function",
    "function_arn",
    "qualifier",
    "runtime",
    "role",
    "findings",
    "risk",
    "risk_explanation",
    "playbook",
    "gaps",
}


@pytest.fixture()
def env(moto_server: str, planted_account: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)


def _audit(*args: str) -> Any:
    return CliRunner().invoke(
        main, ["audit", "--regions", "us-east-1,eu-west-1", *args], catch_exceptions=False
    )


def test_jsonl_fail_on_state_and_inventory(env: None, tmp_path: Path) -> None:
    inv, db = tmp_path / "inv", tmp_path / "state.db"
    res = _audit(
        "--format", "jsonl", "--fail-on", "high", "--save-inventory", str(inv), "--state", str(db)
    )
    assert res.exit_code == 1
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [(r["function"], r["qualifier"]) for r in lines][:3] == [
        ("pyment-processor", None),
        ("pyment-processor", "2"),
        ("pyment-processor", "live"),
    ]
    assert all(set(r) >= CONTRACT_KEYS for r in lines)
    assert "lambda:ListFunctionUrlConfigs" in res.stderr  # the gaps are in the summary
    saved = store.latest(db, "123456789012", "us-east-1", "pyment-processor")
    assert [r["qualifier"] for r in saved] == [None, "2", "live"]
    assert sorted(p.name for p in inv.iterdir()) == ["iam-inventory.json", "lambda-inventory.json"]
    assert "Location" not in (inv / "lambda-inventory.json").read_text()


def test_fail_on_critical_passes_nothing_clean(env: None) -> None:
    res = _audit("--format", "json", "--fail-on", "critical", "--functions", "payment-processor")
    assert res.exit_code == 0
    assert [r["function"] for r in json.loads(res.stdout)] == ["payment-processor"]


def test_table_and_ocsf(env: None) -> None:
    table = _audit("--functions", "pyment-processor,orders-api", "-q")
    assert table.exit_code == 0
    assert "pyment-processor:live" in table.stdout and "weighted-alias-to-hidden-version" in (
        table.stdout.replace("\n", " ").replace("│", " ").replace(" ", "")
    )
    ocsf = _audit("--format", "ocsf", "--functions", "pyment-processor", "-q")
    first = json.loads(ocsf.stdout.splitlines()[0])
    assert first["class_uid"] == 2004
    assert first["resources"][0]["uid"].endswith(":function:pyment-processor")
    assert first["finding_info"]["data_sources"] == ["AWS API (live configuration)"]


def test_saved_inventory_feeds_hunt(env: None, tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    assert _audit("--format", "jsonl", "--save-inventory", str(inv), "-q").exit_code == 0
    record = {
        "eventVersion": "1.08",
        "eventTime": "2026-01-01T10:00:00Z",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "UpdateFunctionConfiguration20150331v2",
        "awsRegion": "us-east-1",
        "recipientAccountId": "123456789012",
        "eventID": "e-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2",
        "userIdentity": {
            "type": "IAMUser",
            "accountId": "123456789012",
            "arn": "arn:aws:iam::123456789012:user/mallory",
        },
        "requestParameters": {
            "functionName": "pyment-processor",
            "role": "arn:aws:iam::123456789012:role/ops-maintenance",
        },
        "responseElements": None,
    }
    logs = tmp_path / "ct.json"
    logs.write_text(json.dumps({"Records": [record]}))
    res = CliRunner().invoke(
        main,
        [
            "hunt",
            str(logs),
            "--format",
            "jsonl",
            "-q",
            "--lambda-inventory",
            str(inv / "lambda-inventory.json"),
            "--iam-inventory",
            str(inv / "iam-inventory.json"),
        ],
        catch_exceptions=False,
    )
    alert = json.loads(res.stdout.splitlines()[0])
    kinds = {f["kind"] for f in alert["findings"]}
    assert {"admin-role", "public-function-url", "foreign-layer", "permissive-cors"} <= kinds


def test_inventory_masks_env_and_hunt_reads_the_verdict(tmp_path: Path) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    config = {
        "FunctionName": "f",
        "FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:f",
        "Environment": {"Variables": {"AWS_SECRET_ACCESS_KEY": secret, "STAGE": "prod"}},
    }
    shown = masked_config(config)["Environment"]["Variables"]
    assert shown == {
        "AWS_SECRET_ACCESS_KEY": "****(40 chars; aws-secret-access-key, critical)",
        "STAGE": "****(4 chars)",
    }
    path = tmp_path / "inv.json"
    path.write_text(json.dumps({"Functions": [masked_config(config)]}))
    inv = load_lambda_inventory(path)
    assert inv is not None
    from lambdawatch.analyze.env import env_findings

    info = inv.function("111122223333", "us-east-1", "f")
    assert info is not None
    found = env_findings(info.env, "lambda inventory")
    assert [(f.kind, f.severity) for f in found] == [("env-secret", "critical")]
    assert secret not in path.read_text() and secret not in repr(found[0].to_dict())
