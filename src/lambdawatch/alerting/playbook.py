"""Playbooks from the founding spec, rendered as the ordered steps an alert carries."""

from __future__ import annotations

from functools import cache
from typing import Any

from lambdawatch.data import load


def playbooks() -> dict[str, Any]:
    return load("playbooks.yml")


def steps(name: str) -> list[str]:
    """The founding spec's recommended actions, then its response playbook, in order."""
    return list(_steps(name))


@cache
def _steps(name: str) -> tuple[str, ...]:
    book = playbooks()[name]
    out = [f"Recommended action: {a}" for a in book["recommended_actions"]]
    for section, items in book["response_playbook"].items():
        out.extend(f"{section}: {item}" for item in items)
    return tuple(out)


def investigation(name: str) -> list[str]:
    return list(playbooks()[name]["investigation_steps"])


def finding_steps() -> dict[str, list[str]]:
    """Each finding kind's response steps, from the one registry of kinds."""
    from lambdawatch import kinds

    return {k.slug: list(k.steps) for k in kinds.all_kinds()}


def for_findings(kinds: list[str]) -> list[str]:
    """The steps specific to these finding kinds, once each, in the kinds' order."""
    out: list[str] = []
    book = finding_steps()
    for kind in dict.fromkeys(kinds):
        out.extend(f"For {kind}: {step}" for step in book.get(kind, []))
    return out
