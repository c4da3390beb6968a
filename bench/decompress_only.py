#!/usr/bin/env python3
"""Baseline (a): read + gzip-decompress every CloudTrail log file under DIR, nothing else.

    python bench/decompress_only.py DIR [--workers 2] [--decompressor auto|deflate|isal|zlib]

The upper bound for any tool that has to look at every byte of the logs: same file walk as
``lambdawatch hunt`` (``.json.gz`` files, CloudTrail-Digest files skipped), the fastest
available inflater (libdeflate via ``deflate``, else ISA-L via ``isal``, else zlib), the same
number of worker processes.  Prints one JSON line: files, bytes_gz, bytes_raw, decompressor.
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


def _init(name):
    global _DEC
    _DEC = _pick(name)[1]


def _one(path: str) -> tuple[int, int]:
    with open(path, "rb") as f:
        data = f.read()
    return len(data), len(_DEC(data))


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
    a = ap.parse_args(argv)
    name, dec = _pick(a.decompressor)
    files = walk(a.dir)
    gz = raw = 0
    if a.workers <= 1:
        _init(a.decompressor)
        for p in files:
            g, r = _one(p)
            gz += g
            raw += r
    else:
        with get_context("fork").Pool(a.workers, initializer=_init, initargs=(a.decompressor,)) as pool:
            for g, r in pool.imap_unordered(_one, files, chunksize=4):
                gz += g
                raw += r
    print(json.dumps({"files": len(files), "bytes_gz": gz, "bytes_raw": raw, "decompressor": name,
                      "workers": a.workers}))


if __name__ == "__main__":
    sys.exit(main())
