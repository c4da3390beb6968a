"""Named, typed predicates: what a rule's declarative match cannot say, as small tested functions.

A rule names a predicate in ``match.predicates`` or in a finding's ``predicates``; the loader
rejects unknown names. A plain predicate takes the raw CloudTrail record and returns a bool; it
runs at ingest (in worker processes). A *context* predicate (``@predicate(name, context=True)``)
takes the record and the :class:`HuntContext` (configuration, stream state) and returns a bool or
a dict: a non-empty dict is true and, in a finding, is merged into the finding's evidence. Context
predicates run at evaluation time, in event-time order, after the stream state observed the event.
No predicate has a SQL form: rules whose match uses one declare ``sql.exact: false``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

ContextPredicate = Callable[[Record, Any], "bool | dict[str, Any]"]

PREDICATES: dict[str, Predicate] = {}
CONTEXT_PREDICATES: dict[str, ContextPredicate] = {}


def predicate(name: str, *, context: bool = False) -> Callable[[Any], Any]:
    """Register ``fn`` under ``name`` (kebab-case) for rule files to refer to."""

    def register(fn: Any) -> Any:
        if name in PREDICATES or name in CONTEXT_PREDICATES:
            raise ValueError(f"predicate {name!r} registered twice")
        (CONTEXT_PREDICATES if context else PREDICATES)[name] = fn
        return fn

    return register


def known(name: str) -> bool:
    return name in PREDICATES or name in CONTEXT_PREDICATES
