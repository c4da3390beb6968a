"""Completing an assembled alert: scoring, tuning (suppression) and the filled-in playbook."""

from __future__ import annotations

from typing import Any

from lambdawatch.engine.context import HuntContext


def setup(ctx: HuntContext, opts: Any) -> None:
    """Register the alert finishers for this run (tuning needs the configuration)."""
