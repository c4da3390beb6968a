"""Data tables shipped with lambdawatch (playbooks, risk weights, names, runtimes, layers)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from lambdawatch.yamlio import load_yaml


@cache
def load(name: str) -> dict[str, Any]:
    """A YAML table of this package, parsed once per process."""
    loaded = load_yaml(resources.files(__name__).joinpath(name).read_text("utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"lambdawatch data file {name} is not a mapping")
    return loaded
