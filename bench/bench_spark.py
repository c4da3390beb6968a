#!/usr/bin/env python3
"""The local engine against ``hunt --engine spark`` (local[2]) on a generated corpus.

    python bench/bench_spark.py [--records 1000000] [--corpus DIR] [--master local[2]]
                                [--workers 2] [--partitions N]

Each engine runs once in its own child process (start-up and imports included), the local engine
first, then Spark, on the same corpus (``bench/gen_corpus.py``, generated when missing) with the
full alert job (``--format jsonl``). Both outputs must be identical (SHA-256 compared).

Measured per engine: wall time; CPU seconds of the whole process tree (every process polled every
100 ms with psutil, the last reading kept per pid); peak resident memory of the driver (the child
process itself), of the JVM and of the Python workers (the sum over the workers alive at the
moment, peak of that sum). For Spark, the engine's own figures (``SparkStats``): context start-up,
the jobs' wall time, and the wall and CPU seconds the Python tasks spent in the pipeline's work
(read + decode per input, scratch store + Detector per partition). Spark's own overhead, two
ways: by wall time, 1 - (task wall seconds / cores) / wall; by CPU (independent of other load on
the machine), 1 - task CPU seconds / CPU seconds of the whole process tree (JVM, driver,
serialization, worker start-up and imports are the rest).

The per-core throughput (records per CPU second of task work) gives the paper estimate for 10
billion records printed at the end. Results go to stdout and bench/out/spark-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
import sys
import threading
import time
from typing import Any

import psutil  # type: ignore[import-untyped,unused-ignore]

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def ensure_corpus(path: str | None, records: int) -> str:
    path = path or os.path.join(HERE, f"corpus-{records}")
    if not os.path.exists(os.path.join(path, "MANIFEST.json")):
        subprocess.run(
            [sys.executable, os.path.join(HERE, "gen_corpus.py"), path, "--records", str(records)],
            check=True,
        )
    return path


def _kind(proc: psutil.Process, root: int) -> str:
    if proc.pid == root:
        return "driver"
    try:
        name = proc.name()
    except psutil.Error:
        return "other"
    return "jvm" if name == "java" else "workers"


def run_measured(argv: list[str]) -> dict[str, Any]:
    began = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = child.pid
    cpu: dict[int, float] = {}
    peak = {"driver": 0, "jvm": 0, "workers": 0, "total": 0}
    done = threading.Event()

    def poll() -> None:
        try:
            top = psutil.Process(root)
        except psutil.Error:
            return
        while not done.is_set():
            try:
                procs = [top, *top.children(recursive=True)]
            except psutil.Error:
                break
            now = {"driver": 0, "jvm": 0, "workers": 0, "other": 0}
            for p in procs:
                try:
                    t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
                    now[_kind(p, root)] += p.memory_info().rss
                except psutil.Error:
                    continue
            for k in ("driver", "jvm", "workers"):
                peak[k] = max(peak[k], now[k])
            peak["total"] = max(peak["total"], sum(now.values()))
            time.sleep(0.1)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    out, err = child.communicate()
    wall = time.perf_counter() - began
    done.set()
    poller.join()
    if child.returncode not in (0, 1):
        raise SystemExit(f"{argv} failed ({child.returncode}):\n{err[-3000:]}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result.update(
        wall_s=round(wall, 2),
        cpu_s=round(sum(cpu.values()), 2),
        peak_rss_mb={k: round(v / 2**20) for k, v in peak.items()},
    )
    return result


def child(
    engine: str, corpus: str, out_path: str, master: str, workers: int, partitions: int | None
) -> None:
    sys.path.insert(0, os.path.join(ROOT, "src"))
    from lambdawatch.alerting import sinks
    from lambdawatch.hunt import HuntOptions, run_hunt

    with open(out_path, "w", encoding="utf-8") as fh:
        opts = HuntOptions(
            [corpus], workers=workers, sink=lambda alerts: sinks.ALERT_WRITERS["jsonl"](alerts, fh)
        )
        stats: dict[str, Any] = {}
        if engine == "local":
            result = run_hunt(opts)
        else:
            from lambdawatch.spark import SparkOptions, run_spark_hunt
            from lambdawatch.spark.stats import SparkStats

            spark_stats = SparkStats()
            result = run_spark_hunt(opts, SparkOptions(master, partitions, stats=spark_stats))
            stats = spark_stats.to_dict()
    s = result.summary
    print(
        json.dumps(
            {
                "records": s.records_read,
                "matched": s.records_matched,
                "alerts": s.alerts,
                "files": s.files_read,
                "spark": stats,
            }
        )
    )


def _sha(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def estimate(
    records_per_core_s: float, detect_per_s: float, matched_share: float, biggest_account: float
) -> list[str]:
    """Paper estimate for 10 billion records (see bench/README.md, "Spark")."""
    total = 10_000_000_000
    core_h = total / records_per_core_s / 3600
    lines = [
        (
            f"10e9 records: {core_h:,.0f} core-hours of task work "
            f"({records_per_core_s:,.0f} records/core-s)"
        )
    ]
    for cores in (64, 256, 1024):
        hours = core_h / cores / 0.7  # 70% efficiency: scheduling, S3 reads, skew
        lines.append(f"  {cores:5d} cores: ~{hours:,.2f} h ingest (at 70% efficiency)")
    for share in (matched_share, 0.002):
        biggest = total * share * biggest_account
        lines.append(
            f"  detection, largest account ({biggest_account:.0%} of records, "
            f"matched share {share:.1%}): {biggest:,.0f} records in one task, "
            f"~{biggest / detect_per_s / 3600:,.1f} h"
        )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--corpus")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int)
    ap.add_argument("--child", nargs=2, metavar=("ENGINE", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    corpus = ensure_corpus(args.corpus, args.records)
    if args.child:
        child(args.child[0], corpus, args.child[1], args.master, args.workers, args.partitions)
        return
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    runs: dict[str, Any] = {}
    for engine in ("local", "spark"):
        out = os.path.join(HERE, "out", f"spark-{engine}-{stamp}.jsonl")
        argv = [
            sys.executable,
            os.path.abspath(__file__),
            "--corpus",
            corpus,
            "--master",
            args.master,
            "--workers",
            str(args.workers),
            "--child",
            engine,
            out,
        ]
        if args.partitions:
            argv[-3:-3] = ["--partitions", str(args.partitions)]
        runs[engine] = run_measured(argv)
        runs[engine]["sha256"] = _sha(out)
        print(engine, json.dumps(runs[engine]), flush=True)
    local, spark = runs["local"], runs["spark"]
    st = spark["spark"]
    cores = (
        int(args.master[6:-1])
        if args.master.startswith("local[") and args.master[6:-1].isdigit()
        else os.cpu_count() or 1
    )
    task_s = st["decode_task_s"] + st["detect_task_s"]
    task_cpu = st["decode_cpu_s"] + st["detect_cpu_s"]
    overhead = 1 - (task_s / cores) / spark["wall_s"]
    per_core = spark["records"] / task_cpu
    with open(os.path.join(corpus, "MANIFEST.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    report = {
        "corpus": corpus,
        "records": spark["records"],
        "master": args.master,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_avg_at_end": os.getloadavg(),
        },
        "identical_output": local["sha256"] == spark["sha256"],
        "local": local,
        "spark": spark,
        "spark_over_local_wall": round(spark["wall_s"] / local["wall_s"], 2),
        "spark_overhead_share_wall": round(overhead, 3),
        "spark_overhead_share_cpu": round(1 - task_cpu / spark["cpu_s"], 3),
        "spark_cpu_over_local_cpu": round(spark["cpu_s"] / local["cpu_s"], 2),
        "startup_share": round(st["startup_s"] / spark["wall_s"], 3),
        "records_per_cpu_s_spark_tasks": round(per_core),
        "records_per_cpu_s_local": round(local["records"] / local["cpu_s"]),
        "detect_records_per_cpu_s": round(spark["matched"] / max(st["detect_cpu_s"], 1e-9)),
        "manifest_params": manifest.get("params"),
    }
    report["estimate_10e9"] = estimate(
        per_core, report["detect_records_per_cpu_s"], spark["matched"] / spark["records"], 0.45
    )
    path = os.path.join(HERE, "out", f"spark-{stamp}.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)
    print(json.dumps({k: v for k, v in report.items() if k not in ("local", "spark")}, indent=2))
    print("\n".join(report["estimate_10e9"]))
    print(f"-> {path}")


if __name__ == "__main__":
    main()
