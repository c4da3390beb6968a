"""Detection efficacy, class by class: malicious fixtures and their benign twins.

Each fixture line that must fire carries ``expect: CODE=severity ...``; the scan must report
exactly those (file, code, line, severity) and nothing else. Packages named ``mal_*`` reach
high; ``benign_*`` stay at medium or below.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from lambdawatch.codescan.model import Severity
from lambdawatch.codescan.scanner import scan_folder

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "codescan_efficacy"
MARK = re.compile(r"expect:\s*((?:[A-Z]{2}\d{3}=[a-z]+\s*)+)")
ALL = sorted(p.name for p in ROOT.iterdir() if p.is_dir())


def marks(root: Path) -> set[tuple[str, str, int, str]]:
    """(file, code, line, severity) for every ``expect: CODE=severity`` marker under root."""
    out = set()
    for dirpath, _, files in os.walk(root):
        for fn in files:
            path = Path(dirpath) / fn
            rel = path.relative_to(root).as_posix()
            for i, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                m = MARK.search(line)
                if m:
                    for item in m.group(1).split():
                        code, sev = item.split("=")
                        out.add((rel, code, i, sev))
    return out


@pytest.mark.parametrize("pkg", ALL)
def test_exact_findings(pkg: str) -> None:
    result = scan_folder(pkg, str(ROOT / pkg))
    got = {(f.file, f.code, f.line, str(f.severity)) for f in result.findings}
    assert got == marks(ROOT / pkg)


@pytest.mark.parametrize("pkg", [p for p in ALL if p.startswith("mal_")])
def test_malicious_reaches_high(pkg: str) -> None:
    worst = scan_folder(pkg, str(ROOT / pkg)).max_severity()
    assert worst is not None and worst >= Severity.HIGH


@pytest.mark.parametrize("pkg", [p for p in ALL if p.startswith("benign_")])
def test_benign_twin_at_most_medium(pkg: str) -> None:
    assert all(f.severity <= Severity.MEDIUM for f in scan_folder(pkg, str(ROOT / pkg)).findings)
