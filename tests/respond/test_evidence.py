"""Preserve first: the evidence set, its manifest, and nothing changed by a plan."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from lambdawatch.errors import AwsError
from lambdawatch.respond import render
from tests.respond.helpers import run
from tests.respond.scenario import CODE_V1, CODE_V2, FOREIGN_LAYER, LAYER_ZIP, SECRET
from tests.respond.state import live_state

EXPECTED = {
    "function/versions.json",
    "function/aliases.json",
    "versions/$LATEST/function.json",
    "code/$LATEST.zip",
    "versions/1/function.json",
    "code/1.zip",
    "versions/2/function.json",
    "code/2.zip",
    "policy/$LATEST.json",
    "policy/2.json",
    "policy/live.json",
    "url/$LATEST.json",
    "url/live.json",
    "function/event-source-mappings.json",
    "function/concurrency.json",
    "function/provisioned-concurrency.json",
    "function/tags.json",
    "function/event-invoke-configs.json",
    "function/code-signing.json",
    "layers/123456789012-shared-utils-1.json",
    "layers/123456789012-shared-utils-1.zip",
    "layers/123456789012-shared-utils-1.policy.json",
    "role/role.json",
    "role/inline/inline-admin.json",
    "role/attached.json",
    "triggers/eventbridge-rules.json",
    "triggers/scheduler-schedules.json",
    "triggers/s3-notifications.json",
    "triggers/sns-subscriptions.json",
}


def b64sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_plan_preserves_every_version_alias_and_trigger_and_changes_nothing(
    world: dict[str, Any], tmp_path: Path
) -> None:
    before = live_state(world["setup"].client)
    case = tmp_path / "case"
    out = run(world, case)
    manifest = json.loads((case / "manifest.json").read_bytes())
    assert {a["path"] for a in manifest["artifacts"]} == EXPECTED
    assert set(manifest) == {
        "case",
        "tool",
        "function_arn",
        "collected_at",
        "collected_by",
        "region",
        "artifacts",
        "gaps",
    }
    assert (
        manifest["function_arn"] == "arn:aws:lambda:us-east-1:123456789012:function:payments-sync"
    )
    assert manifest["collected_by"].startswith("arn:aws:")
    assert manifest["case"] == out.case and out.case.startswith("lw-payments-sync-")
    for art in manifest["artifacts"]:  # every hash is the file's
        blob = (case / art["path"]).read_bytes()
        assert (art["bytes"], art["sha256"]) == (len(blob), hashlib.sha256(blob).hexdigest())
        assert set(art) >= {"path", "api", "qualifier", "bytes", "sha256"}
    digest = hashlib.sha256((case / "manifest.json").read_bytes()).hexdigest()
    assert (case / "manifest.sha256").read_text() == f"{digest}  manifest.json\n"
    code = {a["path"]: a for a in manifest["artifacts"] if a["path"].endswith(".zip")}
    assert (case / "code/1.zip").read_bytes() == CODE_V1
    assert (case / "code/2.zip").read_bytes() == CODE_V2
    assert code["code/1.zip"]["aws_code_sha256_b64"] == b64sha(CODE_V1)
    assert code["code/2.zip"]["aws_code_sha256_b64"] == b64sha(CODE_V2)
    assert all(a["verified"] for a in code.values())
    assert code["code/1.zip"]["qualifier"] == "1" and code["code/1.zip"]["api"] == "GetFunction"
    layer = next(a for a in code.values() if a["path"].startswith("layers/"))
    assert (case / layer["path"]).read_bytes() == LAYER_ZIP
    aliases = json.loads((case / "function/aliases.json").read_text())
    assert aliases[0]["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.1}}
    gaps = {(g["what"], g["api"], g["error"]) for g in manifest["gaps"]}
    assert (f"layer {FOREIGN_LAYER}", "lambda:GetLayerVersion", "access-denied") in gaps
    # moto does not serve these two: recorded as gaps, never a crash
    assert {g[1] for g in gaps} == {
        "lambda:GetLayerVersion",
        "lambda:ListProvisionedConcurrencyConfigs",
        "lambda:GetRuntimeManagementConfig",
    }
    rules = json.loads((case / "triggers/eventbridge-rules.json").read_text())
    assert [r["Rule"]["Name"] for r in rules] == ["payments-every-minute"]
    schedules = json.loads((case / "triggers/scheduler-schedules.json").read_text())
    assert [s["Name"] for s in schedules] == ["beacon"]
    s3 = json.loads((case / "triggers/s3-notifications.json").read_text())
    assert [n["Bucket"] for n in s3] == ["payments-uploads"]  # not unrelated-bucket
    sns = json.loads((case / "triggers/sns-subscriptions.json").read_text())
    assert [s["Protocol"] for s in sns] == ["lambda"]  # not the SQS subscription
    assert out.plan.notes == [
        (
            "S3 bucket payments-uploads invokes the function (reserved concurrency 0 throttles it); "
            "remove the trigger at its source after approval"
        ),
        (
            "SNS topic arn:aws:sns:us-east-1:123456789012:payments-events invokes the function "
            "(reserved concurrency 0 throttles it); remove the trigger at its source after approval"
        ),
    ]
    # the secret stays inside the evidence store and out of everything printed
    assert SECRET in (case / "versions/$LATEST/function.json").read_text()
    assert SECRET not in render.text(out) and SECRET not in render.as_json(out)
    assert out.verification.ok and not out.applied
    assert (case.stat().st_mode & 0o777, (case / "code").stat().st_mode & 0o777) == (0o700, 0o700)
    assert {(case / a["path"]).stat().st_mode & 0o777 for a in manifest["artifacts"]} == {0o400}
    assert not (case / "actions.jsonl").exists()
    assert live_state(world["setup"].client) == before


def test_tampered_evidence_blocks_containment(world: dict[str, Any], tmp_path: Path) -> None:
    case = tmp_path / "case"
    run(world, case)
    before = live_state(world["setup"].client)
    (case / "code/2.zip").chmod(0o600)
    (case / "code/2.zip").write_bytes(b"replaced")
    with pytest.raises(AwsError, match=r"does not verify \(code/2.zip: SHA-256 differs"):
        run(world, case, apply=True)
    assert live_state(world["setup"].client) == before
    assert not (case / "actions.jsonl").exists()


def test_untampered_evidence_is_reused_not_collected_again(
    world: dict[str, Any], tmp_path: Path
) -> None:
    case = tmp_path / "case"
    first = run(world, case)
    manifest = (case / "manifest.json").read_bytes()
    second = run(world, case)
    assert second.reused and second.case == first.case and second.verification.ok
    assert second.plan.notes == first.plan.notes and len(first.plan.notes) == 2
    assert (case / "manifest.json").read_bytes() == manifest


def test_code_that_does_not_match_its_hash_blocks_containment(
    world: dict[str, Any], tmp_path: Path
) -> None:
    world["files"]["/payments-sync/1"] = CODE_V2  # the download is not what Lambda runs
    case = tmp_path / "case"
    before = live_state(world["setup"].client)
    out = run(world, case)
    assert not out.verification.ok
    assert out.verification.problems == [
        "code/1.zip: downloaded code does not match its CodeSha256"
    ]
    gaps = [g for g in out.manifest["gaps"] if g["error"] == "hash-mismatch"]
    assert [g["what"] for g in gaps] == ["code of version 1"]
    with pytest.raises(AwsError, match="does not verify"):
        run(world, case, apply=True)
    assert live_state(world["setup"].client) == before


def test_alert_records_are_preserved(world: dict[str, Any], tmp_path: Path) -> None:
    from lambdawatch.respond.run import Options, respond
    from lambdawatch.respond.target import Resolved

    records = [{"eventID": "e-1", "eventName": "UpdateFunctionCode20150331v2"}]
    resolved = Resolved(
        "payments-sync", "us-east-1", "123456789012", alert_id="lw-abc", records=records
    )
    case = tmp_path / "case"
    respond(world["factory"], resolved, Options(str(case)), fetcher=world["fetcher"])
    saved = json.loads((case / "cloudtrail/records.json").read_text())
    assert saved == {"alert": "lw-abc", "Records": records}
    manifest = json.loads((case / "manifest.json").read_text())
    assert [
        a["qualifier"] for a in manifest["artifacts"] if a["path"] == "cloudtrail/records.json"
    ] == ["lw-abc"]


def test_alert_in_another_account_is_refused(world: dict[str, Any], tmp_path: Path) -> None:
    from lambdawatch.errors import UsageError
    from lambdawatch.respond.run import Options, respond
    from lambdawatch.respond.target import Resolved

    resolved = Resolved("payments-sync", "us-east-1", "999999999999", alert_id="lw-x")
    with pytest.raises(
        UsageError, match="in account 999999999999 but the credentials are for account 123456789012"
    ):
        respond(world["factory"], resolved, Options(str(tmp_path / "c")), fetcher=world["fetcher"])
    assert not (tmp_path / "c").exists()
