"""The byte prefilter, derived from the loaded rules (never a hand-kept list).

One fused scan per buffer finds every rule's anchors at once (Hyperscan when importable, else
one Python regex with the same patterns and the same candidates): the ``"eventSource":"<svc>"``
pair of every service some rule needs, compact (as AWS delivers) or spaced (``json.dumps``).
Where every rule of a service names its events, a pair whose next key is ``eventName`` (the order
AWS writes) with none of those names is no match at all; any other key order is kept. Rule byte
hints (``match.prefilter``) are patterns of the same scan, and a hint counts only when its
record's eventSource (looked up right after it) is a source some hinted rule watches: the hint
``"invokedBy":"lambda.amazonaws.com"`` of KMS or CloudWatch Logs records costs one bounded
``find``, never a cut. Each kept record's bytes are then checked for one of its rule group's
event names (prefixes, so every API-version suffix passes), hints and required pairs. The
prefilter only skips: every parsed record is re-checked by the rules, and each rule's firing
tests assert the prefilter lets them through.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from lambdawatch.engine.model import Rule

Buffer = bytes | bytearray

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


_NAME_KEYS = (b',"eventName":"', b', "eventName": "', b',"eventName": "', b', "eventName":"')
_SOURCE_KEY = b'"eventSource"'


def _diverges(words: tuple[bytes, ...]) -> bytes:
    """A regex for text that departs from every one of ``words`` before completing one (none
    is a prefix of another): at each shared prefix, a byte that continues none of them."""
    prefixes = {w[:i] for w in words for i in range(len(w))}
    alts = []
    for p in sorted(prefixes):
        nxt = sorted({w[len(p)] for w in words if w.startswith(p) and len(w) > len(p)})
        alts.append(re.escape(p) + b"[^" + b"".join(re.escape(bytes([c])) for c in nxt) + b"]")
    return b"(?:" + b"|".join(alts) + b")"


def _patterns(groups: dict[str, tuple[Group, ...]]) -> list[tuple[bytes, bytes, str | None]]:
    """(anchor, what must follow it, eventSource or None for a hint) for the fused scan.

    An eventSource pair per source some unhinted rule group needs; where every such group names
    its events, the pair counts only when its next key is one of those names or is not
    ``eventName`` at all (AWS writes eventName right after eventSource: other names are dropped
    by the scan itself). Rule hints (``match.prefilter``) are literals of their own."""
    out: list[tuple[bytes, bytes, str | None]] = []
    for source, gs in sorted(groups.items()):
        plain = [g for g in gs if not g[1]]
        if not plain:
            continue
        anchor = b'"eventSource": ?"' + re.escape(source.encode()) + b'"'
        if all(name_set for name_set, _, _ in plain):
            names = sorted({n for name_set, _, _ in plain for n in name_set})
            listed = b"|".join(re.escape(n.encode()) for n in names)
            out.append((anchor, b', ?"eventName": ?"(?:' + listed + b")", source))
            out.append((anchor, _diverges(_NAME_KEYS), source))
        else:
            out.append((anchor, b"", source))
    for hint in sorted({h for gs in groups.values() for g in gs for h in g[1]}):
        out.append((re.escape(hint), b"", None))
    return out


def _has(buf: Buffer, literals: tuple[bytes, ...], start: int, end: int) -> bool:
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

    def holds(self, buf: Buffer, start: int, end: int) -> bool:
        if self.names and not _has(buf, self.names, start, end):
            return False
        if self.hints and not _has(buf, self.hints, start, end):
            return False
        return all(_has(buf, forms, start, end) for forms in self.required)


class _Scan:
    """Every pattern in one pass over the buffer: Hyperscan when importable (SIMD, all patterns
    at once), else one Python regex alternation with the same patterns (what follows an anchor
    as a lookahead, so anchors never hide each other). Both give the same candidate records."""

    def __init__(self, patterns: list[tuple[bytes, bytes, str | None]], backend: str) -> None:
        self.sources = [p[2] for p in patterns]
        self.backend = backend
        self._local = threading.local()
        if backend == "hyperscan":
            import hyperscan

            self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            self._db.compile(expressions=[a + f for a, f, _ in patterns],
                             ids=list(range(len(patterns))), elements=len(patterns),
                             flags=[hyperscan.HS_FLAG_SOM_LEFTMOST] * len(patterns))
        else:
            alts = (b"(?P<p%d>%s)(?=%s)" % (i, a, f) for i, (a, f, _) in enumerate(patterns))
            self._re = re.compile(b"|".join(alts) if patterns else b"(?!)")

    def __call__(self, buf: Buffer) -> list[tuple[int, int]]:
        """(start, pattern index) of every match, in no particular order."""
        if self.backend != "hyperscan":
            return [(m.start(), int(m.lastgroup[1:])) for m in self._re.finditer(buf)
                    if m.lastgroup is not None]
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:  # one scratch per thread: Hyperscan's scratch is not shareable
            import hyperscan

            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        found: list[tuple[int, int]] = []
        add = found.append
        self._db.scan(buf, lambda i, start, end, flags, ctx: add((start, i)),  # type: ignore[type-var]
                      scratch=scratch)
        return found


def _backend() -> str:
    if os.environ.get("LAMBDAWATCH_NO_HYPERSCAN"):
        return "re"
    return "hyperscan" if importlib.util.find_spec("hyperscan") is not None else "re"


@dataclass(frozen=True)
class Prefilter:
    groups: dict[str, tuple[Group, ...]]  # by eventSource value
    patterns: tuple[tuple[bytes, bytes, str | None], ...]
    hinted_sources: tuple[bytes, ...]  # ':"src"' and ': "src"' of every source a hint serves
    checks: dict[str, tuple[_Check, ...]]  # by eventSource value
    hinted: tuple[tuple[tuple[bytes, ...], tuple[_Check, ...]], ...]  # (source pairs, checks)
    backend: str = field(default_factory=_backend)

    @classmethod
    def from_rules(cls, rules: Iterable[Rule], backend: str | None = None) -> Prefilter | None:
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
        hinted = tuple((_pair("eventSource", s + '"'), tuple(c for c in cs if c.hints))
                       for s, cs in sorted(checks.items()) if any(c.hints for c in cs))
        hinted_sources = tuple(form for s, cs in sorted(checks.items())
                               if any(c.hints for c in cs)
                               for form in (f':"{s}"'.encode(), f': "{s}"'.encode()))
        return cls(groups, tuple(_patterns(groups)), hinted_sources, checks, hinted,
                   backend or _backend())

    @cached_property
    def _scan(self) -> _Scan:
        """Compiled on first use in each process (a Hyperscan database is not pickled)."""
        return _Scan(list(self.patterns), self.backend)

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_scan"}

    def sources(self, buf: Buffer, delim: bytes | None = None) -> list[tuple[int, str | None]]:
        """(position, eventSource or None for a hint hit) of every candidate in ``buf``, in
        order, from one fused scan. A hint counts only when its record (up to ``delim``, the
        next record's start) names a source some hinted rule watches, or names none after it."""
        hits: list[tuple[int, str | None]] = []
        kinds = self._scan.sources
        for pos, i in sorted(self._scan(buf)):
            source = kinds[i]
            if source is None and not self._hint_counts(buf, pos, delim):
                continue
            hits.append((pos, source))
        return hits

    def _hint_counts(self, buf: Buffer, pos: int, delim: bytes | None) -> bool:
        stop = buf.find(delim, pos) if delim else -1
        key = buf.find(_SOURCE_KEY, pos, stop if stop >= 0 else len(buf))
        if key < 0:
            return True  # the source is not after the hint: the record is cut and checked
        return buf.startswith(self.hinted_sources, key + len(_SOURCE_KEY))

    def accepts(self, buf: Buffer, sources: Iterable[str | None] | None = None,
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
