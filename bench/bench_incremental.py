#!/usr/bin/env python3
"""Ten daily `hunt --state` runs against one run over all ten days, on a synthetic corpus.

    python bench/bench_incremental.py [--records-per-day 100000] [--days 10] [--corpus DIR]
                                      [--workers 2] [--lambda-share 0.02]

The corpus (bench/gen_corpus.py, S3 delivery layout, --days days) is split by the day folder of
its object keys (.../YYYY/MM/DD/...): run i reads day i only, into one state file. Each run is a
whole process (`python -m lambdawatch hunt DAY --state DB --format jsonl`); its CPU seconds
(user + system of the process and its workers, from wait4) and peak RSS are recorded. Then one
run over every day with a fresh state gives the reference alerts.

Reported: CPU per run, the ratio mean(CPU of the last three runs) / mean(CPU of the first three)
(target <= 1.3: a run's cost follows its own records, not the history), peak RSS of the tenth
run (target < 300 MB), the state file size, and whether the state's alerts after the ten runs
equal the single run's (ids and digests). JSON to bench/out/incremental-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _run(args: list[str]) -> dict[str, float]:
    """One whole process; CPU and max RSS from wait4 (the process and the workers it waited
    for; max RSS is the largest single process of that tree)."""
    start = dt.datetime.now()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lambdawatch", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = (dt.datetime.now() - start).total_seconds()
        if proc.returncode not in (0, 1):
            err.seek(0)
            raise SystemExit(f"hunt failed ({proc.returncode}): {err.read().decode()[-2000:]}")
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def _days(corpus: Path) -> list[list[str]]:
    by_day: dict[str, list[str]] = {}
    for path in sorted((corpus / "AWSLogs").rglob("*.json.gz")):
        parts = path.parts
        if "CloudTrail-Digest" in parts:
            continue
        i = parts.index("CloudTrail")
        day = "/".join(parts[i + 2 : i + 5])
        by_day.setdefault(day, []).append(str(path))
    return [by_day[d] for d in sorted(by_day)]


def _alerts(db: Path) -> dict[str, str]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT id, digest FROM alerts WHERE superseded=0"))
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records-per-day", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--corpus", help="an existing gen_corpus.py folder (else one is generated)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--lambda-share", type=float, default=0.02)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lw-incr-"))
    corpus = Path(a.corpus) if a.corpus else tmp / "corpus"
    if not a.corpus:
        sys.path.insert(0, str(HERE))
        from gen_corpus import generate

        generate(
            str(corpus),
            a.records_per_day * a.days,
            days=a.days,
            lambda_share=a.lambda_share,
            quiet=True,
        )
    days = _days(corpus)
    db = tmp / "daily.db"
    runs = []
    for i, files in enumerate(days):
        day_dir = tmp / f"day{i}"
        day_dir.mkdir()
        for j, f in enumerate(files):
            os.symlink(f, day_dir / f"{j:05d}.json.gz")
        runs.append(
            _run(
                [
                    "hunt",
                    str(day_dir),
                    "--state",
                    str(db),
                    "--format",
                    "jsonl",
                    "--workers",
                    str(a.workers),
                    "-q",
                ]
            )
        )
        runs[-1]["files"] = len(files)
        print(f"day {i + 1:2d}: {runs[-1]}", file=sys.stderr)
    one_db = tmp / "single.db"
    single = _run(
        [
            "hunt",
            str(corpus),
            "--state",
            str(one_db),
            "--format",
            "jsonl",
            "--workers",
            str(a.workers),
            "-q",
        ]
    )
    first3 = statistics.mean(r["cpu_s"] for r in runs[:3])
    last3 = statistics.mean(r["cpu_s"] for r in runs[-3:])
    daily, one = _alerts(db), _alerts(one_db)
    result = {
        "records_per_day": a.records_per_day,
        "days": len(days),
        "workers": a.workers,
        "runs": runs,
        "single_run": single,
        "cpu_last3_over_first3": round(last3 / first3, 3),
        "tenth_run_peak_rss_mb": runs[-1]["peak_rss_mb"],
        "state_mb": round(db.stat().st_size / 1e6, 1),
        "alerts": len(one),
        "daily_equals_single": daily == one,
        "differing_alerts": len(set(daily.items()) ^ set(one.items())),
    }
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    (out / f"incremental-{stamp}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=2))


if __name__ == "__main__":
    main()
