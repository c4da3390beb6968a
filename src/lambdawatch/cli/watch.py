"""``lambdawatch watch --queue URL --state DB``: the hunt pipeline fed live from SQS."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from lambdawatch.cli import CliError
from lambdawatch.errors import LambdawatchError
from lambdawatch.severity import SEVERITIES


def notify_policy(specs: tuple[str, ...], min_severity: str | None, config_path: str | None) -> Any:
    """The notification policy from ``--notify`` and the TOML ``[notify]`` table."""
    from lambdawatch.config import load_config
    from lambdawatch.notify.enqueue import NotifyPolicy
    from lambdawatch.notify.targets import parse_target

    config = load_config(config_path)
    targets = [parse_target(s) for s in (*config.notify.targets, *specs)]
    unique = list({t.sink: t for t in targets}.values())
    return NotifyPolicy(unique, min_severity or config.notify.min_severity)


@click.command()
@click.option("--queue", "queue_url", required=True, help="SQS queue URL.")
@click.option(
    "--state",
    "state_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="SQLite state file (the same as hunt --state).",
)
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--iam-inventory", type=click.Path(exists=True, dir_okay=False))
@click.option("--lambda-inventory", type=click.Path(exists=True, dir_okay=False))
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True))
@click.option(
    "--notify",
    "notify",
    multiple=True,
    help="webhook:URL, slack:WEBHOOK_URL or sns:TOPIC_ARN (repeatable).",
)
@click.option(
    "--notify-min-severity",
    type=click.Choice(SEVERITIES),
    help="Notify alerts at or above this severity (default high).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "none"]),
    default="jsonl",
    show_default=True,
    help="Print each alert change (jsonl) or nothing.",
)
@click.option("--once", is_flag=True, help="Drain the queue, flush the outbox, exit.")
@click.option("--wait-seconds", type=click.IntRange(0, 20), default=20, show_default=True)
@click.option(
    "--status-every",
    type=click.FloatRange(1),
    default=60.0,
    show_default=True,
    help="Seconds between status lines on stderr.",
)
@click.option(
    "--metrics-file",
    type=click.Path(dir_okay=False),
    help="Write the counters as JSON here after each batch.",
)
@click.option("--profile", help="AWS profile (default: boto3's credential chain).")
@click.option("--region", help="AWS region of the queue (default: boto3's).")
def watch(
    queue_url: str,
    state_path: str,
    config_path: str | None,
    iam_inventory: str | None,
    lambda_inventory: str | None,
    rule_dirs: tuple[str, ...],
    notify: tuple[str, ...],
    notify_min_severity: str | None,
    fmt: str,
    once: bool,
    wait_seconds: int,
    status_every: float,
    metrics_file: str | None,
    profile: str | None,
    region: str | None,
) -> None:
    """Watch an SQS queue of CloudTrail deliveries (S3 notifications, direct or through SNS,
    CloudTrail's SNS notification, EventBridge API-call events) and alert as hunt does."""
    from lambdawatch.alerting import sinks
    from lambdawatch.aws.session import ClientFactory
    from lambdawatch.watch.loop import WatchOptions
    from lambdawatch.watch.loop import watch as run_watch

    logging.basicConfig(level=logging.WARNING, format="lambdawatch: %(message)s", stream=sys.stderr)
    try:
        policy = notify_policy(notify, notify_min_severity, config_path)
        opts = WatchOptions(
            queue_url=queue_url,
            state_path=state_path,
            config_path=config_path,
            iam_inventory=iam_inventory,
            lambda_inventory=lambda_inventory,
            rule_dirs=list(rule_dirs),
            once=once,
            wait_seconds=wait_seconds,
            status_every=status_every,
            metrics_file=metrics_file,
            policy=policy,
            status=lambda line: click.echo(line, err=True),
        )
        if fmt == "jsonl":

            def out(alerts: Any) -> None:
                sinks.write_jsonl(alerts, sys.stdout)
                sys.stdout.flush()

            opts.sink = out
        run_watch(opts, ClientFactory(profile=profile, region=region))
    except LambdawatchError as exc:
        raise CliError(str(exc)) from None
