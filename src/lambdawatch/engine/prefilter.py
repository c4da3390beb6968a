"""The byte prefilter, derived from the loaded rules (never a hand-kept list).

One fused scan per buffer finds every anchor literal at once (Hyperscan when importable, else one
Python regex and a ``find`` per hint, giving the same hits): the ``"eventSource":"<svc>"`` pair
of every service some rule needs, compact (as AWS delivers) and spaced (``json.dumps``), and the
rule byte hints (``match.prefilter``). Where every rule of a service names its events, a pair
whose next key is ``eventName`` (the order AWS writes) with none of those names is dropped at
once; any other key order is kept. A hint counts only when its record's eventSource (looked up
right after it, up to the next record) is a source some hinted rule watches, or is not after it:
the ``"invokedBy":"lambda.amazonaws.com"`` of KMS or CloudWatch Logs records costs one bounded
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
from collections.abc import Callable, Iterable
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
        if (
            isinstance(c.field, str)
            and isinstance(value, str)
            and _SAFE.match(value)
            and '"' not in value
            and "\\" not in value
        ):
            out.append(_pair(c.field.rsplit(".", 1)[-1], value + '"'))
    return tuple(sorted(out))


@lru_cache(maxsize=1024)
def _pair(key: str, value: str) -> tuple[bytes, ...]:
    """``"key":"value`` (a prefix: no closing quote) in compact and spaced JSON."""
    return (f'"{key}":"{value}'.encode(), f'"{key}": "{value}'.encode())


_NAME_KEYS = (b',"eventName":"', b', "eventName": "', b',"eventName": "', b', "eventName":"')
_SOURCE_KEY = b'"eventSource"'
_SOURCE_REACH = 4096  # how far after a hint its record's eventSource is looked for first


_TIME_KEY = b'"eventTime"'


@dataclass(frozen=True)
class Anchor:
    """A literal the fused scan looks for: an ``"eventSource":"<svc>"`` pair (compact or spaced)
    or a rule hint (``source`` None). ``listed``: where every unhinted rule group of the source
    names its events, the eventName key + name prefixes a hit's next key must show when that
    next key is eventName (the order AWS writes); None: any."""

    literal: bytes
    source: str | None
    listed: tuple[bytes, ...] | None = None


def _anchors(groups: dict[str, tuple[Group, ...]]) -> tuple[Anchor, ...]:
    """The pairs of every source some unhinted rule group needs, then every rule hint (sources
    served only by hinted groups are found by their hints: far fewer hits)."""
    out: list[Anchor] = []
    for source, gs in sorted(groups.items()):
        plain = [g for g in gs if not g[1]]
        if not plain:
            continue
        listed = None
        if all(name_set for name_set, _, _ in plain):
            names = sorted({n for name_set, _, _ in plain for n in name_set})
            listed = tuple(k + n.encode() for k in _NAME_KEYS for n in names)
        out.extend(Anchor(form, source, listed) for form in _pair("eventSource", source + '"'))
    hints = sorted({h for gs in groups.values() for g in gs for h in g[1]})
    out.extend(Anchor(h, None) for h in hints)
    return tuple(out)


def _has(buf: Buffer, literals: tuple[bytes, ...], start: int, end: int) -> bool:
    for lit in literals:  # noqa: SIM110 - hot path: a loop beats any() over a generator
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
    """Every anchor literal in one pass over the buffer: Hyperscan when importable (SIMD, all
    literals at once), else one Python regex over the eventSource pairs and a ``find`` per
    hint. Both give every occurrence of every anchor, so the same candidate records."""

    def __init__(self, anchors: tuple[Anchor, ...], backend: str) -> None:
        self.anchors = anchors
        self.backend = backend
        self._local = threading.local()
        if backend == "hyperscan":
            import hyperscan

            self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            self._db.compile(
                expressions=[re.escape(a.literal) for a in anchors],
                ids=list(range(len(anchors))),
                elements=len(anchors),
                flags=[0] * len(anchors),
            )
        else:
            pairs = [(i, a) for i, a in enumerate(anchors) if a.source is not None]
            self._index = {a.literal: i for i, a in pairs}
            alts = b"|".join(
                sorted({re.escape(a.source.encode()) for _, a in pairs if a.source is not None})
            )
            self._re = re.compile(b'"eventSource": ?"(?:' + alts + b')"' if pairs else b"(?!)")
            self._hints = [(i, a.literal) for i, a in enumerate(anchors) if a.source is None]

    def __call__(self, buf: Buffer) -> list[tuple[int, int]]:
        """(end offset, anchor index) of every occurrence, in no particular order."""
        found: list[tuple[int, int]] = []
        self.each(buf, lambda i, _s, end, _f=0, _c=None: found.append((end, i)))
        return found

    def each(self, buf: Buffer, on: Callable[..., object]) -> None:
        """Call ``on(anchor index, 0, end offset, 0, None)`` for every occurrence."""
        if self.backend != "hyperscan":
            index = self._index
            for m in self._re.finditer(buf):
                on(index[m.group()], 0, m.end())
            for i, literal in self._hints:
                pos = buf.find(literal)
                while pos >= 0:
                    on(i, 0, pos + len(literal))
                    pos = buf.find(literal, pos + 1)
            return
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:  # one scratch per thread: Hyperscan's scratch is not shareable
            import hyperscan

            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        self._db.scan(buf, on, scratch=scratch)  # type: ignore[type-var,arg-type]


