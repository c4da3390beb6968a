"""`lambdawatch logs` over files: the jsonl contract, --state, --fail-on, usage errors."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import jsonl, run_cli
from tests.logs import series as s

KEYS = [
    "function",
    "account",
    "region",
    "window",
    "invocations",
    "estimated_cost_usd",
    "findings",
    "errors",
    "lines",
    "arch",
    "series",
]


def test_jsonl_contract_and_state_join(tmp_path: Path, state_db: Path) -> None:
    s.write_export(
        tmp_path / "aws" / "lambda" / "ticker" / "000000.gz", s.export_lines(s.beacon(300))
    )
    s.write_export(
        tmp_path / "aws" / "lambda" / "implant" / "000000.gz", s.export_lines(s.beacon(300))
    )
    result = run_cli("logs", str(tmp_path), "--state", str(state_db), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    implant, ticker = jsonl(result.stdout)
    assert list(implant) == KEYS
    assert (implant["function"], ticker["function"]) == ("implant", "ticker")
    assert [f["kind"] for f in implant["findings"]] == ["beaconing"]
    assert ticker["findings"] == []  # explained by the EventBridge rule tick-5m in the state
    assert (ticker["account"], ticker["region"]) == ("111122223333", "us-east-1")
    assert (implant["account"], implant["region"]) == (None, None)
    assert implant["window"] == {"start": "2025-03-14T00:00:00Z", "end": "2025-03-15T23:55:00Z"}
    assert implant["invocations"] == 576 and len(implant["series"]) == 48
    assert list(implant["series"][0]) == [
        "hour",
        "invocations",
        "errors",
        "duration_p50_ms",
        "duration_max_ms",
        "gb_seconds",
        "cost_usd",
    ]
    assert result.stderr.strip() == "logs: files 2, lines 3456, functions 2"


def test_fail_on_and_table(tmp_path: Path) -> None:
    s.write_export(tmp_path / "aws" / "lambda" / "miner" / "0.gz", s.export_lines(s.mining()))
    failing = run_cli("logs", str(tmp_path), "--fail-on", "high")
    assert failing.exit_code == 1
    lines = failing.stdout.splitlines()
    assert lines[0].startswith("miner  invocations 6  errors 0  est. cost ")
    assert lines[1] == (
        "  [high] long-hot-run LG204: 6 runs near the timeout with memory nearly full (mining?)"
    )
    assert run_cli("logs", str(tmp_path), "--fail-on", "critical").exit_code == 0


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    none = run_cli("logs")
    assert none.exit_code == 2 and "give log files or folders" in none.stderr
    live = run_cli("logs", "--function", "f")
    assert live.exit_code == 2 and "live reading needs --since" in live.stderr
    (tmp_path / "x.json").write_text('{"hello": 1}')
    nothing = run_cli("logs", str(tmp_path / "x.json"))
    assert nothing.exit_code == 2
    assert "no CloudWatch Logs events in it" in nothing.stderr
    assert "no CloudWatch Logs line could be read" in nothing.stderr
    anon = tmp_path / "anon"
    s.write_export(anon / "0.gz", s.export_lines(s.beacon(600, hours=1)))
    unknown = run_cli("logs", str(anon))
    assert unknown.exit_code == 2
    assert "cannot tell the function" in unknown.stderr
    named = run_cli("logs", str(anon), "--function", "given", "--format", "json")
    assert named.exit_code == 0 and '"function": "given"' in named.stdout
