"""Exit codes and the one-line messages of a failed run.

0 done; 1 alerts or findings at or above ``--fail-on`` (set by the commands themselves); 2 bad
usage, a bad configuration or input that could not be read; 3 an internal error (a bug: an
exception nobody expected), shown as one line naming the command and its input, the traceback
only with ``lambdawatch --debug``; 130 interrupted (Ctrl-C). See docs/exit-codes.md.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from typing import TextIO

import click

from lambdawatch.errors import LambdawatchError
from lambdawatch.textsafe import safe_line

OK = 0
FINDINGS = 1
USAGE = 2
INTERNAL = 3
INTERRUPTED = 130

_INPUT_OPTIONS = ("state_path", "config_path", "queue")  # options that name what a command reads


def _rest(ctx: click.Context) -> list[str]:
    """The words a group left for its subcommand (click keeps the command name apart)."""
    return [*getattr(ctx, "_protected_args", []), *ctx.args]


def describe_invocation(group: click.Group, argv: Sequence[str]) -> str:
    """``hunt logs/ s3://b/p`` or ``rules test LW101``: the command path and the inputs it was
    given (its positional arguments and state/config files), parsed without running anything."""
    try:
        ctx = group.make_context("lambdawatch", list(argv), resilient_parsing=True)
    except Exception:  # noqa: BLE001 - a description must never fail; fall back to the words
        return " ".join(a for a in argv if not a.startswith("-"))[:200] or "lambdawatch"
    words: list[str] = []
    args = _rest(ctx)
    command: click.Command = group
    while isinstance(command, click.Group) and args:
        name, sub, rest = command.resolve_command(ctx, args)
        if sub is None or name is None:
            break
        words.append(name)
        try:
            ctx = sub.make_context(name, rest, parent=ctx, resilient_parsing=True)
        except Exception:  # noqa: BLE001 - as above
            break
        command = sub
        args = _rest(ctx) if isinstance(sub, click.Group) else []
    for param in command.params:
        value = ctx.params.get(param.name or "")
        if value in (None, (), [], False):
            continue
        if isinstance(param, click.Argument) or param.name in _INPUT_OPTIONS:
            values = value if isinstance(value, list | tuple) else [value]
            words.extend(str(v) for v in values)
    return " ".join(words) or "lambdawatch"


def usage_code(exc: click.ClickException) -> int:
    """Click's own errors exit 2 (bad usage), whatever code click gave them (FileError: 1)."""
    return USAGE if exc.exit_code in (0, FINDINGS) else exc.exit_code


def report_error(exc: BaseException, err: TextIO) -> int:
    """Print one line for an expected error (usage, input, configuration) and return its code."""
    if isinstance(exc, click.ClickException):
        click.echo(f"lambdawatch: error: {safe_line(exc.format_message())}", file=err)
        return usage_code(exc)
    if isinstance(exc, LambdawatchError):
        click.echo(f"lambdawatch: error: {safe_line(exc)}", file=err)
        return exc.exit_code if exc.exit_code != FINDINGS else USAGE
    if isinstance(exc, OSError):  # the environment, not a bug: a path, a permission, a full disk
        click.echo(f"lambdawatch: error: {safe_line(exc)}", file=err)
        return USAGE
    raise TypeError(f"not an expected error: {type(exc).__name__}")


def report_internal(exc: BaseException, invocation: str, err: TextIO, *, debug: bool) -> int:
    """One line naming the command, its input and the exception (a bug); the traceback too
    with ``--debug``. Secrets and escapes in any of them are masked or shown escaped."""
    if debug:
        lines = "".join(traceback.format_exception(exc)).splitlines()
        err.writelines(safe_line(line) + "\n" for line in lines)
    hint = "" if debug else " (rerun with `lambdawatch --debug ...` for the traceback)"
    click.echo(
        f"lambdawatch: internal error in `{safe_line(invocation)}`: "
        f"{type(exc).__name__}: {safe_line(exc)}{hint}",
        file=err,
    )
    return INTERNAL
