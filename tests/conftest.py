"""Shared test helpers: real-shaped records from the package's base events, file writers, the CLI."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from lambdawatch.cli import main
from lambdawatch.engine.bases import make_event, set_path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "cloudtrail"
SHARED = ROOT.parent / "shared"


def record(base: str, n: int = 0, **fields: Any) -> dict[str, Any]:
    """A base event with a unique eventID; keyword ``a__b`` sets nested ``a.b``."""
    r = make_event(base)
    r["eventID"] = f"00000000-0000-4000-8000-{n:012d}"
    for key, value in fields.items():
        set_path(r, key.replace("__", "."), value)
    return r


def delivery_bytes(records: list[dict[str, Any]]) -> bytes:
    """Compact JSON exactly as CloudTrail's S3 delivery writes it (eventVersion first)."""
    ordered = [{"eventVersion": r.get("eventVersion", "1.08"), **r} for r in records]
    return json.dumps({"Records": ordered}, separators=(",", ":")).encode()


def write(path: Path, data: bytes, *, gz: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
    return path


def run_cli(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def hunt_jsonl(tmp_path: Path) -> Callable[..., list[dict[str, Any]]]:
    def run(*args: str) -> list[dict[str, Any]]:
        result = run_cli("hunt", *args, "--format", "jsonl", "--workers", "1")
        assert result.exit_code == 0, result.stderr
        return jsonl(result.stdout)

    return run


def shared_or_skip(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (reference data outside the project)")
    return path
