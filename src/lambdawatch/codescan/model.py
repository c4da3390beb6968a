"""Typed model of the code scan: severities, check metadata, findings and the scan result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lambdawatch.kinds import require as require_kind
from lambdawatch.severity import Severity  # the one scale, re-exported for the checks


@dataclass(frozen=True)
class CheckMeta:
    """What a check is: its code (two letters + three digits), slug, kind and defaults."""

    code: str
    slug: str
    kind: str
    title: str
    severity: Severity
    confidence: str
    doc: str


@dataclass
class Finding:
    kind: str
    code: str
    severity: Severity
    file: str
    line: int
    message: str
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "severity": str(self.severity),
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "evidence": self.evidence,
        }


@dataclass
class ScanResult:
    target: str
    files_scanned: int = 0
    bytes_scanned: int = 0
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (-f.severity, f.file, f.line, f.code))

    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "files_scanned": self.files_scanned,
            "bytes_scanned": self.bytes_scanned,
            "findings": [f.to_dict() for f in self.sorted_findings()],
            "errors": list(self.errors),
        }


CATALOGUE: dict[str, CheckMeta] = {}


def register(
    code: str, slug: str, kind: str, title: str, severity: Severity, confidence: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: record a check's metadata (its docstring becomes its documentation)."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        if code in CATALOGUE:
            raise ValueError(f"check code {code} registered twice")
        require_kind(kind, where=f"check {code} ({fn.__module__})")
        meta = CheckMeta(code, slug, kind, title, severity, confidence, (fn.__doc__ or "").strip())
        CATALOGUE[code] = meta
        fn.meta = meta  # type: ignore[attr-defined]
        return fn

    return wrap


def declare(
    code: str, slug: str, kind: str, title: str, severity: Severity, confidence: str, doc: str
) -> CheckMeta:
    """Register metadata for a finding emitted outside a check function (package safety)."""
    require_kind(kind, where=f"check {code}")
    meta = CheckMeta(code, slug, kind, title, severity, confidence, doc.strip())
    if code in CATALOGUE:
        raise ValueError(f"check code {code} registered twice")
    CATALOGUE[code] = meta
    return meta


__all__ = ["CATALOGUE", "CheckMeta", "Finding", "ScanResult", "Severity", "declare", "register"]
