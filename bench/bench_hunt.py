#!/usr/bin/env python3
"""Time `lambdawatch hunt` against two baselines on a synthetic CloudTrail corpus.

    python bench/bench_hunt.py [--records 1000000] [--corpus DIR] [--repeat 3] [--workers 2]
                               [--lambda-share 0.02[,0.002]] [--realistic] [--job rows|jsonl]
                               [--hunt-cmd "lambdawatch hunt {corpus} --format rows --output /dev/null"]
                               [--only decompress,duckdb,hunt] [--duckdb-variant auto|projected]

Every contender runs as a whole process (subprocess; start-up and imports included), `--repeat`
times; the table shows the median wall time, records/s and the peak resident memory of the
process tree (sum of RSS over the process and its descendants, polled every 20 ms with psutil;
the largest single-process max RSS from wait4() is kept in the JSON too).

  (a) decompress  bench/decompress_only.py: read + inflate every log file, fastest inflater
                  available, same worker processes as hunt.  The upper bound.
  (b) duckdb      bench/duckdb_founding.py: DuckDB read_json over the same files, unnest
                  Records, founding filter, count.  DuckDB's default threads.
  (c) hunt        the --hunt-cmd template ({corpus}, {logs}, {workers} substituted); exit 0 or
                  1 is success.  Reported as unavailable when the command is missing.

The contenders run round-robin (a b c a b c ...) so that background load hits them alike.

Corpora: ``--lambda-share`` is the share of Lambda management write records (0.02: the
Lambda-heavy corpus; ``--realistic`` adds the 0.2% one); a comma list runs each corpus in turn,
one table each.  ``--job rows`` (default: ``hunt --format rows``, the ingest-bound founding query)
or ``--job jsonl`` (the full alert job) picks the hunt command when ``--hunt-cmd`` is not given.

Ratios are throughput ratios (baseline seconds / hunt seconds): hunt/DuckDB (target >= 3x) and
hunt/decompress-only (target >= 0.5x).  DuckDB's count must equal MANIFEST founding_matches.
Results go to stdout and to bench/out/hunt-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_HUNT = "lambdawatch hunt {corpus} --format rows --output /dev/null"
JOBS = {
    "rows": DEFAULT_HUNT,
    "jsonl": "lambdawatch hunt {corpus} --format jsonl --output /dev/null",
}

try:
    import psutil
except ImportError:  # peak memory then only from wait4()
    psutil = None


# --------------------------------------------------------------------------------------------
def ensure_corpus(path: str | None, records: int, seed: int, share: float) -> tuple[str, dict]:
    if path is None:
        suffix = "" if (seed, share) == (1, 0.02) else f"-s{seed}-l{share:g}"
        path = os.path.join(HERE, f"corpus-{records}{suffix}")
    man = os.path.join(path, "MANIFEST.json")
    if not os.path.exists(man):
        if os.path.exists(os.path.join(path, "AWSLogs")):
            sys.exit(
                f"{path} has AWSLogs/ but no MANIFEST.json: remove it or pass another --corpus"
            )
        print(f"generating corpus: {records:,} records -> {path}", file=sys.stderr)
        sys.path.insert(0, HERE)
        import gen_corpus

        gen_corpus.generate(path, records, seed=seed, lambda_share=share, quiet=True)
    with open(man) as f:
        return os.path.abspath(path), json.load(f)


def warm_cache(root: str) -> None:
    """Read every file once so that no contender pays the cold page-cache cost alone."""
    for d, _, files in os.walk(root):
        for fn in files:
            with open(os.path.join(d, fn), "rb") as f:
                while f.read(1 << 20):
                    pass


# --------------------------------------------------------------------------------------------
def _tree_rss(proc) -> int:
    total = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_measured(argv: list[str], interval: float = 0.02) -> dict:
    """Run argv as a subprocess; wall time, exit code, peak tree RSS, max single RSS, output."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    peak = [0]
    done = threading.Event()

    def poll():
        if psutil is None:
            return
        try:
            proc = psutil.Process(p.pid)
        except psutil.Error:
            return
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc))
            done.wait(interval)

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    _, status, ru = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t0
    done.set()
    th.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    # ru_maxrss is KiB on Linux (bytes on macOS)
    max_single = ru.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return {
        "seconds": secs,
        "rc": p.returncode,
        "peak_tree_bytes": max(peak[0], max_single),
        "cpu_seconds": ru.ru_utime + ru.ru_stime,  # the tree's CPU time: less load-sensitive
        "max_single_rss_bytes": max_single,
        "stdout": out.read().decode(errors="replace"),
        "stderr": err.read().decode(errors="replace"),
    }


