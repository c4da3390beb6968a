"""Check plumbing: a check is a small function ``(FileContext) -> Iterable[Hit]`` plus metadata."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lambdawatch.codescan.flows import FileContext
from lambdawatch.codescan.model import CheckMeta, Severity, register

CheckFn = Callable[[FileContext], Iterable["Hit"]]
CHECKS: list[tuple[CheckMeta, CheckFn]] = []


@dataclass(frozen=True)
class Hit:
    line: int
    message: str
    severity: Severity | None = None  # None: the check's default severity
    evidence: str | None = None  # None: the source line


def check(
    code: str, slug: str, kind: str, title: str, severity: Severity, confidence: str
) -> Callable[[CheckFn], CheckFn]:
    def wrap(fn: CheckFn) -> CheckFn:
        register(code, slug, kind, title, severity, confidence)(fn)
        CHECKS.append((fn.meta, fn))  # type: ignore[attr-defined]
        return fn

    return wrap
