"""The byte prefilter, derived from the loaded rules (never a hand-kept list).

A literal search (C speed) finds every ``"eventSource":"<service>"`` pair some rule needs, in the
compact form AWS delivers and, when the file has spaced separators at all, the spaced form of
``json.dumps``. Where every rule of that service names its events, a hit whose next key is
``eventName`` (the order AWS writes) with none of those names is dropped at once; any other key
order is kept. Rules that give byte hints (``match.prefilter``) are found by a literal search
for each hint instead. Each kept record's bytes are then checked for one of its rule group's
event names (prefixes, so every API-version suffix passes), hints and required pairs. The
prefilter only skips: every parsed record is re-checked by the rules, and each rule's firing
tests assert the prefilter lets them through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from lambdawatch.engine.model import Rule

# (event names, any-of hints, all-of required pairs (each in either JSON form)); () = no test
Group = tuple[tuple[str, ...], tuple[bytes, ...], tuple[tuple[bytes, ...], ...]]
_SAFE = re.compile(r"^[\x20-\x7e]*$")


def _required(rule: Rule) -> tuple[tuple[bytes, ...], ...]:
    """``"key":"value"`` pairs a matching record must hold, from ``where`` equality tests on
    plain ASCII strings (what JSON writes without escapes, compact or spaced)."""
    out = []
    for c in rule.match.where:
        value = c.equals
        if isinstance(c.field, str) and isinstance(value, str) and _SAFE.match(value) \
                and '"' not in value and "\\" not in value:
            out.append(_pair(c.field.rsplit(".", 1)[-1], value + '"'))
    return tuple(sorted(out))


@lru_cache(maxsize=1024)
def _pair(key: str, value: str) -> tuple[bytes, ...]:
    """``"key":"value`` (a prefix: no closing quote) in compact and spaced JSON."""
    return (f'"{key}":"{value}'.encode(), f'"{key}": "{value}'.encode())


_SPACED_KEY = b'"eventSource": "'
_NAME_KEYS = (b',"eventName":"', b', "eventName": "', b',"eventName": "', b', "eventName":"')


@dataclass(frozen=True)
class _Anchor:
    """Where a source's records are found: its ``"eventSource":"<source>"`` pair (compact and
    spaced). Where every unhinted rule group of the source names its events, a hit whose very
    next key is ``eventName`` (the order AWS writes) with none of those names is dropped at once;
    any other order is kept for the full byte check."""

    source: str
    compact: bytes
    spaced: bytes
    listed: tuple[bytes, ...] | None  # eventName key + name prefixes; None: any name

    def hits(self, buf: bytes, spaced: bool) -> list[int]:
        out: list[int] = []
        for anchor in (self.compact, self.spaced) if spaced else (self.compact,):
            size = len(anchor)
            pos = buf.find(anchor)
            while pos >= 0:
                after = pos + size
                if (self.listed is None or buf.startswith(self.listed, after)
                        or not buf.startswith(_NAME_KEYS, after)):
                    out.append(pos)
                pos = buf.find(anchor, after)
        return out


def _anchors(groups: dict[str, tuple[Group, ...]]) -> tuple[_Anchor, ...]:
    """One anchor per source some unhinted rule group needs (hinted groups are found by their
    hints: a literal search each)."""
    out = []
    for source, gs in sorted(groups.items()):
        plain = [g for g in gs if not g[1]]
        if not plain:
            continue
        listed = None
        if all(name_set for name_set, _, _ in plain):
            names = sorted({n for name_set, _, _ in plain for n in name_set})
            listed = tuple(k + n.encode() for k in _NAME_KEYS for n in names)
        compact, spaced = _pair("eventSource", source + '"')
        out.append(_Anchor(source, compact, spaced, listed))
    return tuple(out)


def _regex(groups: dict[str, tuple[Group, ...]]) -> re.Pattern[bytes]:
    """An eventSource value some unhinted rule group needs, with the event-name lookahead where
    all of them name their events. (Groups with hints are found by their hints instead: a
    literal search is far faster than a regex alternation without a common prefix.)"""
    sources = []
    for source, gs in sorted(groups.items()):
        plain = [g for g in gs if not g[1]]
        if not plain:
            continue
        alt = re.escape(source.encode()) + b'"'
        names = sorted({n for name_set, _, _ in plain for n in name_set})
        if all(name_set for name_set, _, _ in plain):
            listed = b"|".join(re.escape(n.encode()) for n in names)
            alt += rb'(?=, ?"eventName": ?"(?:' + listed + rb')|(?!, ?"eventName":))'
        sources.append(alt)
    return re.compile(rb'"eventSource": ?"(' + b"|".join(sources) + rb")" if sources else rb"(?!)")


