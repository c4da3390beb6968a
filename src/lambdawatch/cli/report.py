"""``lambdawatch report --state DB [ALERT_ID...|--all] -o case.html``: the HTML case report."""

from __future__ import annotations

import shlex
import sys
from datetime import UTC, datetime
from typing import Any

import click
import orjson

from lambdawatch import __version__
from lambdawatch.cli import CliError
from lambdawatch.errors import LambdawatchError


def _read_jsonl(path: str) -> list[dict[str, Any]]:
    out = []
    try:
        with open(path, "rb") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    item = orjson.loads(line)
                    if not isinstance(item, dict):
                        raise CliError(f"{path}:{n}: not a JSON object")
                    out.append(item)
    except (OSError, orjson.JSONDecodeError) as exc:
        raise CliError(f"{path}: cannot read ({exc})") from None
    return out


def _read_scans(paths: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    """``scan --format json`` results by function (target ``lambda:NAME``, else the file stem)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for spec in paths:
        function, _, path = spec.rpartition("=") if "=" in spec else ("", "", spec)
        try:
            with open(path, "rb") as fh:
                doc = orjson.loads(fh.read())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise CliError(f"{path}: cannot read scan result ({exc})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
            raise CliError(f"{path}: not a `scan --format json` result (no findings list)")
        target = str(doc.get("target") or "")
        name = function or (target.split(":", 1)[1] if target.startswith("lambda:") else target)
        out.setdefault(name, []).extend(f for f in doc["findings"] if isinstance(f, dict))
    return out


@click.command()
@click.argument("alert_ids", nargs=-1)
@click.option("--state", "state_path", required=True, help="The SQLite state of `hunt --state`.")
@click.option("--all", "all_alerts", is_flag=True, help="Every live alert of the state (default).")
@click.option("-o", "--output", default="-", help="The HTML file to write (default stdout).")
@click.option("--case", "case_name", default=None, help="Case title shown in the header.")
@click.option(
    "--logs",
    "logs_path",
    default=None,
    help="A `logs --format jsonl` result: invocations, cost and log findings.",
)
@click.option(
    "--scan",
    "scans",
    multiple=True,
    help="A `scan --format json` result ([FUNCTION=]FILE), repeatable.",
)
@click.option(
    "--case-dir",
    "case_dirs",
    multiple=True,
    help="A `respond` case folder: manifest (verified again) and actions, repeatable.",
)
def report(
    alert_ids: tuple[str, ...],
    state_path: str,
    all_alerts: bool,
    output: str,
    case_name: str | None,
    logs_path: str | None,
    scans: tuple[str, ...],
    case_dirs: tuple[str, ...],
) -> None:
    """Write one self-contained HTML case report (no script, nothing fetched, printable)."""
    from lambdawatch.report import render_report
    from lambdawatch.report.data import load_alerts, load_events, open_store
    from lambdawatch.report.response import load_case

    if all_alerts and alert_ids:
        raise CliError("give alert ids or --all, not both")
    try:
        store = open_store(state_path)
        try:
            alerts = load_alerts(store, alert_ids)
            events = load_events(store, alerts)
        finally:
            store.close()
        responses = [load_case(d) for d in case_dirs]
    except LambdawatchError as exc:
        raise CliError(str(exc)) from None
    meta = {
        "case": case_name or f"lambdawatch case: {len(alerts)} alert(s)",
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "version": __version__,
        "command": "lambdawatch report " + " ".join(shlex.quote(a) for a in sys.argv[2:])
        if len(sys.argv) > 1 and sys.argv[1] == "report"
        else "lambdawatch report",
        "logs": _read_jsonl(logs_path) if logs_path else [],
        "code_findings": _read_scans(scans),
        "responses": responses,
    }
    html = render_report(alerts, events, meta)
    if output == "-":
        click.echo(html, nl=False)
    else:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(html)
        except OSError as exc:
            raise CliError(f"{output}: cannot write ({exc.strerror})") from None
        click.echo(f"report: {len(alerts)} alert(s) written to {output}", err=True)
