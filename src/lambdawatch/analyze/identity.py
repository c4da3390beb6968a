"""Identity red flags: a human behind the change, and a principal, source IP or user agent the
stream has not seen before.

Codes: ID101 human-identity, ID102 unusual-principal. Novelty is computed from the stream in
event-time order (the store replays events sorted by time), so it does not depend on file
order or batching. A principal is its role for assumed-role sessions (CI session names change
on every run); a user agent is its tool family (versions change on every upgrade).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from lambdawatch.findings import Finding
from lambdawatch.ingest.normalize import Event, get

_TOOLS = [
    ("terraform", "Terraform"),
    ("cloudformation", "CloudFormation"),
    ("aws-cdk", "CDK"),
    ("pulumi", "Pulumi"),
    ("aws-sam", "SAM"),
    ("serverless", "Serverless Framework"),
    ("aws-cli", "aws-cli"),
    ("boto3", "Boto3"),
    ("botocore", "Botocore"),
    ("console.amazonaws.com", "console"),
    ("mozilla/", "browser"),
    ("aws-sdk-", "AWS SDK"),
    ("aws internal", "AWS Internal"),
]


def tool_of(user_agent: str | None) -> str | None:
    if not user_agent:
        return None
    low = user_agent.lower()
    for needle, name in _TOOLS:
        if needle in low:
            return name
    return re.split(r"[/\s]", user_agent, maxsplit=1)[0] or user_agent


def principal_key(event: Event) -> str | None:
    issuer = get(event.record, "userIdentity.sessionContext.sessionIssuer.arn")
    return issuer if isinstance(issuer, str) and issuer else event.principal_arn


def human_signals(event: Event) -> list[str]:
    ident = event.record.get("userIdentity") or {}
    kind = ident.get("type")
    issuer = get(event.record, "userIdentity.sessionContext.sessionIssuer.userName") or ""
    signals = []
    if kind == "Root":
        signals.append("root user")
    if kind == "IAMUser":
        signals.append("IAM user (long-lived credentials)")
    if str(event.record.get("sessionCredentialFromConsole", "")).lower() == "true":
        signals.append("console session")
    if isinstance(issuer, str) and issuer.startswith("AWSReservedSSO_"):
        signals.append("IAM Identity Center (SSO) session")
    if kind == "SAMLUser" or kind == "WebIdentityUser":
        signals.append(f"federated user ({kind})")
    if tool_of(event.user_agent) in ("console", "browser") and "console session" not in signals:
        signals.append("console or browser user agent")
    return signals


def analyze_human(event: Event, ctx: Any) -> list[Finding]:
    if event.event_source != "lambda.amazonaws.com" or not event.function:
        return []
    signals = human_signals(event)
    if not signals:
        return []
    severity = "high" if "root user" in signals else "low"
    return [
        Finding(
            "human-identity",
            "ID101",
            severity,
            f"Change made by a human identity ({signals[0]})",
            {
                "principal": event.principal_arn,
                "identity_type": get(event.record, "userIdentity.type"),
                "signals": signals,
            },
        )
    ]


def _first(seen: dict[str, None], n: int = 5) -> list[str]:
    return list(islice(seen, n))


# What "never seen" remembers per principal (source IPs, tools) and per function (principals):
# the most recently seen NOVELTY_MEMORY distinct values. Bounded, so the stream state does not
# grow with the history (a principal behind rotating addresses would otherwise grow it forever).
NOVELTY_MEMORY = 64


def _remember(seen: dict[str, None], value: str) -> None:
    if value in seen:
        del seen[value]  # seen again: now the most recent
    seen[value] = None
    if len(seen) > NOVELTY_MEMORY:
        del seen[next(iter(seen))]


@dataclass
class Novelty:
    """Observer: what each principal and function had seen before each event."""

    # insertion-ordered dicts used as sets, least recently seen first, at most NOVELTY_MEMORY
    # each: "seen before" shows the first five, in O(1)
    by_function: dict[tuple[str, str, str], dict[str, None]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    ips: dict[str, dict[str, None]] = field(default_factory=lambda: defaultdict(dict))
    tools: dict[str, dict[str, None]] = field(default_factory=lambda: defaultdict(dict))
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def observe(self, event: Event) -> None:
        who = principal_key(event)
        if who is None:
            return
        facts: dict[str, Any] = {}
        if event.function:
            key = (event.account, event.region, event.function)
            before = self.by_function[key]
            if before and who not in before:
                facts["first_time_on_function"] = _first(before)
            _remember(before, who)
        ip = event.source_ip
        if ip and ip != "AWS Internal" and not ip.endswith(".amazonaws.com"):
            if self.ips[who] and ip not in self.ips[who]:
                facts["new_source_ip"] = {"ip": ip, "seen_before": _first(self.ips[who])}
            _remember(self.ips[who], ip)
        tool = tool_of(event.user_agent)
        if tool and tool != "AWS Internal":
            if self.tools[who] and tool not in self.tools[who]:
                facts["new_user_agent"] = {
                    "user_agent": event.user_agent,
                    "tool": tool,
                    "seen_before": _first(self.tools[who]),
                }
            _remember(self.tools[who], tool)
        if facts:
            self.facts[event.event_id] = facts

    def analyze(self, event: Event, ctx: Any) -> list[Finding]:
        facts = self.facts.pop(event.event_id, None)
        if not facts or not event.function:
            return []
        reasons = []
        if "first_time_on_function" in facts:
            reasons.append("first change of this function by this principal")
        if "new_source_ip" in facts:
            reasons.append("source IP never seen for this principal")
        if "new_user_agent" in facts:
            reasons.append("user agent never seen for this principal")
        severity = "medium" if "first_time_on_function" in facts else "low"
        return [
            Finding(
                "unusual-principal",
                "ID102",
                severity,
                f"Unusual principal: {reasons[0]}",
                {"principal": principal_key(event), **facts, "reasons": reasons},
            )
        ]
