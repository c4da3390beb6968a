"""FilterLogEvents (paginated) and GetMetricData against moto's server over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto.server import ThreadedMotoServer

from lambdawatch.aws import CallRecorder, ClientFactory
from lambdawatch.logs.live import fetch_logs, fetch_metrics
from tests.conftest import jsonl, run_cli

CREDS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
HOUR = 3600


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    mp = pytest.MonkeyPatch()
    for key, value in CREDS.items():
        mp.setenv(key, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    mp.undo()


@pytest.fixture(scope="module")
def planted(endpoint: str) -> dict[str, int]:
    """/aws/lambda/implant: 30 REPORT lines (5 minutes apart, over 3 streams) + an outbound
    connection line; AWS/Lambda metrics for it, one hour with 10x the invocations."""
    now = int(time.time())
    start = (now - 3 * HOUR) // HOUR * HOUR
    logs = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1")
    group = "/aws/lambda/implant"
    logs.create_log_group(logGroupName=group)
    for stream in range(3):
        name = f"2025/03/14/[$LATEST]{stream:032x}"
        logs.create_log_stream(logGroupName=group, logStreamName=name)
        batch = []
        for i in range(stream, 30, 3):
            ts = (start + i * 300) * 1000
            batch.append({"timestamp": ts, "message": f"START RequestId: r{i} Version: $LATEST"})
            if i == 4:
                batch.append({"timestamp": ts + 1, "message": "dial tcp 45.33.32.156:4444"})
            batch.append(
                {
                    "timestamp": ts + 100,
                    "message": (
                        f"REPORT RequestId: r{i}\tDuration: 99.00 ms\tBilled Duration: 100 ms\t"
                        "Memory Size: 512 MB\tMax Memory Used: 70 MB\t"
                    ),
                }
            )
        logs.put_log_events(logGroupName=group, logStreamName=name, logEvents=batch)
    cw = boto3.client("cloudwatch", endpoint_url=endpoint, region_name="us-east-1")
    for h in range(3):
        cw.put_metric_data(
            Namespace="AWS/Lambda",
            MetricData=[
                {
                    "MetricName": "Invocations",
                    "Value": 120.0 if h == 2 else 12.0,
                    "Unit": "Count",
                    "Dimensions": [{"Name": "FunctionName", "Value": "implant"}],
                    "Timestamp": datetime.fromtimestamp(start + h * HOUR + 60, UTC),
                },
                {
                    "MetricName": "Duration",
                    "Value": 99.0,
                    "Unit": "Milliseconds",
                    "Dimensions": [{"Name": "FunctionName", "Value": "implant"}],
                    "Timestamp": datetime.fromtimestamp(start + h * HOUR + 60, UTC),
                },
            ],
        )
    return {"start": start, "now": now}


def test_filter_log_events_pages_through_every_stream(
    endpoint: str, planted: dict[str, int]
) -> None:
    recorder = CallRecorder()
    factory = ClientFactory(region="us-east-1", endpoint_url=endpoint, recorder=recorder)
    lines = list(
        fetch_logs(factory, "implant", (planted["start"] - 60) * 1000, planted["now"] * 1000)
    )
    assert len(lines) == 61
    assert sum(1 for line in lines if line.message.startswith("REPORT ")) == 30
    assert {line.group for line in lines} == {"/aws/lambda/implant"}
    assert recorder.operations() == {"logs:FilterLogEvents"}


def test_get_metric_data_gives_hourly_series(endpoint: str, planted: dict[str, int]) -> None:
    factory = ClientFactory(region="us-east-1", endpoint_url=endpoint)
    series = fetch_metrics(
        factory, "implant", planted["start"] * 1000, (planted["start"] + 3 * HOUR) * 1000
    )
    assert [p["invocations"] for p in series] == [12.0, 12.0, 120.0]
    assert [p["duration_avg_ms"] for p in series] == [99.0, 99.0, 99.0]
    assert series[0]["hour"] == datetime.fromtimestamp(planted["start"], UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def test_missing_log_group_is_one_line_exit_2(
    endpoint: str, monkeypatch: pytest.MonkeyPatch, planted: dict[str, int]
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    result = run_cli("logs", "--function", "nope", "--since", "3h", "--no-metrics")
    assert result.exit_code == 2
    assert "logs:FilterLogEvents on /aws/lambda/nope: ResourceNotFoundException" in result.stderr


def test_cli_live_reads_logs_and_metrics(
    endpoint: str, monkeypatch: pytest.MonkeyPatch, planted: dict[str, int]
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    since = datetime.fromtimestamp(planted["start"] - 60, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = run_cli(
        "logs",
        "--function",
        "implant",
        "--since",
        since,
        "--format",
        "jsonl",
        "--region",
        "us-east-1",
    )
    assert result.exit_code == 0, result.stderr
    (out,) = jsonl(result.stdout)
    assert out["function"] == "implant" and out["invocations"] == 30
    assert [(f["kind"], f["code"]) for f in out["findings"]] == [
        ("beaconing", "LG201"),
        ("log-outbound-connection", "LG101"),
    ]
    assert out["findings"][1]["evidence"]["details"] == ["45.33.32.156:4444"]
    assert [p["invocations"] for p in out["metrics"]][:3] == [12.0, 12.0, 120.0]
    assert out["estimated_cost_usd"] == pytest.approx(
        30 * (0.1 * 0.5 * 0.0000166667 + 0.0000002), abs=1e-6
    )
