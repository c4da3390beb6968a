"""Tuning from the TOML config: allowlists, approved changes, environments; suppressed alerts are
still produced, counted and explained, and a high/critical red flag keeps an alert visible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambdawatch.config import load_config
from lambdawatch.errors import ConfigError
from tests.analyze.helpers import (
    ACCOUNT,
    ATTACKER,
    CI,
    TF_UA,
    alerts,
    by_function,
    create_fn,
    findings_of,
    hunt,
    update_code,
    update_config,
)
from tests.conftest import record

CI_ENTRY = f"""
[[allowlist]]
name = "ci-deploy"
principal = "arn:aws:iam::{ACCOUNT}:role/github-actions-deploy"
user_agent = "*Terraform*"
account = "{ACCOUNT}"
reason = "approved CI/CD deploy role"
"""


def _config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "lambdawatch.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _deploy() -> list[dict]:
    return [
        update_code(1, "payments-api", "2025-03-14T08:01:10Z"),
        update_config(2, "payments-api", "2025-03-14T08:02:30Z", timeout=30, environment={}),
    ]


def _admin_deploy() -> list[dict]:
    """The same pipeline creates a role, makes it admin, and deploys a function with it."""
    role = f"arn:aws:iam::{ACCOUNT}:role/reports-runner"
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    common = {
        "userIdentity": CI,
        "userAgent": TF_UA,
        "sourceIPAddress": "192.0.2.10",
        "recipientAccountId": ACCOUNT,
        "awsRegion": "us-east-1",
    }
    create_role = record(
        "create-role",
        10,
        eventTime="2025-03-14T08:00:05Z",
        requestParameters={"roleName": "reports-runner", "assumeRolePolicyDocument": trust},
        responseElements__role__arn=role,
        responseElements__role__roleName="reports-runner",
        responseElements__role__assumeRolePolicyDocument=trust,
        **common,
    )
    attach = record(
        "attach-role-policy",
        11,
        eventTime="2025-03-14T08:00:40Z",
        requestParameters={
            "roleName": "reports-runner",
            "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
        },
        **common,
    )
    fn = create_fn(
        12, "reports-runner", "2025-03-14T08:02:00Z", who=CI, ip="192.0.2.10", ua=TF_UA, role=role
    )
    return [create_role, attach, fn]


def test_ci_deploy_is_suppressed_with_its_reason_counted_and_hidden(tmp_path) -> None:
    cfg = _config(tmp_path, CI_ENTRY)
    [alert] = alerts(tmp_path, _deploy(), "--config", cfg)
    assert alert["suppressed"] is True
    assert alert["suppression_reason"] == "allowlist ci-deploy: approved CI/CD deploy role"
    table = hunt(tmp_path, _deploy(), "--config", cfg, fmt="table")
    assert "payments-api" not in table.stdout
    assert "1 suppressed alert(s) hidden" in table.stdout
    assert "suppressed 1" in table.stderr
    shown = hunt(tmp_path, _deploy(), "--config", cfg, "--show-suppressed", fmt="table")
    assert "payments-api" in shown.stdout and "(suppressed)" in shown.stdout


def test_the_same_pipeline_surfaces_again_when_it_brings_an_admin_role(tmp_path) -> None:
    cfg = _config(tmp_path, CI_ENTRY)
    out = alerts(tmp_path, _deploy() + _admin_deploy(), "--config", cfg)
    assert by_function(out, "payments-api")[0]["suppressed"] is True
    [admin] = by_function(out, "reports-runner")
    assert findings_of(admin, "admin-role")[0]["severity"] == "critical"
    assert admin["suppressed"] is False and admin["suppression_reason"] is None
    assert admin["tuning"][0].startswith(
        "allowlist ci-deploy matched; kept visible by admin-role (critical)"
    )


def test_an_entry_that_explicitly_accepts_the_flags_suppresses_it(tmp_path) -> None:
    cfg = _config(
        tmp_path, CI_ENTRY + 'accept = ["admin-role", "privesc-chain", "privileged-role"]\n'
    )
    [admin] = by_function(alerts(tmp_path, _admin_deploy(), "--config", cfg), "reports-runner")
    assert admin["suppressed"] is True


def test_keep_if_keeps_an_alert_visible_whatever_the_severity(tmp_path) -> None:
    entry = f"""
