"""The finding model shared by rules, analyzers and the code scanner's alert view."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lambdawatch.engine.model import SEVERITY_ORDER


@dataclass(frozen=True)
class Finding:
    kind: str  # a stable slug from DESIGN.md ("admin-role", "public-function-url", ...)
    code: str  # two letters + three digits
    severity: str
    title: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "severity": self.severity,
                "title": self.title, "evidence": dict(self.evidence)}

    @property
    def rank(self) -> int:
        return SEVERITY_ORDER[self.severity]


def max_severity(severities: list[str], default: str = "info") -> str:
    return max(severities, key=lambda s: SEVERITY_ORDER[s], default=default)
