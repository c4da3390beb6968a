"""Output sinks: jsonl, json, table and rows. Each takes plain dicts and writes to a stream.

Every sink masks secrets (:func:`lambdawatch.secrets.redact_value`): machine formats keep every
other value exact; the table also shows control, bidi and markup characters from the data
escaped (:func:`lambdawatch.textsafe.safe_cell`), so a log cannot drive the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

import orjson
from rich.console import Console
from rich.table import Table

from lambdawatch.alerting.ocsf import to_ocsf
from lambdawatch.secrets import may_hold_secret, redact_value
from lambdawatch.severity import SEVERITY_ORDER
from lambdawatch.textsafe import safe_cell

Alert = dict[str, Any]
_SEV_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}


def _line(obj: Any) -> str:
    return orjson.dumps(obj).decode()


def masked(items: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The items with every secret value masked, everything else exact."""
    for item in items:
        yield redact_value(item)


def _lines(items: Iterable[dict[str, Any]], option: int = 0) -> Iterator[str]:
    """Each item as JSON, secrets masked: serialized once, searched once (C speed) for anything
    that may be a secret, and only then walked value by value and serialized again."""
    for item in items:
        data = orjson.dumps(item, option=option)
        if may_hold_secret(data):
            data = orjson.dumps(redact_value(item), option=option)
        yield data.decode()


def write_jsonl(items: Iterable[dict[str, Any]], out: TextIO) -> None:
    out.writelines(line + "\n" for line in _lines(items))


def write_json(items: Iterable[dict[str, Any]], out: TextIO) -> None:
    """A JSON array, written item by item (the items may be a stream)."""
    out.write("[")
    for n, text in enumerate(_lines(items, orjson.OPT_INDENT_2)):
        text = text.replace("\n", "\n  ")
        out.write(("," if n else "") + "\n  " + text)
    out.write("\n]\n")


def by_risk(alerts: list[Alert]) -> list[Alert]:
    return sorted(
        alerts, key=lambda a: (-a["risk"], -SEVERITY_ORDER[a["severity"]], a["first_seen"], a["id"])
    )


def write_table(alerts: list[Alert], out: TextIO, *, show_suppressed: bool = False) -> None:
    """The alerts sorted by risk, one row each. Every cell is a ``Text`` built from escaped,
    masked data: markup, escapes and bidi controls in a log are shown, never interpreted."""
    shown = [a for a in by_risk(alerts) if show_suppressed or not a["suppressed"]]
    hidden = len(alerts) - len(shown)
    console = Console(
        file=out,
        width=200 if not out.isatty() else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    table = Table(title=f"lambdawatch: {len(shown)} alert(s)", show_lines=False)
    for col in (
        "risk",
        "severity",
        "function",
        "account/region",
        "first seen",
        "events",
        "who",
        "findings",
        "id",
    ):
        table.add_column(col, overflow="fold")
    for a in shown:
        kinds = ", ".join(dict.fromkeys(str(f["kind"]) for f in a["findings"])) or "-"
        sev = str(a["severity"])
        table.add_row(
            safe_cell(a["risk"]),
            safe_cell(
                sev + (" (suppressed)" if a["suppressed"] else ""), style=_SEV_STYLE.get(sev, "")
            ),
            safe_cell(a["function"], ascii_only=True),
            safe_cell(f"{a['account']}/{a['region']}"),
            safe_cell(a["first_seen"]),
            safe_cell(a["event_count"]),
            safe_cell("\n".join(str(p) for p in a["principals"]) or "-"),
            safe_cell(kinds),
            safe_cell(a["id"]),
        )
    console.print(table)
    if hidden:
        console.print(f"{hidden} suppressed alert(s) hidden; --show-suppressed shows them")


def write_ocsf_masked(alerts: Iterable[Alert], out: TextIO) -> None:
    """OCSF Detection Findings of the alerts, secrets masked."""
    out.writelines(_line(to_ocsf(alert)) + "\n" for alert in masked(alerts))


Writer = Callable[..., None]
ALERT_WRITERS: dict[str, Writer] = {
    "jsonl": write_jsonl,
    "json": write_json,
    "table": write_table,
    "ocsf": write_ocsf_masked,
}
