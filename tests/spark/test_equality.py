"""Both engines, compared exactly: alerts (ids, windows, events, findings, risk, suppression),
rows and the run summary, whatever the partitioning."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lambdawatch.hunt import HuntOptions, HuntResult
from tests.conftest import EXAMPLES, delivery_bytes, record, write
from tests.spark.conftest import ACCOUNT_B, both


def _same(local: HuntResult, spark: HuntResult) -> None:
    assert spark.alerts == local.alerts
    assert spark.all_alerts == local.all_alerts
    assert spark.rows == local.rows
    assert spark.summary.to_dict() == local.summary.to_dict()


@pytest.mark.parametrize("partitions", [1, 3, 16])
def test_examples_alerts(spark_context: Any, partitions: int) -> None:
    local, spark = both(spark_context, HuntOptions([str(EXAMPLES)]), partitions)
    _same(local, spark)
    assert len(local.alerts) == 4


def test_examples_rows_only(spark_context: Any) -> None:
    local, spark = both(spark_context, HuntOptions([str(EXAMPLES)], want_rows=True), 2)
    _same(local, spark)
    assert spark.alerts == [] and len(spark.rows) == 6


@pytest.mark.parametrize("partitions", [2, 7])
def test_generated_multi_account_corpus(
    spark_context: Any, generated: Path, partitions: int
) -> None:
    local, spark = both(spark_context, HuntOptions([str(generated)]), partitions)
    _same(local, spark)
    accounts = {a["account"] for a in local.alerts}
    assert len(accounts) >= 4  # more partitions than accounts with 7
    assert len(local.alerts) > 100
    assert local.summary.records_read == 20_002


def test_generated_rows_only(spark_context: Any, generated: Path) -> None:
    local, spark = both(spark_context, HuntOptions([str(generated)], want_rows=True), 3)
    _same(local, spark)
    assert len(local.rows) > 50


def test_since_until_window(spark_context: Any, generated: Path) -> None:
    opts = HuntOptions(
        [str(generated)],
        since=datetime(2024, 11, 2, tzinfo=UTC),
        until=datetime(2024, 11, 4, tzinfo=UTC),
    )
    local, spark = both(spark_context, opts, 2)
    _same(local, spark)
    assert local.summary.records_skipped["outside --since/--until"] > 0


def test_cross_account_principal_novelty_survives_partitioning(
    spark_context: Any, generated: Path
) -> None:
    """Must fire: B's change by A's user gets 'source IP never seen' from A's record, in
    Spark too, although A and B would sit in different partitions by account alone."""
    _, spark = both(spark_context, HuntOptions([str(generated / "cross")]), 8)
    by_account = {a["account"]: a for a in spark.alerts}
    reasons = [
        f["evidence"].get("reasons")
        for f in by_account[ACCOUNT_B]["findings"]
        if f["kind"] == "unusual-principal"
    ]
    assert reasons == [["source IP never seen for this principal"]]
    first = [
        f
        for a in spark.alerts
        if a["account"] != ACCOUNT_B
        for f in a["findings"]
        if f["kind"] == "unusual-principal"
    ]
    assert first == []  # must not fire: A's first change has nothing before it


GOOD = [
    record("create-function", 1),
    record("add-permission", 2),
    record("update-function-code", 3),
]


def _bad_corpus(root: Path) -> dict[str, Path]:
    data = gzip.compress(delivery_bytes(GOOD), mtime=0)
    text = json.dumps(
        {"Records": [record("create-function", 11), record("update-function-configuration", 12)]},
        indent=1,
    )
    cut = text.index(record("update-function-configuration", 12)["eventID"])
    return {
        "good": write(root / "a" / "good.json", delivery_bytes([record("create-function", 21)])),
        "truncated": write(root / "b" / "cut.json.gz", data[: int(len(data) * 0.8)]),
        "broken": write(root / "c" / "broken.json", text[:cut].encode() + b"\x00oops"),
        "alien": write(root / "d" / "other.json", b'{"Items": [{"a": 1}]}'),
        "garbage": write(root / "e" / "garbage.json.gz", b"\x1f\x8b\x08\x00nonsense"),
    }


def test_bad_input_reported_per_file_the_rest_goes_on(spark_context: Any, tmp_path: Path) -> None:
    files = _bad_corpus(tmp_path)
    local, spark = both(spark_context, HuntOptions([str(tmp_path)], want_rows=False), 3)
    _same(local, spark)
    skipped = dict(spark.summary.files_skipped)
    partial = dict(spark.summary.files_partial)
    assert set(skipped) == {str(files["alien"]), str(files["garbage"])}
    assert partial[str(files["truncated"])].startswith("truncated gzip; recovered")
    assert partial[str(files["broken"])].startswith("invalid JSON")
    events = sorted(e for a in spark.alerts for e in a["event_ids"])
    assert events == sorted(
        [
            GOOD[0]["eventID"],
            GOOD[1]["eventID"],
            record("create-function", 11)["eventID"],
            record("create-function", 21)["eventID"],
        ]
    )


def test_empty_folder(spark_context: Any, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    local, spark = both(spark_context, HuntOptions([str(tmp_path / "empty")]), 4)
    _same(local, spark)
    assert spark.summary.nothing_read and spark.alerts == []


def test_no_matching_record(spark_context: Any, tmp_path: Path) -> None:
    quiet = record("invoke", 5)
    write(tmp_path / "quiet.json", delivery_bytes([quiet]))
    local, spark = both(spark_context, HuntOptions([str(tmp_path)]), 4)
    _same(local, spark)
    assert spark.alerts == [] and spark.summary.files_read == 1


def test_duplicate_deliveries_counted_once(spark_context: Any, tmp_path: Path) -> None:
    for name in ("one.json", "two.json"):
        write(tmp_path / name, delivery_bytes(GOOD))
    local, spark = both(spark_context, HuntOptions([str(tmp_path)]), 2)
    _same(local, spark)
    assert spark.summary.duplicates == 3
