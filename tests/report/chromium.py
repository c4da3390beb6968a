"""Open a page in real headless Chromium (Debian's package) and a local server that counts hits."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--virtual-time-budget=3000",
    "--window-size=1200,1600",
]


def run_chromium(page: Path, *extra: str) -> str:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory(prefix="lw-chromium-") as profile:
        done = subprocess.run(
            [CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dump_dom(page: Path) -> str:
    return run_chromium(page, "--dump-dom")


def print_pdf(page: Path, out: Path) -> bytes:
    """What "Save as PDF" gives (the print stylesheet applies)."""
    run_chromium(page, "--no-pdf-header-footer", f"--print-to-pdf={out}")
    return out.read_bytes()


def screenshot(page: Path, out: Path) -> Path:
    run_chromium(page, f"--screenshot={out}")
    return out


class HitServer:
    """An HTTP server on 127.0.0.1 that records every request path it receives."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.hits = hits
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
