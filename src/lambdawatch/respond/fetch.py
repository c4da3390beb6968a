"""Download a presigned code or layer URL at once (they expire after 10 minutes) and verify it.

``resolve`` rewrites a URL before it is fetched: identity in production; tests point AWS's
download hosts at a local HTTP server (moto does not serve code)."""

from __future__ import annotations

import base64
import hashlib
import urllib.request
from collections.abc import Callable

from lambdawatch.errors import InputError

MAX_BYTES = 1 << 30  # far above Lambda's 250 MB unzipped limit


class Fetcher:
    def __init__(self, resolve: Callable[[str], str] | None = None, timeout: float = 60) -> None:
        self.resolve = resolve or (lambda url: url)
        self.timeout = timeout

    def get(self, url: str) -> bytes:
        real = self.resolve(url)
        if not real.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise InputError("refusing to download code over plain HTTP", where=_host(url))
        try:
            with urllib.request.urlopen(real, timeout=self.timeout) as resp:
                data: bytes = resp.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(f"download failed ({exc})", where=_host(url)) from None
        if len(data) > MAX_BYTES:
            raise InputError("download larger than 1 GiB", where=_host(url))
        return data


def _host(url: str) -> str:
    """The URL without its query string (a presigned URL's signature is a credential)."""
    return url.split("?", 1)[0]


def code_sha256_b64(data: bytes) -> str:
    """Lambda's ``CodeSha256``: the base64 of the SHA-256 of the zip."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()
