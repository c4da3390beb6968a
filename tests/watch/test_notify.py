"""Notifications: Slack text that data cannot turn into mentions or links, Standard Webhooks
signatures, SNS (standard and FIFO) against moto's server, retries and dead letters, and
hunt --state --notify."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
from pathlib import Path

import boto3
import pytest

from lambdawatch.notify import payloads
from lambdawatch.notify.sender import Sender, sign
from lambdawatch.notify.targets import Target, parse_target
from lambdawatch.state import outbox
from lambdawatch.state.store import Store
from tests.conftest import delivery_bytes, run_cli, write
from tests.detect.corpus import stream
from tests.watch.conftest import Receiver

HOSTILE = {
    "id": "lw-1",
    "title": "Lambda function created or modified: <!channel>",
    "function": "evil<https://phish.example|click>&fn",
    "severity": "critical",
    "priority": "P1",
    "account": "1",
    "region": "us-east-1",
    "risk": 90,
    "principals": ["arn:aws:iam::1:user/<@U123>"],
    "source_ips": ["203.0.113.9"],
    "user_agents": ["curl http://evil.example/x"],
    "first_seen": "t",
    "last_seen": "t",
    "event_count": 1,
    "rule": "LW100",
    "mitre": ["T1648"],
    "findings": [{"kind": "admin-role", "severity": "high", "title": "<!here> admin"}],
}


def test_slack_text_from_data_cannot_mention_or_link() -> None:
    body = payloads.slack_body("alert.created", 1, HOSTILE)
    text = body.decode()
    for bad in ("<!channel>", "<!here>", "<@U123>", "<https://", "http://evil", "evil.example"):
        assert bad not in text, bad
    assert "&lt;!here&gt;" in text and "evil[.]example" in text
    assert len(json.loads(body)["blocks"]) <= 50


def test_standard_webhooks_signature_verifies() -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()
    sig = sign(secret, "lw-1:2", 1710403361, b'{"a":1}')
    mac = hmac.new(b"k" * 24, b'lw-1:2.1710403361.{"a":1}', hashlib.sha256).digest()
    assert sig == "v1," + base64.b64encode(mac).decode()


def test_targets_never_show_the_address() -> None:
    t = parse_target("slack:https://hooks.slack.com/services/T000/B000/SECRETSECRET")
    assert "SECRET" not in t.sink and "SECRET" not in t.shown
    with pytest.raises(Exception, match="expected webhook"):
        parse_target("email:someone@example.com")


def _store_with_row(tmp_path: Path, sink: str, payload: bytes) -> Store:
    tmp_path.mkdir(parents=True, exist_ok=True)
    store = Store(str(tmp_path / "o.db"))
    outbox.enqueue(store.db, "lw-1", 1, sink, "alert.created", payload, 1000.0)
    return store


def test_retries_with_backoff_then_gives_up_on_a_4xx(tmp_path: Path) -> None:
    recv = Receiver()
    recv.script = [503, 400]
    try:
        target = Target("webhook", recv.url)
        store = _store_with_row(tmp_path, target.sink, b'{"type":"alert.created"}')
        now = [1000.0]
        sender = Sender([target], clock=lambda: now[0], rng=random.Random(1))
        assert sender.flush(store) == 0
        row = store.db.execute("SELECT attempts, next_attempt_at, status FROM outbox").fetchone()
        assert row[0] == 1 and 1000.0 <= row[1] <= 1001.0 and row[2] == "pending"
        now[0] = 1002.0
        assert sender.flush(store) == 0
        assert store.db.execute("SELECT status FROM outbox").fetchone()[0] == "dead"
    finally:
        recv.close()


def test_sns_publish_standard_and_fifo(aws: str, tmp_path: Path) -> None:
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    topics = {
        name: sns.create_topic(Name=name, Attributes=attrs)["TopicArn"]
        for name, attrs in (
            ("alerts", {}),
            ("alerts.fifo", {"FifoTopic": "true", "ContentBasedDeduplication": "false"}),
        )
    }
    q = sqs.create_queue(QueueName="sub")["QueueUrl"]
    qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topics["alerts"], Protocol="sqs", Endpoint=qarn)
    for arn in topics.values():
        target = Target("sns", arn)
        store = _store_with_row(
            tmp_path / arn.rsplit(":", 1)[-1],
            target.sink,
            payloads.sns_message("alert.created", 1, HOSTILE, "t"),
        )
        sender = Sender([target], sns_client=lambda region: boto3.client("sns", region))
        assert sender.flush(store) == 1
        store.close()
    got = sqs.receive_message(QueueUrl=q, WaitTimeSeconds=1)["Messages"]
    envelope = json.loads(got[0]["Body"])
    assert json.loads(envelope["Message"])["data"]["id"] == "lw-1"
    assert envelope["Subject"].startswith("[CRITICAL] lambdawatch: evil")


def test_hunt_state_notify_sends_once_per_revision(tmp_path: Path) -> None:
    recv = Receiver()
    recv.script = []
    try:
        db = tmp_path / "s.db"
        days = stream(2)
        for i, day in enumerate(days):
            f = write(tmp_path / f"d{i}.json", delivery_bytes(day))
            res = run_cli(
                "hunt",
                str(f),
                "--state",
                str(db),
                "--format",
                "jsonl",
                "-q",
                "--notify",
                f"webhook:{recv.url}",
                "--notify-min-severity",
                "low",
            )
            assert res.exit_code == 0, res.stderr
        delivered = recv.delivered()
        assert len(delivered) == len(set(delivered))
        kinds = {k for _i, k in delivered}
        assert kinds == {"alert.created", "alert.updated"}  # the open window grew on day 2
        assert (
            run_cli("hunt", str(tmp_path / "d0.json"), "--notify", f"webhook:{recv.url}").exit_code
            == 2
        )  # --notify needs --state
    finally:
        recv.close()


def test_no_secret_value_leaves_in_a_notification(tmp_path: Path) -> None:
    recv = Receiver()
    recv.script = []
    try:
        key = "AKIAIOSFODNN7EXAMPLE"
        day = stream(1)[0]
        day[0]["userAgent"] = f"aws-cli/2.15 creds/{key}"
        f = write(tmp_path / "d.json", delivery_bytes(day))
        res = run_cli(
            "hunt",
            str(f),
            "--state",
            str(tmp_path / "s.db"),
            "--format",
            "jsonl",
            "-q",
            "--notify",
            f"webhook:{recv.url}",
            "--notify-min-severity",
            "low",
        )
        assert res.exit_code == 0 and recv.requests
        assert all(key not in json.dumps(body) for _h, body in recv.requests)
    finally:
        recv.close()
