"""Run the planned steps in order, one ``actions.jsonl`` line each, written as each finishes.

The first failure stops the run: that step is ``failed`` (with the IAM action to grant when
access was denied) and the rest ``not-run``; ``rollback`` undoes what is ``done``. Steps already
in their contained state are ``unchanged``; optional steps (triggers without
``--disable-triggers``) stay ``optional``. A second ``--apply`` therefore changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from lambdawatch.aws import classify, gap_from
from lambdawatch.respond.evidence import EvidenceStore
from lambdawatch.respond.model import Step
from lambdawatch.respond.operations import ACTIONS, FORWARD

ACTIONS_FILE = "actions.jsonl"


def failure_message(exc: BaseException, step: str, target: str, action: str) -> str:
    """One line: what failed where, and the permission to grant when access was denied."""
    gap = gap_from(exc, action, target)
    if classify(exc) == "access-denied":
        return f"{step} on {target}: access denied; grant {action} ({gap.message})"
    return f"{step} on {target}: {gap.message}"


def read_actions(store: EvidenceStore) -> list[dict[str, Any]]:
    data = store.get(ACTIONS_FILE) or b""
    return [json.loads(line) for line in data.decode().splitlines() if line.strip()]


def _append(store: EvidenceStore, lines: list[dict[str, Any]]) -> None:
    old = store.get(ACTIONS_FILE) or b""
    new = b"".join(json.dumps(line, sort_keys=True, default=str).encode() + b"\n" for line in lines)
    store.put(ACTIONS_FILE, old + new)


def apply_steps(
    steps: list[Step], clients: Callable[[str], Any], store: EvidenceStore, run: str
) -> Step | None:
    """Run every ``planned`` step; the failed step, or ``None`` when all were done."""
    failed: Step | None = None
    for step in steps:
        if step.status != "planned":
            continue
        if failed is not None:
            step.status = "not-run"
            continue
        value = step.after if step.step == "tag" else step.before
        try:
            FORWARD[step.step](clients, _arn(step), step.params, value)
        except Exception as exc:  # the boundary of one step: record it, stop the run
            if classify(exc) == "other" and not hasattr(exc, "response"):
                raise
            step.status = "failed"
            step.error = failure_message(exc, step.step, step.target, ACTIONS[step.step])
            failed = step
        else:
            step.status = "done"
        _append(store, [{**step.record(), "run": run}])
    return failed


def _arn(step: Step) -> str:
    """The function ARN a step acts on (its target, or the ARN inside it)."""
    target = step.target.split(" ", 1)[0]
    if ":function:" in target:
        head, _, rest = target.partition(":function:")
        return f"{head}:function:{rest.split(':')[0]}"
    return target
