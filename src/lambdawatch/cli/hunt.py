"""``lambdawatch hunt``: run the detection over files, folders, S3 prefixes or stdin."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any, TextIO

import click

from lambdawatch.alerting import sinks
from lambdawatch.cli import CliError
from lambdawatch.cli.progress import progress_reporter
from lambdawatch.engine.model import SEVERITY_ORDER
from lambdawatch.errors import LambdawatchError
from lambdawatch.hunt import HuntOptions, run_hunt
from lambdawatch.ingest.collect import default_workers
from lambdawatch.ingest.limits import limits_in_effect, parse_size

FORMATS = ["table", "jsonl", "json", "rows", "ocsf", "html"]
STREAMED = {"jsonl", "json", "ocsf"}


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _size(ctx: click.Context, param: click.Parameter, value: str) -> int:
    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _s3_factory() -> Any:
    import boto3

    return boto3.client("s3")


def _fails(alerts: list[dict[str, Any]], level: str | None) -> bool:
    if level is None:
        return False
    bar = SEVERITY_ORDER[level]
    return any(
        SEVERITY_ORDER[a["severity"]] >= bar
        for a in alerts
        if not a["suppressed"] and not a.get("superseded")
    )


def _write_html(store: Any, out: TextIO, shown: list[dict[str, Any]]) -> None:
    """The run's new, changed or superseded alerts as one self-contained HTML case report."""
    from datetime import UTC

    from lambdawatch import __version__
    from lambdawatch.report.render import render_report

    alerts = list(store.run_alerts(emitted_only=True))
    shown.extend(alerts)
    events = {a["id"]: store.events_by_id(a["event_ids"]) for a in alerts}
    meta = {
        "case": "hunt",
        "version": __version__,
        "command": "lambdawatch hunt",
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    out.write(render_report(alerts, events, meta))


def _deliver(state_path: str, policy: Any) -> None:
    """Send the outbox rows this run added (and any still due from earlier runs)."""
    from lambdawatch.aws.session import ClientFactory
    from lambdawatch.notify.sender import Sender
    from lambdawatch.state.store import Store

    clients = ClientFactory()
    sender = Sender(policy.targets, sns_client=lambda region: clients.client("sns", region))
    store = Store(state_path)
    try:
        sent = sender.flush(store)
        from lambdawatch.state import outbox

        left = outbox.backlog(store.db)
    finally:
        store.close()
    click.echo(f"notifications: {sent} sent, {left} waiting for a retry", err=True)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table (sorted by risk), jsonl/json (alerts), rows (the founding query's rows), "
    "ocsf (OCSF 1.5.0 Detection Finding, one per line).",
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False),
    help="SQLite state file: no alert twice across runs, none lost.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="TOML configuration: accounts, allowlists, approved changes, layers, rules.",
)
@click.option(
    "--iam-inventory",
    type=click.Path(exists=True, dir_okay=False),
    help="JSON of `aws iam get-account-authorization-details` (roles and policies).",
)
@click.option(
    "--lambda-inventory",
    type=click.Path(exists=True, dir_okay=False),
    help="JSON of `aws lambda list-functions` (and get-function, get-policy, ...).",
)
@click.option("--since", help="Only events at or after this ISO 8601 time.")
@click.option("--until", help="Only events before this ISO 8601 time.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="Write results here instead of stdout.",
)
@click.option(
    "--fail-on",
    type=click.Choice(list(SEVERITY_ORDER)),
    help="Exit 1 when an unsuppressed alert is at or above this severity.",
)
@click.option("--show-suppressed", is_flag=True, help="Table: show suppressed alerts too.")
@click.option(
    "--rules",
    "rule_dirs",
    multiple=True,
    type=click.Path(exists=True),
    help="Extra rule folder or file (repeatable).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=default_workers(),
    show_default=True,
    help="Processes that decode files in parallel.",
)
@click.option(
    "--summary-json", type=click.Path(dir_okay=False), help="Write the run summary as JSON."
)
@click.option("--quiet", "-q", is_flag=True, help="No summary on stderr.")
@click.option(
    "--notify",
    "notify",
    multiple=True,
    help="With --state: webhook:URL, slack:WEBHOOK_URL or sns:TOPIC_ARN (repeatable).",
)
@click.option(
    "--notify-min-severity",
    type=click.Choice(list(SEVERITY_ORDER)),
    help="Notify alerts at or above this severity (default high, or [notify]).",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(0),
    default=30.0,
    show_default=True,
    help="Seconds to wait for another run holding --state, then exit 2.",
)
@click.option(
    "--max-inflate",
    default="1G",
    show_default=True,
    callback=_size,
    help="Bytes one input file may give once decompressed (docs/limits.md).",
)
@click.option(
    "--max-record",
    default="50M",
    show_default=True,
    callback=_size,
    help="Bytes of one record; a larger one is skipped and reported.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="spark: the same alerts computed on Apache Spark "
    "(pip install 'lambdawatch[spark]'; docs/spark.md).",
)
@click.option(
    "--spark-master",
    help="With --engine spark: local[N], spark://HOST:PORT, yarn, "
    "... (default: spark-submit's, else local[*]).",
)
@click.option(
    "--partitions",
    type=click.IntRange(1),
    help="With --engine spark: detection partitions (default: parallelism).",
)
@click.pass_context
def hunt(
    ctx: click.Context,
    paths: tuple[str, ...],
    fmt: str,
    state_path: str | None,
    config_path: str | None,
    iam_inventory: str | None,
    lambda_inventory: str | None,
    since: str | None,
    until: str | None,
    output: str,
    fail_on: str | None,
    show_suppressed: bool,
    rule_dirs: tuple[str, ...],
    workers: int,
    summary_json: str | None,
    quiet: bool,
    lock_timeout: float,
    notify: tuple[str, ...] = (),
    notify_min_severity: str | None = None,
    max_inflate: int = 1 << 30,
    max_record: int = 50 << 20,
    engine: str = "local",
    spark_master: str | None = None,
    partitions: int | None = None,
) -> int:
    """Hunt CloudTrail logs (PATH: file, folder, s3://bucket/prefix, or - for stdin) for Lambda
    backdoors and persistence; one alert per function per hour."""
    if engine == "spark" and state_path:
        raise CliError("--engine spark does not take --state (a state file is one machine's)")
    if engine != "spark" and (spark_master or partitions):
        raise CliError("--spark-master and --partitions need --engine spark")
    opts = HuntOptions(
        paths=list(paths),
        state_path=state_path,
        since=_time(since),
        until=_time(until),
        workers=workers,
        rule_dirs=list(rule_dirs),
        want_rows=fmt == "rows",
        config_path=config_path,
        iam_inventory=iam_inventory,
        lambda_inventory=lambda_inventory,
        s3_client_factory=_s3_factory
        if any(p.startswith(("s3://", "s3a://")) for p in paths)
        else None,
        lock_timeout=lock_timeout,
    )
    sender = None
    if notify or notify_min_severity:
        if not state_path:
            raise CliError("--notify needs --state (the outbox lives in the state file)")
    if state_path:
        from lambdawatch.cli.watch import notify_policy
        from lambdawatch.notify.enqueue import enqueue_changes

        try:
            policy = notify_policy(notify, notify_min_severity, config_path)
        except LambdawatchError as exc:
            raise CliError(str(exc)) from None
        if policy.targets:
            opts.before_commit = lambda store: enqueue_changes(store, policy)
            sender = policy
    failing = False
    html_alerts: list[dict[str, Any]] = []

    def tracked(alerts: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        nonlocal failing
        for alert in alerts:
            failing = failing or _fails([alert], fail_on)
            yield alert

    with ExitStack() as stack:
        stack.enter_context(limits_in_effect(max_inflate=max_inflate, max_record=max_record))
        out: TextIO = (
            sys.stdout
            if output == "-"
            else stack.enter_context(open(output, "w", encoding="utf-8"))
        )
        if fmt in STREAMED:  # alerts go out as the store gives them back: memory stays flat
            opts.sink = lambda alerts: sinks.ALERT_WRITERS[fmt](tracked(alerts), out)
        elif fmt == "html":
            opts.after_commit = lambda store: _write_html(store, out, html_alerts)
        if sys.stderr.isatty() and not quiet:
            opts.on_progress = stack.enter_context(progress_reporter())
        try:
            if engine == "spark":
                from lambdawatch.spark import SparkOptions, run_spark_hunt

                result = run_spark_hunt(opts, SparkOptions(spark_master, partitions))
            else:
                result = run_hunt(opts)
        except LambdawatchError as exc:
            raise CliError(str(exc)) from None
        if fmt == "rows":
            sinks.write_jsonl(result.rows, out)
        elif fmt == "table":
            sinks.write_table(result.alerts, out, show_suppressed=show_suppressed)
            failing = _fails(result.alerts, fail_on)
        elif fmt == "html":
            failing = _fails(html_alerts, fail_on)
    if sender is not None and state_path:
        _deliver(state_path, sender)
    summary = result.summary
    if summary_json:
        import orjson

        with open(summary_json, "wb") as fh:
            fh.write(orjson.dumps(summary.to_dict(), option=orjson.OPT_INDENT_2))
    if not quiet:
        for line in summary.lines():
            click.echo(line, err=True)
    if summary.nothing_read:
        click.echo("lambdawatch: error: no input could be read", err=True)
        ctx.exit(2)
    ctx.exit(1 if failing else 0)
    return 0
