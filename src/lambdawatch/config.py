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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lambdawatch.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Accounts(_Strict):
    known: list[str] = []
    environment: dict[str, Literal["prod", "nonprod"]] = {}


class Allow(_Strict):
    name: str
    principal: str | None = None
    user_agent: str | None = None
    function: str | None = None
    account: str | None = None
    reason: str
    keep_if: list[str] = []


class Change(_Strict):
    function: str
    principal: str | None = None
    start: datetime
    end: datetime
    ticket: str
    action: Literal["suppress", "downgrade"] = "suppress"


class Layers(_Strict):
    trusted_accounts: list[str] = []


class Rules(_Strict):
    folders: list[str] = []


class Config(_Strict):
    accounts: Accounts = Accounts()
    allowlist: list[Allow] = []
    change: list[Change] = []
    layers: Layers = Layers()
    rules: Rules = Rules()
    thresholds: dict[str, int] = Field(default_factory=dict)
    environments: dict[str, dict[str, Any]] = Field(default_factory=dict)
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
