"""Regenerate docs/checks/ from the code-scan check metadata: ``python scripts/gen_check_docs.py``."""

from __future__ import annotations

from pathlib import Path

from lambdawatch.codescan.catalogue_docs import render_all

DOCS = Path(__file__).resolve().parents[1] / "docs" / "checks"


def main() -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    wanted = render_all()
    for old in DOCS.glob("*.md"):
        if old.name not in wanted:
            old.unlink()
    for name, text in wanted.items():
        (DOCS / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} files to {DOCS}")


if __name__ == "__main__":
    main()
