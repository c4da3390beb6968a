"""Playbooks from the founding spec, rendered as the ordered steps an alert carries."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def playbooks() -> dict[str, Any]:
    text = resources.files("lambdawatch.data").joinpath("playbooks.yml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def steps(name: str) -> list[str]:
    """The founding spec's recommended actions, then its response playbook, in order."""
    book = playbooks()[name]
    out = [f"Recommended action: {a}" for a in book["recommended_actions"]]
    for section, items in book["response_playbook"].items():
        out.extend(f"{section}: {item}" for item in items)
    return out


def investigation(name: str) -> list[str]:
    return list(playbooks()[name]["investigation_steps"])
