"""The finding codes audit uses: the shipped rules' own (same code, severity, title as ``hunt``)
and four of its own for what only the live configuration shows.

Audit's codes (family ``AU``): AU101 weighted-alias-to-hidden-version, AU102
async-destination-foreign, AU103 scheduler-target, AU104 unreadable-layer.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from lambdawatch.findings import Finding

# kind -> (code, severity, title)
AUDIT_KINDS: dict[str, tuple[str, str, str]] = {
    "weighted-alias-to-hidden-version": (
        "AU101",
        "high",
        "Alias sends part of its traffic to a version no alias names",
    ),
    "async-destination-foreign": (
        "AU102",
        "high",
        "Asynchronous results or failures are sent to another account",
    ),
    "scheduler-target": ("AU103", "medium", "EventBridge Scheduler invokes the function"),
    "unreadable-layer": ("AU104", "medium", "Layer version cannot be read"),
}


@cache
def _rule_specs() -> dict[str, tuple[str, str, str]]:
    """code -> (kind, severity, title), from the shipped CloudTrail rules."""
    from lambdawatch.engine.loader import load_rules

    out: dict[str, tuple[str, str, str]] = {}
    for rule in load_rules([]):
        for spec in rule.findings:
            out.setdefault(spec.code, (spec.kind, str(spec.severity), spec.title))
    return out


def rule_finding(code: str, evidence: dict[str, Any], title: str | None = None) -> Finding:
    """The finding a shipped rule emits under ``code``, with the audit's evidence."""
    kind, severity, rule_title = _rule_specs()[code]
    return Finding(kind, code, severity, title or rule_title, {**evidence, "source": "audit"})


def audit_finding(kind: str, evidence: dict[str, Any], title: str | None = None) -> Finding:
    code, severity, default = AUDIT_KINDS[kind]
    return Finding(kind, code, severity, title or default, {**evidence, "source": "audit"})
