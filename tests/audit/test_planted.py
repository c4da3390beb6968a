"""The planted account, audited over HTTP: exact findings per function and qualifier."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lambdawatch.audit.run import AuditOptions, AuditRun, run_audit
from lambdawatch.aws import ClientFactory
from lambdawatch.severity import SEVERITY_ORDER
from tests.audit.moto_fixes import code_resolver
from tests.audit.planted import FOREIGN_LAYER

REGIONS = ["us-east-1", "eu-west-1"]
TODAY = date(2026, 1, 1)

BACKDOOR_LATEST = {
    ("admin-role", "LW501", "critical"),
    ("foreign-layer", "CF114", "high"),
    ("public-function-url", "CF110", "high"),
    ("high-frequency-schedule", "LW511", "medium"),
    ("permissive-cors", "CF111", "medium"),
    ("typosquat-name", "NM102", "medium"),
    ("unreadable-layer", "AU104", "medium"),
}
BACKDOOR_LIVE = {
    ("admin-role", "LW501", "critical"),
    ("foreign-layer", "CF114", "high"),
    ("public-invoke-permission", "CF112", "high"),
    ("weighted-alias-to-hidden-version", "AU101", "high"),
    ("high-frequency-schedule", "LW512", "medium"),
    ("scheduler-target", "AU103", "medium"),
    ("unreadable-layer", "AU104", "medium"),
}
BACKDOOR_V2 = {
    ("admin-role", "LW501", "critical"),
    ("foreign-layer", "CF114", "high"),
    ("unreadable-layer", "AU104", "medium"),
}


def _kinds(result: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(f["kind"], f["code"], f["severity"]) for f in result["findings"]}


def _by_key(run: AuditRun) -> dict[tuple[str, str | None], dict[str, Any]]:
    return {(r["function"], r["qualifier"]): r for r in run.results}


@pytest.fixture(scope="module")
def audited(moto_server: str, planted_account: Any) -> AuditRun:
    import boto3

    factory = ClientFactory(
        region="us-east-1",
        endpoint_url=moto_server,
        session=boto3.session.Session(region_name="us-east-1"),
    )
    return run_audit(factory, AuditOptions(regions=REGIONS, today=TODAY))


def test_one_result_per_function_and_per_differing_qualifier(audited: AuditRun) -> None:
    assert sorted(_by_key(audited), key=str) == sorted(
        [
            ("orders-api", None),
            ("payment-processor", None),
            ("pyment-processor", None),
            ("pyment-processor", "2"),
            ("pyment-processor", "live"),
            ("report-builder", None),
        ],
        key=str,
    )
    # payment-processor's alias "prod" and version 1, and the backdoor's version 1, are the
    # same code, role, policy and URL as $LATEST: no result of their own.


def test_backdoor_latest_exact_findings(audited: AuditRun) -> None:
    r = _by_key(audited)[("pyment-processor", None)]
    assert _kinds(r) == BACKDOOR_LATEST
    assert r["function_arn"] == "arn:aws:lambda:us-east-1:123456789012:function:pyment-processor"
    assert r["role"] == "arn:aws:iam::123456789012:role/ops-maintenance"
    assert r["risk"] == 100
    admin = next(f for f in r["findings"] if f["kind"] == "admin-role")
    assert admin["evidence"]["why"] == [
        "managed policy arn:aws:iam::123456789012:policy/ops-maintenance-logs allows * on *"
    ]
    squat = next(f for f in r["findings"] if f["kind"] == "typosquat-name")
    assert squat["evidence"]["matches"][0]["looks_like"] == "payment-processor"
    layer = next(f for f in r["findings"] if f["kind"] == "foreign-layer")
    assert layer["evidence"]["layer"] == FOREIGN_LAYER
    assert [(g["api"], g["error"], g["resource"]) for g in r["gaps"]] == [
        ("lambda:GetLayerVersion", "not-found", FOREIGN_LAYER)
    ]
    assert any(step.startswith("For admin-role") for step in r["playbook"])


def test_alias_carries_its_own_policy_and_hidden_route(audited: AuditRun) -> None:
    r = _by_key(audited)[("pyment-processor", "live")]
    assert _kinds(r) == BACKDOOR_LIVE
    assert r["function_arn"].endswith(":function:pyment-processor:live")
    weighted = next(f for f in r["findings"] if f["kind"] == "weighted-alias-to-hidden-version")
    assert weighted["evidence"]["hidden_version"] == "2"
    assert weighted["evidence"]["weight"] == 0.1
    assert weighted["evidence"]["differs_in"] == ["CodeSha256"]
    public = next(f for f in r["findings"] if f["kind"] == "public-invoke-permission")
    assert public["evidence"]["sid"] == "open"


def test_hidden_version_has_its_own_result(audited: AuditRun) -> None:
    assert _kinds(_by_key(audited)[("pyment-processor", "2")]) == BACKDOOR_V2


@pytest.mark.parametrize("name", ["payment-processor", "orders-api", "report-builder"])
def test_clean_functions_nothing_above_low(audited: AuditRun, name: str) -> None:
    r = _by_key(audited)[(name, None)]
    assert [f for f in r["findings"] if SEVERITY_ORDER[f["severity"]] > SEVERITY_ORDER["low"]] == []
    assert r["gaps"] == []


def test_clean_function_context_shows_triggers(audited: AuditRun) -> None:
    pp = _by_key(audited)[("payment-processor", None)]
    assert [t["trigger"] for t in pp["context"]["triggers"]] == ["eventbridge-rule"]
    assert len(pp["context"]["event_source_mappings"]) == 1
    orders = _by_key(audited)[("orders-api", None)]
    assert sorted(
        (t["trigger"], t.get("authorization")) for t in orders["context"]["triggers"]
    ) == [("apigateway-http", "AWS_IAM"), ("apigateway-rest", "AWS_IAM"), ("sns", None)]
    eu = _by_key(audited)[("report-builder", None)]
    assert [(t["trigger"], t["bucket"]) for t in eu["context"]["triggers"]] == [
        ("s3", "acme-reports")
    ]


def test_unsupported_api_is_a_run_gap_once_per_region(audited: AuditRun) -> None:
    assert sorted((g.api, g.error, g.resource) for g in audited.gaps) == [
        ("lambda:ListFunctionUrlConfigs", "unsupported", "eu-west-1"),
        ("lambda:ListFunctionUrlConfigs", "unsupported", "us-east-1"),
    ]


def test_scan_code_verifies_and_scans_each_package(moto_server: str, planted_account: Any) -> None:
    import boto3

    factory = ClientFactory(
        region="us-east-1",
        endpoint_url=moto_server,
        session=boto3.session.Session(region_name="us-east-1"),
    )
    run = run_audit(
        factory,
        AuditOptions(
            regions=["us-east-1"],
            functions=["pyment-processor"],
            scan_code=True,
            resolver=code_resolver,
            today=TODAY,
        ),
    )
    by = _by_key(run)
    hidden = {
        f["kind"]
        for f in by[("pyment-processor", "2")]["findings"]
        if f["evidence"].get("source") == "code scan"
    }
    assert "credential-exfiltration" in hidden
    latest = [
        f
        for f in by[("pyment-processor", None)]["findings"]
        if f["evidence"].get("source") == "code scan"
    ]
    assert latest == []  # $LATEST was put back to the clean code


def test_tampered_package_is_a_gap_not_a_scan(moto_server: str, planted_account: Any) -> None:
    import boto3

    factory = ClientFactory(
        region="us-east-1",
        endpoint_url=moto_server,
        session=boto3.session.Session(region_name="us-east-1"),
    )
    run = run_audit(
        factory,
        AuditOptions(
            regions=["us-east-1"],
            functions=["pyment-processor"],
            scan_code=True,
            resolver=lambda url: code_resolver(url) + b"tampered",
            today=TODAY,
        ),
    )
    v2 = _by_key(run)[("pyment-processor", "2")]
    assert [f for f in v2["findings"] if f["evidence"].get("source") == "code scan"] == []
    assert [(g["api"], g["error"]) for g in v2["gaps"]] == [("code-download", "integrity")]
