"""``lambdawatch logs (FILE...|--function NAME --since T)``: CloudWatch Logs red flags and
invocation/cost anomalies, one result per function."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import click
import orjson

from lambdawatch.cli import CliError
from lambdawatch.errors import LambdawatchError
from lambdawatch.severity import SEVERITY_ORDER
from lambdawatch.textsafe import safe_text

_RELATIVE = re.compile(r"^(\d+)([mhd])$")


def parse_when(text: str, now: datetime) -> int:
    """ISO 8601 (``2025-03-14T09:00:00Z``) or relative (``90m``, ``24h``, ``7d``) -> epoch ms."""
    m = _RELATIVE.match(text.strip())
    if m:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[m.group(2)]
        return int((now - timedelta(**{unit: int(m.group(1))})).timestamp() * 1000)
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"bad time {text!r}: give ISO 8601 or 90m / 24h / 7d") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


def _table(results: list[dict[str, Any]]) -> list[str]:
    out = []
    for r in results:
        out.append(
            f"{safe_text(r['function'])}  invocations {r['invocations']}  "
            f"errors {r['errors']}  est. cost {r['estimated_cost_usd']:.4f} USD  "
            f"{r['window']['start']} .. {r['window']['end']}"
        )
        for f in r["findings"]:
            out.append(f"  [{f['severity']}] {f['kind']} {f['code']}: {safe_text(f['title'])}")
        if r.get("metrics"):
            total = sum(p["invocations"] for p in r["metrics"])
            out.append(f"  metrics: {len(r['metrics'])} hour(s), {total:.0f} invocations")
    return out


@click.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--function",
    "function",
    default=None,
    help="The function (live: read /aws/lambda/NAME; files: when no log group says).",
)
@click.option("--since", default=None, help="Live: start (ISO 8601 or 90m/24h/7d).")
@click.option("--until", default=None, help="Live: end (default now).")
@click.option(
    "--state",
    "state_path",
    default=None,
    help="`hunt --state` DB: the function's changes and known schedules.",
)
@click.option(
    "--arch",
    type=click.Choice(["x86_64", "arm64"]),
    default="x86_64",
    show_default=True,
    help="Architecture priced.",
)
@click.option("--budget-usd", type=float, default=None, help="Daily budget per function.")
@click.option("--known-extension", "known", multiple=True, help="An extension you run.")
@click.option("--metrics/--no-metrics", default=True, help="Live: also read CloudWatch metrics.")
@click.option("--region", default=None, help="Live: AWS region (default boto3's).")
@click.option("--profile", default=None, help="Live: AWS profile.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "json"]),
    default="table",
    show_default=True,
)
@click.option("-o", "--output", default="-", help="Write the results here (default stdout).")
@click.option(
    "--fail-on",
    type=click.Choice(list(SEVERITY_ORDER)),
    default=None,
    help="Exit 1 when a finding at or above this severity is found.",
)
def logs(
    paths: tuple[str, ...],
    function: str | None,
    since: str | None,
    until: str | None,
    state_path: str | None,
    arch: str,
    budget_usd: float | None,
    known: tuple[str, ...],
    metrics: bool,
    region: str | None,
    profile: str | None,
    fmt: str,
    output: str,
    fail_on: str | None,
) -> None:
    """Red flags in a function's CloudWatch Logs, invocation and cost anomalies."""
    from lambdawatch.logs import analyze, cost, history, live, readers, run
    from lambdawatch.logs.extensions import KNOWN_EXTENSIONS

    if not paths and not function:
        raise CliError("give log files or folders, or --function NAME --since T")
    if not paths and not since:
        raise CliError("live reading needs --since (e.g. --since 24h)")
    try:
        hist = history.load_history(state_path) if state_path else history.History()
        opts = analyze.Options(cost.prices(arch), budget_usd, KNOWN_EXTENSIONS | frozenset(known))
        report = readers.ReadReport()
        metric_series: list[dict[str, Any]] = []
        if paths:
            groups = run.from_files(paths, function, report)
        else:
            assert function is not None and since is not None
            from lambdawatch.aws import ClientFactory

            now = datetime.now(UTC)
            start, end = (
                parse_when(since, now),
                parse_when(until, now) if until else int(now.timestamp() * 1000),
            )
            factory = ClientFactory(profile=profile, region=region)
            groups = {}
            run.accumulate(
                ((line, function) for line in live.fetch_logs(factory, function, start, end)),
                groups,
                report,
                f"/aws/lambda/{function}",
            )
            opts.window_end_ms = end
            if metrics:
                metric_series = live.fetch_metrics(factory, function, start, end)
            if function not in groups:
                groups[function] = analyze.FunctionLogs(function)
        results = run.results(groups, hist, opts)
    except LambdawatchError as exc:
        raise CliError(str(exc)) from None
    if metric_series:
        from lambdawatch.logs.anomaly import spike_in_counts

        for r in results:
            if r["function"] == function:
                r["metrics"] = metric_series
                if not r["invocations"]:  # no REPORT lines: judge the metric series instead
                    counts = {
                        int(datetime.fromisoformat(p["hour"]).timestamp()) // 3600: p["invocations"]
                        for p in metric_series
                    }
                    r["findings"] += [f.to_dict() for f in spike_in_counts(counts)]
    for where, why in report.problems:
        click.echo(f"skipped: {safe_text(where)}: {why}", err=True)
    click.echo(
        f"logs: files {report.files}, lines {sum(r['lines'] for r in results)}, "
        f"functions {len(results)}",
        err=True,
    )
    if paths and not results:
        raise CliError("no CloudWatch Logs line could be read")
    if fmt == "json":
        text = orjson.dumps(results, option=orjson.OPT_INDENT_2).decode() + "\n"
    elif fmt == "jsonl":
        text = "".join(orjson.dumps(r).decode() + "\n" for r in results)
    else:
        text = "\n".join(_table(results)) + "\n"
    if output == "-":
        click.echo(text, nl=False)
    else:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    if fail_on and any(
        SEVERITY_ORDER[f["severity"]] >= SEVERITY_ORDER[fail_on]
        for r in results
        for f in r["findings"]
    ):
        raise SystemExit(1)
