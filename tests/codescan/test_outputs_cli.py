"""Outputs (JSON contract, SARIF 2.1.0 schema, table), secret masking, CLI exit codes."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from lambdawatch.cli.scan import scan
from lambdawatch.codescan.report import to_json, to_sarif, to_table
from lambdawatch.codescan.scanner import scan_bytes

SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "codescan" / "sarif-schema-2.1.0.json"
RAW_SECRETS = [
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "ghp_abcdefghijklmnopqrstuvwxyzABCDEF012345",
    "xoxb-123456789012-abcdefghijkl",
    "MIIEowIBAAKCAQEAinertfixture",
]
SECRETS_PY = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "codescan"
    / "pkgs"
    / "mal_secrets"
    / "config.py"
).read_bytes()


def make_zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for k, v in members.items():
            zf.writestr(k, v)
    return buf.getvalue()


@pytest.fixture
def package(tmp_path: Path) -> Path:
    # The secret also appears in a member *name*, which ends up in file/evidence fields.
    data = make_zip(
        {
            "config.py": SECRETS_PY,
            "handler.py": b"import os\nos.system(os.environ['CMD'])\n",
            "AKIAIOSFODNN7EXAMPLE/../x.py": b"x = 1\n",
        }
    )
    path = tmp_path / "fn.zip"
    path.write_bytes(data)
    return path


def test_json_contract(package: Path) -> None:
    doc = json.loads(to_json(scan_bytes(str(package), "fn.zip", package.read_bytes())))
    assert set(doc) == {"target", "files_scanned", "bytes_scanned", "findings", "errors"}
    assert doc["files_scanned"] == 3
    for f in doc["findings"]:
        assert set(f) == {"kind", "code", "severity", "file", "line", "message", "evidence"}
    assert {
        "kind": "hardcoded-secret",
        "code": "CS601",
        "severity": "high",
        "file": "config.py",
        "line": 1,
        "message": "AWS access key id",
        "evidence": "****(20 chars)",
    } in doc["findings"]


def test_sarif_is_valid_against_the_official_schema(package: Path) -> None:
    schema = json.loads(SCHEMA.read_text())
    doc = json.loads(to_sarif(scan_bytes(str(package), "fn.zip", package.read_bytes())))
    jsonschema.validate(doc, schema, cls=jsonschema.Draft4Validator)
    run = doc["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert all(r["ruleId"] == rule_ids[r["ruleIndex"]] for r in run["results"])
    assert all(
        float(r["properties"]["security-severity"]) >= 0 for r in run["tool"]["driver"]["rules"]
    )


@pytest.mark.parametrize("render", [to_json, to_sarif, lambda r: to_table(r, 400)])
def test_no_secret_value_in_any_output(package: Path, render) -> None:
    text = render(scan_bytes(str(package), "fn.zip", package.read_bytes()))
    assert "****(20 chars)" in text
    for raw in RAW_SECRETS:
        assert raw not in text


@pytest.mark.parametrize("fmt", ["json", "sarif", "table"])
def test_cli_formats_never_leak_secrets(package: Path, fmt: str) -> None:
    res = CliRunner().invoke(scan, [str(package), "--format", fmt, "--fail-on", "critical"])
    assert res.exit_code == 0, res.output
    for raw in RAW_SECRETS:
        assert raw not in res.output


def test_cli_fail_on_exit_codes(package: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(scan, [str(package), "--format", "json"]).exit_code == 1  # high >= high
    assert runner.invoke(scan, [str(package), "--fail-on", "critical"]).exit_code == 0
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "app.py").write_text("def handler(e, c):\n    return 1\n")
    assert runner.invoke(scan, [str(clean), "--fail-on", "info"]).exit_code == 0


def test_cli_output_file(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.sarif"
    res = CliRunner().invoke(scan, [str(package), "--format", "sarif", "--output", str(out)])
    assert res.exit_code == 1 and res.output == ""
    assert json.loads(out.read_text())["version"] == "2.1.0"


def test_cli_bad_usage_is_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(scan, [str(tmp_path / "missing.zip")])
    assert res.exit_code == 2 and "scan target not found" in res.output
    assert runner.invoke(scan, [str(tmp_path), "--format", "xml"]).exit_code == 2
    assert runner.invoke(scan, ["s3://bucket-only"]).exit_code == 2


def test_registered_in_the_main_group() -> None:
    from lambdawatch.cli import main

    assert "scan" in main.commands
