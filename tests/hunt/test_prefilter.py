"""The byte prefilter is derived from the rules and may only skip records no rule can match."""

from __future__ import annotations

import json

from lambdawatch.engine.prefilter import Prefilter
from lambdawatch.engine.ruleset import RuleSet
from tests.conftest import record

RULES = RuleSet.load()
PF = RULES.prefilter
FOUNDING = Prefilter.from_rules([r for r in RULES.rules if r.id == "LW100"])


def _compact(r: dict) -> bytes:
    return json.dumps({"eventVersion": "1.08", **r}, separators=(",", ":")).encode()


def _aws_order(r: dict) -> bytes:
    """eventTime, eventSource then eventName, as AWS writes them."""
    head = {
        k: r[k]
        for k in ("eventVersion", "userIdentity", "eventTime", "eventSource", "eventName")
        if k in r
    }
    return json.dumps({**head, **r}, separators=(",", ":")).encode()


def _hits(pf: Prefilter, data: bytes) -> list[str | None]:
    return [source for _, source in pf.sources(data)]


def test_literals_come_from_the_rules() -> None:
    assert FOUNDING is not None and PF is not None
    assert set(FOUNDING.groups) == {"lambda.amazonaws.com"}
    assert set(PF.groups) == {s for r in RULES.rules for s in r.match.event_source}


def test_founding_event_in_aws_order_is_found_and_accepted() -> None:
    data = _aws_order(record("create-function"))
    assert _hits(FOUNDING, data) == ["lambda.amazonaws.com"]
    assert FOUNDING.accepts(data, ["lambda.amazonaws.com"])


def test_other_lambda_event_in_aws_order_is_skipped_inside_the_regex() -> None:
    data = _aws_order(record("invoke", eventName="GetFunction20150331v2"))
    assert _hits(FOUNDING, data) == []


def test_any_other_key_order_is_kept_for_the_byte_check() -> None:
    r = record("invoke", eventName="GetFunction20150331v2")
    data = json.dumps(r, sort_keys=True).encode()  # eventName before eventSource
    assert _hits(FOUNDING, data) == ["lambda.amazonaws.com"]
    assert not FOUNDING.accepts(data, ["lambda.amazonaws.com"])  # then rejected on the name


def test_spaced_json_is_found_too() -> None:
    data = json.dumps(record("update-function-code")).encode()
    assert _hits(FOUNDING, data) == ["lambda.amazonaws.com"]
    assert FOUNDING.accepts(data)


def test_bare_service_name_elsewhere_is_not_a_hit() -> None:
    kms = record(
        "invoke",
        eventSource="kms.amazonaws.com",
        eventName="Decrypt",
        sourceIPAddress="lambda.amazonaws.com",
        userIdentity__invokedBy="lambda.amazonaws.com",
    )
    assert _hits(FOUNDING, _compact(kms)) == []


def test_hinted_rule_is_found_by_its_hint_and_checked_for_source_and_type() -> None:
    # LW302: IAM write by a Lambda execution-role session (user agent AWS_Lambda_...)
    call = record("iam-call-from-lambda")
    data = _compact(call)
    assert None in _hits(PF, data)
    assert PF.accepts(data, [None])
    service = json.loads(json.dumps(call))
    service["userIdentity"]["type"] = "AWSService"  # the Lambda service itself, not a session
    assert not PF.accepts(_compact(service), [None])


def test_every_firing_rule_test_passes_the_prefilter() -> None:
    from lambdawatch.engine.ruletest import run_rule_tests

    failures = [r for r in run_rule_tests(RULES) if not r.passed]
    assert failures == []


def test_aws_order_without_event_time_stays_a_candidate_to_be_reported() -> None:
    r = record("invoke", eventName="GetFunction20150331v2")
    del r["eventTime"]
    data = _aws_order(r)
    assert _hits(FOUNDING, data) == ["lambda.amazonaws.com"]
    assert not FOUNDING.accepts(data, ["lambda.amazonaws.com"])