def _backend() -> str:
    if os.environ.get("LAMBDAWATCH_NO_HYPERSCAN"):
        return "re"
    return "hyperscan" if importlib.util.find_spec("hyperscan") is not None else "re"


@dataclass(frozen=True)
class Prefilter:
    groups: dict[str, tuple[Group, ...]]  # by eventSource value
    anchors: tuple[Anchor, ...]
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
        checks = {
            s: tuple(
                _Check(tuple(p for n in names for p in _pair("eventName", n)), hints, required)
                for names, hints, required in gs
            )
            for s, gs in groups.items()
        }
        hinted = tuple(
            (_pair("eventSource", s + '"'), tuple(c for c in cs if c.hints))
            for s, cs in sorted(checks.items())
            if any(c.hints for c in cs)
        )
        hinted_sources = tuple(
            form
            for s, cs in sorted(checks.items())
            if any(c.hints for c in cs)
            for form in (f':"{s}"'.encode(), f': "{s}"'.encode())
        )
        return cls(groups, _anchors(groups), hinted_sources, checks, hinted, backend or _backend())

    @cached_property
    def _scan(self) -> _Scan:
        """Compiled on first use in each process (a Hyperscan database is not pickled)."""
        return _Scan(self.anchors, self.backend)

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_scan"}

    def sources(self, buf: Buffer, delim: bytes | None = None) -> list[tuple[int, str | None]]:
        """(position, eventSource or None for a hint hit) of every candidate in ``buf``, in
        order, from one fused scan. A hint counts only when its record (up to ``delim``, the
        next record's start) names a source some hinted rule watches, or names none after it.
        The checks run in the scan's match callback (no list of raw hits is built)."""
        hits: list[tuple[int, str | None]] = []
        add = hits.append
        sizes = [len(a.literal) for a in self.anchors]
        srcs = [a.source for a in self.anchors]
        listed = [a.listed for a in self.anchors]
        startswith, rfind = buf.startswith, buf.rfind
        hint_counts = self._hint_counts

        def on(i: int, _from: int, end: int, _flags: int = 0, _ctx: object = None) -> None:
            start = end - sizes[i]
            src = srcs[i]
            if src is None:
                if hint_counts(buf, end, delim):
                    add((start, None))
            elif (
                listed[i] is None
                or startswith(listed[i], end)  # type: ignore[arg-type]
                or not startswith(_NAME_KEYS, end)
                or rfind(_TIME_KEY, start - 48 if start > 48 else 0, start) < 0
            ):
                add((start, src))
            # else: a name no rule wants, right after the eventSource, and eventTime right
            # before it as AWS writes them; a record lacking eventTime stays a candidate, so
            # one that names a watched source is reported, not skipped unseen

        self._scan.each(buf, on)
        hits.sort()
        return hits

    def _hint_counts(self, buf: Buffer, pos: int, delim: bytes | None) -> bool:
        """A hint hit counts when its record (between delimiters) passes a hinted rule group:
        its eventSource right after the hint is a hinted source (or is not after it), and the
        group's hints and required pairs are in the record. Bounded ``find``s, no cut: the
        common reject (another service, its eventSource a few hundred bytes on) is two."""
        key = buf.find(_SOURCE_KEY, pos, pos + _SOURCE_REACH)
        if (
            key >= 0
            and not buf.startswith(self.hinted_sources, key + len(_SOURCE_KEY))
            and (not delim or buf.find(delim, pos, key) < 0)
        ):
            return False  # its own eventSource names a service no hinted rule watches
        stop = buf.find(delim, pos) if delim else -1
        stop = stop if stop >= 0 else len(buf)
        key = buf.find(_SOURCE_KEY, pos, stop)
        if key >= 0 and not buf.startswith(self.hinted_sources, key + len(_SOURCE_KEY)):
            return False
        start = max(buf.rfind(delim, 0, pos), 0) if delim else 0
        return self.accepts(buf, (None,), start, stop)

    def accepts(
        self,
        buf: Buffer,
        sources: Iterable[str | None] | None = None,
        start: int = 0,
        end: int | None = None,
    ) -> bool:
        """Could the record in ``buf[start:end]`` match some rule? False only when it surely
        cannot. ``sources`` is what the search saw in it: eventSource values (confirmed), or None
        for a hint hit (only the hinted groups, their source checked in the bytes). Without it,
        every group is tried with its source checked in the bytes."""
        stop = len(buf) if end is None else end
        if sources is None:
            return any(
                _has(buf, _pair("eventSource", src + '"'), start, stop)
                and any(c.holds(buf, start, stop) for c in cs)
                for src, cs in self.checks.items()
            )
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
