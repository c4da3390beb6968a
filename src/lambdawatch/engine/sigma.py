"""Sigma rules (YAML) for the rules whose match Sigma can express (``rules export --dialect sigma``).

Sigma cannot express the predicates (no SQL form either), so rules with ``sql.exact: false`` and
context-only rules are skipped with the reason. Event names use the ``|re`` modifier so that any
logged API-version suffix matches, as in the Python matcher.
"""

from __future__ import annotations

import uuid
from typing import Any

import yaml

from lambdawatch.engine.model import Condition, Rule
from lambdawatch.engine.sql import event_name_pattern
from lambdawatch.severity import SIGMA_LEVEL

NAMESPACE = uuid.UUID("6f1d2a4e-3c5b-4e7a-9d8c-1b2a3c4d5e6f")
LEVEL = SIGMA_LEVEL


def why_not(rule: Rule) -> str | None:
    if not rule.alert:
        return "context-only rule (state, no alert)"
    if not rule.sql.exact:
        return f"uses predicates with no Sigma form ({', '.join(rule.match.predicates)})"
    return None


def _item(c: Condition, path: str) -> tuple[str, Any]:
    if c.equals is not None:
        return path, c.equals
    if c.in_ is not None:
        return path, list(c.in_)
    if c.exists is not None:
        return f"{path}|exists", c.exists
    if c.contains is not None:
        return f"{path}|contains", c.contains
    if c.regex is not None:
        return f"{path}|re", c.regex
    return path, list(c.not_in or [])


def to_sigma(rule: Rule) -> dict[str, Any]:
    m = rule.match
    detection: dict[str, Any] = {}
    selection: dict[str, Any] = {"eventSource": list(m.event_source)}
    if m.event_names:
        selection["eventName|re"] = event_name_pattern(m.event_names)
    parts = ["selection"]
    filters = []
    for i, c in enumerate(m.where):
        paths = c.field if isinstance(c.field, list) else [c.field]
        if c.not_in is not None or (c.exists is False):
            name = f"filter_{i}"
            detection[name] = [
                dict([_item(c.model_copy(update={"exists": True}) if c.exists is False else c, p)])
                for p in paths
            ]
            filters.append(name)
        elif len(paths) == 1:
            key, value = _item(c, paths[0])
            selection[key] = value
        else:
            name = f"alt_{i}"
            detection[name] = [dict([_item(c, p)]) for p in paths]
            parts.append(name)
    if m.any:
        detection["any_of"] = [
            dict([_item(c, p)])
            for c in m.any
            for p in (c.field if isinstance(c.field, list) else [c.field])
        ]
        parts.append("any_of")
    detection["selection"] = selection
    if m.success:
        detection["filter_failed"] = {"errorCode|exists": True}
        detection["filter_failed_empty"] = {"errorCode": ""}
        filters.append("(filter_failed and not filter_failed_empty)")
    condition = " and ".join(parts)
    for f in filters:
        condition += f" and not {f}"
    detection["condition"] = condition
    return {
        "title": rule.title,
        "id": str(uuid.uuid5(NAMESPACE, rule.id)),
        "status": "experimental",
        "description": " ".join(rule.description.split()) or rule.title,
        "references": list(rule.references),
        "author": "lambdawatch",
        "tags": [f"attack.{t.lower()}" for t in rule.mitre.techniques],
        "logsource": {"product": "aws", "service": "cloudtrail"},
        "detection": {k: detection[k] for k in sorted(detection, key=lambda k: k != "selection")},
        "falsepositives": ["Approved deployments (CI/CD, infrastructure as code)"],
        "level": LEVEL[rule.severity],
        "custom": {"lambdawatch_id": rule.id, "slug": rule.slug},
    }


def render(rule: Rule) -> str:
    return yaml.safe_dump(to_sigma(rule), sort_keys=False, allow_unicode=True)
