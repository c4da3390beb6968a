"""Identity: human versus automation, and principals / IPs / user agents new to the stream
(computed in event-time order, so independent of file order)."""

from __future__ import annotations

from lambdawatch.analyze.identity import analyze_human
from tests.analyze.helpers import (
    ATTACKER,
    BOTO_UA,
    CI,
    TF_UA,
    alerts,
    by_function,
    event,
    findings_of,
    role_session,
    update_code,
)
from tests.conftest import delivery_bytes, jsonl, run_cli, write

CONSOLE_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/128.0 Safari/537.36"
)


def _human(r: dict) -> list[tuple[str, str, list[str]]]:
    return [(f.kind, f.severity, f.evidence["signals"]) for f in analyze_human(event(r), None)]


def test_iam_user_console_sso_and_root_are_human() -> None:
    assert _human(
        update_code(1, "orders-api", "2025-03-14T08:00:00Z", who=ATTACKER, ua=BOTO_UA)
    ) == [("human-identity", "low", ["IAM user (long-lived credentials)"])]
    console = update_code(
        2, "orders-api", "2025-03-14T08:00:00Z", who=role_session("Admin", "alice"), ua=CONSOLE_UA
    )
    console["sessionCredentialFromConsole"] = "true"
    assert _human(console) == [("human-identity", "low", ["console session"])]
    sso = update_code(
        3,
        "orders-api",
        "2025-03-14T08:00:00Z",
        who=role_session("AWSReservedSSO_AdministratorAccess_0123abcd", "alice@example.com"),
        ua="aws-cli/2.15.30",
    )
    assert _human(sso) == [("human-identity", "low", ["IAM Identity Center (SSO) session"])]
    root = update_code(
        4,
        "orders-api",
        "2025-03-14T08:00:00Z",
        who={
            "type": "Root",
            "arn": "arn:aws:iam::111122223333:root",
            "accountId": "111122223333",
            "principalId": "111122223333",
        },
    )
    assert _human(root)[0][:2] == ("human-identity", "high")


def test_pipeline_role_is_automation() -> None:
    assert _human(update_code(1, "orders-api", "2025-03-14T08:00:00Z", who=CI, ua=TF_UA)) == []


def _story() -> list[dict]:
    return [
        update_code(1, "payments-api", "2025-03-14T06:00:00Z", who=CI),
        update_code(
            2,
            "payments-api",
            "2025-03-14T08:00:00Z",
            who=role_session("github-actions-deploy", "gha-run-2"),
            ua=TF_UA.replace("Terraform/1.7.4", "Terraform/1.7.5"),
        ),
        update_code(
            3, "payments-api", "2025-03-14T10:00:00Z", who=ATTACKER, ip="203.0.113.66", ua=BOTO_UA
        ),
        update_code(
            4, "orders-api", "2025-03-14T12:00:00Z", who=CI, ip="198.51.100.99", ua=BOTO_UA
        ),
    ]


def test_new_principal_on_a_function_and_new_ip_or_tool_for_a_principal(tmp_path) -> None:
    out = alerts(tmp_path, _story())
    pay = by_function(out, "payments-api")
    # a new CI session and a Terraform upgrade are not unusual (role and tool family are the same)
    assert [findings_of(a, "unusual-principal") for a in pay[:2]] == [[], []]
    [f] = findings_of(pay[2], "unusual-principal")
    assert (f["code"], f["severity"]) == ("ID102", "medium")
    assert f["evidence"]["first_time_on_function"] == [
        "arn:aws:iam::111122223333:role/github-actions-deploy"
    ]
    [g] = findings_of(by_function(out, "orders-api")[0], "unusual-principal")
    assert g["severity"] == "low"
    assert g["evidence"]["reasons"] == [
        "source IP never seen for this principal",
        "user agent never seen for this principal",
    ]
    assert g["evidence"]["new_source_ip"] == {"ip": "198.51.100.99", "seen_before": ["192.0.2.10"]}


def test_results_do_not_depend_on_file_order(tmp_path) -> None:
    story = _story()
    a = tmp_path / "a"
    write(a / "1.json", delivery_bytes(story[:2]))
    write(a / "2.json", delivery_bytes(story[2:]))
    b = tmp_path / "b"
    write(b / "1.json", delivery_bytes(list(reversed(story[2:]))))
    write(b / "0.json", delivery_bytes(list(reversed(story[:2]))))
    runs = [
        jsonl(run_cli("hunt", str(d), "--workers", "1", "--format", "jsonl").stdout) for d in (a, b)
    ]
    assert runs[0] == runs[1]
