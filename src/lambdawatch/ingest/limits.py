"""Per-file and per-record limits of the ingest stage: what a hostile log may cost at most.

Each limit reached is reported with the file (and record or line) and the run goes on. The CLI
sets the process default (``hunt --max-inflate``); library callers pass :class:`Limits` in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

GIB = 1 << 30
MIB = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """``max_inflate``: bytes one file may give once decompressed (a plain file: its size);
    ``max_record``: bytes of one record (one JSON line, one cut ``Records`` element);
    ``max_depth``: nesting depth of one record (orjson's own ceiling is 1024);
    ``max_values``: JSON values in one record (bounded work per record in every later stage);
    ``max_problems``: record problems listed by line or record number per file (all counted)."""

    max_inflate: int = GIB
    max_record: int = 50 * MIB
    max_depth: int = 64
    max_values: int = 50_000
    max_problems: int = 5


_default = Limits()


def default_limits() -> Limits:
    return _default


def set_default_limits(**changes: int) -> Limits:
    """Change the process default (before the workers start: they inherit it)."""
    global _default
    _default = replace(_default, **changes)
    return _default


@contextmanager
def limits_in_effect(**changes: int) -> Iterator[Limits]:
    """The process default changed for the duration of a command, then restored (a command run
    in-process, as tests do, never leaks its limits into the next)."""
    global _default
    before = _default
    _default = replace(before, **changes)
    try:
        yield _default
    finally:
        _default = before


def human(n: int) -> str:
    """``1 GiB``, ``50 MiB``, ``512 bytes``: a limit as the messages show it."""
    for unit, size in (("GiB", GIB), ("MiB", MIB), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def parse_size(text: str) -> int:
    """``1G``, ``512M``, ``64k``, ``1000`` (bytes) -> bytes; ValueError on anything else."""
    t = text.strip().upper().removesuffix("IB").removesuffix("B")
    scale = {"K": 1 << 10, "M": MIB, "G": GIB, "T": 1 << 40}.get(t[-1:], 1)
    digits = t[:-1] if scale != 1 else t
    if not digits.isdigit() or int(digits) <= 0:
        raise ValueError(f"{text!r} is not a size (e.g. 1G, 512M, 64K)")
    return int(digits) * scale
