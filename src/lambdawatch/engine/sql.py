"""Render a rule's record-only match as SQL over the standard CloudTrail table layouts (sqlglot ASTs).

Layouts:

- ``athena`` (also trino, spark, duckdb): the Athena CloudTrail table; lowercase columns,
  ``requestparameters`` / ``responseelements`` / ``additionaleventdata`` are JSON strings (read with
  JSON_EXTRACT_SCALAR / JSON_EXTRACT), ``useridentity`` is a struct.
- ``cloudtrail-lake``: an event data store; camelCase columns, ``requestParameters`` and
  ``responseElements`` are maps of strings (``element_at(requestParameters, 'x')``; deeper keys are
  read from that JSON text), ``userIdentity`` a struct.

Semantics follow the Python matcher: event names match their base name with any ``\\d{8}(v\\d+)?``
suffix; success is ``errorCode`` null or empty; ``exists`` means present and not empty;
``contains`` / ``regex`` read a string as is and anything else as its compact JSON text.
Predicates have no SQL form: such rules declare ``sql.exact: false`` and the SQL is a superset.
"""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp

from lambdawatch.engine.model import Condition, Match, Rule

JSON_COLUMNS = ("requestParameters", "responseElements", "additionalEventData")
DIALECTS = {
    "athena": "athena",
    "trino": "trino",
    "spark": "spark",
    "duckdb": "duckdb",
    "cloudtrail-lake": "trino",
}
DEFAULT_TABLE = {"cloudtrail-lake": "$EDS_ID"}


class Layout:
    def __init__(self, lake: bool) -> None:
        self.lake = lake

    def column(self, name: str) -> exp.Expr:
        return exp.column(name if self.lake else name.lower())

    def _json_source(self, head: str, rest: list[str]) -> tuple[exp.Expr, list[str]]:
        if not self.lake:
            return self.column(head), rest
        first = exp.func("element_at", exp.column(head), exp.Literal.string(rest[0]))
        return first, rest[1:]

    def scalar(self, path: str) -> exp.Expr:
        """The value as text when it is a scalar (NULL for objects and arrays)."""
        head, *rest = path.split(".")
        if head in JSON_COLUMNS and rest:
            src, rest = self._json_source(head, rest)
            if not rest:
                return src
            return exp.JSONExtractScalar(this=src, expression=_json_path(rest))
        return self._plain(head, rest)

    def text(self, path: str) -> exp.Expr:
        """The value as text: a string as is, an object or array as its JSON text."""
        head, *rest = path.split(".")
        if head in JSON_COLUMNS and rest:
            src, rest = self._json_source(head, rest)
            if not rest:
                return src
            as_json = exp.cast(exp.JSONExtract(this=src, expression=_json_path(rest)), "varchar")
            return exp.func(
                "coalesce",
                exp.JSONExtractScalar(this=src.copy(), expression=_json_path(rest)),
                as_json,
            )
        return self._plain(head, rest)

    def _plain(self, head: str, rest: list[str]) -> exp.Expr:
        node: exp.Expr = self.column(head)
        for part in rest:
            node = exp.Dot(
                this=node, expression=exp.to_identifier(part if self.lake else part.lower())
            )
        return node


def _json_path(parts: list[str]) -> exp.Expr:
    return exp.Literal.string("$." + ".".join(parts))


def _lit(value: Any) -> exp.Expr:
    if isinstance(value, bool):
        return exp.Literal.string("true" if value else "false")
    return exp.Literal.string(str(value))


def _not_empty(e: exp.Expr) -> exp.Expr:
    return exp.and_(
        exp.Is(this=e, expression=exp.Null()).not_(),
        exp.Not(
            this=exp.In(
                this=e.copy(),
                expressions=[exp.Literal.string(s) for s in ("", "[]", "{}", '""', "null")],
            )
        ),
    )


