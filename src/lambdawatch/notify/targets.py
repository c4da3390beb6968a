"""``--notify`` targets: ``webhook:URL``, ``slack:WEBHOOK_URL``, ``sns:TOPIC_ARN``.

A target's address can be a secret (a Slack webhook URL is a credential): the outbox and every
message name it by ``sink`` (its kind and a short hash), never by the address.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lambdawatch.errors import UsageError

KINDS = ("webhook", "slack", "sns")


@dataclass(frozen=True)
class Target:
    kind: str
    address: str

    @property
    def sink(self) -> str:
        digest = hashlib.sha256(self.address.encode()).hexdigest()[:12]
        return f"{self.kind}:{digest}"

    @property
    def shown(self) -> str:
        """For messages: the kind and the host or topic name, never a full webhook URL."""
        if self.kind == "sns":
            return f"sns:{self.address.rsplit(':', 1)[-1]}"
        host = self.address.split("://", 1)[-1].split("/", 1)[0]
        return f"{self.kind}:{host}/…"


def parse_target(spec: str) -> Target:
    kind, sep, address = spec.partition(":")
    if not sep or kind not in KINDS or not address:
        raise UsageError(
            f"--notify {spec.split(':', 1)[0]!r}: expected webhook:URL, "
            "slack:WEBHOOK_URL or sns:TOPIC_ARN"
        )
    if kind in ("webhook", "slack") and not address.startswith(("https://", "http://")):
        raise UsageError(f"--notify {kind}: the address must be an http(s) URL")
    if kind == "sns" and not address.startswith("arn:aws"):
        raise UsageError("--notify sns: the address must be an SNS topic ARN")
    return Target(kind, address)
