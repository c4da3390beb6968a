"""One fast pass that says whether bytes may hold a secret, before any per-pattern work.

:mod:`lambdawatch.secrets` owns the patterns; this module only runs their gate expressions:
Hyperscan (every expression at once, SIMD) when importable, else each expression as a compiled
bytes regex behind literal checks. A "no" is exact (no pattern could match); a "yes" only means
the patterns must look. Imports nothing of the project.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from collections.abc import Sequence


class Gate:
    """``gate(data) -> bool`` over ``(expression, caseless, literals, reach)``: every match of
    an expression holds one of its ``literals`` (lower-cased when caseless) at most 12 bytes
    from its start and is at most ``reach`` bytes long; the fallback runs the expression only
    in those windows."""

    def __init__(self, expressions: Sequence[tuple[bytes, bool, tuple[bytes, ...], int]]) -> None:
        self._local = threading.local()
        self._db = None
        if not os.environ.get("LAMBDAWATCH_NO_HYPERSCAN") and importlib.util.find_spec("hyperscan"):
            import hyperscan

            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            flags = [
                hyperscan.HS_FLAG_SINGLEMATCH | (hyperscan.HS_FLAG_CASELESS if caseless else 0)
                for _, caseless, _, _ in expressions
            ]
            db.compile(
                expressions=[e for e, _, _, _ in expressions],
                ids=list(range(len(expressions))),
                elements=len(expressions),
                flags=flags,
            )
            self._db = db
        self._fallback = [
            (re.compile(e, re.IGNORECASE if caseless else 0), caseless, lits, reach)
            for e, caseless, lits, reach in expressions
        ]

    @property
    def backend(self) -> str:
        return "hyperscan" if self._db is not None else "re"

    def __call__(self, data: bytes) -> bool:
        if self._db is None:
            return self._slow(data)
        import hyperscan

        scratch = getattr(self._local, "scratch", None)
        if scratch is None:  # Hyperscan's scratch space is per thread
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        hit = False

        def on_match(*_: object) -> bool:
            nonlocal hit
            hit = True
            return True  # stop at the first match

        try:
            self._db.scan(data, on_match, scratch=scratch)
        except hyperscan.ScanTerminated:
            pass
        return hit

    def _slow(self, data: bytes) -> bool:
        """Each expression only around the occurrences of its literals (a regex over a whole
        buffer with a caseless alternation costs ~100 ns a byte; ``find`` is C speed)."""
        lower: bytes | None = None
        for rx, caseless, literals, reach in self._fallback:
            if caseless:
                lower = data.lower() if lower is None else lower
                haystack = lower
            else:
                haystack = data
            for lit in literals:
                pos = haystack.find(lit)
                while pos >= 0:
                    if rx.search(data, max(0, pos - _BEFORE), pos + reach):
                        return True
                    pos = haystack.find(lit, pos + 1)
        return False


_BEFORE = 12  # a match starts at most this far before the literal it holds
