"""Analyzers: one module per red-flag family; each adds findings (with evidence) to matched events."""

from __future__ import annotations

from typing import Any

from lambdawatch.engine.context import HuntContext


def setup(ctx: HuntContext, opts: Any) -> None:
    """Register the analyzers that apply with this configuration and these inventories."""
