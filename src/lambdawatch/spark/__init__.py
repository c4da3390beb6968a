"""``hunt --engine spark``: the local engine's own pipeline on Apache Spark, same results.

pyspark is imported lazily inside this package only (never by the local path); see
docs/spark.md. Importing this package does not import pyspark.
"""

from __future__ import annotations

from lambdawatch.spark.engine import SparkOptions, run_spark_hunt

__all__ = ["SparkOptions", "run_spark_hunt"]
