"""What an audit reads about one function and one region, before any judgement.

Everything here is raw AWS output (dicts as boto3 returns them), keyed so that the judgement
can look at one qualifier at a time: ``$LATEST``, each published version, each alias.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lambdawatch.aws import Gap

LATEST = "$LATEST"


@dataclass
class Trigger:
    """Something that invokes a function: an EventBridge rule, a schedule, a bucket, a topic, an
    API method. ``qualifier`` is the alias or version the target ARN names (None: unqualified)."""

    kind: str  # eventbridge-rule | scheduler | s3 | sns | apigateway-rest | apigateway-http
    source: str  # the rule, schedule, bucket, topic or API (ARN or id)
    function: str
    qualifier: str | None
    detail: dict[str, Any] = field(default_factory=dict)
    region: str = ""  # the region the target ARN names

    def to_dict(self) -> dict[str, Any]:
        return {
            "trigger": self.kind,
            "source": self.source,
            "qualifier": self.qualifier,
            **self.detail,
        }


@dataclass
class FunctionState:
    account: str
    region: str
    name: str
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)  # $LATEST / version -> config
    code: dict[str, dict[str, Any]] = field(default_factory=dict)  # qualifier -> get_function Code
    aliases: list[dict[str, Any]] = field(default_factory=list)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)  # qualifier -> document
    urls: dict[str, dict[str, Any]] = field(default_factory=dict)  # qualifier -> URL config
    mappings: list[dict[str, Any]] = field(default_factory=list)
    invoke_configs: list[dict[str, Any]] = field(default_factory=list)
    concurrency: int | None = None
    code_signing: dict[str, Any] | None = None  # the code signing config, when one is attached
    tags: dict[str, str] = field(default_factory=dict)
    triggers: list[Trigger] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)

    @property
    def latest(self) -> dict[str, Any]:
        return self.configs.get(LATEST, {})

    @property
    def arn(self) -> str:
        return str(
            self.latest.get("FunctionArn")
            or f"arn:aws:lambda:{self.region}:{self.account}:function:{self.name}"
        )

    def qualifiers(self) -> list[str]:
        """Published versions (numeric order), then aliases (name order)."""
        versions = sorted((v for v in self.configs if v != LATEST), key=_version_key)
        return versions + sorted(a["Name"] for a in self.aliases if a.get("Name"))

    def alias(self, name: str) -> dict[str, Any] | None:
        return next((a for a in self.aliases if a.get("Name") == name), None)

    def config_of(self, qualifier: str) -> dict[str, Any]:
        """The configuration a qualifier runs: a version's own, an alias's primary version's."""
        alias = self.alias(qualifier)
        if alias is not None:
            return self.configs.get(str(alias.get("FunctionVersion")), self.latest)
        return self.configs.get(qualifier, self.latest)


@dataclass
class LayerState:
    arn: str  # layer version ARN
    readable: bool = True
    policy: dict[str, Any] | None = None
    content: dict[str, Any] = field(default_factory=dict)


@dataclass
class RegionState:
    account: str
    region: str
    functions: dict[str, FunctionState] = field(default_factory=dict)
    layers: dict[str, LayerState] = field(default_factory=dict)
    security_groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    route_tables: list[dict[str, Any]] = field(default_factory=list)
    signing_in_use: bool = False
    gaps: list[Gap] = field(default_factory=list)


def _version_key(v: str) -> tuple[int, str]:
    return (int(v), "") if v.isdigit() else (1 << 62, v)


def split_function_arn(arn: str) -> tuple[str, str, str, str | None] | None:
    """(region, account, name, qualifier) of a function ARN, plain or qualified."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[2] != "lambda" or parts[5] != "function":
        return None
    return parts[3], parts[4], parts[6], parts[7] if len(parts) > 7 and parts[7] else None
