"""One bad record is skipped and named alone (line or record number); its file goes on."""

from __future__ import annotations

import json

import pytest

from lambdawatch.ingest.limits import Limits
from tests.conftest import record
from tests.ingest.helpers import (
    GOOD,
    GOOD_IDS,
    decoded,
    deep,
    delivery,
    ids,
    lines,
    with_records,
)

BAD_TIME = record("create-function", 40, eventTime="99999-01-01T00:00:00Z")
MONTH_13 = record("create-function", 41, eventTime="2024-13-01T00:00:00Z")


@pytest.mark.parametrize("layout", ["delivery", "jsonl", "array"])
def test_out_of_range_event_time_costs_only_its_record(layout: str) -> None:
    recs = [GOOD[0], BAD_TIME, GOOD[1], MONTH_13, GOOD[2]]
    data = {
        "delivery": with_records(*recs),
        "jsonl": lines(recs),
        "array": json.dumps(recs, indent=1).encode(),
    }[layout]
    out = decoded(data)
    assert ids(out) == GOOD_IDS
    assert out.records == 5
    where = "line" if layout == "jsonl" else "record"
    assert out.problem is not None
    assert out.problem.startswith(f"{where} 2: record has no valid eventTime (")
    assert f"; {where} 4: record has no valid eventTime (" in out.problem
    assert sum(out.skipped.values()) == 2


def test_good_event_time_twin_is_kept() -> None:
    ok = record("create-function", 42, eventTime="2024-12-01T00:00:00Z")
    out = decoded(with_records(ok))
    assert ids(out) == [ok["eventID"]] and out.problem is None and out.skipped == {}


@pytest.mark.parametrize("layout", ["delivery", "jsonl"])
def test_deeply_nested_record_is_skipped_alone(layout: str) -> None:
    recs = [GOOD[0], deep(2000, 51), GOOD[1], deep(100, 52), GOOD[2]]
    data = delivery(recs) if layout == "delivery" else lines(recs)
    out = decoded(data)
    assert ids(out) == GOOD_IDS
    where = "line" if layout == "jsonl" else "record"
    assert out.problem == (
        f"{where} 2: record nested deeper than 64 levels; "
        f"{where} 4: record nested deeper than 64 levels"
    )
    assert out.skipped == {"record nested deeper than 64 levels": 2}


def test_nesting_within_the_limit_is_kept() -> None:
    out = decoded(delivery([deep(40, 53)]))
    assert ids(out) == ["00000000-0000-4000-8000-000000000053"] and out.problem is None


def test_broken_record_in_the_middle_of_a_delivery_file_costs_only_itself() -> None:
    data = with_records(*GOOD)
    cut = data.index(b'{"eventVersion"', data.index(GOOD[1]["eventID"].encode()) - 400)
    broken = (
        data[:cut] + b'{"eventVersion":"1.08","eventSource":"lambda.amazonaws.com",'
        b'"eventName":"CreateFunction20150331",]},' + data[cut:]
    )
    out = decoded(broken)
    assert ids(out) == GOOD_IDS
    assert out.problem is not None and "record 2: invalid JSON record" in out.problem


def test_jsonl_lines_that_are_not_objects_are_named_by_line() -> None:
    data = lines([GOOD[0], b"[1, 2]", GOOD[1], b'"text"', b"42", GOOD[2]])
    out = decoded(data)
    assert ids(out) == GOOD_IDS
    assert out.records == 6
    assert out.problem == (
        "line 2: line is not a JSON object; line 4: line is not a JSON object; "
        "line 5: line is not a JSON object"
    )
    assert out.skipped == {"line is not a JSON object": 3}


def test_jsonl_of_objects_only_reports_nothing() -> None:
    out = decoded(lines(GOOD))
    assert ids(out) == GOOD_IDS and out.problem is None and out.skipped == {}


def test_jsonl_invalid_candidate_line_is_named() -> None:
    bad = (
        b'{"eventVersion":"1.08","eventTime":"2024-01-01T00:00:00Z",'
        b'"eventSource":"lambda.amazonaws.com","eventName":"CreateFunction20150331"}}'
    )
    out = decoded(lines([GOOD[0], bad, GOOD[1]]))
    assert ids(out) == sorted(r["eventID"] for r in GOOD[:2])
    assert out.problem == "line 2: invalid JSON line"


@pytest.mark.parametrize("missing", ["eventTime", "eventName"])
def test_watched_source_without_time_or_name_is_named_by_line(missing: str) -> None:
    bad = record("create-function", 9)
    del bad[missing]
    out = decoded(lines([GOOD[0], bad, GOOD[1]]))
    assert ids(out) == sorted(r["eventID"] for r in GOOD[:2])
    assert out.problem == f"line 2: record without {missing}"
    assert out.skipped == {f"record without {missing}": 1}


def test_record_past_the_size_cap_is_skipped_and_named() -> None:
    big = record("create-function", 60, requestParameters__blob="x" * 5000)
    out = decoded(with_records(GOOD[0], big, GOOD[1]), Limits(max_record=4096))
    assert ids(out) == sorted(r["eventID"] for r in GOOD[:2])
    assert out.problem == "record 2: record larger than the 4 KiB cap"
    jl = decoded(lines([GOOD[0], big, GOOD[1]]), Limits(max_record=4096))
    assert jl.problem == "line 2: record larger than the 4 KiB cap"


def test_record_within_the_size_cap_is_kept() -> None:
    big = record("create-function", 61, requestParameters__blob="x" * 1500)
    out = decoded(with_records(big), Limits(max_record=4096))
    assert ids(out) == [big["eventID"]] and out.problem is None


def test_record_with_too_many_values_is_skipped_bounded_work() -> None:
    targets = [
        {"id": f"t{i}", "arn": "arn:aws:lambda:us-east-1:111122223333:function:x"}
        for i in range(30_000)
    ]
    many = record("put-targets", 70, requestParameters__targets=targets)
    out = decoded(with_records(GOOD[0], many))
    assert ids(out) == [GOOD[0]["eventID"]]
    assert out.problem == "record 2: record with more than 50000 JSON values"


def test_record_with_a_few_targets_is_kept() -> None:
    few = record("put-targets", 71)
    out = decoded(with_records(few))
    assert out.problem is None and out.skipped == {}


def test_only_the_first_problems_are_listed_all_are_counted() -> None:
    recs = [GOOD[0]] + [b"[0]"] * 8 + [GOOD[1]]
    out = decoded(lines(recs), Limits(max_problems=2))
    assert out.problem == (
        "line 2: line is not a JSON object; line 3: line is not a JSON object (+6 more)"
    )
    assert out.skipped == {"line is not a JSON object": 8}


def test_record_past_the_size_cap_in_a_pretty_printed_file_is_skipped() -> None:
    big = record("create-function", 62, requestParameters__blob="x" * 5000)
    data = json.dumps({"Records": [GOOD[0], big, GOOD[1]]}, indent=2).encode()
    out = decoded(data, Limits(max_record=4096))
    assert out.layout == "records"
    assert ids(out) == sorted(r["eventID"] for r in GOOD[:2])
    assert out.problem == "record 2: record larger than the 4 KiB cap"


def test_padding_after_the_last_record_does_not_make_it_oversize() -> None:
    data = with_records(*GOOD)[:-2] + b"," + b" " * 10_000
    out = decoded(data, Limits(max_record=4096))
    assert ids(out) == GOOD_IDS
    assert out.skipped == {}
