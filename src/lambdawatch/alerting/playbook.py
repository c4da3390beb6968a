"""Playbooks from the founding spec, rendered as the ordered steps an alert carries."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any
from lambdawatch.yamlio import load_yaml



@cache
def playbooks() -> dict[str, Any]:
    text = resources.files("lambdawatch.data").joinpath("playbooks.yml").read_text("utf-8")
    data = load_yaml(text)
    assert isinstance(data, dict)
    return data


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


@cache
def finding_steps() -> dict[str, list[str]]:
    text = resources.files("lambdawatch.data").joinpath("finding_steps.yml").read_text("utf-8")
    data = load_yaml(text)
    assert isinstance(data, dict)
    return data


def for_findings(kinds: list[str]) -> list[str]:
    """The steps specific to these finding kinds, once each, in the kinds' order."""
    out: list[str] = []
    book = finding_steps()
    for kind in dict.fromkeys(kinds):
        out.extend(f"For {kind}: {step}" for step in book.get(kind, []))
    return out
