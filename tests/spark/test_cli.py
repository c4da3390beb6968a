"""``hunt --engine spark`` from the command line: the same output as the local engine."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from tests.conftest import EXAMPLES, ROOT, run_cli


def test_spark_with_state_is_a_usage_error(tmp_path: Any) -> None:
    result = run_cli("hunt", str(EXAMPLES), "--engine", "spark", "--state", str(tmp_path / "s.db"))
    assert result.exit_code == 2
    assert "--engine spark does not take --state" in result.stderr
    assert not (tmp_path / "s.db").exists()


def test_spark_options_need_the_spark_engine() -> None:
    result = run_cli("hunt", str(EXAMPLES), "--partitions", "4")
    assert result.exit_code == 2
    assert "--spark-master and --partitions need --engine spark" in result.stderr


def test_local_path_never_imports_pyspark() -> None:
    code = (
        "import sys\n"
        "import lambdawatch.cli\n"
        "from click.testing import CliRunner\n"
        f"r = CliRunner().invoke(lambdawatch.cli.main, ['hunt', {str(EXAMPLES)!r}, "
        "'--format', 'jsonl', '-q'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert r.stdout.count('\\n') == 4, r.stdout\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'py4j')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_cli_jsonl_and_rows_same_as_local(spark_context: Any) -> None:
    for fmt in ("jsonl", "rows", "table"):
        local = run_cli("hunt", str(EXAMPLES), "--format", fmt, "-q", "--workers", "1")
        spark = run_cli(
            "hunt", str(EXAMPLES), "--format", fmt, "-q", "--engine", "spark", "--partitions", "5"
        )
        assert (spark.exit_code, spark.stdout) == (local.exit_code, local.stdout)
        assert local.stdout.strip()


def test_cli_fail_on_and_summary_same_as_local(spark_context: Any) -> None:
    local = run_cli("hunt", str(EXAMPLES), "--format", "jsonl", "--fail-on", "high")
    spark = run_cli(
        "hunt", str(EXAMPLES), "--format", "jsonl", "--fail-on", "high", "--engine", "spark"
    )
    assert local.exit_code == 1
    assert (spark.exit_code, spark.stdout, spark.stderr) == (
        local.exit_code,
        local.stdout,
        local.stderr,
    )


def test_spark_submit_entry_point(spark_context: Any) -> None:
    """The documented cluster entry point: spark-submit runs the package's __main__.py, the
    master comes from spark-submit, and the output is the local engine's."""
    import os

    import pyspark

    submit = os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit")
    main_py = ROOT / "src" / "lambdawatch" / "__main__.py"
    local = run_cli("hunt", str(EXAMPLES), "--format", "jsonl", "-q", "--workers", "1")
    env = {
        **os.environ,
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "PYTHONPATH": str(ROOT / "src"),
    }
    out = subprocess.run(
        [
            submit,
            "--master",
            "local[1]",
            "--conf",
            "spark.ui.enabled=false",
            str(main_py),
            "hunt",
            str(EXAMPLES),
            "--engine",
            "spark",
            "--format",
            "jsonl",
            "-q",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout == local.stdout
