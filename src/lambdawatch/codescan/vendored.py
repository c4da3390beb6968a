"""Vendored third-party code, earned by packaging metadata, never granted by path alone.

A Python file is vendored when a ``*.dist-info/RECORD`` next to it lists it with the same
sha256 and size, the distribution folder is well formed (``name-version.dist-info``, and its
``METADATA`` ``Name`` agrees), and its top-level module does not shadow the standard library.
A JavaScript file is vendored when it sits in ``node_modules/<name>/`` (or ``@scope/name``)
whose ``package.json`` names that same package and the name is not a Node built-in module.
Everything else (no RECORD entry, a hash or size mismatch, extra top-level modules, ``.pth``
files, stdlib-named packages) is first-party code and is parsed and ranked as such.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import posixpath
import re
import sys
from collections.abc import Iterable

DIST_INFO = re.compile(r"^(.*?)(([A-Za-z0-9][A-Za-z0-9._]*)-[^/-]+\.dist-info)/RECORD$")
PKG_JSON = re.compile(r"^(.*?node_modules/)((?:@[^/]+/)?[^/@][^/]*)/package\.json$")
STDLIB = frozenset(sys.stdlib_module_names) - {"this", "antigravity"} | {
    "sitecustomize",
    "usercustomize",
}
NODE_BUILTINS = frozenset(
    {
        "assert",
        "buffer",
        "child_process",
        "cluster",
        "crypto",
        "dgram",
        "dns",
        "events",
        "fs",
        "http",
        "http2",
        "https",
        "inspector",
        "module",
        "net",
        "os",
        "path",
        "perf_hooks",
        "process",
        "querystring",
        "readline",
        "repl",
        "stream",
        "string_decoder",
        "timers",
        "tls",
        "tty",
        "url",
        "util",
        "v8",
        "vm",
        "worker_threads",
        "zlib",
    }
)
NAME_RE = re.compile(r"^Name:\s*(\S+)\s*$", re.MULTILINE)


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


class VendorIndex:
    """Which member paths are verified third-party files (``files``) or npm packages (``npm``)."""

    def __init__(self, files: set[str], npm: set[str] | None = None) -> None:
        self.files = files
        self.npm = npm or set()
        self.archives: set[str] = set()  # listed in a clean RECORD, read expanded
        self.rejected: dict[str, str] = {}  # path -> why vendored ranking was refused

    @classmethod
    def build(cls, members: Iterable[tuple[str, bytes]]) -> VendorIndex:
        data = dict(members)
        index = cls(set())
        for path, content in data.items():
            m = DIST_INFO.match(path)
            if m:
                index._record(m.group(1), m.group(2), m.group(3), content, data)
                continue
            p = PKG_JSON.match(path)
            if p and _npm_ok(p.group(2), content):
                index.npm.add(f"{p.group(1)}{p.group(2)}/")
        return index

    def _record(
        self, base: str, folder: str, dist: str, record: bytes, data: dict[str, bytes]
    ) -> None:
        meta = data.get(f"{base}{folder}/METADATA", b"")
        named = NAME_RE.search(meta[:20_000].decode("utf-8", "replace"))
        if named and _canon(named.group(1)) != _canon(dist):
            return
        listed: list[str] = []
        clean = True
        rows = csv.reader(record[:5_000_000].decode("utf-8", "replace").splitlines())
        for row in rows:
            if len(row) < 3 or not row[0]:
                continue
            rel, hashed, size = row[0], row[1], row[2]
            path = posixpath.normpath(base + rel)
            top = rel.split("/", 1)[0].removesuffix(".py")
            if rel.endswith(".pth") or rel == f"{folder}/RECORD":
                continue
            if top in STDLIB:
                self.rejected[path] = f"module '{top}' shadows the standard library"
                continue
            if path not in data:
                # Nested archives arrive expanded (``x.tar.gz!/member``): vouched for by the
                # listing of a distribution whose own files all verify.
                listed.append(path)
                continue
            blob = data[path]
            if (
                not hashed.startswith("sha256=")
                or hashed[7:] != _digest(blob)
                or (size and size != str(len(blob)))
            ):
                self.rejected[path] = f"content differs from {dist}'s RECORD"
                clean = False
                continue
            self.files.add(path)
        if clean:
            self.archives.update(listed)

    def is_vendored(self, path: str) -> bool:
        outer = path.split("!/", 1)[0]
        if outer in self.files or outer in self.archives:
            return True  # a member of an archive shipped by a verified distribution
        if path.endswith(".pth") or "!/" in path:
            return False
        return any(
            path.startswith(p) and "/node_modules/" not in path[len(p) - 1 :] for p in self.npm
        ) and path.endswith((".js", ".cjs", ".mjs", ".ts", ".json", ".md", ".map", ".txt", ".d.ts"))


def _npm_ok(name: str, package_json: bytes) -> bool:
    if name in NODE_BUILTINS:
        return False
    try:
        doc = json.loads(package_json[:1_000_000])
    except ValueError:
        return False
    return isinstance(doc, dict) and doc.get("name") == name
