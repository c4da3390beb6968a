"""The one severity scale: names, order, priorities, and how other formats spell it.

``info < low < medium < high < critical``. Alerts, findings, rules and code-scan results all use
these names; OCSF, SARIF and Sigma spellings are mapped here, once. This module imports nothing
of the project (every layer may import it).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Literal

SeverityName = Literal["critical", "high", "medium", "low", "info"]
PriorityName = Literal["P1", "P2", "P3", "P4"]


class Severity(IntEnum):
    """A severity that compares by rank (``Severity.HIGH > Severity.LOW``)."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``"High"``, ``" high "`` -> ``Severity.HIGH``; an unknown name raises ``KeyError``."""
        return cls[text.strip().upper()]

    def __str__(self) -> str:
        return self.name.lower()


# Names, lowest first; SEVERITIES is highest first (how CLI choices list them).
SEVERITY_ORDER: dict[str, int] = {s.name.lower(): int(s) for s in Severity}
SEVERITIES: list[str] = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__, reverse=True)

PRIORITY_ORDER: dict[str, int] = {"P1": 0, "P2": 1, "P3": 2, "P4": 3}
# The priority a severity gives when a rule does not set its own.
DEFAULT_PRIORITY: dict[str, str] = {
    "critical": "P1",
    "high": "P2",
    "medium": "P3",
    "low": "P4",
    "info": "P4",
}

# OCSF 1.5.0 severity_id / severity (1 Informational .. 5 Critical).
OCSF_SEVERITY_ID: dict[str, int] = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
OCSF_SEVERITY_NAME: dict[str, str] = {
    "info": "Informational",
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "critical": "Critical",
}
# SARIF 2.1.0 result level, and GitHub code scanning's security-severity score.
SARIF_LEVEL: dict[str, str] = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
    "info": "note",
}
SARIF_SCORE: dict[str, str] = {
    "critical": "9.5",
    "high": "8.0",
    "medium": "5.5",
    "low": "3.0",
    "info": "0.0",
}
# Sigma rule level.
SIGMA_LEVEL: dict[str, str] = {
    "critical": "critical",
    "high": "high",
    "medium": "medium",
    "low": "low",
    "info": "informational",
}


def rank(name: str) -> int:
    """The order of a severity name (info 0 .. critical 4); an unknown name raises ``KeyError``."""
    return SEVERITY_ORDER[name]


def at_or_above(name: str, bar: str | None) -> bool:
    """Whether severity ``name`` reaches ``bar`` (``None``: no bar, never)."""
    return bar is not None and SEVERITY_ORDER[name] >= SEVERITY_ORDER[bar]


def highest(names: Iterable[str], default: str = "info") -> str:
    """The highest severity among ``names`` (``default`` when there is none)."""
    return max(names, key=SEVERITY_ORDER.__getitem__, default=default)


def shifted(name: str, steps: int, floor: str = "info") -> str:
    """``name`` moved ``steps`` along the scale, kept between ``floor`` and critical."""
    pos = min(max(SEVERITY_ORDER[name] + steps, SEVERITY_ORDER[floor]), len(SEVERITY_ORDER) - 1)
    return str(Severity(pos))
