"""``respond`` evidence collection: parallel per-version reads vs. one at a time (baseline).

Starts moto's server in a separate process (with ``tests/respond/moto_harness`` fixes), builds
``payments-sync`` with ``--versions`` extra published versions (each with its own zip), serves
code downloads from a local HTTP server, optionally delays every AWS call by ``--latency-ms``
(a forwarding proxy, to model the round trip to a real region), then times the plan (full
preservation into a fresh folder) with ``workers=1`` (the baseline) and ``workers=N``,
round-robin, ``--repeat`` times each, and prints medians, the ratio, API calls and artifacts.

    python bench/bench_respond.py --versions 40 --latency-ms 30 --repeat 3
"""

from __future__ import annotations

import argparse
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

SERVER = """
import sys, time
sys.path[:0] = [{root!r}, {src!r}]
from tests.respond import moto_harness
moto_harness.install()
from moto.server import ThreadedMotoServer
s = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
s.start()
print("%s:%d" % s.get_host_and_port(), flush=True)
time.sleep(10**6)
"""


def serve(handler: type[http.server.BaseHTTPRequestHandler]) -> str:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def delay_proxy(target: str, latency: float) -> str:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            time.sleep(latency)
            n = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(n) if n else None
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("host", "content-length", "expect")
            }
            if data is not None and "content-type" not in {k.lower() for k in headers}:
                headers["Content-Type"] = "binary/octet-stream"
            req = urllib.request.Request(
                target + self.path, data=data, headers=headers, method=self.command
            )
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    status, hdrs, body = resp.status, resp.headers.items(), resp.read()
            except urllib.error.HTTPError as err:
                status, hdrs, body = err.code, err.headers.items(), err.read()
            self.send_response(status)
            for k, v in hdrs:
                if k.lower() not in (
                    "content-length",
                    "transfer-encoding",
                    "connection",
                    "server",
                    "date",
                ):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PUT = do_POST = do_DELETE = _any

        def log_message(self, *args: object) -> None:
            pass

    return serve(Handler)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--versions", type=int, default=40)
    ap.add_argument("--latency-ms", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER.format(root=str(ROOT), src=str(ROOT / "src"))],
        stdout=subprocess.PIPE,
        text=True,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        moto = "http://" + proc.stdout.readline().strip()
        run(moto, args)
    finally:
        proc.kill()


def run(moto: str, args: argparse.Namespace) -> None:
    from lambdawatch.aws import CallRecorder, ClientFactory
    from lambdawatch.respond.fetch import Fetcher
    from lambdawatch.respond.run import Options, respond
    from lambdawatch.respond.target import parse_function
    from tests.respond import scenario

    files: dict[str, bytes] = {}

    class Code(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(args.latency_ms / 1000)
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *a: object) -> None:
            pass

    code = serve(Code)
    setup = ClientFactory(region="us-east-1", endpoint_url=moto)
    scenario.build(setup.client, files)
    lam = setup.client("lambda")
    for i in range(args.versions):
        lam.update_function_code(
            FunctionName=scenario.NAME, ZipFile=scenario.make_zip("app.py", f"V = {i}\n")
        )
        v = lam.publish_version(FunctionName=scenario.NAME)["Version"]
        loc = lam.get_function(FunctionName=scenario.NAME, Qualifier=v)["Code"]["Location"]
        files["/" + loc.split("/", 3)[3]] = scenario.make_zip("app.py", f"V = {i}\n")
        latest = lam.get_function(FunctionName=scenario.NAME)["Code"]["Location"]
        files["/" + latest.split("/", 3)[3]] = scenario.make_zip("app.py", f"V = {i}\n")
    endpoint = delay_proxy(moto, args.latency_ms / 1000) if args.latency_ms else moto
    fetcher = Fetcher(lambda u: code + "/" + u.split("/", 3)[3])
    times: dict[int, list[float]] = {1: [], args.workers: []}
    stats: dict[int, Any] = {}
    for _ in range(args.repeat):
        for workers, runs in times.items():
            rec = CallRecorder()
            factory = ClientFactory(region="us-east-1", endpoint_url=endpoint, recorder=rec)
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                out = respond(
                    factory,
                    parse_function(scenario.NAME, None),
                    Options(str(Path(tmp) / "case"), workers=workers),
                    fetcher=fetcher,
                )
                runs.append(time.perf_counter() - start)
            assert out.verification.ok, out.verification.problems[:3]
            stats[workers] = (len(rec.calls), len(out.manifest["artifacts"]))
    base = statistics.median(times[1])
    fast = statistics.median(times[args.workers])
    print(
        f"function with {args.versions + 2} published versions, latency "
        f"{args.latency_ms:g} ms per AWS call and per download, {os.cpu_count()} CPUs"
    )
    for workers, ts in times.items():
        calls, arts = stats[workers]
        print(
            f"  workers={workers:<3} median {statistics.median(ts):.2f} s "
            f"(runs {', '.join(f'{t:.2f}' for t in ts)}), {calls} API calls, {arts} artifacts"
        )
    print(f"  ratio baseline/parallel: {base / fast:.2f}x")


if __name__ == "__main__":
    main()
