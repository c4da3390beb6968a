"""``lambdawatch audit``: read-only judgement of every Lambda function of a live account."""

from __future__ import annotations

import sys
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any, TextIO

import click

from lambdawatch.cli import CliError
from lambdawatch.errors import LambdawatchError
from lambdawatch.severity import SEVERITY_ORDER
from lambdawatch.textsafe import safe_line

FORMATS = ["table", "jsonl", "json", "ocsf"]


def _summary(run: Any, saved: list[str]) -> list[str]:
    lines = [
        (
            f"audit: account {run.account}, {len(run.regions)} region(s), {run.functions} "
            f"function(s), {len(run.results)} result(s), {run.calls} API calls in "
            f"{run.seconds:.1f}s"
        )
    ]
    gaps = run.gaps + [g for r in run.results for g in r["gaps"]]
    if gaps:
        lines.append(f"gaps ({len(gaps)}): what could not be read")
        for g in run.gaps:
            lines.append(
                f"  {safe_line(g.api)} {safe_line(g.resource or '')}: {g.error}: "
                f"{safe_line(g.message)}"
            )
        for r in run.results:
            for g in r["gaps"]:
                lines.append(
                    f"  {safe_line(r['function'])}: {safe_line(g['api'])}: {g['error']}:"
                    f" {safe_line(g['message'])}"
                )
    lines += [f"inventory written: {p}" for p in saved]
    return lines


@click.command()
@click.option("--profile", help="AWS profile (default: boto3's default credentials).")
@click.option(
    "--regions",
    default="all",
    show_default=True,
    help="'all' (every enabled region, from ec2:DescribeRegions) or a comma list.",
)
@click.option(
    "--functions",
    "functions",
    multiple=True,
    help="Only these function names (repeatable, or comma separated).",
)
@click.option("--scan-code", is_flag=True, help="Download (CodeSha256 verified) and scan code.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.option(
    "--fail-on",
    type=click.Choice(list(SEVERITY_ORDER)),
    help="Exit 1 when a result is at or above this severity.",
)
@click.option(
    "--save-inventory",
    type=click.Path(file_okay=False),
    help="Write lambda-inventory.json and iam-inventory.json for hunt.",
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False),
    help="SQLite state: record the results (audit_runs, audit_results).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="TOML configuration (known accounts, trusted layer publishers, thresholds).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Functions read at once per region.",
)
@click.option("--quiet", "-q", is_flag=True, help="No summary on stderr.")
@click.pass_context
def audit(
    ctx: click.Context,
    profile: str | None,
    regions: str,
    functions: tuple[str, ...],
    scan_code: bool,
    fmt: str,
    output: str,
    fail_on: str | None,
    save_inventory: str | None,
    state_path: str | None,
    config_path: str | None,
    workers: int,
    quiet: bool,
) -> int:
    """Judge every Lambda function of the account, read-only, in every region."""
    from lambdawatch.audit import store
    from lambdawatch.audit.inventory_out import save_inventory as save
    from lambdawatch.audit.output import write
    from lambdawatch.audit.run import AuditOptions, run_audit
    from lambdawatch.aws import ClientFactory
    from lambdawatch.config import load_config

    names = [n for item in functions for n in item.split(",") if n]
    wanted = [r.strip() for r in regions.split(",") if r.strip()]
    try:
        opts = AuditOptions(
            regions=None if wanted in ([], ["all"]) else wanted,
            functions=names or None,
            scan_code=scan_code,
            config=load_config(config_path),
            workers=workers,
        )
        factory = ClientFactory(profile=profile)
        run = run_audit(factory, opts)
        audited_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        saved = [str(p) for p in save(run, save_inventory)] if save_inventory else []
        if state_path:
            store.record(
                state_path,
                uuid.uuid4().hex,
                audited_at,
                run.account,
                run.regions,
                run.calls,
                run.seconds,
                [g.to_dict() for g in run.gaps],
                run.results,
            )
    except LambdawatchError as exc:
        raise CliError(str(exc)) from None
    except Exception as exc:  # boto3 configuration errors (unknown profile, no region)
        if type(exc).__module__.startswith(("botocore", "boto3")):
            raise CliError(f"AWS: {exc}") from None
        raise
    with ExitStack() as stack:
        out: TextIO = (
            sys.stdout
            if output == "-"
            else stack.enter_context(open(output, "w", encoding="utf-8"))
        )
        write(run.results, fmt, out, audited_at)
    if not quiet:
        for line in _summary(run, saved):
            click.echo(line, err=True)
    bar = SEVERITY_ORDER[fail_on] if fail_on else None
    failing = bar is not None and any(SEVERITY_ORDER[r["severity"]] >= bar for r in run.results)
    ctx.exit(1 if failing else 0)
    return 0
