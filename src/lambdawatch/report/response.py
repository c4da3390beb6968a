"""A ``respond`` case folder for the report: the evidence manifest, verified again, and the
containment actions with their before/after values and the rollback command."""

from __future__ import annotations

import os
import shlex
from typing import Any

import orjson

from lambdawatch.errors import InputError
from lambdawatch.report.masking import mask_tree

ACTIONS = "actions.jsonl"


def load_case(case_dir: str) -> dict[str, Any]:
    """What the report shows of one case folder; a missing or unreadable manifest is an error."""
    from lambdawatch.respond.evidence import LocalStore
    from lambdawatch.respond.manifest import MANIFEST_HASH, verify

    if not os.path.isdir(case_dir):
        raise InputError("not a respond case folder", where=case_dir)
    store = LocalStore(case_dir)
    checked = verify(store)
    if checked.manifest is None:
        raise InputError(
            checked.problems[0] if checked.problems else "no manifest.json", where=case_dir
        )
    bad = {p.split(": ", 1)[0] for p in checked.problems}
    man = checked.manifest
    artifacts = [
        {
            "path": str(a.get("path")),
            "api": str(a.get("api")),
            "qualifier": a.get("qualifier"),
            "bytes": a.get("bytes"),
            "sha256": str(a.get("sha256")),
            "ok": a.get("path") not in bad,
        }
        for a in man.get("artifacts") or []
        if isinstance(a, dict)
    ]
    recorded = (store.get(MANIFEST_HASH) or b"").decode(errors="replace").split()
    actions = []
    raw = store.get(ACTIONS)
    for n, line in enumerate((raw or b"").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise InputError(f"{ACTIONS} line {n} is not JSON", where=case_dir) from None
        if isinstance(item, dict):
            actions.append(
                {k: item.get(k) for k in ("step", "target", "before", "after", "status", "error")}
            )
    case: dict[str, Any] = mask_tree(
        {
            "location": case_dir,
            "case": str(man.get("case") or ""),
            "function_arn": str(man.get("function_arn") or ""),
            "collected_at": str(man.get("collected_at") or ""),
            "collected_by": str(man.get("collected_by") or ""),
            "artifacts": artifacts,
            "gaps": list(man.get("gaps") or []),
            "manifest_sha256": recorded[0] if recorded else "",
            "problems": checked.problems,
            "actions": actions,
            "contained": any(a.get("status") == "done" for a in actions),
            "rollback": f"lambdawatch respond rollback {shlex.quote(case_dir)}" if actions else "",
        }
    )
    return case
