"""A progress bar on stderr (only when a terminal is attached): files, records, records/s,
matched records, alerts. Only counts are shown, and the description is never parsed as markup."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


@contextmanager
def progress_reporter() -> Iterator[Callable[[Any, Any], None]]:
    console = Console(stderr=True, markup=False, emoji=False, highlight=False)
    start = time.monotonic()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("reading", total=None)

        def update(_item: Any, summary: Any) -> None:
            rate = summary.records_read / max(time.monotonic() - start, 1e-6)
            bar.update(
                task,
                description=(
                    f"files {summary.files_read + len(summary.files_skipped)}  "
                    f"records {summary.records_read:,}  {rate:,.0f} rec/s  "
                    f"matched {summary.records_matched:,}  alerts {summary.alerts:,}"
                ),
            )

        yield update
