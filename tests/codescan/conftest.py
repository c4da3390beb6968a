"""Shared helpers: fixture packages with ``expect: CODE`` markers on the offending lines."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

PKGS = Path(__file__).resolve().parents[1] / "fixtures" / "codescan" / "pkgs"
MARK = re.compile(r"expect:\s*((?:[A-Z]{2}\d{3}\s*)+)")


def expected_marks(root: Path) -> set[tuple[str, str, int]]:
    """(file, code, line) for every ``expect: CODE`` marker under ``root``."""
    out = set()
    for dirpath, _, files in os.walk(root):
        for fn in files:
            path = Path(dirpath) / fn
            rel = path.relative_to(root).as_posix()
            for i, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                m = MARK.search(line)
                if m:
                    out.update((rel, code, i) for code in m.group(1).split())
    return out


@pytest.fixture
def pkgs() -> Path:
    return PKGS