[[allowlist]]
name = "ops-user"
principal = "arn:aws:iam::{ACCOUNT}:user/*"
reason = "ops users"
keep_if = ["high-resources"]
"""
    cfg = _config(tmp_path, entry)
    plain = update_code(1, "orders-api", "2025-03-14T08:00:00Z", who=ATTACKER)
    big = create_fn(
        2, "batch-job", "2025-03-14T08:00:00Z", who=ATTACKER, memorySize=4096, timeout=900
    )
    out = alerts(tmp_path, [plain, big], "--config", cfg)
    assert by_function(out, "orders-api")[0]["suppressed"] is True
    kept = by_function(out, "batch-job")[0]
    assert (
        kept["suppressed"] is False and "kept visible by high-resources (low)" in kept["tuning"][0]
    )


def test_allowlist_needs_every_event_to_match(tmp_path) -> None:
    cfg = _config(tmp_path, CI_ENTRY)
    mixed = _deploy() + [
        update_code(
            3,
            "payments-api",
            "2025-03-14T08:30:00Z",
            who=ATTACKER,
            ip="203.0.113.66",
            ua="curl/8.0",
        )
    ]
    [alert] = alerts(tmp_path, mixed, "--config", cfg)
    assert alert["suppressed"] is False


CHANGE = f"""
[[change]]
function = "payments-*"
principal = "arn:aws:iam::{ACCOUNT}:role/github-actions-deploy"
start = 2025-03-14T08:00:00Z
end = 2025-03-14T10:00:00Z
ticket = "CHG-1234"
"""


def test_approved_change_suppresses_and_shows_its_ticket(tmp_path) -> None:
    [alert] = alerts(tmp_path, _deploy(), "--config", _config(tmp_path, CHANGE))
    assert (alert["suppressed"], alert["suppression_reason"], alert["change_ticket"]) == (
        True,
        "change CHG-1234: approved change",
        "CHG-1234",
    )


def test_change_outside_its_window_or_function_does_not_apply(tmp_path) -> None:
    late = [update_code(1, "payments-api", "2025-03-14T10:00:00Z")]
    other = [update_code(2, "orders-api", "2025-03-14T08:30:00Z")]
    out = alerts(tmp_path, late + other, "--config", _config(tmp_path, CHANGE))
    assert [(a["suppressed"], a["change_ticket"]) for a in out] == [(False, None), (False, None)]


def test_downgrade_change_lowers_severity_and_keeps_the_alert(tmp_path) -> None:
    cfg = _config(tmp_path, CHANGE + 'action = "downgrade"\nreason = "release 4.2"\n')
    [alert] = alerts(tmp_path, _deploy(), "--config", cfg)
    assert (alert["suppressed"], alert["severity"], alert["change_ticket"]) == (
        False,
        "high",
        "CHG-1234",
    )
    assert alert["tuning"] == ["change CHG-1234 (release 4.2): severity critical -> high"]


def test_environment_adjusts_severity_and_risk(tmp_path) -> None:
    env = f'[accounts]\nknown = ["{ACCOUNT}"]\nenvironment = {{ "{ACCOUNT}" = "nonprod" }}\n'
    [alert] = alerts(tmp_path, _deploy(), "--config", _config(tmp_path, env))
    assert (alert["environment"], alert["severity"], alert["risk"]) == ("nonprod", "high", 25)
    assert alert["risk_explanation"] == ["+40 rule severity critical", "-15 environment nonprod"]
    custom = env + "[environments.nonprod]\nseverity_shift = -2\nrisk_shift = -30\n"
    [alert] = alerts(tmp_path, _deploy(), "--config", _config(tmp_path, custom))
    assert (alert["severity"], alert["risk"]) == ("medium", 10)
    prod = env.replace("nonprod", "prod")
    [alert] = alerts(tmp_path, _deploy(), "--config", _config(tmp_path, prod))
    assert (alert["severity"], alert["risk"]) == ("critical", 50)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[allowlist]]\nname = "x"\nprincipal = "*"\nreason = "r"\nprincipals = "oops"\n',
            r"lambdawatch.toml:5: allowlist.0.principals: unknown key",
        ),
        (
            '[[allowlist]]\nname = "x"\nprincipal = "*"\nreason = "r"\nkeep_if = ["admin-rol"]\n',
            r"'admin-rol' is not a finding kind",
        ),
        ('[[allowlist]]\nname = "x"\nreason = "r"\n', r"needs at least one of principal"),
        (
            '[[change]]\nfunction = "*"\nstart = 2025-03-14T08:00:00Z\nend = 2025-03-14T07:00:00Z\nticket = "C"\n',
            r"end must be after start",
        ),
        ("[thresholds]\nmemory = 1024\n", r"thresholds.memory: unknown key"),
    ],
)
def test_config_errors_name_the_key_and_line(tmp_path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(_config(tmp_path, text))


def test_design_example_config_on_the_bundled_examples() -> None:
    """DESIGN.md's sample configuration, verbatim, over examples/cloudtrail."""
    from tests.conftest import EXAMPLES, jsonl, run_cli

    cfg = str(Path(__file__).with_name("design-example.toml"))
    result = run_cli(
        "hunt", str(EXAMPLES), "--workers", "1", "-q", "--format", "jsonl", "--config", cfg
    )
    view = [
        (a["function"], a["environment"], a["suppressed"], a["suppression_reason"])
        for a in jsonl(result.stdout)
    ]
    assert view == [
        ("payments-api", "prod", True, "allowlist ci-deploy: approved CI/CD deploy role"),
        ("payrnents-api", "prod", False, None),
        ("payrnents-api", "prod", False, None),
        ("orders-consumer", "nonprod", False, None),
    ]
