"""Named, typed predicates: what a rule's declarative match cannot say, as small tested functions.

A rule names a predicate in ``match.predicates`` or in a finding's ``predicates``; the loader
rejects unknown names. Each predicate takes the raw CloudTrail record and returns a bool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

PREDICATES: dict[str, Predicate] = {}


def predicate(name: str) -> Callable[[Predicate], Predicate]:
    """Register ``fn`` under ``name`` (kebab-case) for rule files to refer to."""

    def register(fn: Predicate) -> Predicate:
        if name in PREDICATES:
            raise ValueError(f"predicate {name!r} registered twice")
        PREDICATES[name] = fn
        return fn

    return register
