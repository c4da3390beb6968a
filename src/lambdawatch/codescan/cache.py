"""Per-file scan results cached across runs in a small SQLite file, keyed by content hash.

A key covers everything a file's result depends on: the lambdawatch version, a fingerprint of
the scanner (every check's metadata and every source and data file of the ``lambdawatch``
package, so a new or changed check, pattern or data table invalidates the cache), the file's path inside the package, whether it is ranked
as vendored, whether it was parsed, and its bytes. A hit returns the findings and errors judged
before without reading the file again. Package-level findings (limits, symlinks) are never
cached: they come from the reader on every run.

The cache is an accelerator, never a source of truth: a cache that cannot be opened, read or
written is reported once and the scan goes on without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lambdawatch import __version__
from lambdawatch.codescan.model import CATALOGUE, Finding, Severity

SCHEMA = 1
SOURCE_SUFFIXES = frozenset({".py", ".yml", ".yaml", ".json", ".toml"})
MAX_ROWS = 500_000  # pruned (least recently used first) past this many entries


def default_path() -> Path:
    """``$XDG_CACHE_HOME/lambdawatch/scan.sqlite`` (``~/.cache/...`` without the variable)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lambdawatch" / "scan.sqlite"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Version + every check's metadata + the source and data files of the package."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}\0{SCHEMA}\0".encode())
    for code in sorted(CATALOGUE):
        m = CATALOGUE[code]
        h.update(f"{m.code}|{m.slug}|{m.kind}|{m.severity}|{m.confidence}\0".encode())
    package = Path(__file__).parents[1]  # the whole lambdawatch package: checks import its
    for src in sorted(package.rglob("*")):  # secrets, severity and data tables (exfil hosts)
        if src.suffix in SOURCE_SUFFIXES and "__pycache__" not in src.parts and src.is_file():
            h.update(src.relative_to(package).as_posix().encode() + b"\0" + src.read_bytes())
    return h.hexdigest()


def file_key(path: str, data: bytes, vendored: bool, parse: bool) -> str:
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{fingerprint()}\0{path}\0{int(vendored)}{int(parse)}\0".encode())
    h.update(data)
    return h.hexdigest()


@dataclass
class ScanCache:
    """Open with :meth:`open`; ``get`` before scanning a file, ``put`` after, ``close`` once."""

    path: Path
    conn: sqlite3.Connection | None
    pending: list[tuple[str, str, float]] = field(default_factory=list)
    hits: int = 0
    misses: int = 0
    problem: str | None = None

    @classmethod
    def open(cls, path: str | Path | None = None) -> ScanCache:
        where = Path(path) if path else default_path()
        try:
            where.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(where, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
            conn = sqlite3.connect(where, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, "
                "value TEXT NOT NULL, used REAL NOT NULL)"
            )
            conn.execute("SELECT count(*) FROM results WHERE key = ''").fetchone()
        except (OSError, sqlite3.Error) as exc:
            return cls(
                where, None, problem=f"scan cache {where} unusable ({exc}): scanning without it"
            )
        return cls(where, conn)

    def get(self, key: str) -> tuple[list[Finding], list[str]] | None:
        if self.conn is None:
            return None
        try:
            row = self.conn.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._broken(exc)
            return None
        if row is None:
            self.misses += 1
            return None
        try:
            doc = json.loads(row[0])
            found = [
                Finding(
                    f["kind"],
                    f["code"],
                    Severity.parse(f["severity"]),
                    f["file"],
                    int(f["line"]),
                    f["message"],
                    f["evidence"],
                )
                for f in doc["f"]
            ]
            errors = [str(e) for e in doc["e"]]
        except (ValueError, KeyError, TypeError):
            self.misses += 1
            return None  # a damaged entry is a miss; put() overwrites it
        self.hits += 1
        self.pending.append((key, row[0], time.time()))  # refresh its last use
        return found, errors

    def put(self, key: str, findings: list[Finding], errors: list[str]) -> None:
        if self.conn is not None:
            value = json.dumps({"f": [f.to_dict() for f in findings], "e": errors})
            self.pending.append((key, value, time.time()))

    def close(self) -> None:
        """Write the batch in one transaction, prune the least recently used, close."""
        if self.conn is None:
            return
        try:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                self.conn.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?)", self.pending
                )
                (rows,) = self.conn.execute("SELECT count(*) FROM results").fetchone()
                if rows > MAX_ROWS:
                    self.conn.execute(
                        "DELETE FROM results WHERE key IN (SELECT key FROM results "
                        "ORDER BY used LIMIT ?)",
                        (rows - MAX_ROWS,),
                    )
        except sqlite3.Error as exc:
            self._broken(exc)
        finally:
            self.pending.clear()
            if self.conn is not None:
                self.conn.close()
                self.conn = None

    def _broken(self, exc: Exception) -> None:
        self.problem = f"scan cache {self.path} failed ({exc}): results not cached"
        if self.conn is not None:
            self.conn.close()
            self.conn = None
