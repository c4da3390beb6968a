"""Recognise vendored third-party code by path and packaging metadata."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

VENDOR_DIRS = frozenset({"site-packages", "dist-packages", "node_modules", "bower_components",
                         "__pypackages__", "vendor", "vendored", "_vendor"})
KNOWN_SDKS = frozenset({"boto3", "botocore", "s3transfer", "aws-sdk", "@aws-sdk", "@smithy",
                        "aws_xray_sdk", "awscrt"})
META_DIR = re.compile(r"^(.*?)([^/]+)\.(?:dist-info|egg-info)/(top_level\.txt|RECORD)$")


class VendorIndex:
    """Which paths belong to recognised third-party libraries."""

    def __init__(self, prefixes: set[str]) -> None:
        self.prefixes = prefixes

    @classmethod
    def build(cls, files: Iterable[tuple[str, bytes]]) -> VendorIndex:
        prefixes: set[str] = set()
        for path, data in files:
            m = META_DIR.match(path)
            if not m:
                continue
            base, dist, kind = m.groups()
            prefixes.add(f"{base}{dist}.")  # the metadata folder itself
            text = data[:200_000].decode("utf-8", "replace")
            if kind == "top_level.txt":
                tops = {t.strip() for t in text.splitlines() if t.strip()}
            else:
                tops = {line.split(",", 1)[0].split("/", 1)[0] for line in text.splitlines()
                        if "/" in line.split(",", 1)[0]}
            for top in tops:
                if top and not top.endswith((".dist-info", ".egg-info")) and top != "..":
                    prefixes.add(f"{base}{top.removesuffix('.py')}/")
                    prefixes.add(f"{base}{top.removesuffix('.py')}.py")
        return cls(prefixes)

    def is_vendored(self, path: str) -> bool:
        parts = path.split("!/")[-1].split("/")
        if any(p in VENDOR_DIRS for p in parts[:-1]):
            return True
        if any(p in KNOWN_SDKS for p in parts[:-1]):
            return True
        return any(path.startswith(p) or posixpath.join("python", path).startswith(p)
                   for p in self.prefixes)
