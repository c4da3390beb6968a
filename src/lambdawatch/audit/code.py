"""``--scan-code``: download each distinct code package once, verify it, scan it.

A function version's package comes from ``GetFunction(Qualifier)``'s ``Code.Location`` and a
layer's from ``GetLayerVersion``'s ``Content.Location`` (pre-signed URLs, valid ten minutes).
The bytes must hash (SHA-256, base64) to the ``CodeSha256`` AWS reports, else the package is not
scanned and the mismatch is a gap. The URL-to-bytes ``resolver`` is passed in (default: the
scanner's bounded HTTPS downloader); nothing is executed or imported.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

from lambdawatch.audit.caller import Caller
from lambdawatch.audit.model import LATEST, FunctionState, LayerState
from lambdawatch.aws import Gap
from lambdawatch.codescan.scanner import scan_bytes
from lambdawatch.findings import Finding

Resolver = Callable[[str], bytes]


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


class CodeScanner:
    """Scans each CodeSha256 once per run; findings per package, gaps per package."""

    def __init__(self, caller: Caller, resolver: Resolver | None = None) -> None:
        if resolver is None:
            from lambdawatch.codescan.targets import default_downloader

            resolver = default_downloader
        self.caller = caller
        self.resolver = resolver
        self.done: dict[str, tuple[list[Finding], list[Gap]]] = {}

    def package(
        self, sha: str, location: str | None, label: str
    ) -> tuple[list[Finding], list[Gap]]:
        if sha in self.done:
            return self.done[sha]
        self.done[sha] = result = self._scan(sha, location, label)
        return result

    def _scan(self, sha: str, location: str | None, label: str) -> tuple[list[Finding], list[Gap]]:
        if not location:
            return [], [Gap("code-download", "other", "no code location", label)]
        try:
            data = self.resolver(location)
        except Exception as exc:  # noqa: BLE001 - isolation boundary: one package
            return [], [
                Gap("code-download", "unreachable", f"{type(exc).__name__}: {exc}"[:300], label)
            ]
        got = sha256_b64(data)
        if got != sha:
            return [], [
                Gap(
                    "code-download",
                    "integrity",
                    f"downloaded package hashes to {got}, AWS reports {sha}: not scanned",
                    label,
                )
            ]
        result = scan_bytes(label, "package.zip", data)
        out = [
            Finding(
                f.kind,
                f.code,
                str(f.severity),
                f.message,
                {
                    "file": f.file,
                    "line": f.line,
                    "evidence": f.evidence,
                    "package": label,
                    "code_sha256": sha,
                    "source": "code scan",
                },
            )
            for f in result.sorted_findings()
        ]
        gaps = [Gap("code-scan", "other", err[:300], label) for err in result.errors]
        return out, gaps

    def function(self, fn: FunctionState, qualifier: str) -> tuple[list[Finding], list[Gap]]:
        config = fn.latest if qualifier == LATEST else fn.config_of(qualifier)
        if config.get("PackageType") == "Image" or not config.get("CodeSha256"):
            return [], []
        version = str(config.get("Version") or LATEST)
        code = fn.code.get(version)
        if code is None:
            got, gap = self.caller.call(
                "lambda",
                fn.region,
                "get_function",
                f"{fn.name}:{version}",
                FunctionName=fn.name,
                Qualifier=version,
            )
            if gap is not None:
                return [], [gap]
            code = fn.code[version] = (got or {}).get("Code") or {}
        return self.package(str(config["CodeSha256"]), code.get("Location"), f"{fn.arn}:{version}")

    def layer(self, layer: LayerState) -> tuple[list[Finding], list[Gap]]:
        sha = layer.content.get("CodeSha256")
        if not layer.readable or not sha:
            return [], []
        return self.package(str(sha), layer.content.get("Location"), layer.arn)


def merge(parts: list[tuple[list[Finding], list[Gap]]]) -> tuple[list[Finding], list[Gap]]:
    findings: list[Finding] = []
    gaps: list[Gap] = []
    for f, g in parts:
        findings += f
        gaps += g
    return findings, gaps


def layers_of(config: dict[str, Any]) -> list[str]:
    return [
        la["Arn"] for la in config.get("Layers") or [] if isinstance(la, dict) and la.get("Arn")
    ]
