"""Regenerate the golden outputs of the bundled examples: python scripts/regen_golden.py

Review the diff before committing: every change in tests/golden/ is a change users will see.
"""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lambdawatch.cli import main  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
EXAMPLES = ROOT / "examples" / "cloudtrail"
CASES = {
    "examples.alerts.jsonl": ["--format", "jsonl"],
    "examples.rows.jsonl": ["--format", "rows"],
}


def render(args: list[str]) -> str:
    result = CliRunner().invoke(
        main, ["hunt", str(EXAMPLES), "--workers", "1", "-q", *args], catch_exceptions=False
    )
    if result.exit_code not in (0, 1):
        raise SystemExit(f"hunt failed ({result.exit_code}): {result.stderr}")
    return result.stdout


def main_() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, args in CASES.items():
        (GOLDEN / name).write_text(render(args), encoding="utf-8")
        print(f"wrote {GOLDEN / name}")


if __name__ == "__main__":
    main_()
