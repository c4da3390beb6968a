"""The gates CI runs beside the tests: the import layering, and that the tests exercise the
working tree (not an installed copy)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import lambdawatch
from tests.conftest import ROOT


def _layers_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("check_layers", ROOT / "scripts/check_layers.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_tests_import_the_working_tree() -> None:
    assert Path(lambdawatch.__file__).resolve().is_relative_to(ROOT / "src")


def test_no_import_against_the_data_flow() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts/check_layers.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout


def test_the_layering_check_catches_an_upward_import(tmp_path: Path) -> None:
    pkg = tmp_path / "src" / "lambdawatch"
    (pkg / "ingest").mkdir(parents=True)
    (pkg / "alerting").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "ingest" / "__init__.py").write_text("")
    (pkg / "alerting" / "__init__.py").write_text("")
    (pkg / "alerting" / "sinks.py").write_text("X = 1\n")
    (pkg / "ingest" / "decode.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from lambdawatch.alerting.sinks import X\n"
        "def f():\n    from lambdawatch.alerting import sinks\n    return sinks\n"
    )
    problems = _layers_module().check(tmp_path / "src")
    assert len(problems) == 1 and "ingest/decode.py:5" in problems[0]
    assert "lambdawatch.alerting.sinks (alerting)" in problems[0]
