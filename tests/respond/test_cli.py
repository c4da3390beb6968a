"""``lambdawatch respond`` end to end: plan runbook, JSON, --apply, rollback, --alert, S3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from lambdawatch.cli import main
from tests.conftest import delivery_bytes, record, write
from tests.respond.helpers import steps
from tests.respond.state import live_state


def cli(world: dict[str, Any], *args: str) -> Result:
    return CliRunner().invoke(
        main, ["respond", *args], obj={"factory": world["factory"], "fetcher": world["fetcher"]}
    )


def test_plan_prints_a_runbook_and_changes_nothing(world: dict[str, Any], tmp_path: Path) -> None:
    before = live_state(world["setup"].client)
    case = tmp_path / "case"
    res = cli(world, "payments-sync", "--evidence", str(case), "--case", "IR-1")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "lambdawatch respond: payments-sync (123456789012/us-east-1)  case IR-1"
    assert lines[1].startswith(f"1. Preserve  {case}: 29 artifacts, 3 gaps, manifest verified")
    assert "2. Contain (PLAN ONLY, nothing changed; run again with --apply to contain):" in lines
    assert (
        "          by hand: aws lambda remove-permission --function-name payments-sync "
        "--qualifier live --statement-id public-invoke --region us-east-1"
    ) in lines
    assert f"Undo containment: lambdawatch respond rollback {case}" in lines
    assert live_state(world["setup"].client) == before


def test_json_plan_apply_and_rollback(world: dict[str, Any], tmp_path: Path) -> None:
    before = live_state(world["setup"].client)
    case = tmp_path / "case"
    res = cli(
        world,
        "arn:aws:lambda:us-east-1:123456789012:function:payments-sync",
        "--evidence",
        str(case),
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    plan = json.loads(res.output)
    assert [(s["step"], s["status"]) for s in plan] == [
        ("disable-mapping", "planned"),
        ("throttle", "planned"),
        ("url-auth", "planned"),
        ("url-auth", "unchanged"),
        ("remove-statement", "planned"),
        ("remove-statement", "planned"),
        ("remove-statement", "planned"),
        ("disable-rule", "optional"),
        ("disable-schedule", "optional"),
        ("tag", "planned"),
    ]
    res = cli(world, "payments-sync", "--evidence", str(case), "--apply")
    assert res.exit_code == 0, res.output
    assert [s[2] for s in steps(case)] == ["done"] * 7
    res = cli(world, "rollback", str(case))
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("restored  tag")
    assert live_state(world["setup"].client) == before
    res = cli(world, "rollback", str(case))
    assert res.output == "7 step(s) already restored by an earlier rollback\n"


def test_failed_step_exits_2_naming_the_action(world: dict[str, Any], tmp_path: Path) -> None:
    world["faults"].deny("DELETE", r"/policy/")
    res = cli(world, "payments-sync", "--evidence", str(tmp_path / "c"), "--apply")
    assert res.exit_code == 2
    assert "STOPPED: 3 step(s) done, 4 not done." in res.output
    assert "access denied; grant lambda:RemovePermission" in res.output


def test_respond_to_a_stored_alert(world: dict[str, Any], tmp_path: Path) -> None:
    rec = record(
        "create-function-url-config",
        7,
        recipientAccountId="123456789012",
        requestParameters__functionName="payments-sync",
        userIdentity__accountId="123456789012",
        awsRegion="us-east-1",
    )
    trail = write(tmp_path / "trail.json", delivery_bytes([rec]))
    db = str(tmp_path / "state.db")
    hunt = CliRunner().invoke(main, ["hunt", str(trail), "--state", db, "--format", "jsonl"])
    assert hunt.exit_code == 0, hunt.output
    alert = json.loads(next(ln for ln in hunt.output.splitlines() if ln.startswith("{")))
    assert alert["function"] == "payments-sync"
    case = tmp_path / "case"
    res = cli(world, "--alert", alert["id"], "--state", db, "--evidence", str(case))
    assert res.exit_code == 0, res.output
    saved = json.loads((case / "cloudtrail/records.json").read_text())
    assert [r["eventID"] for r in saved["Records"]] == [rec["eventID"]]


def test_bad_usage_is_one_line_and_exit_2(world: dict[str, Any], tmp_path: Path) -> None:
    res = cli(world, "payments-sync")
    assert (res.exit_code, res.output) == (
        2,
        "Error: --evidence DIR|s3://bucket/prefix is required\n",
    )
    res = cli(world, "not a name!", "--evidence", str(tmp_path / "c"))
    assert res.exit_code == 2 and "is neither a function name nor a function ARN" in res.output
    res = cli(world, "rollback", str(tmp_path / "nothing"))
    assert res.exit_code == 2 and "no manifest.json: not a respond case folder" in res.output


def test_evidence_in_s3(world: dict[str, Any], tmp_path: Path) -> None:
    s3 = world["setup"].client("s3")
    s3.create_bucket(Bucket="ir-evidence")
    res = cli(world, "payments-sync", "--evidence", "s3://ir-evidence/cases/IR-9", "--case", "IR-9")
    assert res.exit_code == 0, res.output
    manifest = json.loads(
        s3.get_object(Bucket="ir-evidence", Key="cases/IR-9/manifest.json")["Body"].read()
    )
    assert manifest["case"] == "IR-9"
    code = s3.get_object(Bucket="ir-evidence", Key="cases/IR-9/code/1.zip")["Body"].read()
    from tests.respond.scenario import CODE_V1

    assert code == CODE_V1
    res = cli(world, "payments-sync", "--evidence", "s3://ir-evidence/cases/IR-9", "--apply")
    assert res.exit_code == 0, res.output
    lines = s3.get_object(Bucket="ir-evidence", Key="cases/IR-9/actions.jsonl")["Body"].read()
    assert len(lines.splitlines()) == 7
    res = cli(world, "rollback", "s3://ir-evidence/cases/IR-9")
    assert res.exit_code == 0, res.output


def test_unknown_function_is_one_line_and_writes_nothing(
    world: dict[str, Any], tmp_path: Path
) -> None:
    res = cli(world, "no-such-fn", "--evidence", str(tmp_path / "c"))
    assert res.exit_code == 2
    assert res.output.startswith(
        "Error: lambda:GetFunction on arn:aws:lambda:us-east-1:"
        "123456789012:function:no-such-fn: ResourceNotFoundException"
    )
    assert len(res.output.splitlines()) == 1
    assert not (tmp_path / "c").exists()
