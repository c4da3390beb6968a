"""A ``hunt --state`` built from real-shaped records: a 5-minute schedule and code changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import delivery_bytes, record, run_cli, write

UPDATE_AT = "2025-03-15T06:00:00Z"  # 30 h after series.T0
LAYER_AT = "2025-03-15T06:00:00Z"


def state_records() -> list[dict[str, object]]:
    fn_arn = "arn:aws:lambda:us-east-1:111122223333:function:"
    return [
        record(
            "put-rule",
            1,
            eventTime="2025-03-13T23:00:00Z",
            requestParameters__name="tick-5m",
            requestParameters__scheduleExpression="rate(5 minutes)",
        ),
        record(
            "put-targets",
            2,
            eventTime="2025-03-13T23:00:10Z",
            requestParameters__rule="tick-5m",
            requestParameters__targets=[{"id": "1", "arn": fn_arn + "ticker"}],
        ),
        record(
            "update-function-code",
            3,
            eventTime=UPDATE_AT,
            awsRegion="us-east-1",
            recipientAccountId="111122223333",
            requestParameters__functionName=fn_arn + "payments",
            requestParameters__fullyQualifiedArn=None,
        ),
        record(
            "update-function-configuration",
            4,
            eventTime=LAYER_AT,
            awsRegion="us-east-1",
            recipientAccountId="111122223333",
            requestParameters__functionName="layered",
            requestParameters__layers=["arn:aws:lambda:us-east-1:999988887777:layer:x:1"],
        ),
    ]


@pytest.fixture(scope="package")
def state_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("logs-state")
    logs = write(tmp / "ct" / "trail.json", delivery_bytes(state_records()))
    state = tmp / "state.db"
    result = run_cli("hunt", str(logs), "--state", str(state), "--workers", "1")
    assert result.exit_code == 0, result.stderr
    return state
