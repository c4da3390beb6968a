"""Scan one file within a size and time budget; past either, the tolerant text scan is used.

A parser fed hostile input (a megabyte of dense Python, deeply nested JavaScript) can take tens
of seconds and hundreds of MB. Files above ``max_parse`` bytes are never parsed; a parse that
runs past ``file_seconds`` of CPU time is interrupted (a profiling interval timer, where the
process allows one: the main thread of the scanning process or of a worker) and the file is scanned again as text,
with an error naming the file. The text scan has a budget too (``TEXT_FACTOR`` times the
file's): past it the file is a high ``PK001`` finding (an attacker must not hide code by making
a file slow to scan). Package-level bounds live in ``archive`` and ``runfiles``.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from lambdawatch.codescan.classify import language
from lambdawatch.codescan.model import Finding, Severity
from lambdawatch.codescan.package_checks import LIMIT

TEXT_FACTOR = 4  # the text scan (the fallback) gets this many file budgets before it is cut
NOT_PARSED = "not parsed (over the size or time budget)"  # binary_text's parse_error
ScanOne = Callable[[str, bytes, bool, list[str], bool], list[Finding]]


@dataclass(frozen=True)
class FileBudget:
    max_parse: int = 1024 * 1024  # bytes; bigger files get the text scan only
    file_seconds: float = 5.0  # per-file CPU-time budget for parse and checks (0 = none)


class ParseTimeout(BaseException):
    """Raised by the interval timer inside a parse that overran its budget.

    A BaseException so that no ``except Exception`` isolation boundary in a front end or a
    check can swallow it."""


class _Timer:
    """Whether the timer fired: raised inside C code (``compile`` building the AST), the
    exception can surface as a ``SystemError`` instead of :class:`ParseTimeout`."""

    fired = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.fired = True
        raise ParseTimeout


@contextmanager
def deadline(seconds: float, timer: _Timer | None = None) -> Iterator[bool]:
    """Arm a one-shot timer raising :class:`ParseTimeout` after ``seconds`` of CPU time (user
    + system, so a machine loaded by other work does not make a file time out); yields whether
    it could be armed."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield False
        return
    old = signal.signal(signal.SIGPROF, timer or _Timer())
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def scan_with_budget(
    scan_one: ScanOne, path: str, data: bytes, vendored: bool, budget: FileBudget
) -> tuple[list[Finding], list[str], bool]:
    """``(findings, errors, complete)`` of one file; never raises for a bad file. ``complete``
    is False when a budget cut the work short (such a result is not cached)."""
    errors: list[str] = []
    parse = len(data) <= budget.max_parse
    if not parse and not vendored and _source(path, data):
        errors.append(
            f"{path}: {len(data)} bytes, over the {budget.max_parse}-byte parse "
            "limit: text scan used"
        )
    complete = True
    try:
        if parse:
            timer = _Timer()
            try:
                with deadline(budget.file_seconds, timer):
                    return scan_one(path, data, vendored, errors, True), errors, True
            except (ParseTimeout, Exception) as exc:
                if not isinstance(exc, ParseTimeout) and not timer.fired:
                    raise
                errors = [f"{path}: parse over the {budget.file_seconds:g} s budget: text scan"]
                complete = False
        text_errors: list[str] = []
        text_seconds = budget.file_seconds * TEXT_FACTOR
        timer = _Timer()
        try:
            with deadline(text_seconds, timer):
                found = scan_one(path, data, vendored, text_errors, False)
        except (ParseTimeout, Exception) as exc:
            if not isinstance(exc, ParseTimeout) and not timer.fired:
                raise
            msg = f"text scan over the {text_seconds:g} s budget: file not fully scanned"
            return (
                [Finding(LIMIT.kind, LIMIT.code, Severity.HIGH, path, 0, msg, path)],
                errors + [f"{path}: {msg}"],
                False,
            )
        return found, errors + [e for e in text_errors if NOT_PARSED not in e], complete
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - isolation boundary: one file
        return [], errors + [f"{path}: scan failed: {type(exc).__name__}: {exc}"], False


def _source(path: str, data: bytes) -> bool:
    """Whether the file is code a parser would read (data files and binaries never are)."""
    return language(path.split("!/")[-1], data[:8192]) in PARSED


PARSED = frozenset({"python", "js", "ts", "tsx"})