def _has(buf: bytes, literals: tuple[bytes, ...], start: int, end: int) -> bool:
    for lit in literals:
        if buf.find(lit, start, end) >= 0:
            return True
    return False


@dataclass(frozen=True)
class _Check:
    """One rule group of a source, as byte literals: names (any), hints (any), required (all)."""

    names: tuple[bytes, ...]
    hints: tuple[bytes, ...]
    required: tuple[tuple[bytes, ...], ...]

    def holds(self, buf: bytes, start: int, end: int) -> bool:
        if self.names and not _has(buf, self.names, start, end):
            return False
        if self.hints and not _has(buf, self.hints, start, end):
            return False
        return all(_has(buf, forms, start, end) for forms in self.required)


@dataclass(frozen=True)
class Prefilter:
    groups: dict[str, tuple[Group, ...]]  # by eventSource value
    anchors: tuple[_Anchor, ...]
    regex: re.Pattern[bytes]  # the same anchors in one pass: cheaper past two of them
    by_bytes: dict[bytes, str]
    hints: tuple[bytes, ...]
    checks: dict[str, tuple[_Check, ...]]  # by eventSource value
    hinted: tuple[tuple[tuple[bytes, ...], tuple[_Check, ...]], ...]  # (source pairs, checks)

    @classmethod
    def from_rules(cls, rules: Iterable[Rule]) -> Prefilter | None:
        found: dict[str, set[Group]] = {}
        for rule in rules:
            if not rule.match.event_source:
                return None  # a rule that can match any source: no byte prefilter possible
            names = tuple(sorted(rule.match.event_names))
            hints = tuple(sorted({h.encode() for h in rule.match.prefilter}))
            required = _required(rule)
            for source in rule.match.event_source:
                found.setdefault(source, set()).add((names, hints, required))
        groups = {s: tuple(sorted(g)) for s, g in found.items()}
        checks = {s: tuple(_Check(tuple(p for n in names for p in _pair("eventName", n)), hints,
                                  required) for names, hints, required in gs)
                  for s, gs in groups.items()}
        hints = tuple(sorted({h for gs in groups.values() for g in gs for h in g[1]}))
        hinted = tuple((_pair("eventSource", s + '"'), tuple(c for c in cs if c.hints))
                       for s, cs in sorted(checks.items()) if any(c.hints for c in cs))
        return cls(groups, _anchors(groups), _regex(groups),
                   {f"{s}\"".encode(): s for s in groups}, hints, checks, hinted)

    def sources(self, buf: bytes) -> list[tuple[int, str | None]]:
        """(position, eventSource or None for a hint hit) of every candidate in ``buf``, in order.

        Spaced pairs are searched only when the buffer holds a spaced ``"eventSource": "`` key
        at all (the literal search is for one or two sources; past that, one regex pass)."""
        hits: list[tuple[int, str | None]] = []
        if len(self.anchors) > 2:  # one regex pass beats a literal search per source
            by_bytes = self.by_bytes
            hits.extend((m.start(), by_bytes[m.group(1)]) for m in self.regex.finditer(buf))
        else:
            spaced = buf.find(_SPACED_KEY) >= 0
            for anchor in self.anchors:
                hits.extend((pos, anchor.source) for pos in anchor.hits(buf, spaced))
        for hint in self.hints:
            pos = buf.find(hint)
            while pos >= 0:
                hits.append((pos, None))
                pos = buf.find(hint, pos + 1)
        hits.sort(key=lambda h: h[0])
        return hits

    def accepts(self, buf: bytes, sources: Iterable[str | None] | None = None,
                start: int = 0, end: int | None = None) -> bool:
        """Could the record in ``buf[start:end]`` match some rule? False only when it surely
        cannot. ``sources`` is what the search saw in it: eventSource values (confirmed), or None
        for a hint hit (only the hinted groups, their source checked in the bytes). Without it,
        every group is tried with its source checked in the bytes."""
        stop = len(buf) if end is None else end
        if sources is None:
            return any(_has(buf, _pair("eventSource", src + '"'), start, stop)
                       and any(c.holds(buf, start, stop) for c in cs)
                       for src, cs in self.checks.items())
        for seen in sources:
            if seen is None:
                for pairs, cs in self.hinted:
                    if _has(buf, pairs, start, stop) and any(c.holds(buf, start, stop) for c in cs):
                        return True
            else:
                for c in self.checks[seen]:
                    if c.holds(buf, start, stop):
                        return True
        return False
