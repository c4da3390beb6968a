"""Check catalogue: codes, slugs, kinds, and docs that must not drift from the metadata."""

from __future__ import annotations

import re
from pathlib import Path

from lambdawatch.codescan.catalogue_docs import render_all
from lambdawatch.codescan.model import CATALOGUE

DOCS = Path(__file__).resolve().parents[2] / "docs" / "checks"
CODE_KINDS = {
    "reverse-shell",
    "outbound-connection",
    "env-credential-harvest",
    "imds-access",
    "secrets-manager-access",
    "ssm-parameter-access",
    "base64-decode",
    "dynamic-exec",
    "process-exec",
    "obfuscation",
    "iam-manipulation",
    "runtime-api-hijack",
    "credential-exfiltration",
    "cryptominer",
    "hardcoded-secret",
}
PACKAGE_KINDS = {
    "archive-limit",
    "path-traversal",
    "symlink",
    "encrypted-member",
    "corrupt-archive",
    "module-shadowing",
    "startup-hook",
}


def test_codes_slugs_and_kinds() -> None:
    slugs = [m.slug for m in CATALOGUE.values()]
    assert len(slugs) == len(set(slugs))
    for code, meta in CATALOGUE.items():
        assert re.fullmatch(r"(CS|PK)\d{3}", code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", meta.slug)
        assert meta.confidence in {"high", "medium", "low"}
        assert meta.doc and meta.title
        assert meta.kind in (CODE_KINDS if code.startswith("CS") else PACKAGE_KINDS)


def test_every_design_code_kind_has_a_check() -> None:
    assert {m.kind for m in CATALOGUE.values() if m.code.startswith("CS")} == CODE_KINDS


def test_docs_do_not_drift() -> None:
    wanted = render_all()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert on_disk == wanted, "run: python scripts/gen_check_docs.py"
