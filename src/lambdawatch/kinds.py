"""The registry of finding kinds (``data/kinds.yml``): family, description, weight, steps.

Every rule, analyzer and code check names its kinds here; :func:`require` is what they call when
they load, so a misspelt kind fails at load with the file that used it, never at alert time.

>>> kind("admin-role").family
'function'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from lambdawatch.data import load
from lambdawatch.errors import KindError

REGISTRY = "lambdawatch/data/kinds.yml"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FIELDS = {"family", "description", "weight", "steps"}


@dataclass(frozen=True, slots=True)
class Kind:
    slug: str
    family: str
    description: str
    weight: int
    steps: tuple[str, ...]


def _parse(slug: Any, entry: Any, families: dict[str, str]) -> Kind:
    where = f"{REGISTRY}: {slug}"
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise KindError(f"kind {slug!r} is not a kebab-case slug", where=REGISTRY)
    if not isinstance(entry, dict):
        raise KindError("entry must be a mapping", where=where)
    if set(entry) != _FIELDS:
        missing, extra = sorted(_FIELDS - set(entry)), sorted(set(entry) - _FIELDS)
        raise KindError(f"fields missing {missing}, unknown {extra}", where=where)
    family, desc, weight, steps = (
        entry["family"],
        entry["description"],
        entry["weight"],
        entry["steps"],
    )
    if family not in families:
        raise KindError(f"family {family!r} is not one of {sorted(families)}", where=where)
    if not isinstance(desc, str) or not desc.strip():
        raise KindError("description must be a non-empty string", where=where)
    if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100:
        raise KindError(f"weight {weight!r} must be an integer 0-100", where=where)
    if not isinstance(steps, list) or not all(isinstance(s, str) and s for s in steps):
        raise KindError("steps must be a list of non-empty strings", where=where)
    return Kind(slug, family, " ".join(desc.split()), weight, tuple(steps))


def parse_registry(data: Any) -> tuple[dict[str, str], dict[str, Kind]]:
    """(families, kinds by slug) of a registry mapping; :class:`KindError` on any defect."""
    if not isinstance(data, dict) or set(data) != {"families", "kinds"}:
        raise KindError("must be a mapping with exactly 'families' and 'kinds'", where=REGISTRY)
    families, kinds = data["families"], data["kinds"]
    if not isinstance(families, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in families.items()
    ):
        raise KindError("'families' must map a family name to its description", where=REGISTRY)
    if not isinstance(kinds, dict) or not kinds:
        raise KindError("'kinds' must be a non-empty mapping", where=REGISTRY)
    return dict(families), {slug: _parse(slug, entry, families) for slug, entry in kinds.items()}


@cache
def _registry() -> tuple[dict[str, str], dict[str, Kind]]:
    return parse_registry(load("kinds.yml"))


def families() -> dict[str, str]:
    """Family name -> what the family covers, in the registry's order."""
    return dict(_registry()[0])


def all_kinds() -> tuple[Kind, ...]:
    """Every registered kind, in the registry's order."""
    return tuple(_registry()[1].values())


def is_known(slug: str) -> bool:
    return slug in _registry()[1]


def kind(slug: str) -> Kind:
    """The registered kind; :class:`KindError` when ``slug`` is not registered."""
    found = _registry()[1].get(slug)
    if found is None:
        raise KindError(f"unknown finding kind {slug!r} (not in {REGISTRY})")
    return found


def require(slug: str, *, where: str) -> Kind:
    """The registered kind, or :class:`KindError` naming ``where`` (the file that uses it)."""
    found = _registry()[1].get(slug)
    if found is None:
        raise KindError(f"unknown finding kind {slug!r} (add it to {REGISTRY})", where=where)
    return found


def weight(slug: str) -> int:
    return kind(slug).weight


def steps(slug: str) -> tuple[str, ...]:
    return kind(slug).steps
