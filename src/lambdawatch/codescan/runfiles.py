"""Run the per-file scan over a package's members: cache lookups, the worker pool, budgets.

Order of work: each member's cache key is computed (a hash of its bytes, its path and the
scanner's fingerprint); hits are taken from the cache; misses are scanned in parallel, each
within its file budget, and stored back. Past the package ``time_budget`` no new file is
started: the files left are reported in one ``PK001`` finding (high, so a CI gate fails) and
the result is partial.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lambdawatch.codescan.archive import Issue, Reader
from lambdawatch.codescan.cache import ScanCache, file_key
from lambdawatch.codescan.filejob import FileBudget
from lambdawatch.codescan.model import Finding, ScanResult
from lambdawatch.codescan.package_checks import LIMIT
from lambdawatch.codescan.parallel import Job, default_workers, scan_jobs
from lambdawatch.errors import UsageError


@dataclass
class ScanOptions:
    """How a scan runs. ``cache`` None: no cache. ``workers`` None: one per core (max 8)."""

    workers: int | None = None
    cache: ScanCache | None = None
    time_budget: float = 600.0  # seconds for the whole package (0 = none)
    file_budget: FileBudget = field(default_factory=FileBudget)

    @classmethod
    def from_cli(
        cls, cache: str | None, no_cache: bool, time_budget: float, workers: int | None
    ) -> ScanOptions:
        """The CLI's options: the cache at ``cache`` or the default location unless
        ``no_cache``."""
        if time_budget < 0 or (workers is not None and workers < 1):
            raise UsageError("--time-budget must be >= 0 and --workers >= 1")
        return cls(workers, None if no_cache else ScanCache.open(cache), time_budget)

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def run_files(
    result: ScanResult,
    members: Sequence[tuple[str, bytes]],
    is_vendored: Callable[[str], bool],
    options: ScanOptions,
    reader: Reader,
) -> None:
    """Scan ``members`` into ``result`` (findings and errors in member order)."""
    start = time.monotonic()
    deadline = start + options.time_budget if options.time_budget > 0 else None
    cache = options.cache
    max_parse = options.file_budget.max_parse
    found: list[tuple[list[Finding], list[str]] | None] = [None] * len(members)
    keys: list[str] = [""] * len(members)
    jobs: list[Job] = []
    for i, (path, data) in enumerate(members):
        vendored = is_vendored(path)
        if cache is not None and cache.conn is not None:
            keys[i] = file_key(path, data, vendored, len(data) <= max_parse)
            found[i] = cache.get(keys[i])
        if found[i] is None:
            jobs.append((i, path, data, vendored))
    workers = options.workers if options.workers is not None else default_workers()
    for i, (findings, errors, complete) in scan_jobs(jobs, options.file_budget, workers, deadline):
        found[i] = (findings, errors)
        if cache is not None and keys[i] and complete:
            cache.put(keys[i], findings, errors)
    skipped = []
    for i, (path, data) in enumerate(members):
        got = found[i]
        if got is None:
            skipped.append(path)
            continue
        result.files_scanned += 1
        result.bytes_scanned += len(data)
        result.findings += got[0]
        result.errors += got[1]
    if skipped:
        reader.issues.append(
            Issue(
                LIMIT,
                skipped[0],
                (
                    f"time budget of {options.time_budget:g} s exhausted: {len(skipped)} file(s) not "
                    f"scanned, first {skipped[0]!r}; result is partial (raise it with --time-budget)"
                ),
                high=True,
            )
        )
    result.errors += reader.notes
    if cache is not None and cache.problem:
        result.errors.append(cache.problem)