def _one(c: Condition, path: str, layout: Layout) -> exp.Expr:
    if c.equals is not None:
        return exp.EQ(this=layout.scalar(path), expression=_lit(c.equals))
    if c.in_ is not None:
        return exp.In(this=layout.scalar(path), expressions=[_lit(v) for v in c.in_])
    if c.not_in is not None:
        value = layout.scalar(path)
        return exp.or_(
            exp.Is(this=value, expression=exp.Null()),
            exp.Not(this=exp.In(this=value.copy(), expressions=[_lit(v) for v in c.not_in])),
        )
    if c.exists is not None:
        present = exp.func("coalesce", exp.paren(_not_empty(layout.text(path))), exp.false())
        return present if c.exists else exp.Not(this=present)
    text = layout.text(path)
    if c.contains is not None:
        return exp.func(
            "coalesce",
            exp.paren(
                exp.GT(
                    this=exp.StrPosition(this=text, substr=exp.Literal.string(c.contains)),
                    expression=exp.Literal.number(0),
                )
            ),
            exp.false(),
        )
    assert c.regex is not None
    return exp.func(
        "coalesce", exp.RegexpLike(this=text, expression=exp.Literal.string(c.regex)), exp.false()
    )


def condition(c: Condition, layout: Layout) -> exp.Expr:
    paths = c.field if isinstance(c.field, list) else [c.field]
    parts = [exp.paren(_one(c, p, layout)) for p in paths]
    return exp.paren(exp.or_(*parts)) if len(parts) > 1 else parts[0]


def event_name_pattern(names: list[str]) -> str:
    return "^(" + "|".join(re.escape(n) for n in names) + r")(\d{8}(v\d+)?)?$"


def match_expression(m: Match, layout: Layout) -> exp.Expr:
    parts: list[exp.Expr] = [
        exp.In(
            this=layout.column("eventSource"),
            expressions=[exp.Literal.string(s) for s in m.event_source],
        )
    ]
    if m.event_names:
        parts.append(
            exp.RegexpLike(
                this=layout.column("eventName"),
                expression=exp.Literal.string(event_name_pattern(m.event_names)),
            )
        )
    if m.success is not None:
        ok = exp.paren(
            exp.or_(
                exp.Is(this=layout.column("errorCode"), expression=exp.Null()),
                exp.EQ(this=layout.column("errorCode"), expression=exp.Literal.string("")),
            )
        )
        parts.append(ok if m.success else exp.Not(this=ok))
    parts.extend(condition(c, layout) for c in m.where)
    if m.any:
        parts.append(exp.paren(exp.or_(*(condition(c, layout) for c in m.any))))
    return exp.and_(*parts)


def select_for(rule: Rule, dialect: str, table: str | None = None) -> exp.Select:
    layout = Layout(lake=dialect == "cloudtrail-lake")
    name = table or DEFAULT_TABLE.get(dialect, "cloudtrail_logs")
    return (
        exp.select("*")
        .from_(
            exp.to_table(name, quoted=False)
            if not name.startswith("$")
            else exp.Table(this=exp.Var(this=name))
        )
        .where(match_expression(rule.match, layout))
    )


def render(rule: Rule, dialect: str, table: str | None = None, *, pretty: bool = True) -> str:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r} (one of {', '.join(DIALECTS)})")
    return select_for(rule, dialect, table).sql(dialect=DIALECTS[dialect], pretty=pretty)


def _comment(text: str) -> str:
    """One line of SQL comment: a line break in a (user) rule's text must not end the comment
    and turn the rest into SQL."""
    return " ".join(str(text).split())


def header(rule: Rule) -> str:
    lines = [f"-- {_comment(rule.id)} {_comment(rule.slug)}: {_comment(rule.title)}"]
    if not rule.sql.exact:
        note = " ".join(rule.sql.note.split())
        lines.append(
            f"-- SUPERSET: predicates {_comment(', '.join(rule.match.predicates))} have "
            f"no SQL form; {note}"
        )
    return "\n".join(lines)
