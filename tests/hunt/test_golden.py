"""The bundled examples give exactly the golden outputs (regenerate: python scripts/regen_golden.py)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLES, ROOT, jsonl, run_cli

GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize(
    ("name", "fmt"), [("examples.alerts.jsonl", "jsonl"), ("examples.rows.jsonl", "rows")]
)
def test_examples_match_golden(name: str, fmt: str) -> None:
    result = run_cli("hunt", str(EXAMPLES), "--workers", "1", "-q", "--format", fmt)
    assert jsonl(result.stdout) == jsonl((GOLDEN / name).read_text())


def test_examples_story() -> None:
    """The founding detection's view of the story told in scripts/make_examples.py."""
    result = run_cli("hunt", str(EXAMPLES), "--workers", "1", "--format", "jsonl")
    alerts = jsonl(result.stdout)
    view = [(a["function"], a["first_seen"], a["event_count"], a["principals"]) for a in alerts]
    assert view[0] == (
        "payments-api",
        "2025-03-14T08:01:10Z",
        2,
        ["arn:aws:sts::111122223333:assumed-role/github-actions-deploy/gha-run-8812"],
    )
    attacker = [v for v in view if v[0] == "payrnents-api"]
    assert [(v[1], v[3]) for v in attacker] == [
        ("2025-03-14T09:02:11Z", ["arn:aws:iam::111122223333:user/svc-backup"]),
        ("2025-03-14T10:15:30Z", ["arn:aws:iam::111122223333:user/svc-backup"]),
    ]
    first_attack = next(a for a in alerts if a["function"] == "payrnents-api")
    # CreateFunction, AddPermission (delivered twice, counted once), UpdateFunctionCode at 09:50
    assert {
        "CreateFunction20150331",
        "AddPermission20150331v2",
        "UpdateFunctionCode20150331v2",
    } <= set(first_attack["event_names"])
    assert "duplicates ignored: 1" in result.stderr
    assert view[-1][:3] == ("orders-consumer", "2025-03-14T11:20:00Z", 1)
    assert json.dumps(alerts).count("AccessDeniedException") == 0


def test_example_config_suppresses_the_ci_deploy_only() -> None:
    config = ROOT / "examples" / "lambdawatch.toml"
    result = run_cli(
        "hunt", str(EXAMPLES), "--workers", "1", "--format", "jsonl", "--config", str(config)
    )
    view = [
        (a["function"], a["suppressed"], a["suppression_reason"], a["environment"])
        for a in jsonl(result.stdout)
    ]
    assert view == [
        ("payments-api", True, "allowlist ci-deploy: approved CI/CD deploy role", "prod"),
        ("payrnents-api", False, None, "prod"),
        ("payrnents-api", False, None, "prod"),
        ("orders-consumer", False, None, "nonprod"),
    ]
    assert "alerts: 4 (new 4, updated 0, suppressed 1, superseded 0)" in result.stderr
