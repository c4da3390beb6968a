"""A small multi-day, multi-function stream with the cross-record judgements that make an
incremental core hard: open windows across runs, a typosquat whose original appears later,
IAM history feeding a later alert, principal novelty, and late records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import record

ACCT = "111122223333"
T0 = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
ALICE = {
    "type": "IAMUser",
    "arn": f"arn:aws:iam::{ACCT}:user/alice",
    "accountId": ACCT,
    "principalId": "AIDAALICE",
}
MALLORY = {
    "type": "IAMUser",
    "arn": f"arn:aws:iam::{ACCT}:user/mallory",
    "accountId": ACCT,
    "principalId": "AIDAMALLORY",
}


def _at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def stream(days: int = 4) -> list[list[dict[str, Any]]]:
    """Records per day, each day's list in no particular order."""
    out: list[list[dict[str, Any]]] = []
    n = 0
    for day in range(days):
        base = day * 24 * 60
        recs = []
        for i, fn in enumerate(("payments-api", "orders-api", "reports-export")):
            n += 1
            recs.append(
                record(
                    "update-function-code",
                    n,
                    eventTime=_at(base + 10 * i),
                    recipientAccountId=ACCT,
                    awsRegion="us-east-1",
                    userIdentity=ALICE,
                    requestParameters__functionName=fn,
                )
            )
        n += 1  # a window left open at the end of the day (23:50 + 30 min tomorrow)
        recs.append(
            record(
                "update-function-configuration",
                n,
                eventTime=_at(base + 15 * 60 + 50),
                recipientAccountId=ACCT,
                awsRegion="us-east-1",
                userIdentity=ALICE,
                requestParameters__functionName="payments-api",
            )
        )
        if day == 1:  # a look-alike created before the original shows up in the logs
            n += 1
            recs.append(
                record(
                    "create-function",
                    n,
                    eventTime=_at(base + 120),
                    recipientAccountId=ACCT,
                    awsRegion="us-east-1",
                    userIdentity=MALLORY,
                    requestParameters__functionName="billing-synk",
                )
            )
        if day == 2:
            n += 1
            recs.append(
                record(
                    "update-function-code",
                    n,
                    eventTime=_at(base + 200),
                    recipientAccountId=ACCT,
                    awsRegion="us-east-1",
                    userIdentity=MALLORY,
                    sourceIPAddress="203.0.113.66",
                    requestParameters__functionName="billing-sync",
                )
            )
        if day >= 1:  # folds into the window the previous day left open
            n += 1
            recs.append(
                record(
                    "add-permission",
                    n,
                    eventTime=_at(base - 24 * 60 + 16 * 60 + 20),
                    recipientAccountId=ACCT,
                    awsRegion="us-east-1",
                    userIdentity=MALLORY,
                    requestParameters__functionName="payments-api",
                )
            )
        out.append(recs)
    return out
