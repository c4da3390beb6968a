"""The ``lambdawatch`` command line: thin wrappers that parse arguments and call the library."""

from __future__ import annotations

import sys

import click

from lambdawatch import __version__
from lambdawatch.errors import LambdawatchError


class CliError(click.ClickException):
    """A library error shown as one line; exit code 2 (bad usage or unreadable input)."""

    exit_code = 2


_debug = {"on": False}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lambdawatch")
@click.option(
    "--debug",
    is_flag=True,
    envvar="LAMBDAWATCH_DEBUG",
    help="On an internal error (exit 3), print the traceback too.",
)
def main(debug: bool) -> None:
    """Find, explain and contain AWS Lambda backdoors and persistence.

    Exit codes: 0 done, 1 alerts/findings at or above --fail-on, 2 bad usage or unreadable
    input, 3 internal error (--debug shows the traceback), 130 interrupted."""
    _debug["on"] = debug


def run(argv: list[str] | None = None, *, group: click.Group | None = None) -> None:
    """Console entry point: exit 0 done, 1 alerts/findings at or above --fail-on (the command
    decides), 2 one line for bad usage or unreadable input, 3 one line naming the command and
    input for an unexpected exception (the traceback with --debug), 130 interrupted."""
    from lambdawatch.cli import exits

    cli = group or main
    args = sys.argv[1:] if argv is None else argv
    _debug["on"] = False
    try:
        code = cli.main(args, prog_name="lambdawatch", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("lambdawatch: interrupted", err=True)
        sys.exit(exits.INTERRUPTED)
    except BrokenPipeError:  # the reader went away (| head): stop quietly, never a traceback
        _silence_stdout()
        sys.exit(exits.OK)
    except (click.ClickException, LambdawatchError, OSError) as exc:
        sys.exit(exits.report_error(exc, sys.stderr))
    except Exception as exc:  # noqa: BLE001 - the boundary: a bug becomes one line and exit 3
        sys.exit(
            exits.report_internal(
                exc, exits.describe_invocation(cli, args), sys.stderr, debug=_debug["on"]
            )
        )
    sys.exit(code if isinstance(code, int) else exits.OK)


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _register() -> None:
    from lambdawatch.cli.audit import audit
    from lambdawatch.cli.explain import explain
    from lambdawatch.cli.hunt import hunt
    from lambdawatch.cli.logs import logs
    from lambdawatch.cli.report import report
    from lambdawatch.cli.respond import respond
    from lambdawatch.cli.rules import rules
    from lambdawatch.cli.scan import scan
    from lambdawatch.cli.watch import watch

    main.add_command(hunt)
    main.add_command(audit)
    main.add_command(rules)
    main.add_command(scan)
    main.add_command(explain)
    main.add_command(respond)
    main.add_command(report)
    main.add_command(logs)
    main.add_command(watch)


_register()
