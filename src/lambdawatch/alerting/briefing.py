"""The context an alert's playbook opens with: who, which role (and whether it is admin),
triggers, code location and layers, from the alert's events, the Lambda inventory and findings.

Names are shown escaped; nothing here reads environment variables or presigned code URLs.
"""

from __future__ import annotations

from typing import Any

from lambdawatch.analyze.common import escaped, params
from lambdawatch.analyze.identity import human_signals
from lambdawatch.ingest.normalize import Event, get


def _layers(value: Any) -> list[str]:
    out = []
    for item in value if isinstance(value, list) else []:
        arn = item.get("arn") or item.get("Arn") if isinstance(item, dict) else item
        if isinstance(arn, str):
            out.append(arn)
    return out


def context(alert: dict[str, Any], events: list[Event], inventory: Any) -> dict[str, Any]:
    info = (
        inventory.function(alert["account"], alert["region"], alert["function"])
        if inventory
        else None
    )
    people: dict[str, tuple[Any, list[str]]] = {}
    for e in events:
        kind, signals = people.get(str(e.principal_arn), (get(e.record, "userIdentity.type"), []))
        signals += [s for s in human_signals(e) if s not in signals]
        people[str(e.principal_arn)] = (kind, signals)
    who = [
        f"{arn} ({kind}; {'human: ' + ', '.join(s) if s else 'automation'})"
        for arn, (kind, s) in people.items()
    ]
    role = None
    requested_role = None
    code: list[str] = []
    layers: list[str] = []
    triggers: list[str] = []
    for e in events:
        p = params(e)
        req = e.record.get("requestParameters")
        if isinstance(req, dict) and isinstance(req.get("role"), str):
            requested_role = req["role"]
        role = p.get("role") if isinstance(p.get("role"), str) else role
        raw_code = p.get("code")
        c: dict[str, Any] = raw_code if isinstance(raw_code, dict) else {}
        bucket, key = c.get("s3Bucket") or p.get("s3Bucket"), c.get("s3Key") or p.get("s3Key")
        if bucket:
            code.append(f"s3://{bucket}/{key or ''}")
        if image := (c.get("imageUri") or p.get("imageUri")):
            code.append(str(image))
        layers += _layers(p.get("layers"))
        if e.base_name == "AddPermission":
            triggers.append(
                f"permission: {p.get('principal')} may {p.get('action')}"
                + (f" (source {p.get('sourceArn')})" if p.get("sourceArn") else "")
            )
        if e.base_name == "CreateEventSourceMapping":
            triggers.append(f"event source: {p.get('eventSourceArn')}")
        if e.base_name in ("CreateFunctionUrlConfig", "UpdateFunctionUrlConfig"):
            triggers.append(f"function URL (auth {p.get('authType')}): {p.get('functionUrl')}")
    role = requested_role or role
    if info is not None:
        role = role or info.config.get("Role")
        layers += info.layers
        if info.code.get("ImageUri"):
            code.append(info.code["ImageUri"])
        elif info.code.get("RepositoryType") and not code:
            code.append(
                f"{info.code['RepositoryType']} package (download with aws lambda get-function)"
            )
        triggers += [f"event source: {m.get('EventSourceArn')}" for m in info.mappings]
        triggers += [
            f"function URL (auth {u.get('AuthType')}): {u.get('FunctionUrl')}"
            for u in info.url_configs
        ]
        for st in (info.policy or {}).get("Statement", []):
            triggers.append(f"permission: {st.get('Principal')} may {st.get('Action')}")
    kinds = {f["kind"] for f in alert["findings"]}
    admin = (
        "yes (admin-role finding)"
        if "admin-role" in kinds
        else "privileged (privileged-role finding)"
        if "privileged-role" in kinds
        else "not shown (no admin finding; give --iam-inventory to know)"
    )
    return {
        "who": who,
        "role": role,
        "role_admin": admin,
        "triggers": list(dict.fromkeys(triggers)),
        "code": list(dict.fromkeys(code)),
        "layers": list(dict.fromkeys(layers)),
        "function": escaped(alert["function"]),
    }


def lines(ctx: dict[str, Any]) -> list[str]:
    none = "none seen"
    return [
        f"Context: function {ctx['function']}",
        f"Context: who - {'; '.join(ctx['who']) or none}",
        f"Context: role - {ctx['role'] or 'unknown'}; admin: {ctx['role_admin']}",
        f"Context: triggers - {'; '.join(ctx['triggers']) or none}",
        f"Context: code location - {'; '.join(ctx['code']) or 'not in these events (zip uploads log none)'}",
        f"Context: layers - {'; '.join(ctx['layers']) or none}",
    ]
