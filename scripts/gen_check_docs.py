"""Regenerate docs/checks/ from the code-scan check metadata: ``python scripts/gen_check_docs.py``."""

from __future__ import annotations

from pathlib import Path

from docs_folder import write_pages

from lambdawatch.codescan.catalogue_docs import render_all

DOCS = Path(__file__).resolve().parents[1] / "docs" / "checks"


def main() -> None:
    write_pages(DOCS, render_all())


if __name__ == "__main__":
    main()
