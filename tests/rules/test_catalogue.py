"""The rule catalogue: inline tests pass, docs are generated, the CLI works as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lambdawatch.engine.loader import RuleLoadError, load_rules
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.engine.ruletest import run_rule_tests
from tests.conftest import ROOT, run_cli

DESIGN_KINDS = {
    "admin-role",
    "privileged-role",
    "public-function-url",
    "permissive-cors",
    "public-invoke-permission",
    "cross-account-invoke-permission",
    "foreign-layer",
    "public-layer",
    "high-frequency-schedule",
    "wildcard-s3-trigger",
    "public-api-trigger",
    "privesc-chain",
    "lambda-role-iam-activity",
    "code-signing-disabled",
}


def test_every_inline_case_passes() -> None:
    results = run_rule_tests(RuleSet.load())
    assert [r for r in results if not r.passed] == []
    assert len(results) >= 100


def test_every_issue_kind_is_emitted_by_some_rule() -> None:
    kinds = {f.kind for r in load_rules() for f in r.findings}
    assert kinds >= DESIGN_KINDS


def test_cli_rules_test_list_show() -> None:
    out = run_cli("rules", "test")
    assert out.exit_code == 0 and out.stdout.strip().endswith("0 failed")
    listing = run_cli("rules", "list").stdout
    assert "LW301  lambda-privesc-chain" in listing and "(context)" in listing
    shown = yaml.safe_load(run_cli("rules", "show", "public-layer").stdout)
    assert shown["id"] == "LW105" and shown["findings"][0]["kind"] == "public-layer"
    assert run_cli("rules", "show", "LW999").exit_code == 2


def test_cli_export_sql_and_sigma() -> None:
    athena = run_cli("rules", "export", "--dialect", "athena", "LW104").stdout
    assert athena.startswith("-- LW104") and "SUPERSET" in athena
    lake = run_cli("rules", "export", "--dialect", "cloudtrail-lake").stdout
    assert "$EDS_ID" in lake and "LW300" not in lake  # context rules are not exported
    sigma = run_cli("rules", "export", "--dialect", "sigma").stdout
    docs = [d for d in yaml.safe_load_all(sigma) if d]
    ids = {d["custom"]["lambdawatch_id"] for d in docs}
    assert {"LW100", "LW102", "LW103", "LW105", "LW203"} <= ids
    assert "LW101" not in ids  # predicates: not expressible in Sigma
    assert all(d["logsource"] == {"product": "aws", "service": "cloudtrail"} for d in docs)


def test_failing_user_rule_reports_and_exits_1(tmp_path: Path) -> None:
    src = (ROOT / "src/lambdawatch/rules/cloudtrail/LW105-public-layer.yml").read_text()
    bad = src.replace("id: LW105", "id: LW905").replace("expect: silent", "expect: fire", 1)
    (tmp_path / "LW905-public-layer.yml").write_text(bad)
    out = run_cli("rules", "test", "LW905", "--rules", str(tmp_path))
    assert out.exit_code == 1 and "FAIL LW905 layer shared with the organization" in out.stdout


def test_predicate_match_must_declare_sql_superset(tmp_path: Path) -> None:
    src = (ROOT / "src/lambdawatch/rules/cloudtrail/LW106-foreign-layer.yml").read_text()
    bad = src.replace("id: LW106", "id: LW906").replace("  exact: false\n", "  exact: true\n")
    path = tmp_path / "LW906-foreign-layer.yml"
    path.write_text(bad)
    with pytest.raises(RuleLoadError) as err:
        load_rules([path], builtin=False)
    assert "sql.exact" in str(err.value) and str(path) in str(err.value)


def test_rule_docs_are_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts/gen_rule_docs.py"), "--check"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
