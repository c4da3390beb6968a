"""``python -m lambdawatch``: the same as the ``lambdawatch`` command."""

from lambdawatch.cli import run

run()
