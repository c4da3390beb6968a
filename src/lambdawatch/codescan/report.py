"""Render a ScanResult: JSON (the public contract), SARIF 2.1.0, and a rich table.

Secrets are masked in every format (the scanner masks them, :func:`redact_value` makes sure);
JSON and SARIF keep every other value exact. The table shows control, bidi and markup
characters from file names and code lines escaped (a package cannot drive the terminal).
"""

from __future__ import annotations

import io
import json
from typing import Any

from lambdawatch import __version__
from lambdawatch.codescan.model import CATALOGUE, ScanResult, Severity
from lambdawatch.secrets import redact_value
from lambdawatch.severity import SARIF_LEVEL, SARIF_SCORE
from lambdawatch.textsafe import safe_cell, safe_line

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {s: SARIF_LEVEL[str(s)] for s in Severity}
SCORE = {s: SARIF_SCORE[str(s)] for s in Severity}


def to_json(result: ScanResult) -> str:
    return json.dumps(redact_value(result.to_dict()), indent=2)


def to_sarif(result: ScanResult) -> str:
    codes = sorted({f.code for f in result.findings})
    rules = [_rule(c) for c in codes]
    results = []
    for f in result.sorted_findings():
        loc: dict[str, Any] = {"artifactLocation": {"uri": f.file.replace("!/", "/")}}
        if f.line > 0:
            loc["region"] = {"startLine": f.line}
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": codes.index(f.code),
                "level": LEVEL[f.severity],
                "message": {"text": f"{f.message}: {f.evidence}" if f.evidence else f.message},
                "locations": [{"physicalLocation": loc}],
                "properties": {"kind": f.kind, "severity": str(f.severity)},
            }
        )
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lambdawatch",
                        "version": __version__,
                        "informationUri": "https://github.com/lambdawatch/lambdawatch",
                        "rules": rules,
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {"message": {"text": e}, "level": "warning"} for e in result.errors
                        ],
                    }
                ],
                "properties": {
                    "target": result.target,
                    "files_scanned": result.files_scanned,
                    "bytes_scanned": result.bytes_scanned,
                },
            }
        ],
    }
    return json.dumps(redact_value(doc), indent=2)


def _rule(code: str) -> dict[str, Any]:
    m = CATALOGUE[code]
    return {
        "id": m.code,
        "name": m.slug,
        "shortDescription": {"text": m.title},
        "fullDescription": {"text": " ".join(m.doc.split()) or m.title},
        "defaultConfiguration": {"level": LEVEL[m.severity]},
        "properties": {
            "kind": m.kind,
            "confidence": m.confidence,
            "security-severity": SCORE[m.severity],
            "tags": ["security", m.kind],
        },
    }


def to_table(result: ScanResult, width: int = 140) -> str:
    """Findings as a table, then the counts and the errors; data never reaches the terminal
    raw (every cell is a ``Text`` of escaped, masked data, never parsed as markup)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(f"lambdawatch scan: {safe_line(result.target)}"))
    for col in ("severity", "code", "kind", "location", "message", "evidence"):
        table.add_column(col, overflow="fold")
    for f in result.sorted_findings():
        table.add_row(
            safe_cell(str(f.severity)),
            safe_cell(f.code),
            safe_cell(f.kind),
            safe_cell(f"{f.file}:{f.line}", keep_newlines=False),
            safe_cell(f.message, keep_newlines=False),
            safe_cell(f.evidence[:80], keep_newlines=False),
        )
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        force_terminal=False,
        color_system=None,
        markup=False,
        emoji=False,
        highlight=False,
    )
    console.print(table)
    console.print(
        f"{result.files_scanned} files, {result.bytes_scanned} bytes scanned, "
        f"{len(result.findings)} findings, {len(result.errors)} errors"
    )
    for e in result.errors:
        console.print(Text(f"error: {safe_line(e)}"))
    return buf.getvalue()


RENDERERS = {"json": to_json, "sarif": to_sarif, "table": to_table}
