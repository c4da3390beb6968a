"""Run the real console entry point (``lambdawatch.cli.run``) in-process: exit code, stdout, stderr."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lambdawatch.cli import run


@pytest.fixture
def lw(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    def invoke(*argv: str, group: object = None) -> tuple[int, str, str]:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            run(list(argv), group=group)  # type: ignore[arg-type]
        out, err = capsys.readouterr()
        code = exited.value.code
        return (code if isinstance(code, int) else 0), out, err

    return invoke
