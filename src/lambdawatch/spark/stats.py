"""Where a Spark run's time went (filled when the caller passes a :class:`SparkStats`).

Task seconds are measured inside the Python tasks around the pipeline's own work (read,
decode, detect); the rest of the wall time is Spark's: start-up, scheduling, serialization,
shuffle and collection. bench/bench_spark.py reports the split.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class SparkStats:
    startup_s: float = 0.0  # opening the SparkContext (0 when an active one was passed in)
    jobs_s: float = 0.0  # both stages, from the first job submitted to the last result
    decode_task_s: float = 0.0  # summed over inputs: read + decode on the executors
    detect_task_s: float = 0.0  # summed over partitions: scratch store + Detector
    decode_cpu_s: float = 0.0  # the same two, CPU seconds of the Python workers (what the
    detect_cpu_s: float = 0.0  # pipeline's work costs, whatever else loads the machine)
    inputs: int = 0
    partitions: int = 0
    components: int = 0  # account components (the partition key's units)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
