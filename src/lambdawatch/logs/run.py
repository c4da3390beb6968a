"""Run ``logs`` over files or a live function and return one result per function."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from lambdawatch.logs.analyze import FunctionLogs, Options
from lambdawatch.logs.history import History
from lambdawatch.logs.model import LogLine, function_of_group
from lambdawatch.logs.readers import ReadReport, read_file, sniff


def expand(paths: Iterable[str], report: ReadReport) -> Iterator[str]:
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    yield os.path.join(root, name)
        elif os.path.isfile(path):
            yield path
        else:
            report.problem(path, "no such file or folder")


def accumulate(
    lines: Iterable[tuple[LogLine, str | None]],
    groups: dict[str, FunctionLogs],
    report: ReadReport,
    where: str,
) -> None:
    """Feed (line, fallback function) pairs to their function's accumulator."""
    warned = False
    last: tuple[str | None, str | None, FunctionLogs | None] = (None, None, None)
    for line, fallback in lines:
        if last[2] is not None and line.group == last[0] and fallback == last[1]:
            last[2].add(line)  # the common case: the same log group as the line before
            continue
        fn = function_of_group(line.group) or fallback
        if fn is None:
            if not warned:
                report.problem(
                    where,
                    "cannot tell the function (no /aws/lambda/NAME log group "
                    "in the file or its path): give --function NAME",
                )
                warned = True
            continue
        acc = groups.get(fn)
        if acc is None:
            acc = groups[fn] = FunctionLogs(fn)
        last = (line.group, fallback, acc)
        acc.add(line)


def from_files(
    paths: Iterable[str],
    function: str | None,
    report: ReadReport,
    groups: dict[str, FunctionLogs] | None = None,
) -> dict[str, FunctionLogs]:
    from lambdawatch.logs import fastpath

    groups = {} if groups is None else groups
    for path in expand(paths, report):
        fallback = function_of_group(os.path.abspath(path)) or function
        report.files += 1
        kind = sniff(path, report)
        if kind == "export" and fallback and fastpath.available():
            acc = groups.get(fallback)
            if acc is None:
                acc = groups[fallback] = FunctionLogs(fallback)
            fastpath.scan_export(path, acc, report)
            continue
        accumulate(
            ((line, fallback) for line in read_file(path, report, kind)), groups, report, path
        )
    return groups


def results(
    groups: dict[str, FunctionLogs], history: History, opts: Options
) -> list[dict[str, Any]]:
    if opts.window_end_ms is None:
        ends = [g.last_ms for g in groups.values() if g.last_ms is not None]
        opts.window_end_ms = max(ends) if ends else None
    return [groups[fn].result(history, opts) for fn in sorted(groups)]
