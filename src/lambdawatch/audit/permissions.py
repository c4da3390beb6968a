"""Which IAM action each API call needs, to prove the shipped policy (``docs/iam/audit-policy.json``)
covers every call :class:`lambdawatch.aws.CallRecorder` saw. Most actions are ``service:Operation``;
the exceptions are listed."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

NO_PERMISSION = frozenset({"sts:GetCallerIdentity"})  # "No permissions are required"
RENAMED = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "lambda:GetLayerVersionByArn": "lambda:GetLayerVersion",
}


def iam_action(operation: str) -> str | None:
    """``service:Operation`` as recorded -> the IAM action it needs (None: none needed)."""
    if operation in NO_PERMISSION:
        return None
    service, _, name = operation.partition(":")
    if service == "apigateway":  # REST and HTTP APIs alike: the HTTP verb is the action
        return "apigateway:GET" if name.startswith("Get") else f"apigateway:{name.upper()}"
    return RENAMED.get(operation, operation)


def allowed_actions(policy: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for st in policy.get("Statement") or []:
        if st.get("Effect") == "Allow":
            acts = st.get("Action")
            out += acts if isinstance(acts, list) else [acts]
    return out


def not_allowed(operations: set[str], policy_path: str | Path) -> list[str]:
    """The recorded operations whose IAM action the policy does not allow."""
    allowed = [a.lower() for a in allowed_actions(json.loads(Path(policy_path).read_text()))]
    missing = []
    for op in sorted(operations):
        action = iam_action(op)
        if action is not None and not any(fnmatchcase(action.lower(), a) for a in allowed):
            missing.append(f"{op} needs {action}")
    return missing
