"""IAM policy documents judged for power: administrator (``*`` on ``*``) and privileged (can escalate).

Pure functions over policy documents (dicts, or the JSON/URL-encoded strings IAM and CloudTrail
log). Administrator: the AWS managed ``AdministratorAccess`` policy, or any Allow statement whose
actions include ``*`` and whose resources include ``*``, or an Allow ``NotAction`` statement on ``*``
that leaves the IAM self-grant actions allowed. Privileged: ``iam:*`` (any resource),
``iam:PassRole`` on ``*`` or ``sts:AssumeRole`` on ``*`` (action wildcards such as ``iam:Pass*``
count).
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import unquote

ADMIN_POLICY_ARNS = frozenset(
    {
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws-us-gov:iam::aws:policy/AdministratorAccess",
        "arn:aws-cn:iam::aws:policy/AdministratorAccess",
    }
)
# AWS managed policies whose documents are not in a typical inventory but whose power is known.
PRIVILEGED_POLICY_NAMES = frozenset({"IAMFullAccess"})


def parse_document(doc: Any) -> dict[str, Any] | None:
    """A policy document as a dict, from a dict, a JSON string or a URL-encoded JSON string."""
    if isinstance(doc, dict):
        return doc
    if not isinstance(doc, str) or not doc.strip():
        return None
    for text in (doc, unquote(doc)):
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# With any of these on every resource a role can grant itself anything: a statement that allows
# all of them (``NotAction`` excluding none of them) is administrator in effect.
SELF_GRANT_ACTIONS = (
    "iam:putrolepolicy",
    "iam:attachrolepolicy",
    "iam:createpolicyversion",
    "iam:passrole",
)


def _allow_statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s
        for s in _list(doc.get("Statement"))
        if isinstance(s, dict) and s.get("Effect") == "Allow" and "NotResource" not in s
    ]


def _actions(stmt: dict[str, Any], key: str = "Action") -> list[str]:
    return [a.lower() for a in _list(stmt.get(key)) if isinstance(a, str)]


def _any_resource(stmt: dict[str, Any]) -> bool:
    return "*" in _list(stmt.get("Resource"))


def grants(stmt: dict[str, Any], action: str) -> bool:
    """Whether an Allow statement's actions cover ``action`` (lowercase): an ``Action`` pattern
    matches it, or a ``NotAction`` list is given and none of its patterns match it."""
    if "NotAction" in stmt:
        return not any(fnmatchcase(action, a) for a in _actions(stmt, "NotAction"))
    return any(fnmatchcase(action, a) for a in _actions(stmt))


def _admin_statement(stmt: dict[str, Any]) -> bool:
    if not _any_resource(stmt):
        return False
    if "NotAction" in stmt:
        return all(grants(stmt, a) for a in SELF_GRANT_ACTIONS)
    return "*" in _actions(stmt)


def is_admin_document(doc: Any) -> bool:
    """``*`` on ``*``, or an Allow ``NotAction`` on ``*`` that leaves IAM self-grants allowed."""
    parsed = parse_document(doc)
    if parsed is None:
        return False
    return any(_admin_statement(s) for s in _allow_statements(parsed))


def privileged_actions(doc: Any) -> list[str]:
    """The escalation powers a document grants (``iam:*``, ``iam:PassRole on *``, ...)."""
    parsed = parse_document(doc)
    if parsed is None:
        return []
    found: list[str] = []
    for stmt in _allow_statements(parsed):
        if _admin_statement(stmt):
            continue  # administrator, reported as such
        acts = _actions(stmt)
        if "iam:*" in acts or (
            "NotAction" in stmt
            and grants(stmt, "iam:createrole")
            and grants(stmt, "iam:attachrolepolicy")
        ):
            found.append("iam:*")
        if _any_resource(stmt):
            for want in ("iam:passrole", "sts:assumerole"):
                if "NotAction" in stmt:
                    hit = grants(stmt, want)
                else:
                    hit = any(fnmatchcase(want, a) for a in acts if a not in ("*", "iam:*"))
                if hit:
                    found.append(
                        {
                            "iam:passrole": "iam:PassRole on *",
                            "sts:assumerole": "sts:AssumeRole on *",
                        }[want]
                    )
    return sorted(set(found))


def trusts_lambda(doc: Any) -> bool:
    """Whether a trust policy lets lambda.amazonaws.com assume the role."""
    parsed = parse_document(doc)
    if parsed is None:
        return False
    for stmt in _allow_statements(parsed):
        principal = stmt.get("Principal")
        services = _list(principal.get("Service")) if isinstance(principal, dict) else []
        if "lambda.amazonaws.com" in services:
            return True
    return False
