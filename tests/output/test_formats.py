"""Every output format renders the alerts, none leaks a secret value; OCSF validates against
py-ocsf-models' Detection Finding; the table is sorted by risk; explain prints the playbook."""

from __future__ import annotations

import json

import pytest
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

from lambdawatch.alerting.ocsf import to_ocsf
from tests.analyze.helpers import ATTACKER, alerts, create_fn, hunt, update_code
from tests.analyze.test_inventory_env import CODE, CONFIG, POLICY, SECRETS, URL
from tests.conftest import jsonl, run_cli

EVENT_SECRET = "hunter2-Zq8Xw3Lp9Rt5Yv1Nm"


def _records() -> list[dict]:
    # A hand-made record that holds unredacted variable values (CloudTrail never logs them, but
    # an exporter or a test fixture might): they must be masked too.
    leaky = create_fn(
        3,
        "payrnents-api",
        "2025-03-14T09:02:11Z",
        who=ATTACKER,
        runtime="python3.7",
        environment={
            "variables": {"DB_PASSWORD": EVENT_SECRET, "AWS_SECRET_ACCESS_KEY": SECRETS[1]}
        },
        memorySize=3008,
        timeout=900,
    )
    return [
        update_code(1, "payments-api", "2025-03-14T08:01:10Z"),
        update_code(2, "orders-api", "2025-03-14T08:30:00Z"),
        leaky,
    ]


@pytest.fixture
def inventory(inventory_file):
    return str(
        inventory_file(
            {"get-function": {"Configuration": CONFIG, "Code": CODE}, "policy": POLICY, "url": URL}
        )
    )


@pytest.mark.parametrize("fmt", ["table", "jsonl", "json", "rows", "ocsf"])
def test_every_format_renders_and_masks_secrets(tmp_path, inventory, fmt: str) -> None:
    result = hunt(tmp_path, _records(), "--lambda-inventory", inventory, fmt=fmt)
    assert result.exit_code == 0, result.stderr
    assert "payrnents-api" in result.stdout
    for secret in [*SECRETS, EVENT_SECRET]:
        assert secret not in result.stdout
        assert secret not in result.stderr


def test_explain_masks_secrets_and_prints_the_filled_playbook(tmp_path, inventory) -> None:
    db = tmp_path / "state.db"
    result = hunt(tmp_path, _records(), "--lambda-inventory", inventory, "--state", str(db))
    alert = next(a for a in jsonl(result.stdout) if a["function"] == "payments-api")
    out = run_cli("explain", alert["id"], "--state", str(db))
    assert out.exit_code == 0
    for secret in SECRETS:
        assert secret not in out.stdout
    text = out.stdout
    assert f"{alert['id']}  Lambda function created or modified: payments-api" in text
    assert "Context: role - arn:aws:iam::111122223333:role/payments-api-role" in text
    assert "For public-function-url: Function URL: is authentication required?" in text
    assert "For public-function-url: Function URL: review its CORS configuration" in text
    assert "For foreign-layer: Layer: verify the publisher account" in text
    assert "Context: layers - arn:aws:lambda:us-east-1:999988887777:layer:py-utils:3" in text
    assert "Investigation: Check for layer usage" in text
    missing = run_cli("explain", "lw-nope", "--state", str(db))
    assert missing.exit_code == 2


def test_ocsf_is_a_valid_detection_finding(tmp_path, inventory) -> None:
    result = hunt(tmp_path, _records(), "--lambda-inventory", inventory, fmt="ocsf")
    items = jsonl(result.stdout)
    assert len(items) == 3
    by_id = {a["id"]: a for a in alerts(tmp_path, _records(), "--lambda-inventory", inventory)}
    for item in items:
        model = DetectionFinding.model_validate(item)
        assert (
            model.class_uid,
            model.category_uid,
            int(model.type_uid),
            int(model.activity_id),
        ) == (2004, 2, 200401, 1)
        alert = by_id[model.finding_info.uid]
        assert model.risk_score == alert["risk"]
        assert int(model.severity_id) == {"critical": 5, "high": 4}[alert["severity"]]
        assert model.cloud.account.uid == "111122223333"
        assert model.resources[0].uid == alert["function_arn"]
        assert [e.name for e in model.evidences or []] == [f["kind"] for f in alert["findings"]]
        # nothing the model does not know was silently dropped at the top level
        assert set(item) <= set(DetectionFinding.model_fields)


def test_ocsf_marks_suppressed_alerts(tmp_path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[[allowlist]]\nname = "ci"\nprincipal = "*github-actions-deploy*"\nreason = "ci"\n'
    )
    [a] = alerts(tmp_path, _records()[:1], "--config", str(cfg))
    item = to_ocsf(a)
    DetectionFinding.model_validate(item)
    assert (item["status_id"], item["status"], item["status_detail"]) == (
        3,
        "Suppressed",
        "allowlist ci: ci",
    )


def test_table_is_sorted_by_risk(tmp_path, inventory) -> None:
    result = hunt(tmp_path, _records(), "--lambda-inventory", inventory, fmt="table")
    rows = [line for line in result.stdout.splitlines() if "lw-" in line]
    risks = [int(line.split("│")[1]) for line in rows]
    assert risks == sorted(risks, reverse=True) and len(risks) == 3
    assert "orders-api" in rows[-1]  # no findings: the base risk of its rule only


def test_risk_explanation_adds_up(tmp_path, inventory) -> None:
    for a in alerts(tmp_path, _records(), "--lambda-inventory", inventory):
        terms = [int(line.split()[0]) for line in a["risk_explanation"] if not line.startswith("=")]
        assert a["risk"] == max(0, min(100, sum(terms)))
        assert json.dumps(a["risk_explanation"]).count("rule severity") == 1
