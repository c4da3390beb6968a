"""The TOML configuration (``--config``): accounts, allowlists, approved changes, layers, rules.

Validated with pydantic; an unknown key or a wrong type is an error naming the key and its line.
The documented schema is in the README ("Configuration").
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lambdawatch.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Accounts(_Strict):
    known: list[str] = []
    environment: dict[str, Literal["prod", "nonprod"]] = {}


def _check_kinds(values: list[str]) -> list[str]:
    from fnmatch import fnmatchcase

    from lambdawatch import kinds  # the one registry of finding kinds (data/kinds.yml)

    slugs = [k.slug for k in kinds.all_kinds()]
    for v in values:
        if not any(fnmatchcase(k, v) for k in slugs):
            raise ValueError(f"{v!r} is not a finding kind (see docs/kinds.md)")
    return values


class _Tuning(_Strict):
    """Shared by allowlist entries and approved changes: which findings override them.

    ``keep_if``: finding kinds that keep the alert visible whatever their severity.
    ``accept``: high/critical finding kinds this entry explicitly accepts; by default a high or
    critical finding keeps the alert visible even when the entry matches.
    """

    keep_if: list[str] = []
    accept: list[str] = []

    _kinds = field_validator("keep_if", "accept")(_check_kinds)


class Allow(_Tuning):
    name: str
    principal: str | None = None
    user_agent: str | None = None
    function: str | None = None
    account: str | None = None
    reason: str

    @model_validator(mode="after")
    def _some_match(self) -> Allow:
        if not any((self.principal, self.user_agent, self.function, self.account)):
            raise ValueError(
                "an allowlist entry needs at least one of principal, user_agent, function, account"
            )
        return self


class Change(_Tuning):
    function: str
    principal: str | None = None
    start: datetime
    end: datetime
    ticket: str
    action: Literal["suppress", "downgrade"] = "suppress"
    reason: str | None = None

    @model_validator(mode="after")
    def _window(self) -> Change:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("start and end need a time zone (e.g. 2025-03-14T08:00:00Z)")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Environment(_Strict):
    """Adjustment of the alerts of an environment's accounts (``[environments.nonprod]``)."""

    severity_shift: int = Field(0, ge=-4, le=4)
    risk_shift: int | None = Field(None, ge=-100, le=100)


class Thresholds(_Strict):
    """high-resources thresholds; a function at or above any of them is flagged."""

    memory_mb: int | None = Field(None, gt=0)
    timeout_s: int | None = Field(None, gt=0)
    ephemeral_mb: int | None = Field(None, gt=0)


class Layers(_Strict):
    trusted_accounts: list[str] = []


class Rules(_Strict):
    folders: list[str] = []


class Notify(_Strict):
    """Notification targets for ``watch`` and ``hunt --state`` (``--notify`` adds to them)."""

    targets: list[str] = []  # webhook:URL, slack:WEBHOOK_URL, sns:TOPIC_ARN
    min_severity: Literal["critical", "high", "medium", "low", "info"] = "high"


class Config(_Strict):
    accounts: Accounts = Accounts()
    notify: Notify = Notify()
    allowlist: list[Allow] = []
    change: list[Change] = []
    layers: Layers = Layers()
    rules: Rules = Rules()
    thresholds: Thresholds = Field(default_factory=lambda: Thresholds.model_validate({}))
    environments: dict[str, Environment] = Field(default_factory=dict)
    source: str | None = None


def _line_of(text: str, loc: tuple[Any, ...]) -> int:
    """Best-effort line of the last named key of ``loc`` in the TOML text (tomllib has no marks)."""
    names = [k for k in loc if isinstance(k, str)]
    for name in reversed(names):
        m = re.search(rf"(?m)^\s*(?:\[\[?\s*)?{re.escape(name)}\b", text)
        if m:
            return text.count("\n", 0, m.start()) + 1
    return 1


def load_config(path: str | Path | None) -> Config:
    if path is None:
        return Config()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError("configuration file not found", where=str(p)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML ({exc})", where=str(p)) from None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            key = ".".join(str(x) for x in loc)
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"{p}:{_line_of(text, loc)}: {key}: {msg}")
        raise ConfigError("; ".join(problems)) from None
    base = p.parent
    folders = [str((base / f).resolve()) for f in config.rules.folders]
    return config.model_copy(update={"source": str(p), "rules": Rules(folders=folders)})