def summarize(name: str, argv: list[str], runs: list[dict], ok_codes=(0,)) -> dict:
    bad = [r for r in runs if r["rc"] not in ok_codes]
    res = {
        "name": name,
        "cmd": shlex.join(argv),
        "ok": not bad,
        "runs_seconds": [round(r["seconds"], 3) for r in runs],
        "runs_loadavg_before": [r.get("loadavg_before") for r in runs],
        "runs_cpu_seconds": [round(r["cpu_seconds"], 3) for r in runs],
        "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
        "seconds": statistics.median(r["seconds"] for r in runs),
        "min_seconds": min(r["seconds"] for r in runs),
        "peak_mib": max(r["peak_tree_bytes"] for r in runs) / 2**20,
        "max_single_rss_mib": max(r["max_single_rss_bytes"] for r in runs) / 2**20,
        "last_stdout": runs[-1]["stdout"][-4000:],
        "last_stderr": runs[-1]["stderr"][-4000:],
    }
    if bad:
        res["error"] = f"exit code {bad[0]['rc']}: {bad[0]['stderr'].strip()[-800:]}"
    return res


def measure_interleaved(contenders: dict[str, tuple[list[str], tuple]], repeat: int) -> dict:
    """Run the contenders round-robin (a b c a b c ...) so background load hits all alike."""
    runs: dict[str, list[dict]] = {k: [] for k in contenders}
    failed: set[str] = set()
    for i in range(repeat):
        for name, (argv, ok_codes) in contenders.items():
            if name in failed:
                continue
            la = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
            r = run_measured(argv)
            r["loadavg_before"] = la
            print(
                f"  {name} run {i + 1}/{repeat}: {r['seconds']:.2f} s, rc={r['rc']}, "
                f"peak {r['peak_tree_bytes'] / 2**20:.0f} MiB, load1 {la}",
                file=sys.stderr,
            )
            runs[name].append(r)
            if r["rc"] not in ok_codes:
                failed.add(name)
    return {k: summarize(k, contenders[k][0], v, contenders[k][1]) for k, v in runs.items()}


# --------------------------------------------------------------------------------------------
def hunt_argv(template: str, corpus: str, workers: int) -> tuple[list[str] | None, str]:
    argv = shlex.split(
        template.replace("{corpus}", shlex.quote(corpus))
        .replace("{logs}", shlex.quote(os.path.join(corpus, "AWSLogs")))
        .replace("{workers}", str(workers))
    )
    exe = shutil.which(argv[0])
    if exe is None:
        return None, f"{argv[0]!r} not found on PATH"
    if "{workers}" not in template and "hunt" in argv:
        # pass the worker count if this hunt knows such an option
        try:
            h = subprocess.run(
                argv[: argv.index("hunt") + 1] + ["--help"],
                capture_output=True,
                text=True,
                timeout=60,
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            return None, f"`{argv[0]} hunt --help` failed: {e}"
        if h.returncode != 0:
            return (
                None,
                f"`hunt --help` exit {h.returncode}: {(h.stderr or h.stdout).strip()[-300:]}",
            )
        for opt in ("--workers", "--jobs", "--processes"):
            if re.search(rf"(^|\s){re.escape(opt)}[\s=]", h.stdout):
                argv += [opt, str(workers)]
                break
    return argv, ""


def hunt_matched(stderr: str) -> int | None:
    """Best effort: the 'records matched' figure of hunt's run summary."""
    for pat in (
        r"records matched\D{0,20}([\d,]+)",
        r"([\d,]+)\s+records? matched",
        r"matched\D{0,20}([\d,]+)",
    ):
        m = re.search(pat, stderr, re.I)
        if m:
            return int(m.group(1).replace(",", ""))
    return None


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    if hasattr(os, "getloadavg"):
        info["loadavg_at_end"] = os.getloadavg()
    if psutil:
        info["mem_gib"] = round(psutil.virtual_memory().total / 2**30, 1)
    for mod in ("duckdb", "deflate", "isal", "orjson"):
        try:
            m = __import__(mod)
            info[mod] = getattr(m, "__version__", "?")
        except ImportError:
            info[mod] = None
    return info


# --------------------------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument(
        "--corpus",
        default=None,
        help="corpus dir (generated there if missing; default bench/corpus-<records>/)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--lambda-share",
        default="0.02",
        help="Lambda write share of the corpus; a comma list runs several corpora",
    )
    ap.add_argument(
        "--realistic",
        action="store_true",
        help="also run the realistic corpus (0.2%% Lambda writes)",
    )
    ap.add_argument(
        "--job",
        choices=sorted(JOBS),
        default=None,
        help="hunt job when --hunt-cmd is not given: rows (default) or jsonl",
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--hunt-cmd",
        default=None,
        help="command template; {corpus} (corpus root), {logs} (its AWSLogs/) and "
        "{workers} are substituted; without {workers}, --workers N is appended "
        "when `hunt --help` lists it "
        f"(default: {DEFAULT_HUNT!r})",
    )
    ap.add_argument(
        "--only",
        default="decompress,duckdb,hunt",
        help="comma list of contenders among decompress,duckdb,hunt",
    )
    ap.add_argument("--duckdb-variant", default="auto", choices=["auto", "projected"])
    ap.add_argument("--duckdb-threads", type=int, default=None, help="default: DuckDB's own")
    ap.add_argument("--out-dir", default=os.path.join(HERE, "out"))
    a = ap.parse_args(argv)
    if a.hunt_cmd is None:
        a.hunt_cmd = JOBS[a.job or "rows"]
    shares = [float(x) for x in a.lambda_share.split(",") if x.strip()]
    if a.realistic and 0.002 not in shares:
        shares.append(0.002)
    if a.corpus and len(shares) > 1:
        sys.exit("--corpus names one corpus: give one --lambda-share")
    codes = [run_corpus(a, share) for share in shares]
    return max(codes)


