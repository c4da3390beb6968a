#!/usr/bin/env python3
"""Baseline (a): read + gzip-decompress every CloudTrail log file under DIR, nothing else.

    python bench/decompress_only.py DIR [--workers 2] [--decompressor auto|deflate|isal|zlib]
                                        [--threads] [--scan]

The upper bound for any tool that has to look at every byte of the logs: same file walk as
``lambdawatch hunt`` (``.json.gz`` files, CloudTrail-Digest files skipped), the fastest
available inflater (libdeflate via ``deflate``, else ISA-L via ``isal``, else zlib), the same
number of worker processes.  Prints one JSON line: files, bytes_gz, bytes_raw, decompressor.

``--threads`` runs the workers as threads of one process instead (what a thread executor would
do: worth it only where the native parts release the GIL); ``--scan`` also runs lambdawatch's
fused prefilter scan (Hyperscan) over every inflated buffer: inflate + scan is the floor of the
hunt fast path.  ``1 vs 2 threads vs 2 processes`` with ``--scan`` is how the executor was picked
(bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import zlib
from multiprocessing import get_context


def _pick(name: str):
    if name in ("auto", "deflate"):
        try:
            import deflate

            return "deflate", deflate.gzip_decompress
        except ImportError:
            if name == "deflate":
                raise
    if name in ("auto", "isal"):
        try:
            from isal import igzip_lib

            return "isal", lambda b: igzip_lib.decompress(b, flag=igzip_lib.DECOMP_GZIP)
        except ImportError:
            if name == "isal":
                raise
    return "zlib", lambda b: zlib.decompress(b, 31)


_DEC = None
_SCAN = None


def _init(name, scan=False):
    global _DEC, _SCAN
    _DEC = _pick(name)[1]
    if scan:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
        from lambdawatch.engine.ruleset import RuleSet

        pf = RuleSet.load().prefilter
        _SCAN = lambda buf: pf.sources(buf, b'{"eventVersion":')  # noqa: E731


def _one(path: str) -> tuple[int, int]:
    with open(path, "rb") as f:
        data = f.read()
    buf = _DEC(data)
    if _SCAN is not None:
        _SCAN(buf)
    return len(data), len(buf)


def walk(root: str) -> list[str]:
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x != "CloudTrail-Digest"]
        for fn in files:
            if fn.endswith(".json.gz") and "_CloudTrail-Digest_" not in fn:
                out.append(os.path.join(d, fn))
    out.sort()
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--decompressor", default="auto", choices=["auto", "deflate", "isal", "zlib"])
    ap.add_argument("--threads", action="store_true", help="threads instead of processes")
    ap.add_argument("--scan", action="store_true", help="also run the fused prefilter scan")
    a = ap.parse_args(argv)
    name, dec = _pick(a.decompressor)
    files = walk(a.dir)
    gz = raw = 0
    if a.workers <= 1 or a.threads:
        _init(a.decompressor, a.scan)
        if a.workers > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(a.workers) as pool:
                for g, r in pool.map(_one, files):
                    gz += g
                    raw += r
        else:
            for p in files:
                g, r = _one(p)
                gz += g
                raw += r
    else:
        with get_context("fork").Pool(
            a.workers, initializer=_init, initargs=(a.decompressor, a.scan)
        ) as pool:
            for g, r in pool.imap_unordered(_one, files, chunksize=4):
                gz += g
                raw += r
    print(
        json.dumps(
            {
                "files": len(files),
                "bytes_gz": gz,
                "bytes_raw": raw,
                "decompressor": name,
                "workers": a.workers,
                "threads": a.threads,
                "scan": a.scan,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
