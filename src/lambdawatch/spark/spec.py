"""What the executors are sent: small, picklable descriptions, loaded once per worker.

Rules, configuration and inventories are loaded on the executors from the installed package
and the paths given (the same files the driver checked), never shipped as code: a worker keeps
what it loaded for the life of its process, so every partition after the first reuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lambdawatch.config import Config, load_config
from lambdawatch.detect.detector import Inventories
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.limits import Limits


@dataclass(frozen=True)
class RunSpec:
    """One run's settings, as the driver resolved them."""

    rule_dirs: tuple[str, ...]
    config_path: str | None
    iam_inventory: str | None
    lambda_inventory: str | None
    limits: Limits
    since: float | None  # POSIX seconds: [since, until)
    until: float | None
    rows_only: bool  # --format rows without --state: no detection, only the founding query
    s3_client_factory: Callable[[], Any] | None = None

    @property
    def inventories(self) -> Inventories:
        return Inventories(self.iam_inventory, self.lambda_inventory)


@lru_cache(maxsize=4)
def _rules(dirs: tuple[str, ...], rows_only: bool) -> RuleSet:
    rules = RuleSet.load(dirs)
    if rows_only:  # as the local engine: only the rules with output columns (a narrower filter)
        return RuleSet([r for r in rules.rules if r.output], rules.extra_dirs)
    return rules


@lru_cache(maxsize=4)
def _config(path: str | None) -> Config:
    return load_config(path)


def config_rule_dirs(rule_dirs: list[str], config: Config) -> tuple[str, ...]:
    """The rule folders of a run: the --rules ones, then the configuration's (as ``hunt``)."""
    return tuple(rule_dirs) + tuple(config.rules.folders)


def rules_of(spec: RunSpec) -> RuleSet:
    return _rules(spec.rule_dirs, spec.rows_only)


def config_of(spec: RunSpec) -> Config:
    return _config(spec.config_path)
