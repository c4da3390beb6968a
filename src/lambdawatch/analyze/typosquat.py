"""typosquat-name (NM102): a function named like another function of the same account.

Judged when the alert is finished, against every function name the whole stream and the Lambda
inventory know (so a look-alike planted before the original shows up in the logs is still
caught, and the result does not depend on file order). Two names are close when their
confusable skeletons are equal (``rn``->``m``, ``0``->``o``, Cyrillic ``а``->``a``...) or their
Damerau-Levenshtein distance is 1 (2 for names of 12+ characters), unless they differ only in
digits (``orders-v1``/``orders-v2``). Of two close names, the look-alike is the one with more
confusable characters; when both have as many, the younger one: a function created in the logs
is younger than one the logs only update or the inventory lists (which existed before the logs
begin), and of two created in the logs the later one. Two functions that both predate the logs
are left alone: nothing tells which one is the original.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from lambdawatch.analyze.common import escaped, inventory_of
from lambdawatch.data import load
from lambdawatch.findings import Finding
from lambdawatch.ingest.normalize import Event


@lru_cache(maxsize=65536)
def skeleton(name: str) -> tuple[str, int]:
    """The confusable skeleton of a name and how many confusable characters it used."""
    words = load("names.yml")
    glyphs: dict[str, str] = words["homoglyphs"]
    count = 0
    chars = []
    for ch in name:
        if ch in glyphs:
            chars.append(glyphs[ch])
            count += 1
        elif ord(ch) > 127:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            chars.append(base)
            count += 1
        else:
            chars.append(ch)
    text = "".join(chars)
    for seq, repl in sorted(words["confusable_sequences"].items(), key=lambda kv: -len(kv[0])):
        count += text.count(seq)
        text = text.replace(seq, repl)
    return text.lower().replace("_", "-"), count


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def _digits_only_difference(a: str, b: str) -> bool:
    def strip(s: str) -> str:
        return "".join(c for c in s if not c.isdigit())

    return strip(a) == strip(b)


def close(a: str, b: str) -> str | None:
    """How ``a`` and ``b`` look alike ("confusable", "edit-distance"), or None."""
    if a == b or min(len(a), len(b)) < 5:
        return None
    if skeleton(a)[0] == skeleton(b)[0]:
        return "confusable"
    limit = 2 if min(len(a), len(b)) >= 12 else 1
    if abs(len(a) - len(b)) > limit or _digits_only_difference(a, b):
        return None
    if distance(a.lower(), b.lower()) <= limit:
        return "edit-distance"
    return None


@dataclass
class NameBook:
    """Observer: every function name the stream shows, and when each was created in it."""

    seen: set[tuple[str, str]] = field(default_factory=set)
    created: dict[tuple[str, str], datetime] = field(default_factory=dict)
    indexes: dict[str, NameIndex] = field(default_factory=dict)  # built once the stream is read
    verdicts: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def observe(self, event: Event) -> None:
        if event.event_source != "lambda.amazonaws.com" or not event.function:
            return
        key = (event.account, event.function)
        created = event.base_name == "CreateFunction" and event.success and key not in self.created
        if key in self.seen and not created:
            return  # nothing the judgement reads has changed: keep the index and verdicts
        self.seen.add(key)
        index = self.indexes.get(event.account)
        if index is not None:
            index.add(event.function)  # kept up to date, not rebuilt (a watcher's every batch)
        self.verdicts.clear()
        if created:
            self.created[key] = event.time


def _age(book: NameBook, account: str, name: str) -> float:
    """When a function appeared: its CreateFunction time when the logs hold it, else -inf (it
    existed before the logs begin: only updated in them, or known from the inventory)."""
    created = book.created.get((account, name))
    return created.timestamp() if created else -math.inf


# Deletion variants at depth 2 cost ~L^2/2 index entries a name: past this many names in one
# account the index keeps depth 1 (every pair at distance 1; distance-2 pairs then only through
# the confusable skeleton), so memory stays bounded whatever the corpus. See README "Limits".
DEPTH2_MAX_NAMES = 2000


def _limit(name: str) -> int:
    return 2 if len(name) >= 12 else 1


def _deletes(word: str, depth: int) -> set[str]:
    out, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


@dataclass
class NameIndex:
    """The names of one account, indexed by confusable skeleton and by deletion variants
    (SymSpell), so a lookup touches only the few candidates within edit distance."""

    names: set[str]
    by_skeleton: dict[str, set[str]] = field(default_factory=dict)
    by_delete: dict[str, set[str]] = field(default_factory=dict)
    max_depth: int = 2

    def __post_init__(self) -> None:
        self.max_depth = 2 if len(self.names) <= DEPTH2_MAX_NAMES else 1
        for n in self.names:
            self._index(n)

    def _index(self, n: str) -> None:
        self.by_skeleton.setdefault(skeleton(n)[0], set()).add(n)
        for d in _deletes(n.lower(), min(_limit(n), self.max_depth)):
            self.by_delete.setdefault(d, set()).add(n)

    def add(self, name: str) -> None:
        """Index one more name (as building the index with it would)."""
        if name in self.names:
            return
        self.names.add(name)
        if self.max_depth == 2 and len(self.names) > DEPTH2_MAX_NAMES:
            self.by_skeleton.clear()
            self.by_delete.clear()
            self.__post_init__()  # past the bound: depth 1 for every name
            return
        self._index(name)

    def candidates(self, name: str) -> set[str]:
        found = set(self.by_skeleton.get(skeleton(name)[0], ()))
        for d in _deletes(name.lower(), min(_limit(name), self.max_depth)):
            found |= self.by_delete.get(d, set())
        return found - {name}


def _index(book: NameBook, inventory: Any, account: str) -> NameIndex:
    cached = book.indexes.get(account)
    if cached is None:
        names = {n for (a, n) in book.seen if a == account}
        if inventory is not None:
            names |= inventory.names_in(account)
        cached = book.indexes[account] = NameIndex(names)
    return cached


def index_for(book: NameBook, inventory: Any, account: str) -> NameIndex:
    """The name index of one account (built once, then kept up to date by the book)."""
    return _index(book, inventory, account)


def typosquat_of(name: str, account: str, book: NameBook, inventory: Any) -> list[dict[str, Any]]:
    """The names ``name`` imitates in its account (memoized: many alerts share a function)."""
    cached = book.verdicts.get((account, name))
    if cached is None:
        cached = book.verdicts[(account, name)] = _typosquat_of(name, account, book, inventory)
    return [dict(m) for m in cached]


def _typosquat_of(name: str, account: str, book: NameBook, inventory: Any) -> list[dict[str, Any]]:
    mine = _age(book, account, name)
    out = []
    for other in sorted(_index(book, inventory, account).candidates(name)):
        how = close(name, other)
        if how is None:
            continue
        c_mine, c_other = skeleton(name)[1], skeleton(other)[1]
        if how == "confusable" and c_mine != c_other:
            squat = c_mine > c_other
        else:
            squat = _age(book, account, other) < mine
        if squat:
            out.append(
                {
                    "looks_like": escaped(other),
                    "how": how,
                    "distance": distance(name.lower(), other.lower()),
                    "skeleton": escaped(skeleton(name)[0]),
                }
            )
    return out


def finish_typosquat(alert: dict[str, Any], events: list[Event], ctx: Any) -> dict[str, Any]:
    state = getattr(ctx, "state", None)
    book: NameBook | None = state.names if state is not None else None
    if book is None:
        return alert
    matches = typosquat_of(alert["function"], alert["account"], book, inventory_of(ctx))
    if not matches:
        return alert
    confusable = any(m["how"] == "confusable" for m in matches)
    shown = escaped(alert["function"])
    finding = Finding(
        "typosquat-name",
        "NM102",
        "high" if confusable else "medium",
        f"{shown} looks like {matches[0]['looks_like']}",
        {"function": shown, "matches": matches},
    )
    return {**alert, "findings": [*alert["findings"], finding.to_dict()]}
