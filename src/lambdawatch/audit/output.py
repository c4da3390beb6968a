"""Audit results written out: jsonl/json (secrets masked by the alert sinks), OCSF Detection
Findings, and a table in which every AWS string is escaped (it may be attacker-controlled)."""

from __future__ import annotations

from typing import Any, TextIO

import orjson
from rich.console import Console
from rich.table import Table

from lambdawatch.alerting import sinks
from lambdawatch.alerting.ocsf import to_ocsf
from lambdawatch.secrets import redact_value
from lambdawatch.severity import SEVERITY_ORDER
from lambdawatch.textsafe import safe_cell


def by_risk(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        results,
        key=lambda r: (
            -r["risk"],
            -SEVERITY_ORDER[r["severity"]],
            r["region"],
            r["function"],
            r["qualifier"] or "",
        ),
    )


def ocsf(result: dict[str, Any], audited_at: str) -> dict[str, Any]:
    """The result as the OCSF Detection Finding ``hunt`` writes for an alert."""
    label = result["function"] + (f":{result['qualifier']}" if result["qualifier"] else "")
    alert = {
        **result,
        "first_seen": audited_at,
        "last_seen": audited_at,
        "event_count": 0,
        "suppressed": False,
        "suppression_reason": None,
        "rule": "audit",
        "title": f"lambdawatch audit: {label}",
        "principals": [],
        "source_ips": [],
        "user_agents": [],
        "event_ids": [],
        "event_names": [],
        "rules": [],
    }
    out = to_ocsf(alert)
    out["finding_info"]["data_sources"] = ["AWS API (live configuration)"]
    out["finding_info"]["analytic"] = {
        "uid": "audit",
        "name": "lambdawatch audit",
        "type_id": 1,
        "type": "Rule",
    }
    out["unmapped"]["lambdawatch"] = {"qualifier": result["qualifier"], "gaps": result["gaps"]}
    return out


def write(results: list[dict[str, Any]], fmt: str, out: TextIO, audited_at: str) -> None:
    ordered = by_risk(results)
    if fmt == "jsonl":
        sinks.write_jsonl(ordered, out)
    elif fmt == "json":
        sinks.write_json(ordered, out)
    elif fmt == "ocsf":
        out.writelines(
            orjson.dumps(redact_value(ocsf(r, audited_at))).decode() + "\n" for r in ordered
        )
    else:
        write_table(ordered, out)


def write_table(results: list[dict[str, Any]], out: TextIO) -> None:
    console = Console(
        file=out,
        width=200 if not out.isatty() else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    table = Table(title=f"lambdawatch audit: {len(results)} result(s)")
    for col in ("risk", "severity", "function", "region", "findings", "gaps"):
        table.add_column(col, overflow="fold")
    for r in results:
        name = r["function"] + (f":{r['qualifier']}" if r["qualifier"] else "")
        kinds = ", ".join(dict.fromkeys(str(f["kind"]) for f in r["findings"])) or "-"
        gaps = ", ".join(sorted({f"{g['api']} ({g['error']})" for g in r["gaps"]})) or "-"
        table.add_row(
            safe_cell(r["risk"]),
            safe_cell(r["severity"]),
            safe_cell(name),
            safe_cell(r["region"]),
            safe_cell(kinds),
            safe_cell(gaps),
        )
    console.print(table)
