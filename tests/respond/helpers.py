"""Running a response the way the CLI does, with the test's factory and fetcher."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lambdawatch.respond.run import Options, Outcome, respond
from lambdawatch.respond.target import parse_function


def run(world: dict[str, Any], case_dir: Path, **opts: Any) -> Outcome:
    return respond(
        world["factory"],
        parse_function("payments-sync", None),
        Options(str(case_dir), **opts),
        fetcher=world["fetcher"],
    )


def actions(case_dir: Path) -> list[dict[str, Any]]:
    path = case_dir / "actions.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def steps(case_dir: Path) -> list[tuple[str, str, str]]:
    """(step, short target, status) of every actions.jsonl line."""
    return [
        (
            a["step"],
            a["target"].split(":function:")[-1].split(":event-source-mapping:")[0],
            a["status"],
        )
        for a in actions(case_dir)
    ]
