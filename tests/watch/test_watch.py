"""watch against moto's server over HTTP: every message shape, duplicates and redeliveries, the
same alerts as hunt --state over the same records, notifications delivered once per revision,
and crashes (SIGKILL) between receive and commit and between commit and delete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from lambdawatch.state.store import Store
from tests.conftest import ROOT, jsonl, run_cli
from tests.detect.corpus import stream
from tests.watch.conftest import Receiver, Trail, write_records

KEY = "AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/{d:02d}/111122223333_CloudTrail_us-east-1_202503{d:02d}T0805Z_{n}.json.gz"


def _alerts(db: Path) -> list[dict[str, Any]]:
    store = Store(str(db), readonly=True)
    try:
        return list(store.iter_alerts())
    finally:
        store.close()


def _hunt_alerts(tmp_path: Path, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    f = write_records(tmp_path / "all.json", records)
    db = tmp_path / "hunt.db"
    assert run_cli("hunt", str(f), "--state", str(db), "--format", "jsonl", "-q").exit_code == 0
    return _alerts(db)


def _fill(trail: Trail) -> list[dict[str, Any]]:
    """Three days of records through four paths, with duplicates; returns every record."""
    days = stream(3)
    half = len(days[0]) // 2
    # 1. direct S3 notifications (moto sends them on put_object), one object sent twice
    trail.put_delivery(KEY.format(d=10, n="a"), days[0][:half])
    trail.put_delivery(KEY.format(d=10, n="b"), days[0][half:])
    # 2. S3 notification wrapped in SNS, and 3. CloudTrail's own SNS notification, for objects
    # in a bucket that does not notify
    trail.s3.create_bucket(Bucket="quiet-bucket")
    import gzip

    for n, recs in (("c", days[1][:half]), ("d", days[1][half:])):
        body = gzip.compress(json.dumps({"Records": recs}).encode(), mtime=0)
        trail.s3.put_object(Bucket="quiet-bucket", Key=KEY.format(d=11, n=n), Body=body)
    s3_event = {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": "quiet-bucket"},
                    "object": {"key": KEY.format(d=11, n="c").replace("/", "%2F"), "eTag": "c1"},
                },
            }
        ]
    }
    sns = {"Type": "Notification", "TopicArn": "arn:aws:sns:us-east-1:1:t", "MessageId": "1"}
    trail.send({**sns, "Message": json.dumps(s3_event)})
    trail.send({**sns, "Message": json.dumps(s3_event)})  # delivered twice
    trail.send(
        {
            **sns,
            "Message": json.dumps(
                {"s3Bucket": "quiet-bucket", "s3ObjectKey": [KEY.format(d=11, n="d")]}
            ),
        }
    )
    # 4. EventBridge API-call events carrying the records, each sent twice
    for rec in days[2]:
        event = {
            "version": "0",
            "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.lambda",
            "detail": rec,
        }
        trail.send(event)
        trail.send(event)
    return [r for day in days for r in day]


def test_watch_gives_hunts_alerts_and_notifies_once(
    trail: Trail, receiver: Receiver, tmp_path: Path
) -> None:
    records = _fill(trail)
    trail.send({"hello": "unknown shape"})
    db = tmp_path / "watch.db"
    metrics = tmp_path / "m.json"
    result = run_cli(
        "watch",
        "--queue",
        trail.queue_url,
        "--state",
        str(db),
        "--once",
        "--notify",
        f"webhook:{receiver.url}",
        "--notify-min-severity",
        "low",
        "--metrics-file",
        str(metrics),
        "--wait-seconds",
        "1",
    )
    assert result.exit_code == 0, result.stderr
    assert _alerts(db) == _hunt_alerts(tmp_path, records)
    counters = json.loads(metrics.read_text())["counters"]
    assert counters["unknown"] == 1 and counters["objects"] == 4
    assert counters["objects_repeated"] == 1 and counters["test_events"] >= 1
    assert trail.depth() == 1  # only the unknown message stays (for its redrive policy)
    printed = jsonl(result.stdout)
    assert {a["id"] for a in printed} == {a["id"] for a in _alerts(db)}
    # every alert announced exactly once, after a 500 and a 429 + Retry-After were retried
    delivered = receiver.delivered()
    assert [r[1]["status"] for r in receiver.requests[:2]] == [500, 429]
    assert len(delivered) == len(set(delivered))
    created = sorted(i.split(":")[0] for i, kind in delivered if kind == "alert.created")
    assert created == sorted(a["id"] for a in _alerts(db) if not a["suppressed"])


def test_a_second_watch_over_redelivered_messages_changes_nothing(
    trail: Trail, tmp_path: Path
) -> None:
    _fill(trail)
    db = tmp_path / "watch.db"
    assert (
        run_cli(
            "watch", "--queue", trail.queue_url, "--state", str(db), "--once", "--wait-seconds", "1"
        ).exit_code
        == 0
    )
    before = _alerts(db)
    _fill(trail)  # everything again: same objects (re-uploaded), same records
    again = run_cli(
        "watch", "--queue", trail.queue_url, "--state", str(db), "--once", "--wait-seconds", "1"
    )
    assert again.exit_code == 0 and jsonl(again.stdout) == []
    assert _alerts(db) == before


def _watch_process(trail: Trail, db: Path, url: str, fault: str | None) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("LAMBDAWATCH_FAULT", None)
    if fault:
        env["LAMBDAWATCH_FAULT"] = fault
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "lambdawatch",
            "watch",
            "--queue",
            trail.queue_url,
            "--state",
            str(db),
            "--once",
            "--wait-seconds",
            "1",
            "--notify",
            f"webhook:{url}",
            "--notify-min-severity",
            "low",
            "--format",
            "none",
        ],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    return proc.returncode


@pytest.mark.parametrize("fault", ["before_commit", "after_commit"])
def test_sigkill_then_restart_loses_nothing_and_sends_each_revision_once(
    trail: Trail, receiver: Receiver, tmp_path: Path, fault: str
) -> None:
    trail.sqs.set_queue_attributes(QueueUrl=trail.queue_url, Attributes={"VisibilityTimeout": "2"})
    records = _fill(trail)
    db = tmp_path / "watch.db"
    assert _watch_process(trail, db, receiver.url, fault) == -9  # killed in the first batch
    deadline = time.monotonic() + 120
    while trail.depth() and time.monotonic() < deadline:  # the killed batch comes back
        time.sleep(2.1)
        assert _watch_process(trail, db, receiver.url, None) == 0
    assert trail.depth() == 0
    assert _alerts(db) == _hunt_alerts(tmp_path, records)
    delivered = receiver.delivered()
    assert len(delivered) == len(set(delivered))  # no revision delivered twice
    announced = {i.split(":")[0] for i, _kind in delivered}
    assert announced == {a["id"] for a in _alerts(db) if not a["suppressed"]}


def test_an_unreachable_queue_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in {
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    }.items():
        monkeypatch.setenv(k, v)
    result = run_cli(
        "watch", "--queue", "http://127.0.0.1:9/1/q", "--state", str(tmp_path / "w.db"), "--once"
    )
    assert result.exit_code == 2
    assert "sqs:GetQueueAttributes on http://127.0.0.1:9/1/q" in result.stderr
