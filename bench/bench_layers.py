"""Benchmark ``lambdawatch scan`` on real registry packages built into Lambda layer zips.

Each package (PyPI or npm, with its dependencies) is installed into the Lambda layer layout
(``python/lib/python3.11/site-packages/...`` or ``nodejs/node_modules/...``) with the ordinary
clients (``pip install --target`` for manylinux x86_64 / CPython 3.11, ``npm install
--prefix``), zipped, then scanned as a whole process (``python -m lambdawatch scan``):

* baseline: ``unzip -t`` (reads and inflates every member, checks CRCs), same invocation;
* cold: ``--cache`` pointing at a fresh file (every file parsed);
* warm: the same cache again (every file judged before);
* ``--no-cache`` serial (``LAMBDAWATCH_SCAN_WORKERS=1``) for the parallel speed-up.

Reported per layer: zip and uncompressed MB, seconds, MB/s (uncompressed), peak RSS of the
scan process tree (largest process, from ``wait4``), ratio to the baseline, the highest finding
severity and the findings above ``low`` with their codes and files. Not part of the test suite.

    python bench/bench_layers.py [--only boto3,axios] [--work bench/layers] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

PYPI = [
    "boto3",
    "botocore",
    "requests",
    "urllib3",
    "aws-lambda-powertools",
    "pandas",
    "numpy",
    "pydantic",
    "cryptography",
    "PyJWT",
    "sqlalchemy",
]
NPM = [
    "@aws-sdk/client-s3",
    "axios",
    "lodash",
    "express",
    "moment",
    "uuid",
    "@aws-lambda-powertools/logger",
]
SEVS = ["info", "low", "medium", "high", "critical"]
CPU: list[float] = []


def slug(name: str) -> str:
    return name.strip("@").replace("/", "__").lower()


def build_layer(work: Path, name: str, eco: str) -> Path:
    """Install ``name`` into a layer layout under ``work`` and zip it (cached on disk)."""
    zpath = work / f"{eco}-{slug(name)}.zip"
    if zpath.exists():
        return zpath
    tree = work / "trees" / f"{eco}-{slug(name)}"
    shutil.rmtree(tree, ignore_errors=True)
    if eco == "pypi":
        site = tree / "python" / "lib" / "python3.11" / "site-packages"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-compile",
                "--target",
                str(site),
                "--platform",
                "manylinux2014_x86_64",
                "--implementation",
                "cp",
                "--python-version",
                "3.11",
                "--only-binary=:all:",
                name,
            ],
            check=True,
        )
    else:
        prefix = tree / "nodejs"
        prefix.mkdir(parents=True)
        (prefix / "package.json").write_text('{"name": "layer", "version": "1.0.0"}\n')
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--omit=dev",
                "--prefix",
                str(prefix),
                name,
            ],
            check=True,
        )
    tmp = zpath.with_suffix(".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(tree.rglob("*")):
            if f.is_file() and not f.is_symlink() and "__pycache__" not in f.parts:
                zf.write(f, f.relative_to(tree).as_posix())
    tmp.rename(zpath)
    shutil.rmtree(tree, ignore_errors=True)
    return zpath


def strip_metadata(zpath: Path) -> Path:
    """The layer without ``*.dist-info``: every file ranks as first-party code and is parsed."""
    out = zpath.with_name(zpath.stem + "-nometa.zip")
    if not out.exists():
        with zipfile.ZipFile(zpath) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if ".dist-info/" not in info.filename:
                    dst.writestr(info, src.read(info))
    return out


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(seconds, peak RSS MB of the largest process in the tree, stdout) of a whole process;
    its CPU seconds (user + system, workers included) go to ``CPU[-1]``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    CPU.append(usage.ru_utime + usage.ru_stime)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} exited {proc.returncode}")
    return wall, usage.ru_maxrss / 1024, out.decode("utf-8", "replace")


def scan_cmd(zpath: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "lambdawatch",
        "scan",
        str(zpath),
        "--format",
        "json",
        "--fail-on",
        "critical",
        *extra,
    ]


def measure(zpath: Path, cache: Path) -> dict[str, object]:
    with zipfile.ZipFile(zpath) as zf:
        raw = sum(i.file_size for i in zf.infolist())
        files = len(zf.infolist())
    mb = raw / 2**20
    base, _, _ = timed(["unzip", "-tqq", str(zpath)])
    for suffix in ("", "-wal", "-shm"):
        Path(f"{cache}{suffix}").unlink(missing_ok=True)
    cold, cold_rss, out = timed(scan_cmd(zpath, "--cache", str(cache)))
    cold_cpu = CPU[-1]
    warm, warm_rss, warm_out = timed(scan_cmd(zpath, "--cache", str(cache)))
    warm_cpu = CPU[-1]
    cache_errors = [e for e in json.loads(warm_out)["errors"] if "scan cache" in e]
    if cache_errors:
        raise RuntimeError(f"{zpath.name}: warm run without its cache: {cache_errors}")
    env = dict(os.environ, LAMBDAWATCH_SCAN_WORKERS="1")
    serial, serial_rss, _ = timed(scan_cmd(zpath, "--no-cache"), env)
    serial_cpu = CPU[-1]
    load = os.getloadavg()[0]
    doc = json.loads(out)
    worst = max((SEVS.index(f["severity"]) for f in doc["findings"]), default=-1)
    above_low = sorted(
        {
            f"{f['severity']} {f['code']} {f['file']}:{f['line']}"
            for f in doc["findings"]
            if SEVS.index(f["severity"]) > 1
        }
    )
    return {
        "layer": zpath.name,
        "files": files,
        "zip_mb": round(zpath.stat().st_size / 2**20, 1),
        "mb": round(mb, 1),
        "unzip_t_s": round(base, 2),
        "cold_s": round(cold, 2),
        "cold_mb_s": round(mb / cold, 1),
        "cold_peak_mb": round(cold_rss),
        "cold_vs_unzip": round(cold / base, 1),
        "cold_cpu_s": round(cold_cpu, 2),
        "serial_cpu_s": round(serial_cpu, 2),
        "load_1m": round(load, 1),
        "warm_s": round(warm, 2),
        "warm_cpu_s": round(warm_cpu, 2),
        "warm_peak_mb": round(warm_rss),
        "serial_s": round(serial, 2),
        "serial_peak_mb": round(serial_rss),
        "parallel_speedup": round(serial / cold, 2),
        "findings": len(doc["findings"]),
        "errors": len(doc["errors"]),
        "worst": SEVS[worst] if worst >= 0 else "none",
        "above_low": above_low,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=str(Path(__file__).parent / "layers"))
    ap.add_argument("--only", default="")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument(
        "--first-party",
        action="store_true",
        help="also scan each PyPI layer without its *.dist-info metadata, so that "
        "nothing is RECORD-verified and every source file is parsed",
    )
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    wanted = {s.strip() for s in args.only.split(",") if s.strip()}
    todo = [(n, "pypi") for n in PYPI] + [(n, "npm") for n in NPM]
    todo = [(n, e) for n, e in todo if not wanted or n in wanted]
    zips = [build_layer(work, n, e) for n, e in todo]
    if args.first_party:
        zips += [strip_metadata(z) for z in zips if z.name.startswith("pypi-")]
    if args.build_only:
        print("\n".join(str(z) for z in zips))
        return
    rows = []
    for z in zips:
        row = measure(z, work / f"cache-{z.stem}.sqlite")
        rows.append(row)
        print(json.dumps(row), flush=True)
    summary = {
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python "
        f"{platform.python_version()}",
        "layers": rows,
    }
    out = work / "results.json"
    out.write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"# {len(rows)} layers; worst severity overall: "
        f"{max((r['worst'] for r in rows), key=lambda s: SEVS.index(str(s)) if s != 'none' else -1)}"
        f"; results in {out}"
    )


if __name__ == "__main__":
    main()
