"""``hunt s3://bucket/prefix`` through boto3 against moto's server over real HTTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.conftest import EXAMPLES, jsonl, run_cli

moto_server = pytest.importorskip("moto.server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws_env(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    return s3_endpoint


def _upload(bucket: str, root: Path, prefix: str = "") -> int:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=bucket)
    n = 0
    for path in sorted(root.rglob("*")):
        if path.is_file():
            s3.put_object(
                Bucket=bucket, Key=prefix + str(path.relative_to(root)), Body=path.read_bytes()
            )
            n += 1
    return n


def test_s3_prefix_gives_the_same_alerts_as_the_local_folder(aws_env: str) -> None:
    assert _upload("trail-bucket", EXAMPLES, "exports/") == 5
    local = run_cli("hunt", str(EXAMPLES), "--format", "jsonl", "--workers", "1", "-q")
    for workers in ("1", "2"):
        remote = run_cli(
            "hunt", "s3://trail-bucket/exports/AWSLogs/", "--format", "jsonl", "--workers", workers
        )
        assert remote.exit_code == 0, remote.stderr
        assert jsonl(remote.stdout) == jsonl(local.stdout)
        assert "files read: 4" in remote.stderr
        assert (
            "skipped file: s3://trail-bucket/exports/AWSLogs/111122223333/CloudTrail-Digest/"
            in remote.stderr
        )


def test_s3_bad_object_is_reported_and_the_rest_read(aws_env: str, tmp_path: Path) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="mixed")
    s3.put_object(Bucket="mixed", Key="logs/junk.json.gz", Body=b"\x1f\x8b\x08\x00garbage")
    data = (
        EXAMPLES / "AWSLogs/444455556666/CloudTrail/us-west-2/2025/03/14/"
        "444455556666_CloudTrail_us-west-2_20250314T1125Z_Ab3cDe4fGh5iJk6L.json.gz"
    ).read_bytes()
    s3.put_object(Bucket="mixed", Key="logs/good.json.gz", Body=data)
    result = run_cli("hunt", "s3://mixed/logs/", "--format", "jsonl", "--workers", "1")
    assert result.exit_code == 0
    assert [a["function"] for a in jsonl(result.stdout)] == ["orders-consumer"]
    assert "skipped file: s3://mixed/logs/junk.json.gz:" in result.stderr


def test_missing_bucket_is_one_clear_error(aws_env: str) -> None:
    result = run_cli("hunt", "s3://no-such-bucket/x", "--format", "jsonl")
    assert result.exit_code == 2
    assert "no-such-bucket" in result.stderr


def test_s3_bomb_and_padded_objects_are_capped_and_read(aws_env: str) -> None:
    from tests.ingest.helpers import GOOD, GOOD_IDS, bomb, gz, with_records

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="hostile")
    s3.put_object(
        Bucket="hostile",
        Key="logs/bomb.json.gz",
        Body=bomb(256 << 20, with_records(GOOD[0])[:-2] + b","),
    )
    s3.put_object(
        Bucket="hostile",
        Key="logs/padded.json.gz",
        Body=gz(with_records(GOOD[1], GOOD[2])) + b"\x00" * 64,
    )
    for workers in ("1", "2"):
        result = run_cli(
            "hunt",
            "s3://hostile/logs/",
            "--format",
            "jsonl",
            "--workers",
            workers,
            "--max-inflate",
            "8M",
        )
        assert result.exit_code == 0, result.stderr
        assert sorted(e for a in jsonl(result.stdout) for e in a["event_ids"]) == GOOD_IDS
        assert (
            "partly read: s3://hostile/logs/bomb.json.gz: inflates past the 8 MiB cap "
            "(--max-inflate); read the first 8 MiB"
        ) in result.stderr
        assert (
            "partly read: s3://hostile/logs/padded.json.gz: 64 trailing zero bytes after the "
            "gzip data ignored"
        ) in result.stderr
