"""Each sink's message for one alert revision. Alerts arrive with secrets already masked; every
string in them can be attacker-controlled (function names, principals, user agents)."""

from __future__ import annotations

from typing import Any

import orjson

from lambdawatch.textsafe import safe_text

_SLACK_TEXT = 3000
_SLACK_FIELD = 2000
_SLACK_HEADER = 150


def webhook_body(kind: str, revision: int, alert: dict[str, Any], timestamp: str) -> bytes:
    """The documented webhook body: ``{"type", "timestamp", "revision", "data"}``."""
    return orjson.dumps({"type": kind, "timestamp": timestamp, "revision": revision, "data": alert})


def slack_escape(value: Any, limit: int) -> str:
    """Text for Slack mrkdwn: ``& < >`` escaped (no mention, link or channel can be formed:
    Slack builds those from ``<...>``), dots and schemes defanged (``evil[.]com``,
    ``hxxps[:]//``) so bare hosts in data are not auto-linked, control characters shown escaped,
    truncated."""
    text = safe_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("://", "[:]//").replace(".", "[.]").replace("http", "hxxp")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: str) -> str:
    """plain_text (never parsed for mentions): still no angle brackets from data in it."""
    text = safe_text(value).replace("<", "\u2039").replace(">", "\u203a")
    return text[:_SLACK_HEADER]


def slack_body(kind: str, revision: int, alert: dict[str, Any]) -> bytes:
    sev = str(alert.get("severity", "")).upper()
    fn = str(alert.get("function"))
    verb = {
        "alert.created": "",
        "alert.updated": " (updated)",
        "alert.superseded": " (superseded)",
    }.get(kind, "")
    header = f"{sev} · {alert.get('priority')} · {alert.get('title')}{verb}"
    findings = [
        f"• {f.get('kind')} ({f.get('severity')}): {f.get('title')}"
        for f in (alert.get("findings") or [])[:12]
    ]
    principals = ", ".join(alert.get("principals") or []) or "-"
    ips = ", ".join(alert.get("source_ips") or []) or "-"
    agents = ", ".join(alert.get("user_agents") or []) or "-"
    fields = [
        ("Function", fn),
        ("Account / Region", f"{alert.get('account')} / {alert.get('region')}"),
        ("Risk", f"{alert.get('risk')} / 100"),
        ("Principal", principals),
        ("Source IP / UA", f"{ips} / {agents}"),
        (
            "Window",
            f"{alert.get('first_seen')} – {alert.get('last_seen')}, "
            f"{alert.get('event_count')} events",
        ),
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _plain(header)}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*{name}*\n{slack_escape(value, _SLACK_FIELD - 40)}"}
                for name, value in fields
            ],
        },
    ]
    if findings:
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Why*\n"
                    + "\n".join(slack_escape(line, 280) for line in findings)[:_SLACK_TEXT],
                },
            }
        )
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": slack_escape(
                        f"rule {alert.get('rule')} · alert {alert.get('id')} rev {revision} · MITRE "
                        + ", ".join(alert.get("mitre") or [])
                        + f" · next: lambdawatch explain {alert.get('id')}",
                        _SLACK_TEXT,
                    ),
                }
            ],
        }
    )
    text = slack_escape(
        f"[{sev} {alert.get('priority')}] Lambda backdoor suspected: "
        f"{alert.get('function')} ({alert.get('account')}/{alert.get('region')}), "
        f"risk {alert.get('risk')}{verb}",
        _SLACK_TEXT,
    )
    return orjson.dumps({"text": text, "blocks": blocks})


def sns_message(kind: str, revision: int, alert: dict[str, Any], timestamp: str) -> bytes:
    return webhook_body(kind, revision, alert, timestamp)


def sns_subject(alert: dict[str, Any]) -> str:
    subject = (
        f"[{str(alert.get('severity', '')).upper()}] lambdawatch: "
        f"{safe_text(alert.get('function'))}"
    )
    # SNS subjects: ASCII printable, no newlines, at most 100 characters
    subject = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in subject)
    return subject[:100]
