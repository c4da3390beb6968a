"""Real CloudTrail samples from ../shared (skipped cleanly where that folder is absent)."""

from __future__ import annotations

from tests.conftest import jsonl, run_cli, shared_or_skip


def test_stratus_lambda_detonations() -> None:
    folder = shared_or_skip("cloudtrail-samples", "stratus-detonation-logs")
    result = run_cli("hunt", str(folder), "--format", "jsonl", "--workers", "2")
    assert result.exit_code == 0, result.stderr
    founding = [
        (a["function"], a["account"], a["event_names"])
        for a in jsonl(result.stdout)
        if a["rule"] == "LW100"
    ]
    assert sorted(founding) == [
        ("stratus-red-team-backdoor-f-func", "880896431042", ["AddPermission20150331v2"]),
        (
            "stratus-red-team-lambda-layer-simpleLambda",
            "712967571683",
            ["UpdateFunctionConfiguration20150331v2"],
        ),
        ("stratus-red-team-olc-func-vayhjqkdav", "266106314375", ["UpdateFunctionCode20150331v2"]),
    ]
    assert "skipped" not in result.stderr


def test_single_record_samples_of_the_founding_events() -> None:
    folder = shared_or_skip("cloudtrail-samples", "events")
    result = run_cli("hunt", str(folder), "--format", "rows", "--workers", "1")
    rows = jsonl(result.stdout)
    assert sorted((r["eventName"], r["functionName"]) for r in rows) == [
        ("AddPermission20150331v2", "cloudtrail-events-test"),
        ("AddPermission20150331v2", "stratus-red-team-backdoor-f-func"),
        ("CreateEventSourceMapping20150331", "example-function"),
        ("CreateFunction20150331", "cloudtrail-events-test"),
        ("UpdateFunctionCode20150331v2", "stratus-red-team-olc-func-vayhjqkdav"),
        ("UpdateFunctionConfiguration20150331v2", "stratus-red-team-lambda-layer-simpleLambda"),
    ]
    create = next(r for r in rows if r["eventName"] == "CreateFunction20150331")
    assert create["runtime"] == "nodejs20.x"
    assert (
        create["lambda_role"] == "arn:aws:iam::1010101010101:role/cloudtrail-events-test-lambda-fn"
    )
    assert create["env_vars"] is None
