"""``lambdawatch explain ALERT_ID --state DB``: an alert's risk, findings and filled-in playbook."""

from __future__ import annotations

import json
from typing import Any

import click

from lambdawatch.analyze.common import escaped
from lambdawatch.cli import CliError
from lambdawatch.errors import LambdawatchError
from lambdawatch.secrets import redact_value
from lambdawatch.state.store import Store
from lambdawatch.textsafe import safe_text


def render(alert: dict[str, Any]) -> list[str]:
    """The explanation as lines of text. Every value from the logs (principals, IPs, role ARNs,
    code keys, playbook context) is masked for secrets and shown escaped: no control, escape or
    bidi character reaches the terminal; function names show any non-ASCII character escaped."""
    return [safe_text(line) for line in _lines(redact_value(alert))]


def _lines(alert: dict[str, Any]) -> list[str]:
    out = [
        f"{alert['id']}  {safe_text(alert['title'], ascii_only=True)}",
        f"  severity {alert['severity']} ({alert['priority']}), risk {alert['risk']}/100"
        + (f", environment {alert['environment']}" if alert.get("environment") else ""),
        f"  function {escaped(alert['function'])} in {alert['account']}/{alert['region']}",
        f"  {alert['first_seen']} .. {alert['last_seen']}, {alert['event_count']} event(s): "
        + ", ".join(alert["event_names"]),
        (
            f"  by {', '.join(map(str, alert['principals'])) or '-'} "
            f"from {', '.join(map(str, alert['source_ips'])) or '-'}"
        ),
    ]
    if alert.get("superseded"):
        out.append(
            "  SUPERSEDED: a later run re-evaluated this window (a late record moved it);"
            " the current alert of this function covers these events"
        )
    if alert["suppressed"]:
        out.append(f"  SUPPRESSED: {alert['suppression_reason']}")
    if alert.get("change_ticket"):
        out.append(f"  change ticket: {alert['change_ticket']}")
    for note in alert.get("tuning") or []:
        out.append(f"  tuning: {note}")
    out.append("")
    out.append("Risk:")
    out += [f"  {line}" for line in alert.get("risk_explanation") or []]
    out.append("")
    out.append(f"Findings ({len(alert['findings'])}):")
    for f in alert["findings"]:
        out.append(f"  [{f['severity']}] {f['kind']} {f['code']}: {f['title']}")
        out.append(f"      {json.dumps(f['evidence'], ensure_ascii=True, sort_keys=True)}")
    out.append("")
    out.append("Playbook:")
    out += [f"  {i}. {step}" for i, step in enumerate(alert["playbook"], 1)]
    return out


@click.command()
@click.argument("alert_id")
@click.option(
    "--state",
    "state_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The SQLite state file a `hunt --state` run wrote.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stored alert as JSON instead.")
def explain(alert_id: str, state_path: str, as_json: bool) -> None:
    """Explain one alert: why its risk, what it found, and what to do (its playbook)."""
    try:
        store = Store(state_path, readonly=True)
    except LambdawatchError as exc:
        raise CliError(str(exc)) from None
    try:
        alert = store.get_alert(alert_id)
    finally:
        store.close()
    if alert is None:
        raise CliError(
            f"no alert {alert_id!r} in {state_path} (ids are listed by hunt --format table)"
        )
    if as_json:
        click.echo(json.dumps(redact_value(alert), indent=2, ensure_ascii=True))
        return
    for line in render(alert):
        click.echo(line)
