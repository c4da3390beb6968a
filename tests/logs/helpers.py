"""Run the logs pipeline over generated lines, as the CLI does, and list the findings."""

from __future__ import annotations

from typing import Any

from lambdawatch.logs.analyze import FunctionLogs, Options
from lambdawatch.logs.cost import prices
from lambdawatch.logs.history import History
from lambdawatch.logs.model import LogLine


def verdict(
    function: str, lines: list[str], history: History | None = None, **options: Any
) -> dict[str, Any]:
    acc = FunctionLogs(function)
    for line in lines:
        iso, _, message = line.partition(" ")
        acc.add(LogLine(None, message, iso=iso))
    opts = Options(prices(options.pop("arch", "x86_64")), **options)
    return acc.result(history or History(), opts)


def kinds(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["kind"], f["code"]) for f in result["findings"]]
