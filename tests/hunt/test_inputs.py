"""Every input form gives the same matched records: S3 layout, gz, JSONL, EventBridge, arrays, stdin."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.decode import decode
from tests.conftest import delivery_bytes, record, run_cli, write

RULES = RuleSet.load()


def _records() -> list[dict]:
    kms = record(
        "invoke",
        1,
        eventSource="kms.amazonaws.com",
        eventName="Decrypt",
        userIdentity__invokedBy="lambda.amazonaws.com",
        sourceIPAddress="lambda.amazonaws.com",
    )
    return [
        record("create-function", 2),
        kms,
        record("update-function-code", 3),
        record("invoke", 4),
        record("create-function", 5, errorCode="AccessDenied"),
        record("create-event-source-mapping", 6),
    ]


MATCHED_IDS = [
    "00000000-0000-4000-8000-000000000002",
    "00000000-0000-4000-8000-000000000003",
    "00000000-0000-4000-8000-000000000006",
]


def _ids(data: bytes) -> list[str]:
    out = decode(data, RULES.prefilter, RULES.match)
    return sorted(m.event_id for m in out.matched)


def _envelope(r: dict) -> dict:
    return {
        "version": "0",
        "id": "abc",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.lambda",
        "account": "101010101010",
        "time": r["eventTime"],
        "region": "us-east-1",
        "resources": [],
        "detail": r,
    }


def test_s3_delivery_uses_fast_path_and_only_cut_records_are_parsed() -> None:
    out = decode(delivery_bytes(_records()), RULES.prefilter, RULES.match)
    assert out.layout == "records-fast"
    assert out.records == 6
    assert sorted(m.event_id for m in out.matched) == MATCHED_IDS
    assert all("LW100" in m.rules for m in out.matched)


def test_pretty_printed_delivery_falls_back_to_full_parse() -> None:
    data = json.dumps({"Records": _records()}, indent=2).encode()
    out = decode(data, RULES.prefilter, RULES.match)
    assert out.layout == "records" and out.records == 6
    assert _ids(data) == MATCHED_IDS


def test_records_not_starting_with_event_version_fall_back() -> None:
    data = json.dumps({"Records": _records()}, separators=(",", ":"), sort_keys=True).encode()
    assert _ids(data) == MATCHED_IDS


def test_jsonl_compact_and_spaced() -> None:
    compact = b"\n".join(json.dumps(r, separators=(",", ":")).encode() for r in _records())
    spaced = b"\n".join(json.dumps(r).encode() for r in _records()) + b"\n"
    assert _ids(compact) == MATCHED_IDS
    assert _ids(spaced) == MATCHED_IDS
    assert decode(spaced, RULES.prefilter, RULES.match).records == 6


def test_eventbridge_envelopes_single_array_and_lines() -> None:
    envs = [_envelope(r) for r in _records()]
    assert _ids(json.dumps(envs).encode()) == MATCHED_IDS
    assert _ids(b"\n".join(json.dumps(e).encode() for e in envs)) == MATCHED_IDS
    assert _ids(json.dumps(envs[0]).encode()) == MATCHED_IDS[:1]


def test_eventbridge_other_detail_type_is_reported() -> None:
    other = {"detail-type": "EC2 Instance State-change Notification", "detail": {}}
    data = json.dumps([other, _envelope(_records()[0])]).encode()
    out = decode(data, RULES.prefilter, RULES.match)
    assert len(out.matched) == 1
    assert out.skipped == {
        "not a CloudTrail record (EventBridge event of type "
        "'EC2 Instance State-change Notification')": 1
    }


def test_bare_array_and_single_record() -> None:
    assert _ids(json.dumps(_records()).encode()) == MATCHED_IDS
    assert _ids(json.dumps(_records()[0]).encode()) == MATCHED_IDS[:1]


def test_gzip_is_detected_by_content_not_name(tmp_path: Path) -> None:
    write(tmp_path / "a.json", delivery_bytes(_records()), gz=True)  # gz bytes, .json name
    write(tmp_path / "b.json.gz", delivery_bytes([record("add-permission", 9)]))  # plain, .gz name
    result = run_cli("hunt", str(tmp_path), "--format", "jsonl", "--workers", "1")
    assert result.exit_code == 0
    assert "records read: 7" in result.stderr


def test_walks_folders_of_mixed_forms_and_skips_digests(tmp_path: Path) -> None:
    recs = _records()
    day = tmp_path / "AWSLogs/o-abc123/101010101010/CloudTrail/us-east-1/2024/09/11"
    write(
        day / "101010101010_CloudTrail_us-east-1_20240911T0930Z_x.json.gz",
        delivery_bytes(recs[:3]),
        gz=True,
    )
    write(
        tmp_path / "more/events.jsonl.gz",
        b"\n".join(json.dumps(r).encode() for r in recs[3:]),
        gz=True,
    )
    write(tmp_path / "more/notes.txt", b"not a log")
    digest = (
        tmp_path / "AWSLogs/o-abc123/101010101010/CloudTrail-Digest/us-east-1/2024/09/11/d.json.gz"
    )
    write(digest, b'{"digestStartTime":"x"}', gz=True)
    result = run_cli("hunt", str(tmp_path), "--format", "jsonl", "--workers", "2")
    assert result.exit_code == 0, result.stderr
    assert "files read: 2  records read: 6  matched: 3" in result.stderr
    assert f"skipped file: {digest}: CloudTrail digest file" in result.stderr


def test_stdin(tmp_path: Path) -> None:
    result = run_cli("hunt", "-", "--format", "jsonl", input=delivery_bytes(_records()))
    assert result.exit_code == 0
    assert (
        sorted(e for a in map(json.loads, result.stdout.splitlines()) for e in a["event_ids"])
        == MATCHED_IDS
    )


_layouts = st.sampled_from(["fast", "pretty", "jsonl", "array", "eventbridge"])


@settings(max_examples=60, deadline=None)
@given(picks=st.lists(st.integers(0, 5), min_size=1, max_size=12), layout=_layouts)
def test_every_layout_matches_the_same_records(picks: list[int], layout: str) -> None:
    base = _records()
    recs = []
    for i, p in enumerate(picks):
        r = json.loads(json.dumps(base[p]))
        r["eventID"] = f"id-{i:04d}"
        recs.append(r)
    expected = sorted(r["eventID"] for r in recs if RULES.match(r))
    if layout == "fast":
        data = delivery_bytes(recs)
    elif layout == "pretty":
        data = json.dumps({"Records": recs}, indent=1).encode()
    elif layout == "jsonl":
        data = b"\n".join(json.dumps(r).encode() for r in recs)
    elif layout == "array":
        data = json.dumps(recs).encode()
    else:
        data = b"\n".join(json.dumps(_envelope(r)).encode() for r in recs)
    out = decode(data, RULES.prefilter, RULES.match)
    assert out.records == len(recs)
    assert sorted(m.event_id for m in out.matched) == expected
