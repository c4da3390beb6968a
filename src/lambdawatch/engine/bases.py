"""Shared base events for rule tests: real-shaped CloudTrail records, patched per test case.

A test names a base (``create-function``), a ``patch`` merged into it (dotted keys allowed:
``requestParameters.principal: "*"``; a null value deletes the key) and paths to ``remove``.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from typing import Any

import orjson

from lambdawatch.errors import RuleError


@cache
def _bases() -> dict[str, dict[str, Any]]:
    root = resources.files("lambdawatch.rules").joinpath("bases")
    out: dict[str, dict[str, Any]] = {}
    for entry in root.iterdir():
        if entry.name.endswith(".json"):
            out[entry.name[:-5]] = orjson.loads(entry.read_bytes())
    return out


def base_names() -> list[str]:
    return sorted(_bases())


def set_path(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    cur = target
    for p in parts[:-1]:
        nxt = cur.get(p)
        if not isinstance(nxt, dict):
            nxt = {}
            cur[p] = nxt
        cur = nxt
    if value is None:
        cur.pop(parts[-1], None)
    else:
        cur[parts[-1]] = value


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if "." in key:
            set_path(target, key, value)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif value is None:
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)


def make_event(
    base: str, patch: dict[str, Any] | None = None, remove: list[str] | None = None
) -> dict[str, Any]:
    """A fresh copy of base event ``base`` with ``patch`` applied and ``remove`` paths deleted."""
    bases = _bases()
    if base not in bases:
        raise RuleError(f"unknown base event {base!r} (known: {', '.join(sorted(bases))})")
    record = copy.deepcopy(bases[base])
    _merge(record, patch or {})
    for path in remove or []:
        set_path(record, path, None)
    return record


def iam_user(name: str, account: str) -> dict[str, Any]:
    """A ``userIdentity`` of an IAM user with a long-term access key (examples, tests)."""
    return {
        "type": "IAMUser",
        "principalId": f"AIDA{name.upper()[:6]}EXAMPLE",
        "userName": name,
        "arn": f"arn:aws:iam::{account}:user/{name}",
        "accountId": account,
        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
    }


def assumed_role(role: str, session: str, account: str) -> dict[str, Any]:
    """A ``userIdentity`` of an assumed-role session (examples, tests)."""
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLE{role[:4].upper()}:{session}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
        "accountId": account,
        "accessKeyId": "ASIAEXAMPLEEXAMPLE01",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLE",
                "arn": f"arn:aws:iam::{account}:role/{role}",
                "accountId": account,
                "userName": role,
            },
            "attributes": {"creationDate": "2025-03-14T07:59:00Z", "mfaAuthenticated": "false"},
        },
    }
