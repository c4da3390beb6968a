"""The typed values the respond stages pass along: the target, the live state, a step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    """The function under response (``name`` bare, ``arn`` unqualified)."""

    name: str
    account: str
    region: str

    @property
    def arn(self) -> str:
        partition = (
            "aws-cn"
            if self.region.startswith("cn-")
            else ("aws-us-gov" if self.region.startswith("us-gov-") else "aws")
        )
        return f"arn:{partition}:lambda:{self.region}:{self.account}:function:{self.name}"


@dataclass
class Snapshot:
    """What the containment plan needs to know of the function, as read now.

    Qualifier ``""`` is the unqualified function (``$LATEST``)."""

    target: Target
    versions: list[str] = field(default_factory=list)
    aliases: list[dict[str, Any]] = field(default_factory=list)
    policies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    urls: dict[str, dict[str, Any]] = field(default_factory=dict)
    mappings: list[dict[str, Any]] = field(default_factory=list)
    concurrency: int | None = None
    provisioned: list[dict[str, Any]] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    rules: list[dict[str, Any]] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    role_arn: str | None = None
    layers: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # S3 buckets, SNS topics invoking it
    unread: list[tuple[str, str, str]] = field(default_factory=list)  # api, what, error

    @property
    def qualifiers(self) -> list[str]:
        """``""`` then every published version then every alias."""
        return ["", *self.versions, *(a["Name"] for a in self.aliases)]

    def target_arns(self) -> set[str]:
        """The unqualified and every qualified ARN of the function."""
        base = self.target.arn
        return {base, f"{base}:$LATEST", *(f"{base}:{q}" for q in self.qualifiers if q)}


@dataclass
class Step:
    """One reversible containment step: what it changes, the value it replaces, the new one."""

    step: str  # disable-mapping | throttle | url-auth | remove-statement | disable-rule | ...
    target: str
    before: Any
    after: Any
    why: str
    params: dict[str, Any] = field(default_factory=dict)
    status: str = "planned"  # planned | unchanged | optional | done | failed | not-run
    error: str | None = None

    def record(self) -> dict[str, Any]:
        """The ``actions.jsonl`` line (DESIGN.md: step, target, before, after, status)."""
        out = {
            "step": self.step,
            "target": self.target,
            "before": self.before,
            "after": self.after,
            "status": self.status,
            "params": self.params,
        }
        if self.error:
            out["error"] = self.error
        return out
