"""A record that makes several functions reachable (one S3 notification naming two functions)
gives each function its own alert, judged on its own entries only, also across runs."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import delivery_bytes, jsonl, record, run_cli, write

ACCT = "111122223333"


def _notification(n: int = 1) -> dict:
    conf = {
        "LambdaFunctionConfiguration": [
            {
                "Id": "open",
                "LambdaFunctionArn": f"arn:aws:lambda:us-east-1:{ACCT}:function:fn-open",
                "Event": "s3:ObjectCreated:*",
            },
            {
                "Id": "filtered",
                "LambdaFunctionArn": f"arn:aws:lambda:us-east-1:{ACCT}:function:fn-filtered",
                "Event": "s3:ObjectCreated:Put",
                "Filter": {
                    "S3Key": {
                        "FilterRule": [
                            {"Name": "prefix", "Value": "incoming/"},
                            {"Name": "suffix", "Value": ".csv"},
                        ]
                    }
                },
            },
        ]
    }
    return record("put-bucket-notification", n, requestParameters__NotificationConfiguration=conf)


def _wildcards(alert: dict) -> list[str]:
    return [f["code"] for f in alert["findings"] if f["kind"] == "wildcard-s3-trigger"]


def test_each_function_of_one_notification_gets_its_own_judgement(tmp_path: Path) -> None:
    f = write(tmp_path / "a.json", delivery_bytes([_notification()]))
    alerts = {
        a["function"]: a for a in jsonl(run_cli("hunt", str(f), "--format", "jsonl", "-q").stdout)
    }
    assert set(alerts) == {"fn-open", "fn-filtered"}
    assert _wildcards(alerts["fn-open"]) and not _wildcards(alerts["fn-filtered"])


def test_the_open_windows_of_both_functions_survive_a_saved_state(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    first = write(tmp_path / "a.json", delivery_bytes([_notification(1)]))
    later = record(
        "update-function-code",
        2,
        eventTime="2025-03-14T09:20:00Z",
        recipientAccountId=ACCT,
        awsRegion="us-east-1",
        requestParameters__functionName="fn-filtered",
    )
    second = write(tmp_path / "b.json", delivery_bytes([later]))
    run_cli("hunt", str(first), "--state", str(db), "--format", "jsonl", "-q")
    out = jsonl(run_cli("hunt", str(second), "--state", str(db), "--format", "jsonl", "-q").stdout)
    assert [(a["function"], a["event_count"], bool(_wildcards(a))) for a in out] == [
        ("fn-filtered", 2, False)
    ]
    single = jsonl(run_cli("hunt", str(first), str(second), "--format", "jsonl", "-q").stdout)
    assert [(a["function"], a["event_count"], _wildcards(a)) for a in single] == [
        (a["function"], a["event_count"], _wildcards(a))
        for a in sorted(
            [
                *out,
                *[
                    x
                    for x in jsonl(run_cli("hunt", str(first), "--format", "jsonl", "-q").stdout)
                    if x["function"] == "fn-open"
                ],
            ],
            key=lambda a: (a["first_seen"], a["id"]),
        )
    ]
