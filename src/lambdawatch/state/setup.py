"""Stream state for a hunt: what the events tell about each function and role, plus inventories."""

from __future__ import annotations

from typing import Any

from lambdawatch.engine.context import HuntContext


def setup(ctx: HuntContext, opts: Any) -> None:
    """Register the stream observers (function history, role inventory) for this run."""
