"""Optional report sections: logs series (`--logs`), respond case folders (`--case-dir`)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_cli
from tests.logs import series as s

TYPO = "lw-e6163efc245161cf438d"  # payrnents-api, the planted typosquat


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sections") / "state.db"
    assert run_cli("hunt", str(EXAMPLES), "--state", str(db), "--workers", "1").exit_code == 0
    return db


def case_dir(root: Path, *, tamper: bool = False) -> Path:
    root.mkdir(parents=True)
    files = {
        "function/configuration.json": b'{"FunctionName": "payrnents-api"}\n',
        "function/code.zip": b"PK\x03\x04 not really a zip",
    }
    artifacts = []
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
        artifacts.append(
            {
                "path": path,
                "api": "lambda:GetFunction",
                "qualifier": None,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    manifest = (
        json.dumps(
            {
                "case": "case-<b>7</b>",
                "collected_at": "2025-03-14T12:00:00Z",
                "collected_by": "arn:aws:iam::111122223333:user/responder",
                "function_arn": "arn:aws:lambda:us-east-1:111122223333:function:payrnents-api",
                "artifacts": artifacts,
                "gaps": [],
            },
            indent=2,
            sort_keys=True,
        ).encode()
        + b"\n"
    )
    (root / "manifest.json").write_bytes(manifest)
    (root / "manifest.sha256").write_text(
        f"{hashlib.sha256(manifest).hexdigest()}  manifest.json\n"
    )
    (root / "actions.jsonl").write_text(
        "\n".join(
            json.dumps(a)
            for a in [
                {
                    "step": "throttle",
                    "target": "payrnents-api",
                    "before": None,
                    "after": 0,
                    "status": "done",
                    "params": {},
                },
                {
                    "step": "url-auth",
                    "target": "payrnents-api",
                    "before": "NONE",
                    "after": "AWS_IAM",
                    "status": "done",
                    "params": {},
                },
            ]
        )
        + "\n"
    )
    if tamper:
        (root / "function/code.zip").write_bytes(b"PK\x03\x04 swapped")
    return root


def test_case_dir_section_shows_manifest_actions_and_rollback(tmp_path: Path, state: Path) -> None:
    case = case_dir(tmp_path / "case")
    out = tmp_path / "r.html"
    result = run_cli("report", "--state", str(state), TYPO, "--case-dir", str(case), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    html = out.read_text()
    assert "<h2>Response: case-&lt;b&gt;7&lt;/b&gt;</h2>" in html
    assert html.count("<td>yes</td>") == 2 and "NO</td>" not in html
    assert "(verified)" in html
    assert f"<code>lambdawatch respond rollback {case}</code>" in html
    assert re.search(r'id="card-contained"><b>yes</b>', html)
    tampered = case_dir(tmp_path / "bad", tamper=True)
    bad = run_cli("report", "--state", str(state), TYPO, "--case-dir", str(tampered))
    assert bad.exit_code == 0
    assert '<td class="risky">NO</td>' in bad.stdout
    assert "function/code.zip: SHA-256 differs from the manifest" in bad.stdout
    missing = run_cli("report", "--state", str(state), "--case-dir", str(tmp_path / "none"))
    assert missing.exit_code == 2 and "not a respond case folder" in missing.stderr


def test_logs_section_draws_the_hourly_series(tmp_path: Path, state: Path) -> None:
    s.write_export(
        tmp_path / "aws" / "lambda" / "payrnents-api" / "0.gz",
        s.export_lines(s.beacon(300, hours=6)),
    )
    logs = run_cli("logs", str(tmp_path / "aws"), "--format", "jsonl", "--state", str(state))
    assert logs.exit_code == 0, logs.stderr
    (tmp_path / "logs.jsonl").write_text(logs.stdout)
    result = run_cli("report", "--state", str(state), TYPO, "--logs", str(tmp_path / "logs.jsonl"))
    assert result.exit_code == 0, result.stderr
    html = result.stdout
    assert "<h3>Invocations and cost (CloudWatch Logs)</h3>" in html
    points = re.search(r'<polyline points="([^"]*)"', html).group(1)  # type: ignore[union-attr]
    assert len(points.split()) == 6  # one point per hour
    assert "beaconing LG201: Invoked every 300 s like clockwork" in html
    # without --logs there is no such section
    plain = run_cli("report", "--state", str(state), TYPO).stdout
    assert "Invocations and cost" not in plain and "<polyline" not in plain
