"""The value types every stage shares: the finding, the alert, the function key, the stream mark.

With :mod:`lambdawatch.severity` (the one severity scale) this is the bottom of the import
layering: it imports nothing else of the project, and every layer may import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lambdawatch.severity import SEVERITY_ORDER

FnKey = tuple[str, str, str]  # (account, region, function name): one alert per key per hour
Mark = tuple[float, str]  # (event time as a POSIX timestamp, eventID): the stream's order
Alert = dict[str, Any]  # the public alert of DESIGN.md (`hunt --format jsonl` keys)


@dataclass(frozen=True)
class Finding:
    kind: str  # a stable slug from DESIGN.md ("admin-role", "public-function-url", ...)
    code: str  # two letters + three digits
    severity: str
    title: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "severity": self.severity,
            "title": self.title,
            "evidence": dict(self.evidence),
        }

    @property
    def rank(self) -> int:
        return SEVERITY_ORDER[self.severity]


def max_severity(severities: list[str], default: str = "info") -> str:
    return max(severities, key=lambda s: SEVERITY_ORDER[s], default=default)
