"""moto's server (with the fixes of ``moto_harness``), a local server for code downloads, a
failure-injecting proxy in front of moto, and the scenario built fresh for each test."""

from __future__ import annotations

import http.server
import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from lambdawatch.aws import CallRecorder, ClientFactory
from lambdawatch.respond.fetch import Fetcher
from tests.respond import moto_harness, scenario

CREDS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    mp = pytest.MonkeyPatch()
    for k, v in CREDS.items():
        mp.setenv(k, v)
    mp.delenv("AWS_PROFILE", raising=False)
    moto_harness.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    mp.undo()


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> tuple[Any, str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


class Downloads(dict[str, bytes]):
    """Code and layer zips by URL path, served over HTTP by ``code_server``."""


@pytest.fixture(scope="session")
def code_server() -> Iterator[tuple[str, Downloads]]:
    files = Downloads()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    httpd, url = _serve(Handler)
    yield url, files
    httpd.shutdown()


class Faults:
    """Requests the proxy refuses with 403 AccessDeniedException: (method, path regex)."""

    def __init__(self) -> None:
        self.rules: list[tuple[str, re.Pattern[str]]] = []

    def deny(self, method: str, path: str) -> None:
        self.rules.append((method, re.compile(path)))

    def match(self, method: str, path: str) -> bool:
        return any(m == method and p.search(path) for m, p in self.rules)


@pytest.fixture(scope="session")
def proxy(moto_endpoint: str) -> Iterator[tuple[str, Faults]]:
    """A real HTTP endpoint in front of moto that can refuse chosen calls (a missing IAM
    permission, as AWS answers it); everything else is forwarded unchanged."""
    faults = Faults()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _body(self) -> bytes | None:
            """The request body, de-chunked (boto3 streams checksummed uploads chunked)."""
            if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else None
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass  # trailers
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()

        def _any(self) -> None:
            if faults.match(self.command, self.path):
                body = json.dumps(
                    {
                        "Type": "User",
                        "Message": "User is not authorized to "
                        "perform this action (injected by the test)",
                    }
                ).encode()
                self.send_response(403)
                self.send_header("x-amzn-ErrorType", "AccessDeniedException")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            data = self._body()
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("host", "content-length", "transfer-encoding", "expect")
            }
            if data is not None and not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "binary/octet-stream"  # not urllib's form default
            req = urllib.request.Request(
                moto_endpoint + self.path, data=data, headers=headers, method=self.command
            )
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    status, rheaders, body = resp.status, resp.headers.items(), resp.read()
            except urllib.error.HTTPError as err:
                status, rheaders, body = err.code, err.headers.items(), err.read()
            self.send_response(status)
            for k, v in rheaders:
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

        do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _any

        def log_message(self, *args: object) -> None:
            pass

    httpd, url = _serve(Handler)
    yield url, faults
    httpd.shutdown()


@pytest.fixture
def world(
    moto_endpoint: str, code_server: tuple[str, Downloads], proxy: tuple[str, Faults]
) -> Iterator[dict[str, Any]]:
    """A fresh moto with the scenario; clients through the proxy, every call recorded."""
    urllib.request.urlopen(
        urllib.request.Request(moto_endpoint + "/moto-api/reset", method="POST"), timeout=30
    ).read()
    moto_harness.reset()
    code_url, files = code_server
    files.clear()
    proxy_url, faults = proxy
    faults.rules.clear()
    setup = ClientFactory(region="us-east-1", endpoint_url=moto_endpoint)
    info = scenario.build(setup.client, files)
    recorder = CallRecorder()
    factory = ClientFactory(region="us-east-1", endpoint_url=proxy_url, recorder=recorder)

    def resolve(url: str) -> str:
        assert url.startswith("https://awslambda-us-east-1-"), url
        return code_url + "/" + url.split("/", 3)[3]

    yield {
        "factory": factory,
        "setup": setup,
        "recorder": recorder,
        "faults": faults,
        "fetcher": Fetcher(resolve),
        "files": files,
        **info,
    }
