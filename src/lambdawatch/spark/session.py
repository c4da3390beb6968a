"""The Spark context of a run: pyspark is imported here, lazily, and nowhere on the local path.

For ``local[N]`` masters the Python workers are children of this machine's JVM: the folder
holding the ``lambdawatch`` package is put on their ``PYTHONPATH`` so they import the very code
the driver runs. On a cluster the package must be installed in the executors' Python (see
docs/spark.md).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import lambdawatch
from lambdawatch.errors import SparkError


def _share_path() -> None:
    root = str(Path(lambdawatch.__file__).resolve().parent.parent)
    parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *parts])


def java_available() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java")) or bool(home and Path(home, "bin", "java").exists())


def open_context(master: str | None, app_name: str = "lambdawatch-hunt") -> tuple[Any, bool]:
    """(SparkContext, whether this call started it). An active context is reused as it is."""
    try:
        from pyspark import SparkConf, SparkContext
    except ImportError:
        raise SparkError(
            "the Spark engine needs pyspark: pip install 'lambdawatch[spark]'"
        ) from None
    active = SparkContext._active_spark_context
    if active is not None:
        return active, False
    if not java_available():
        raise SparkError("the Spark engine needs Java (none on PATH and no JAVA_HOME)")
    _share_path()
    conf = SparkConf().setAppName(app_name)
    conf.set("spark.ui.enabled", "false").set("spark.python.worker.reuse", "true")
    conf.set("spark.ui.showConsoleProgress", "false")
    if master:
        conf.setMaster(master)
    elif not conf.contains("spark.master"):
        conf.setMaster("local[*]")
    if str(conf.get("spark.master")).startswith("local") and not conf.contains(
        "spark.driver.memory"
    ):
        conf.set("spark.driver.memory", "2g")  # local mode: the executors live in this JVM
    if not conf.contains("spark.driver.extraJavaOptions"):
        # a JVM out of memory exits (the run fails with a message) instead of hanging the job
        conf.set("spark.driver.extraJavaOptions", "-XX:+ExitOnOutOfMemoryError")
    try:
        sc = SparkContext(conf=conf)
    except Exception as exc:  # noqa: BLE001 - py4j/JVM start-up errors: one line, exit 2
        raise SparkError(
            f"cannot start Spark ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''})"
        ) from None
    sc.setLogLevel("ERROR")
    return sc, True
