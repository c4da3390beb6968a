"""Spark in local mode, started once per test session (start-up is slow); both engines side by
side. Skipped, with the reason, only when Java or pyspark is absent."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from lambdawatch.hunt import HuntOptions, HuntResult, run_hunt
from tests.conftest import ROOT, delivery_bytes, record, write

ACCOUNT_A = "111122223333"
ACCOUNT_B = "444455556666"


def _skip_reason() -> str | None:
    from lambdawatch.spark.session import java_available

    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'lambdawatch[spark]')"
    if not java_available():
        return "Java is not installed: Spark cannot start"
    return None


@pytest.fixture(scope="session")
def spark_context() -> Iterator[Any]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from lambdawatch.spark.session import open_context

    sc, started = open_context("local[2]", "lambdawatch-tests")
    yield sc
    if started:
        sc.stop()


def both(
    spark_context: Any, opts: HuntOptions, partitions: int | None = None
) -> tuple[HuntResult, HuntResult]:
    """The local engine's result and the Spark engine's, from the same options."""
    from lambdawatch.spark import SparkOptions, run_spark_hunt

    local = run_hunt(replace(opts, workers=1))
    spark = run_spark_hunt(
        replace(opts), SparkOptions(partitions=partitions, context=spark_context)
    )
    return local, spark


def alice(
    n: int, account: str, ip: str, time: str, base: str = "update-function-code"
) -> dict[str, Any]:
    """A change by one IAM user of account A, made in ``account`` (cross-account when B)."""
    return record(
        base,
        n,
        recipientAccountId=account,
        sourceIPAddress=ip,
        eventTime=time,
        userIdentity={
            "type": "IAMUser",
            "principalId": "AIDAALICE",
            "arn": f"arn:aws:iam::{ACCOUNT_A}:user/alice",
            "accountId": ACCOUNT_A,
            "userName": "alice",
        },
        requestParameters__functionName=f"shared-fn-{account}",
    )


def cross_account_file(folder: Path) -> Path:
    """Alice changes a function in A from one IP, then one in B from another: B's change is
    'source IP never seen for this principal' only if B's Detector saw A's record."""
    records = [
        alice(900001, ACCOUNT_A, "198.51.100.7", "2024-11-02T10:00:00Z"),
        alice(900002, ACCOUNT_B, "203.0.113.9", "2024-11-02T12:00:00Z"),
    ]
    return write(folder / "cross" / "cross-account.json.gz", delivery_bytes(records), gz=True)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 generated records over four accounts (bench/gen_corpus.py), plus the
    cross-account pair above."""
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "gen_corpus.py"),
            str(out),
            "--records",
            "20000",
            "--workers",
            "1",
            "--lambda-share",
            "0.05",
        ],
        check=True,
        capture_output=True,
    )
    cross_account_file(out)
    return out
