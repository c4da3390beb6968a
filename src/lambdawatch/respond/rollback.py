"""``respond rollback CASE_DIR``: undo every ``done`` step of ``actions.jsonl``, newest first.

Each undo restores the recorded ``before``; the result of each is appended to
``rollback.jsonl``. A step whose undo fails is reported and the others still run (each undo is
independent), so one refusal does not leave the rest contained."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lambdawatch.aws import classify
from lambdawatch.respond.apply import _arn, failure_message, read_actions
from lambdawatch.respond.evidence import EvidenceStore
from lambdawatch.respond.model import Step
from lambdawatch.respond.operations import UNDO, UNDO_ACTIONS

ROLLBACK_FILE = "rollback.jsonl"


@dataclass
class RollbackResult:
    restored: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    already: int = 0


def rollback(store: EvidenceStore, clients: Callable[[str], Any]) -> RollbackResult:
    result = RollbackResult()
    actions = read_actions(store)
    undone = {
        (r["step"], r["target"], r.get("run")) for r in _read(store) if r["status"] == "restored"
    }
    lines = []
    for rec in reversed([a for a in actions if a["status"] == "done"]):
        key = (rec["step"], rec["target"], rec.get("run"))
        if key in undone:
            result.already += 1
            continue
        step = Step(
            rec["step"], rec["target"], rec["before"], rec["after"], "", rec.get("params", {})
        )
        out = {
            "step": step.step,
            "target": step.target,
            "run": rec.get("run"),
            "restored": step.before,
        }
        try:
            UNDO[step.step](clients, _arn(step), step.params, step.before)
        except ValueError as exc:  # a statement AddPermission cannot re-create
            out |= {"status": "failed", "error": f"{step.step} on {step.target}: {exc}"}
            result.failed.append(out)
        except Exception as exc:  # one undo's boundary: report it, undo the others
            if classify(exc) == "other" and not hasattr(exc, "response"):
                raise
            out |= {
                "status": "failed",
                "error": failure_message(exc, step.step, step.target, UNDO_ACTIONS[step.step]),
            }
            result.failed.append(out)
        else:
            out["status"] = "restored"
            result.restored.append(out)
        lines.append(out)
    if lines:
        old = store.get(ROLLBACK_FILE) or b""
        store.put(
            ROLLBACK_FILE,
            old
            + b"".join(
                json.dumps(line, sort_keys=True, default=str).encode() + b"\n" for line in lines
            ),
        )
    return result


def _read(store: EvidenceStore) -> list[dict[str, Any]]:
    data = store.get(ROLLBACK_FILE) or b""
    return [json.loads(line) for line in data.decode().splitlines() if line.strip()]
