"""``lambdawatch scan``: thin wrapper over :func:`lambdawatch.codescan.scan_target`."""

from __future__ import annotations

import click

from lambdawatch.cli import CliError
from lambdawatch.errors import LambdawatchError
from lambdawatch.severity import SEVERITIES, Severity


@click.command()
@click.argument("target")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "sarif"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES, case_sensitive=False),
    default="high",
    show_default=True,
    help="Exit 1 when a finding is at or above this severity.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the report to FILE instead of stdout.",
)
@click.option(
    "--cache",
    "cache",
    type=click.Path(dir_okay=False),
    default=None,
    help="Per-file result cache (SQLite) [default: $XDG_CACHE_HOME/lambdawatch/scan.sqlite].",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option(
    "--time-budget",
    type=float,
    default=600.0,
    show_default=True,
    help="Seconds for the whole package; files not started by then are reported "
    "(PK001, high) and the result is partial. 0 = no budget.",
)
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Parallel scan processes [default: one per core, at most 8].",
)
@click.pass_context
def scan(
    ctx: click.Context,
    target: str,
    fmt: str,
    fail_on: str,
    output: str | None,
    cache: str | None,
    no_cache: bool,
    time_budget: float,
    workers: int | None,
) -> None:
    """Scan a Lambda package or layer for backdoor code without running it.

    TARGET is a zip, a folder, s3://bucket/key, lambda:FUNCTION or a layer version ARN.
    Exit 0 clean, 1 a finding at or above --fail-on, 2 the target cannot be read.
    """
    from lambdawatch.codescan import scan_target
    from lambdawatch.codescan.report import RENDERERS
    from lambdawatch.codescan.runfiles import ScanOptions

    try:
        options = ScanOptions.from_cli(cache, no_cache, time_budget, workers)
        try:
            result = scan_target(target, options=options)
        finally:
            options.close()
    except LambdawatchError as exc:
        raise CliError(str(exc)) from None
    text = RENDERERS[fmt](result)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
    else:
        click.echo(text.rstrip("\n"))
    worst = result.max_severity()
    ctx.exit(1 if worst is not None and int(worst) >= Severity.parse(fail_on) else 0)
