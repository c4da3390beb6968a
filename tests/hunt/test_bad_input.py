"""Bad input never crashes the run nor passes silently: each problem is named with its file."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from tests.conftest import delivery_bytes, jsonl, record, run_cli, write

GOOD = [
    record("create-function", 1),
    record("add-permission", 2),
    record("update-function-code", 3),
]


def _hunt(*paths: Path | str) -> tuple[int, str, list[dict]]:
    result = run_cli("hunt", *map(str, paths), "--format", "jsonl", "--workers", "1")
    return result.exit_code, result.stderr, jsonl(result.stdout)


def test_truncated_gzip_keeps_the_complete_records(tmp_path: Path) -> None:
    data = gzip.compress(delivery_bytes(GOOD), mtime=0)
    bad = write(tmp_path / "cut.json.gz", data[: int(len(data) * 0.8)])
    code, err, alerts = _hunt(bad)
    assert code == 0
    assert f"partly read: {bad}: truncated gzip; recovered" in err
    got = sorted(e for a in alerts for e in a["event_ids"])
    assert got == [r["eventID"] for r in GOOD[:2]]  # the first two survive the cut
    assert "skipped records: 1 incomplete record at end of truncated file" in err


def test_invalid_json_salvages_records_before_the_break(tmp_path: Path) -> None:
    text = json.dumps({"Records": GOOD}, indent=1)
    cut = text.index(GOOD[2]["eventID"])
    bad = write(tmp_path / "broken.json", text[:cut].encode() + b"\x00oops")
    code, err, alerts = _hunt(bad)
    assert code == 0
    assert f"partly read: {bad}: invalid JSON" in err
    assert len(alerts) == 2


def test_json_that_is_not_cloudtrail(tmp_path: Path) -> None:
    other = write(tmp_path / "package.json", b'{"name": "x", "version": "1.0.0"}')
    good = write(tmp_path / "good.json", delivery_bytes(GOOD))
    code, err, alerts = _hunt(other, good)
    assert code == 0 and len(alerts) == 3
    assert (
        f"skipped file: {other}: JSON without CloudTrail records (top level: name, version)" in err
    )


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.json", b"", "empty file"),
        ("empty.json.gz", b"", "empty file"),
        ("junk.json.gz", bytes(range(256)) * 4, "not JSON (binary or text data)"),
        ("blank.jsonl", b"\n\n  \n", "empty file"),
    ],
)
def test_unreadable_content_is_reported_and_exit_2_when_nothing_read(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    bad = write(tmp_path / name, data)
    code, err, alerts = _hunt(bad)
    assert code == 2 and alerts == []
    assert f"skipped file: {bad}: {reason}" in err
    assert "no input could be read" in err


def test_records_without_time_or_name_are_counted(tmp_path: Path) -> None:
    no_time = record("create-function", 7)
    del no_time["eventTime"]
    no_name = record("update-function-code", 8)
    del no_name["eventName"]
    f = write(tmp_path / "x.json", json.dumps({"Records": [no_time, no_name, GOOD[0]]}).encode())
    code, err, alerts = _hunt(f)
    assert code == 0 and len(alerts) == 1
    assert f"skipped records: 1 record without eventName (in {f})" in err
    assert f"skipped records: 1 record without eventTime (in {f})" in err


def test_fast_path_candidate_without_event_time_is_counted(tmp_path: Path) -> None:
    no_time = record("create-function", 7)
    del no_time["eventTime"]
    f = write(tmp_path / "x.json", delivery_bytes([no_time, GOOD[1]]))
    code, err, alerts = _hunt(f)
    assert len(alerts) == 1
    assert f"skipped records: 1 record without eventTime (in {f})" in err


def test_broken_symlink(tmp_path: Path) -> None:
    link = tmp_path / "gone.json"
    link.symlink_to(tmp_path / "nowhere.json")
    good = write(tmp_path / "good.json", delivery_bytes(GOOD))
    code, err, alerts = _hunt(tmp_path)
    assert code == 0 and len(alerts) == 3
    assert f"skipped file: {link}: broken symbolic link" in err
    assert good.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file whatever its mode")
def test_unreadable_file(tmp_path: Path) -> None:
    f = write(tmp_path / "secret.json", delivery_bytes(GOOD))
    f.chmod(0)
    code, err, _ = _hunt(f)
    assert code == 2
    assert f"skipped file: {f}: permission denied (unreadable file)" in err


def test_unknown_format_is_one_clear_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from lambdawatch.cli import run; run()",
            "hunt",
            str(tmp_path),
            "--format",
            "xml",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "'xml' is not one of 'table', 'jsonl', 'json', 'rows'" in lines[0]


def test_missing_path_is_one_clear_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    missing = tmp_path / "nope"
    proc = subprocess.run(
        [sys.executable, "-c", "from lambdawatch.cli import run; run()", "hunt", str(missing)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"lambdawatch: error: {missing}: no such file or folder"


def test_unknown_flag_is_one_clear_line() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from lambdawatch.cli import run; run()",
            "hunt",
            ".",
            "--frobnicate",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("lambdawatch: error: No such option '--frobnicate'")
