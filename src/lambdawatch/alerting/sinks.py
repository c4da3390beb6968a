"""Output sinks: jsonl, json, table and rows. Each takes plain dicts and writes to a stream."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TextIO

import orjson
from rich.console import Console
from rich.table import Table

from lambdawatch.alerting.ocsf import write_ocsf
from lambdawatch.engine.model import SEVERITY_ORDER

Alert = dict[str, Any]
_SEV_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _line(obj: Any) -> str:
    return orjson.dumps(obj).decode()


def write_jsonl(items: Iterable[dict[str, Any]], out: TextIO) -> None:
    for item in items:
        out.write(_line(item) + "\n")


def write_json(items: Iterable[dict[str, Any]], out: TextIO) -> None:
    """A JSON array, written item by item (the items may be a stream)."""
    out.write("[")
    for n, item in enumerate(items):
        text = orjson.dumps(item, option=orjson.OPT_INDENT_2).decode().replace("\n", "\n  ")
        out.write(("," if n else "") + "\n  " + text)
    out.write("\n]\n")


def by_risk(alerts: list[Alert]) -> list[Alert]:
    return sorted(alerts, key=lambda a: (-a["risk"], -SEVERITY_ORDER[a["severity"]],
                                         a["first_seen"], a["id"]))


def write_table(alerts: list[Alert], out: TextIO, *, show_suppressed: bool = False) -> None:
    shown = [a for a in by_risk(alerts) if show_suppressed or not a["suppressed"]]
    hidden = len(alerts) - len(shown)
    console = Console(file=out, width=200 if not out.isatty() else None, highlight=False)
    table = Table(title=f"lambdawatch: {len(shown)} alert(s)", show_lines=False)
    for col in ("risk", "severity", "function", "account/region", "first seen", "events",
                "who", "findings", "id"):
        table.add_column(col, overflow="fold")
    for a in shown:
        kinds = ", ".join(dict.fromkeys(f["kind"] for f in a["findings"])) or "-"
        sev = a["severity"] + (" (suppressed)" if a["suppressed"] else "")
        table.add_row(
            str(a["risk"]), f"[{_SEV_STYLE[a['severity']]}]{sev}[/]",
            a["function"].encode("unicode_escape").decode("ascii"),
            f"{a['account']}/{a['region']}", a["first_seen"], str(a["event_count"]),
            "\n".join(a["principals"]) or "-", kinds, a["id"],
        )
    console.print(table)
    if hidden:
        console.print(f"{hidden} suppressed alert(s) hidden; --show-suppressed shows them")


Writer = Callable[..., None]
ALERT_WRITERS: dict[str, Writer] = {
    "jsonl": write_jsonl,
    "json": write_json,
    "table": write_table,
    "ocsf": write_ocsf,
}
