"""YAML reading for rule files and data tables: libyaml's C loader when present, safe either way."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (C or Python)


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree (with line marks) for error locations."""
    return yaml.compose(text, Loader=_LOADER)
