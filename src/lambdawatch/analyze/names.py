"""Name red flags (founding spec, "Suspicious Function Names"): generic names, random strings,
hidden characters; typosquats are judged at alert time against every name the stream and the
inventory know (see :mod:`lambdawatch.analyze.typosquat`).

Codes: NM101 suspicious-name, NM102 typosquat-name, NM103 random-name, NM104 hidden-characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from lambdawatch.analyze.common import escaped, params
from lambdawatch.analyze.randomness import random_parts
from lambdawatch.data import load
from lambdawatch.findings import Finding
from lambdawatch.ingest.normalize import Event

_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# Characters that hide or reorder text: zero-width, bidi controls, other format characters.
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Zs", "Zl", "Zp", "Co", "Cn"}
_NAME_OK = re.compile(r"^[A-Za-z0-9_-]+$")


def tokens(name: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(name)]


def generic_tokens(name: str) -> list[str] | None:
    """The generic words a name consists of, or None when it says anything specific."""
    found = _generic_tokens(name)
    return list(found) if found is not None else None


@lru_cache(maxsize=16384)  # a pure function of the name; many events share one function
def _generic_tokens(name: str) -> tuple[str, ...] | None:
    words = load("names.yml")
    generic, filler = set(words["generic"]), set(words["filler"])
    toks = [t for t in tokens(name) if not t.isdigit()]
    meaningful = [t for t in toks if t not in filler]
    if not meaningful or not all(t in generic for t in meaningful):
        return None
    return tuple(meaningful)


def random_part(name: str) -> str | None:
    """The random-looking parts of a name joined by ``-`` (Pacu: 15 random letters; a hex,
    mixed-case or UUID id), IaC-generated suffixes excepted (see :mod:`analyze.randomness`);
    None for names made of words."""
    parts = random_parts(name)
    return "-".join(parts) if parts else None


def hidden_characters(text: str, *, strict: bool) -> list[dict[str, str]]:
    """Characters that hide in ``text``. ``strict`` (a function name, where AWS allows only
    ``[A-Za-z0-9_-]``) also reports any non-ASCII look-alike letter; otherwise (descriptions,
    handlers) only invisible and bidi-control characters count, not ordinary accented letters."""
    out = []
    for i, ch in enumerate(text):
        cat = unicodedata.category(ch)
        invisible = cat in _INVISIBLE_CATEGORIES and ch != " "
        lookalike = strict and ord(ch) > 127 and not invisible
        if invisible or lookalike:
            out.append(
                {
                    "index": str(i),
                    "codepoint": f"U+{ord(ch):04X}",
                    "name": unicodedata.name(ch, "UNNAMED"),
                    "why": "invisible or bidi control" if invisible else "non-ASCII look-alike",
                }
            )
    return out


def _function_name_of(event: Event) -> str | None:
    p = params(event)
    raw = p.get("functionName")
    if isinstance(raw, str) and raw and not raw.startswith("arn:"):
        return raw
    return event.function


def analyze_names(event: Event, ctx: Any) -> list[Finding]:
    if event.event_source != "lambda.amazonaws.com" or not event.function:
        return []
    out: list[Finding] = []
    name = _function_name_of(event) or event.function
    shown = escaped(name)
    if generic_tokens(name):
        out.append(
            Finding(
                "suspicious-name",
                "NM101",
                "low",
                f"Generic function name {shown}",
                {"function": shown, "generic_words": generic_tokens(name)},
            )
        )
    part = random_part(name)
    if part:
        out.append(
            Finding(
                "random-name",
                "NM103",
                "medium",
                f"Random-looking function name {shown}",
                {"function": shown, "random_part": escaped(part)},
            )
        )
    hidden = hidden_characters(name, strict=True) if not _NAME_OK.match(name) else []
    p = params(event)
    for fld in ("description", "handler"):
        value = p.get(fld)
        if isinstance(value, str) and (marks := hidden_characters(value, strict=False)):
            hidden.extend({**m, "field": fld} for m in marks)
    if hidden:
        where = sorted({h.get("field", "functionName") for h in hidden})
        out.append(
            Finding(
                "hidden-characters",
                "NM104",
                "high",
                f"Hidden characters in {', '.join(where)} of {shown}",
                {"function": shown, "characters": hidden},
            )
        )
    return out
