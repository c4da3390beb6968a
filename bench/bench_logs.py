"""Benchmark `lambdawatch logs` over a CloudWatch Logs S3 export of N log lines (gzip).

Contenders, each a whole process, run round-robin `--repeat` times in the same invocation:
  zcat-wc     `zcat FILE | wc -l`                         (the floor: inflate and count lines)
  py-inflate  ISA-L gzip + Python line iteration          (the floor for any Python reader)
  logs        `python -m lambdawatch logs FILE --function bench --format jsonl -o /dev/null`
Prints the median wall time, lines/s and peak RSS of each and the ratios logs/baseline.

    python bench/bench_logs.py --lines 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
T0 = 1741910400


def iso(seconds: float) -> str:
    return (
        datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{int(seconds * 1000) % 1000:03d}Z"
    )


def generate(path: Path, lines: int, seed: int = 1) -> None:
    """START, 1-3 application lines, END, REPORT per invocation; 1% of invocations print a
    connection to an IP or a credential-looking value, so the red-flag path is exercised."""
    rnd = random.Random(seed)
    app = [
        "INFO processed order {n} in {ms} ms",
        "DEBUG cache hit for key user:{n}",
        "WARN retrying downstream call ({n})",
        "INFO GET /v1/items/{n} 200",
    ]
    flagged = [
        "connect to 45.33.32.156:4444 failed",
        "token=ghp_" + "a1B2" * 9,
        "Error: connect ECONNREFUSED 203.0.113.9:8443",
    ]
    out, n, t = [], 0, float(T0)
    with gzip.open(path, "wt", compresslevel=6) as fh:
        while n < lines:
            t += rnd.expovariate(1 / 2.0)
            rid = f"{rnd.getrandbits(128):032x}"
            dur = rnd.lognormvariate(4.6, 0.4)
            out.append(f"{iso(t)} START RequestId: {rid} Version: $LATEST")
            for _ in range(rnd.randint(1, 3)):
                out.append(
                    f"{iso(t + 0.01)} "
                    + rnd.choice(app).format(n=rnd.randint(1, 10**6), ms=rnd.randint(1, 90))
                )
            if rnd.random() < 0.01:
                out.append(f"{iso(t + 0.02)} {rnd.choice(flagged)}")
            out.append(f"{iso(t + dur / 1000)} END RequestId: {rid}")
            out.append(
                f"{iso(t + dur / 1000)} REPORT RequestId: {rid}\tDuration: {dur:.2f} ms\t"
                f"Billed Duration: {int(dur) + 1} ms\tMemory Size: 256 MB\t"
                f"Max Memory Used: {rnd.randint(70, 90)} MB\t"
            )
            n += len(out)
            fh.write("\n".join(out) + "\n")
            out = []
    meta = path.with_suffix(".json")
    meta.write_text(json.dumps({"lines": n, "bytes_gz": path.stat().st_size}))


def run(cmd: list[str] | str, shell: bool = False) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MB of the process tree, CPU seconds user+sys of the tree).

    CPU time is what to compare on a loaded machine: wall time also counts waiting for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = psutil.Popen(
        cmd,
        shell=shell,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    peak = 0
    while proc.poll() is None:
        try:
            procs = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.02)
    _out, err = proc.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed ({proc.returncode}): {err.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, peak / 2**20, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args()
    args.corpus.mkdir(parents=True, exist_ok=True)
    path = args.corpus / f"logs-export-{args.lines}.gz"
    if not path.exists():
        print(f"generating {path} ...", file=sys.stderr)
        generate(path, args.lines)
    meta = json.loads(path.with_suffix(".json").read_text())
    py_inflate = [
        sys.executable,
        "-c",
        (
            "import io,sys\nfrom isal import igzip\n"
            "n=sum(1 for _ in io.TextIOWrapper(igzip.open(sys.argv[1],'rb'),"
            "encoding='utf-8',errors='replace'))\nprint(n)"
        ),
        str(path),
    ]
    contenders = {
        "zcat-wc": (f"zcat {path} | wc -l", True),
        "py-inflate": (py_inflate, False),
        "logs": (
            [
                sys.executable,
                "-m",
                "lambdawatch",
                "logs",
                str(path),
                "--function",
                "bench",
                "--format",
                "jsonl",
                "-o",
                "/dev/null",
            ],
            False,
        ),
    }
    results: dict[str, list[tuple[float, float, float]]] = {k: [] for k in contenders}
    for _ in range(args.repeat):
        for name, (cmd, shell) in contenders.items():
            results[name].append(run(cmd, shell))
    lines = meta["lines"]
    print(
        f"corpus: {lines:,} lines, {meta['bytes_gz'] / 2**20:.1f} MB gzip; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.2f}; median of {args.repeat}"
    )
    summary = {}
    for name, runs in results.items():
        wall = statistics.median(w for w, _, _ in runs)
        cpu = statistics.median(c for _, _, c in runs)
        peak = max(p for _, p, _ in runs)
        summary[name] = {
            "wall_s": round(wall, 3),
            "cpu_s": round(cpu, 3),
            "lines_per_s": round(lines / wall),
            "lines_per_cpu_s": round(lines / cpu),
            "peak_rss_mb": round(peak, 1),
        }
        print(
            f"  {name:<11} wall {wall:7.2f} s  cpu {cpu:7.2f} s  {lines / wall:>11,.0f} "
            f"lines/s  {lines / cpu:>11,.0f} lines/cpu-s  peak {peak:6.1f} MB"
        )
    for base in ("zcat-wc", "py-inflate"):
        wall = summary[base]["wall_s"] / summary["logs"]["wall_s"]
        cpu = summary[base]["cpu_s"] / summary["logs"]["cpu_s"]
        print(f"  logs throughput = {wall:.2f}x {base} (wall), {cpu:.2f}x (CPU)")
    out = args.corpus / f"logs-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps({"lines": lines, "results": summary, "runs": results}, indent=2))


if __name__ == "__main__":
    main()
