"""Whether a buffer holds any of a set of literal tokens, in one pass.

Hyperscan (SIMD, every token at once, stops at the first match) when importable; otherwise
plain substring tests (C fast search; the caseless tokens against one lower-cased copy). Both
give the same answer: the tests run the fallback against Hyperscan.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Sequence
from typing import Any


class TokenSet:
    """``cased`` tokens match exactly, ``caseless`` tokens (given in lower case) in any case."""

    def __init__(
        self, cased: Sequence[bytes], caseless: Sequence[bytes], backend: str | None = None
    ) -> None:
        self.cased = tuple(cased)
        self.caseless = tuple(t.lower() for t in caseless)
        self.backend = backend or _backend()
        self._db: Any = None
        self._scratch: Any = None
        self._pid = -1

    def __call__(self, data: bytes) -> bool:
        if self.backend == "hyperscan":
            return self._hyperscan(data)
        if any(t in data for t in self.cased):
            return True
        low = data.lower()
        return any(t in low for t in self.caseless)

    def _hyperscan(self, data: bytes) -> bool:
        import hyperscan

        if self._db is None:
            tokens = list(self.cased) + list(self.caseless)
            flags = [hyperscan.HS_FLAG_SINGLEMATCH] * len(self.cased) + [
                hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_CASELESS
            ] * len(self.caseless)
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(
                expressions=[re.escape(t) for t in tokens],
                ids=list(range(len(tokens))),
                elements=len(tokens),
                flags=flags,
            )
            self._db = db
        if self._scratch is None or self._pid != os.getpid():  # one scratch per process
            self._scratch = hyperscan.Scratch(self._db)
            self._pid = os.getpid()
        hit: list[int] = []

        def on_match(i: int, start: int, end: int, flags: int, ctx: object) -> bool:
            hit.append(i)
            return True  # stop scanning

        try:
            self._db.scan(data, on_match, scratch=self._scratch)
        except hyperscan.ScanTerminated:
            pass
        return bool(hit)


def _backend() -> str:
    if os.environ.get("LAMBDAWATCH_NO_HYPERSCAN"):
        return "substring"
    return "hyperscan" if importlib.util.find_spec("hyperscan") is not None else "substring"
