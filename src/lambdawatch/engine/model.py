"""The typed rule model. Rule files (YAML) are validated into these pydantic models at load time."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lambdawatch.severity import SEVERITY_ORDER  # noqa: F401 - the one scale, re-exported
from lambdawatch.severity import PriorityName as Priority
from lambdawatch.severity import SeverityName as Severity

_CODE = re.compile(r"^[A-Z]{2}\d{3}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """One test on one field of the record (dotted path). Exactly one operator is given.

    ``field`` may be a list of paths: the condition holds when it holds on any of them (for
    records whose shape drifts, e.g. ``requestParameters.uri`` versus a nested input object).
    """

    field: str | list[str]
    equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    not_in: list[Any] | None = None
    exists: bool | None = None
    contains: str | None = None
    regex: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        given = [
            k
            for k in ("equals", "in_", "not_in", "exists", "contains", "regex")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                f"condition on {self.field!r} needs exactly one of equals, in, not_in, exists, "
                f"contains, regex (got {', '.join(given) or 'none'})"
            )
        if self.regex is not None:
            re.compile(self.regex)
        return self


class Match(_Strict):
    """What a record must be for the rule to match.

    ``event_source`` values become the byte prefilter's literals; ``event_names`` are base names
    (any logged API-version suffix matches); ``where`` conditions must all hold; ``predicates``
    name typed Python functions for what a declarative condition cannot say.
    """

    event_source: list[str]
    event_names: list[str] = []
    success: bool | None = True
    where: list[Condition] = []
    any: list[Condition] = []  # when given, at least one must hold (besides every ``where``)
    predicates: list[str] = []
    # Byte literals one of which every matching record contains (a hint for the byte prefilter
    # where event names cannot narrow it; the rule's firing tests check the hint never misses).
    prefilter: list[str] = []

    @field_validator("event_source", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class FindingSpec(_Strict):
    """A finding the rule puts on the alert when its conditions hold on a matched event."""

    kind: str
    code: str
    severity: Severity
    title: str
    where: list[Condition] = []
    any: list[Condition] = []
    predicates: list[str] = []
    evidence: dict[str, str] = {}

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not _CODE.match(v):
            raise ValueError(f"finding code {v!r} must be two capital letters and three digits")
        return v


class Mitre(_Strict):
    techniques: list[str]
    tactics: list[str] = []


WINDOW_MINUTES = 60  # one alert per (account, region, function) per hour, across rules


class Throttle(_Strict):
    """Documents the founding spec's alert configuration in the rule file. The window is one
    setting across rules (DESIGN.md): a rule may state it, not change it."""

    key: list[Literal["account", "region", "function"]] = ["account", "region", "function"]
    minutes: int = Field(default=WINDOW_MINUTES, ge=WINDOW_MINUTES, le=WINDOW_MINUTES)

    @field_validator("key")
    @classmethod
    def _one_key(cls, value: list[str]) -> list[str]:
        if sorted(value) != ["account", "function", "region"]:
            raise ValueError("the throttle key is (account, region, function) for every rule")
        return value


class TestEvent(_Strict):
    """An earlier event a stateful test case needs (e.g. the CreateRole before CreateFunction)."""

    base: str
    patch: dict[str, Any] = {}
    remove: list[str] = []


class RuleTest(_Strict):
    """An inline test: a shared base event, a small patch over it, and the expected outcome.

    ``before`` events are observed first (stream state, in order); ``config`` is a configuration
    mapping (same schema as the TOML file) for cases that depend on known or trusted accounts.
    """

    name: str
    base: str
    patch: dict[str, Any] = {}
    remove: list[str] = []
    before: list[TestEvent] = []
    config: dict[str, Any] = {}
    expect: Literal["fire", "silent"]
    findings: list[str] | None = None


class SqlMeta(_Strict):
    """How faithfully the rule's match renders as SQL (``rules export``).

    ``exact: false`` when the match uses predicates that have no SQL form: the SQL then selects a
    superset of the records and ``note`` says what the Python re-check narrows.
    """

    exact: bool = True
    note: str = ""


class Rule(_Strict):
    id: str
    slug: str
    title: str
    description: str = ""
    severity: Severity
    priority: Priority
    mitre: Mitre
    match: Match
    output: dict[str, list[str]] = {}
    group_by: list[str] = []
    throttle: Throttle = Throttle()
    playbook: str = "founding"
    references: list[str] = []
    # false: a context rule, its records are stored and observed (state) but never open an alert
    alert: bool = True
    sql: SqlMeta = SqlMeta()
    findings: list[FindingSpec] = []
    tests: list[RuleTest]

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _CODE.match(v):
            raise ValueError(f"rule id {v!r} must be two capital letters and three digits")
        return v

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError(f"slug {v!r} must be kebab-case")
        return v

    @model_validator(mode="after")
    def _tests_both_ways(self) -> Rule:
        outcomes = {t.expect for t in self.tests}
        if outcomes != {"fire", "silent"}:
            raise ValueError("a rule needs at least one test that fires and one that stays silent")
        if self.match.predicates and self.sql.exact:
            raise ValueError(
                "a match that uses predicates has no exact SQL form: set sql.exact: "
                "false and say in sql.note what the Python re-check narrows"
            )
        for col in self.group_by:
            if col not in self.output:
                raise ValueError(f"group_by column {col!r} is not an output column")
        return self
