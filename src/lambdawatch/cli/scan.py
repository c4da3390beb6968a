"""``lambdawatch scan``: placeholder replaced by the code-scan work (issue 5)."""

from __future__ import annotations

import click


@click.command()
@click.argument("target")
def scan(target: str) -> None:
    """Scan a Lambda package or layer for backdoor code without running it."""
    raise click.UsageError("scan is not available yet")
