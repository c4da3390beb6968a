"""Small helpers shared by the analyzers: escaping, the function configuration an event shows."""

from __future__ import annotations

from typing import Any

from lambdawatch.ingest.normalize import Event


def escaped(text: str) -> str:
    """A string with every non-printable-ASCII character shown as an escape (``\\u200b``)."""
    out = []
    for ch in text:
        if " " <= ch <= "~" and ch != "\\":
            out.append(ch)
        elif ch == "\\":
            out.append("\\\\")
        else:
            cp = ord(ch)
            out.append(f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}")
    return "".join(out)


def params(event: Event) -> dict[str, Any]:
    """The function configuration this event shows: responseElements overlaid by the request.

    CloudTrail logs changed keys in requestParameters and (often) the resulting configuration
    in responseElements; both are dicts or absent.
    """
    req = event.record.get("requestParameters")
    resp = event.record.get("responseElements")
    merged: dict[str, Any] = {}
    if isinstance(resp, dict):
        merged.update(resp)
    if isinstance(req, dict):
        merged.update({k: v for k, v in req.items() if v not in (None, {}, []) or k not in merged})
    return merged


def is_function_change(event: Event) -> bool:
    return event.event_source == "lambda.amazonaws.com" and event.base_name in (
        "CreateFunction",
        "UpdateFunctionConfiguration",
        "UpdateFunctionCode",
    )


def inventory_of(ctx: Any) -> Any:
    """The Lambda inventory of a hunt context (``HuntContext.lambda_inventory``); an audit's
    context may carry it in its ``extras`` instead."""
    found = getattr(ctx, "lambda_inventory", None)
    if found is None:
        found = (getattr(ctx, "extras", None) or {}).get("lambda_inventory")
    return found
