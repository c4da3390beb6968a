"""Throttle windows on event time, dedupe by eventID, and --state across runs and input splits."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from lambdawatch.hunt import HuntOptions, run_hunt
from tests.conftest import delivery_bytes, jsonl, record, run_cli, write

FN = "arn:aws:lambda:us-east-1:111122223333:function:billing-sync"


def ev(n: int, time: str, base: str = "update-function-code", fn: str = FN, **fields: Any) -> dict:
    defaults = {
        "eventTime": time,
        "recipientAccountId": "111122223333",
        "awsRegion": "us-east-1",
        "requestParameters__functionName": fn,
    }
    return record(base, n, **{**defaults, **fields})


def hunt(*paths: Path, state: Path | None = None, workers: int = 1) -> list[dict]:
    args = ["hunt", *map(str, paths), "--format", "jsonl", "--workers", str(workers), "-q"]
    if state:
        args += ["--state", str(state)]
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    return jsonl(result.stdout)


def core(alerts: list[dict]) -> list[tuple]:
    return [
        (
            a["id"],
            a["function"],
            a["first_seen"],
            a["last_seen"],
            a["event_count"],
            tuple(a["event_ids"]),
        )
        for a in alerts
    ]


def test_window_opens_at_first_event_and_is_sixty_minutes_of_event_time(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.json",
        delivery_bytes(
            [
                ev(1, "2025-03-14T09:00:00Z"),
                ev(2, "2025-03-14T09:59:59Z", base="update-function-configuration"),
                ev(3, "2025-03-14T10:00:00Z"),  # exactly 60 minutes after the opening: a new window
                ev(4, "2025-03-14T10:30:00Z", base="add-permission"),
                ev(5, "2025-03-14T12:00:00Z"),
            ]
        ),
    )
    alerts = hunt(f)
    assert [(a["first_seen"], a["last_seen"], a["event_count"]) for a in alerts] == [
        ("2025-03-14T09:00:00Z", "2025-03-14T09:59:59Z", 2),
        ("2025-03-14T10:00:00Z", "2025-03-14T10:30:00Z", 2),
        ("2025-03-14T12:00:00Z", "2025-03-14T12:00:00Z", 1),
    ]
    first = alerts[0]
    assert first["event_names"] == [
        "UpdateFunctionCode20150331v2",
        "UpdateFunctionConfiguration20150331v2",
    ]
    assert first["event_ids"] == [
        "00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-000000000002",
    ]
    assert (
        first["rule"] == "LW100" and first["severity"] == "critical" and first["priority"] == "P1"
    )
    assert first["mitre"][:2] == ["T1648", "T1651"]  # the founding rule's, first
    assert first["tactics"][:3] == ["TA0003", "TA0002", "TA0004"]
    assert "Recommended action: Review Lambda function code immediately" in first["playbook"]
    assert "Immediate Assessment: Who created/modified the function?" in first["playbook"]


def test_keys_are_account_region_function(tmp_path: Path) -> None:
    other_fn = "arn:aws:lambda:us-east-1:111122223333:function:other"
    f = write(
        tmp_path / "a.json",
        delivery_bytes(
            [
                ev(1, "2025-03-14T09:00:00Z"),
                ev(2, "2025-03-14T09:01:00Z", fn=other_fn),
                ev(3, "2025-03-14T09:02:00Z", awsRegion="eu-west-1"),
                ev(4, "2025-03-14T09:03:00Z", recipientAccountId="444455556666"),
            ]
        ),
    )
    assert sorted((a["account"], a["region"], a["function"]) for a in hunt(f)) == [
        ("111122223333", "eu-west-1", "billing-sync"),
        ("111122223333", "us-east-1", "billing-sync"),
        ("111122223333", "us-east-1", "other"),
        ("444455556666", "us-east-1", "billing-sync"),
    ]


def test_failed_calls_neither_alert_nor_fold(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.json",
        delivery_bytes(
            [
                ev(1, "2025-03-14T09:00:00Z", errorCode="AccessDeniedException"),
                ev(2, "2025-03-14T09:30:00Z"),
            ]
        ),
    )
    alerts = hunt(f)
    assert [(a["first_seen"], a["event_count"]) for a in alerts] == [("2025-03-14T09:30:00Z", 1)]


def test_duplicate_delivery_counts_once(tmp_path: Path) -> None:
    recs = [ev(1, "2025-03-14T09:00:00Z"), ev(2, "2025-03-14T09:10:00Z")]
    a = write(tmp_path / "a.json", delivery_bytes(recs))
    b = write(tmp_path / "b.json.gz", delivery_bytes(recs[1:] + recs[1:]), gz=True)
    result = run_cli("hunt", str(a), str(b), "--format", "jsonl", "--workers", "1")
    alerts = jsonl(result.stdout)
    assert [a["event_count"] for a in alerts] == [2]
    assert "duplicates ignored: 2" in result.stderr


def _three_files(tmp_path: Path) -> list[Path]:
    times = [
        "2025-03-14T09:00:00Z",
        "2025-03-14T09:20:00Z",
        "2025-03-14T09:50:00Z",
        "2025-03-14T10:05:00Z",
        "2025-03-14T10:40:00Z",
        "2025-03-14T11:30:00Z",
    ]
    recs = [ev(i, t) for i, t in enumerate(times)]
    recs.append(
        ev(
            50,
            "2025-03-14T09:55:00Z",
            fn="reports-export",
            base="create-function",
            requestParameters__runtime="python3.12",
        )
    )
    groups = [[recs[0], recs[3]], [recs[1], recs[4], recs[6]], [recs[2], recs[5], recs[3]]]
    return [write(tmp_path / f"f{i}.json", delivery_bytes(g)) for i, g in enumerate(groups)]


def test_identical_whatever_the_order_of_files_and_workers(tmp_path: Path) -> None:
    files = _three_files(tmp_path)
    expected = core(hunt(*files))
    assert [(a[1], a[2], a[4]) for a in expected] == [
        ("billing-sync", "2025-03-14T09:00:00Z", 3),
        ("reports-export", "2025-03-14T09:55:00Z", 1),
        ("billing-sync", "2025-03-14T10:05:00Z", 2),
        ("billing-sync", "2025-03-14T11:30:00Z", 1),
    ]
    for perm in itertools.permutations(files):
        assert core(hunt(*perm)) == expected
    assert core(hunt(tmp_path, workers=2)) == expected


def test_state_second_run_over_same_files_emits_nothing(tmp_path: Path) -> None:
    files = _three_files(tmp_path)
    db = tmp_path / "state.db"
    first = hunt(*files, state=db)
    assert first
    assert hunt(*files, state=db) == []
    assert hunt(files[0], state=db) == []


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 0, 2)])
def test_state_split_runs_end_with_the_single_run_alerts(
    tmp_path: Path, order: tuple[int, ...]
) -> None:
    files = _three_files(tmp_path)
    single = core(hunt(*files))
    db = tmp_path / "state.db"
    emitted: dict[str, dict] = {}
    for i in order:
        for a in hunt(files[i], state=db):
            emitted[a["id"]] = a  # a later emission of the same id is an update
    result = run_hunt(
        HuntOptions(paths=[str(files[0])], state_path=str(db), workers=1, keep_all=True)
    )
    assert core(result.all_alerts) == single
    # every alert of the single run was emitted, in its final form, by some run
    assert sorted(core([emitted[a[0]] for a in single])) == sorted(single)


def test_chronological_split_emits_each_alert_once_and_updates_the_open_window(
    tmp_path: Path,
) -> None:
    early = write(tmp_path / "early.json", delivery_bytes([ev(1, "2025-03-14T09:00:00Z")]))
    late = write(
        tmp_path / "late.json",
        delivery_bytes([ev(2, "2025-03-14T09:30:00Z"), ev(3, "2025-03-14T10:30:00Z")]),
    )
    db = tmp_path / "s.db"
    run1 = hunt(early, state=db)
    run2 = hunt(late, state=db)
    assert [(a["first_seen"], a["event_count"]) for a in run1] == [("2025-03-14T09:00:00Z", 1)]
    # the open window gets the folded event (same id, updated), and a new window opens
    assert [(a["id"] == run1[0]["id"], a["event_count"]) for a in run2] == [(True, 2), (False, 1)]


def test_alert_ids_are_deterministic_across_runs(tmp_path: Path) -> None:
    files = _three_files(tmp_path)
    assert [a["id"] for a in hunt(*files)] == [a["id"] for a in hunt(*reversed(files))]
    assert all(a["id"].startswith("lw-") and len(a["id"]) == 23 for a in hunt(*files))


def test_since_until(tmp_path: Path) -> None:
    files = _three_files(tmp_path)
    result = run_cli(
        "hunt",
        *map(str, files),
        "--format",
        "jsonl",
        "--since",
        "2025-03-14T10:00:00Z",
        "--until",
        "2025-03-14T11:00:00Z",
    )
    alerts = jsonl(result.stdout)
    assert [(a["first_seen"], a["event_count"]) for a in alerts] == [("2025-03-14T10:05:00Z", 2)]


def test_fail_on(tmp_path: Path) -> None:
    files = _three_files(tmp_path)
    assert (
        run_cli("hunt", str(files[0]), "--format", "jsonl", "--fail-on", "critical").exit_code == 1
    )
    empty = write(tmp_path / "quiet.json", delivery_bytes([record("invoke", 99)]))
    assert run_cli("hunt", str(empty), "--format", "jsonl", "--fail-on", "low").exit_code == 0


def test_rows_group_by_function_user_and_event_name(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.json",
        delivery_bytes(
            [
                ev(
                    1,
                    "2025-03-14T09:00:00Z",
                    requestParameters__s3Bucket="b1",
                    requestParameters__s3Key="k1",
                ),
                ev(
                    2,
                    "2025-03-14T11:00:00Z",
                    requestParameters__s3Bucket="b2",
                    requestParameters__s3Key="k2",
                ),
                ev(
                    3,
                    "2025-03-14T11:05:00Z",
                    base="update-function-configuration",
                    requestParameters__environment={"variables": {"DB_PASSWORD": "hunter2"}},
                ),
            ]
        ),
    )
    result = run_cli("hunt", str(f), "--format", "rows")
    rows = jsonl(result.stdout)
    assert [list(r) for r in rows][0] == [
        "eventdate",
        "principalId",
        "user_arn",
        "eventName",
        "functionName",
        "runtime",
        "lambda_role",
        "s3Bucket",
        "s3Key",
        "env_vars",
        "layers",
        "functionArn",
        "sourceIPAddress",
        "userAgent",
        "awsRegion",
        "count",
        "first_seen",
        "last_seen",
    ]
    assert [
        (
            r["functionName"],
            r["eventName"],
            r["s3Bucket"],
            r["s3Key"],
            r["count"],
            r["first_seen"],
            r["last_seen"],
        )
        for r in rows
    ] == [
        (
            "billing-sync",
            "UpdateFunctionCode20150331v2",
            "b2",
            "k2",
            2,
            "2025-03-14T09:00:00Z",
            "2025-03-14T11:00:00Z",
        ),
        (
            "billing-sync",
            "UpdateFunctionConfiguration20150331v2",
            None,
            None,
            1,
            "2025-03-14T11:05:00Z",
            "2025-03-14T11:05:00Z",
        ),
    ]
    assert rows[1]["env_vars"] == {"DB_PASSWORD": "****"}
    assert "hunter2" not in result.stdout
    assert rows[1]["layers"] == [
        "arn:aws:lambda:eugov-eastcentral-1r:712967571683:layer:"
        "stratus-red-team-lambda-layer-my-lambda-extension:1"
    ]
