"""The ``lambdawatch`` command line: thin wrappers that parse arguments and call the library."""

from __future__ import annotations

import sys

import click

from lambdawatch import __version__
from lambdawatch.errors import LambdawatchError


class CliError(click.ClickException):
    """A library error shown as one line; exit code 2 (bad usage or unreadable input)."""

    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lambdawatch")
def main() -> None:
    """Find, explain and contain AWS Lambda backdoors and persistence."""


def run() -> None:
    """Console entry point: every usage or input error becomes one line on stderr and exit 2."""
    try:
        code = main.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("lambdawatch: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        click.echo(f"lambdawatch: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except LambdawatchError as exc:
        click.echo(f"lambdawatch: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)


def _register() -> None:
    from lambdawatch.cli.audit import audit
    from lambdawatch.cli.explain import explain
    from lambdawatch.cli.hunt import hunt
    from lambdawatch.cli.logs import logs
    from lambdawatch.cli.report import report
    from lambdawatch.cli.respond import respond
    from lambdawatch.cli.rules import rules
    from lambdawatch.cli.scan import scan

    main.add_command(hunt)
    main.add_command(audit)
    main.add_command(rules)
    main.add_command(scan)
    main.add_command(explain)
    main.add_command(respond)
    main.add_command(report)
    main.add_command(logs)


_register()
