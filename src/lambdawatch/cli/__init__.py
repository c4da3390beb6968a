"""The ``lambdawatch`` command line: thin wrappers that parse arguments and call the library."""

from __future__ import annotations

import click

from lambdawatch import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lambdawatch")
def main() -> None:
    """Find, explain and contain AWS Lambda backdoors and persistence."""


def _register() -> None:
    from lambdawatch.cli.hunt import hunt
    from lambdawatch.cli.scan import scan

    main.add_command(hunt)
    main.add_command(scan)


_register()