def run_corpus(a, share: float) -> int:
    only = {x.strip() for x in a.only.split(",") if x.strip()}
    print(f"\n=== corpus: {share:.1%} Lambda writes, job: {a.hunt_cmd}", file=sys.stderr)
    corpus, man = ensure_corpus(a.corpus, a.records, a.seed, share)
    n = man["records"]
    print(
        f"corpus {corpus}: {n:,} records, {man['files']:,} files, "
        f"{man['bytes_gz'] / 1e6:.1f} MB gz, {man['bytes_raw'] / 1e6:.1f} MB raw, "
        f"founding_matches={man['founding_matches']:,}",
        file=sys.stderr,
    )
    warm_cache(corpus)
    py = sys.executable
    results: dict[str, dict] = {}
    checks: dict[str, object] = {}

    contenders: dict[str, tuple[list[str], tuple]] = {}
    if "decompress" in only:
        contenders["decompress"] = (
            [py, os.path.join(HERE, "decompress_only.py"), corpus, "--workers", str(a.workers)],
            (0,),
        )
    if "duckdb" in only:
        cmd = [py, os.path.join(HERE, "duckdb_founding.py"), corpus, "--variant", a.duckdb_variant]
        if a.duckdb_threads:
            cmd += ["--threads", str(a.duckdb_threads)]
        contenders["duckdb"] = (cmd, (0,))
    if "hunt" in only:
        hargv, why = hunt_argv(a.hunt_cmd, corpus, a.workers)
        if hargv is None:
            results["hunt"] = {
                "name": "hunt",
                "ok": False,
                "unavailable": True,
                "error": why,
                "cmd": a.hunt_cmd,
            }
        else:
            contenders["hunt"] = (hargv, (0, 1))
    results.update(measure_interleaved(contenders, a.repeat))

    r = results.get("decompress")
    if r and r["ok"]:
        info = json.loads(r["last_stdout"].strip().splitlines()[-1])
        r["decompressor"] = info["decompressor"]
        checks["decompress_bytes_raw_ok"] = info["bytes_raw"] == man["bytes_raw"]
    r = results.get("duckdb")
    if r:
        if r["ok"]:
            info = json.loads(r["last_stdout"].strip().splitlines()[-1])
            r["matched"] = info["matched"]
            r["threads"] = info["threads"]
            checks["duckdb_matched"] = info["matched"]
            checks["duckdb_matches_manifest"] = info["matched"] == man["founding_matches"]
        sys.path.insert(0, HERE)
        from duckdb_founding import build_sql

        r["sql"] = build_sql(corpus, a.duckdb_variant)
    r = results.get("hunt")
    if r and r.get("ok"):
        m = hunt_matched(r["last_stderr"])
        r["matched_from_summary"] = m
        if m is not None:  # all loaded rules, so >= the founding rule's count
            checks["hunt_summary_matched"] = m
            checks["hunt_matched_at_least_founding"] = m >= man["founding_matches"]

    # ---------------------------------------------------------------- table
    print()
    print(
        f"{'contender':<12} {'seconds':>8} {'cpu s':>7} {'records/s':>12} {'MB/s raw':>9} {'peak MiB':>9}  note"
    )
    for key in ("decompress", "duckdb", "hunt"):
        r = results.get(key)
        if r is None:
            continue
        if not r.get("ok"):
            print(
                f"{key:<12} {'-':>8} {'-':>7} {'-':>12} {'-':>9} {'-':>9}  "
                f"{'UNAVAILABLE' if r.get('unavailable') else 'FAILED'}: {r.get('error', '')[:200]}"
            )
            continue
        r["records_per_s"] = n / r["seconds"]
        r["raw_mb_per_s"] = man["bytes_raw"] / 1e6 / r["seconds"]
        note = {
            "decompress": f"{r.get('decompressor', '')}, {a.workers} procs",
            "duckdb": f"{a.duckdb_variant}, threads={r.get('threads')}, matched={r.get('matched')}",
            "hunt": f"matched={r.get('matched_from_summary')}",
        }[key]
        print(
            f"{key:<12} {r['seconds']:8.2f} {r['cpu_seconds']:7.2f} {r['records_per_s']:12,.0f} {r['raw_mb_per_s']:9.0f} "
            f"{r['peak_mib']:9.0f}  {note}"
        )
    ratios = {}
    h = results.get("hunt")
    if h and h.get("ok"):
        if results.get("duckdb", {}).get("ok"):
            ratios["hunt_vs_duckdb"] = results["duckdb"]["seconds"] / h["seconds"]
        if results.get("decompress", {}).get("ok"):
            ratios["hunt_vs_decompress"] = results["decompress"]["seconds"] / h["seconds"]
        ratios["hunt_peak_under_300mib"] = h["peak_mib"] < 300
    print()
    if "hunt_vs_duckdb" in ratios:
        v = ratios["hunt_vs_duckdb"]
        print(
            f"hunt / DuckDB throughput:            {v:5.2f}x  (target >= 3x: {'PASS' if v >= 3 else 'FAIL'})"
        )
    if "hunt_vs_decompress" in ratios:
        v = ratios["hunt_vs_decompress"]
        print(
            f"hunt / decompression-only throughput: {v:5.2f}x  (target >= 0.5x: {'PASS' if v >= 0.5 else 'FAIL'})"
        )
    if "hunt_peak_under_300mib" in ratios:
        print(
            f"hunt peak memory {h['peak_mib']:.0f} MiB (target < 300 MiB: "
            f"{'PASS' if ratios['hunt_peak_under_300mib'] else 'FAIL'})"
        )
    if "duckdb_matches_manifest" in checks:
        print(
            f"DuckDB matched {checks['duckdb_matched']:,} vs MANIFEST founding_matches "
            f"{man['founding_matches']:,}: {'OK' if checks['duckdb_matches_manifest'] else 'MISMATCH'}"
        )
    if "hunt_summary_matched" in checks:
        print(
            f"hunt run summary 'matched' {checks['hunt_summary_matched']:,} (records matched by any "
            f"loaded rule; founding rule alone: {man['founding_matches']:,}): "
            f"{'OK' if checks['hunt_matched_at_least_founding'] else 'TOO FEW'}"
        )
    if "decompress_bytes_raw_ok" in checks:
        print(f"decompressed bytes == MANIFEST bytes_raw: {checks['decompress_bytes_raw_ok']}")

    os.makedirs(a.out_dir, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(a.out_dir, f"hunt-{stamp}.json")
    k = 1
    while os.path.exists(path):
        k += 1
        path = os.path.join(a.out_dir, f"hunt-{stamp}-{k}.json")
    doc = {
        "timestamp": stamp,
        "corpus": corpus,
        "manifest": {
            k: man[k]
            for k in (
                "records",
                "files",
                "digest_files",
                "bytes_gz",
                "bytes_raw",
                "avg_record_bytes",
                "founding_matches",
                "params",
            )
        },
        "repeat": a.repeat,
        "workers": a.workers,
        "machine": machine(),
        "lambda_share": share,
        "hunt_cmd": a.hunt_cmd,
        "results": results,
        "ratios": ratios,
        "checks": checks,
    }
    with open(path, "w") as f:
        json.dump(doc, f, indent=2, default=str)
    print(f"\nresults -> {path}")
    failed = [k for k, r in results.items() if not r.get("ok") and not r.get("unavailable")]
    if checks.get("duckdb_matches_manifest") is False:
        failed.append("duckdb-count")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
