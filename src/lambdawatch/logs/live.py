"""Live reading through boto3 (clients from :class:`lambdawatch.aws.ClientFactory`, passed in):
FilterLogEvents with pagination and the function's CloudWatch metrics by GetMetricData."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from typing import Any

from lambdawatch.logs.model import LogLine, ms_to_iso

GROUP_PREFIX = "/aws/lambda/"
HOUR_S = 3600
_METRICS = (
    ("invocations", "Invocations", "Sum"),
    ("duration_avg_ms", "Duration", "Average"),
    ("errors", "Errors", "Sum"),
    ("throttles", "Throttles", "Sum"),
    ("concurrent_max", "ConcurrentExecutions", "Maximum"),
)


def fetch_logs(
    factory: Any, function: str, since_ms: int, until_ms: int, region: str | None = None
) -> Iterator[LogLine]:
    """Every event of ``/aws/lambda/FUNCTION`` between the two times, page by page."""
    from botocore.exceptions import BotoCoreError, ClientError

    from lambdawatch.aws import raise_for

    group = GROUP_PREFIX + function
    client = factory.client("logs", region)
    try:
        pages = client.get_paginator("filter_log_events").paginate(
            logGroupName=group, startTime=since_ms, endTime=until_ms
        )
        for page in pages:
            for ev in page.get("events", []):
                yield LogLine(
                    int(ev["timestamp"]), str(ev.get("message", "")), group, ev.get("logStreamName")
                )
    except (ClientError, BotoCoreError) as exc:
        raise raise_for(exc, "logs:FilterLogEvents", group) from None


def fetch_metrics(
    factory: Any, function: str, since_ms: int, until_ms: int, region: str | None = None
) -> list[dict[str, Any]]:
    """Hourly Invocations, Duration, Errors, Throttles and ConcurrentExecutions."""
    from datetime import datetime

    from botocore.exceptions import BotoCoreError, ClientError

    from lambdawatch.aws import raise_for

    dims = [{"Name": "FunctionName", "Value": function}]
    queries = [
        {
            "Id": key,
            "ReturnData": True,
            "MetricStat": {
                "Metric": {"Namespace": "AWS/Lambda", "MetricName": name, "Dimensions": dims},
                "Period": HOUR_S,
                "Stat": stat,
            },
        }
        for key, name, stat in _METRICS
    ]
    hours: dict[int, dict[str, Any]] = {}
    client = factory.client("cloudwatch", region)
    try:
        for page in client.get_paginator("get_metric_data").paginate(
            MetricDataQueries=queries,
            ScanBy="TimestampAscending",
            StartTime=datetime.fromtimestamp(since_ms / 1000, UTC),
            EndTime=datetime.fromtimestamp(until_ms / 1000, UTC),
        ):
            for result in page.get("MetricDataResults", []):
                for ts, value in zip(
                    result.get("Timestamps", []), result.get("Values", []), strict=False
                ):
                    hour = int(ts.timestamp()) // HOUR_S
                    hours.setdefault(hour, {})[result["Id"]] = float(value)
    except (ClientError, BotoCoreError) as exc:
        raise raise_for(exc, "cloudwatch:GetMetricData", function) from None
    return [
        {
            "hour": ms_to_iso(h * HOUR_S * 1000),
            **{key: hours[h].get(key, 0.0) for key, _, _ in _METRICS},
        }
        for h in sorted(hours)
    ]
