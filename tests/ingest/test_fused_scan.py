"""The fused scan: Hyperscan and the pure-Python fallback find the same candidates, every rule's
firing cases pass the fast paths, and the Lambda ``invokedBy`` hint never cuts other records."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lambdawatch.engine.bases import base_names, make_event
from lambdawatch.engine.prefilter import Prefilter
from lambdawatch.ingest.decode import decode
from tests.ingest.helpers import RULES

BACKENDS = ["hyperscan", "re"]
AWS_HEAD = ("eventVersion", "userIdentity", "eventTime", "eventSource", "eventName")


def _aws(r: dict[str, Any]) -> dict[str, Any]:
    r = {"eventVersion": "1.08", **r}
    return {**{k: r[k] for k in AWS_HEAD if k in r}, **r}


def _compact(r: dict[str, Any]) -> bytes:
    return json.dumps(_aws(r), separators=(",", ":")).encode()


def _firing_records() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for compiled in RULES.compiled:
        for case in compiled.rule.tests:
            if case.expect != "fire":
                continue
            rec = make_event(case.base, case.patch, case.remove)
            if compiled.matches(rec):  # the record-only part (context rules confirm later)
                out.append((compiled.rule.id, case.name, rec))
    return out


FIRING = _firing_records()


def _pf(backend: str) -> Prefilter:
    pf = Prefilter.from_rules(RULES.rules, backend)
    assert pf is not None
    return pf


def test_there_are_firing_cases_for_every_source() -> None:
    sources = {rec["eventSource"] for _, _, rec in FIRING}
    assert sources == set(_pf("re").groups) - {"sts.amazonaws.com"}  # sts: the test below


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("layout", ["delivery", "jsonl", "jsonl-spaced", "jsonl-sorted"])
def test_every_firing_case_passes_the_fast_path(backend: str, layout: str) -> None:
    pf = _pf(backend)
    missed = []
    for i, (rule, name, rec) in enumerate(FIRING):
        rec = {**rec, "eventID": f"id-{i}"}
        if layout == "delivery":
            data = b'{"Records":[' + _compact(rec) + b"]}"
        elif layout == "jsonl":
            data = _compact(rec) + b"\n" + _compact(rec) + b"\n"
        elif layout == "jsonl-spaced":
            data = (json.dumps(_aws(rec)) + "\n").encode() * 2
        else:
            data = (json.dumps(rec, sort_keys=True) + "\n").encode() * 2
        out = decode(data, pf, RULES.match)
        if not any(rule in m.rules for m in out.matched):
            missed.append((rule, name))
    assert missed == []


def _mixed_buffer() -> bytes:
    """Records of every base event, in AWS order, compact and spaced, with and without hints."""
    parts = []
    for n, base in enumerate(sorted(base_names())):
        rec = make_event(base)
        rec["eventID"] = f"b-{n}"
        parts.append(_compact(rec))
        parts.append(json.dumps(_aws(rec)).encode())
        hinted = {
            **rec,
            "userIdentity": {"type": "AWSService", "invokedBy": "lambda.amazonaws.com"},
        }
        parts.append(_compact(hinted))
    return b"\n".join(parts) + b"\n"


def test_both_backends_find_the_same_candidates() -> None:
    buf = _mixed_buffer()
    for delim in (None, b"\n"):
        assert _pf("hyperscan").sources(buf, delim) == _pf("re").sources(buf, delim)
    assert len(_pf("re").sources(buf, b"\n")) > 10


def _with_identity(source: str, name: str, identity: dict[str, Any]) -> bytes:
    rec = make_event("create-function")
    rec.update(eventSource=source, eventName=name, userIdentity=identity)
    return _compact(rec)


LAMBDA_SERVICE = {"type": "AWSService", "invokedBy": "lambda.amazonaws.com"}
LAMBDA_ROLE = {
    "type": "AssumedRole",
    "invokedBy": "lambda.amazonaws.com",
    "arn": "arn:aws:sts::111122223333:assumed-role/fn-role/fn",
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_lambda_hint_in_another_service_is_no_candidate(backend: str) -> None:
    buf = _with_identity("kms.amazonaws.com", "Decrypt", LAMBDA_SERVICE)
    assert _pf(backend).sources(buf, b"\n") == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_lambda_service_assuming_its_role_is_no_candidate(backend: str) -> None:
    buf = _with_identity("sts.amazonaws.com", "AssumeRole", LAMBDA_SERVICE)
    assert _pf(backend).sources(buf, b"\n") == []


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("source", "name"), [("iam.amazonaws.com", "CreateUser"), ("sts.amazonaws.com", "AssumeRole")]
)
def test_lambda_role_session_calling_iam_or_sts_is_a_candidate(
    backend: str, source: str, name: str
) -> None:
    buf = _with_identity(source, name, LAMBDA_ROLE)
    assert [s for _, s in _pf(backend).sources(buf, b"\n")] == [None]
    assert [m.rules for m in decode(buf, _pf(backend), RULES.match).matched] == [["LW302"]]


def test_hyperscan_is_the_default_backend_here() -> None:
    assert _pf("hyperscan").backend == "hyperscan"
    assert RULES.prefilter is not None and RULES.prefilter.backend == "hyperscan"
