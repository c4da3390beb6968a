"""SQLite state: matched events keyed by eventID and the alerts already emitted.

One file, WAL, one transaction per hunt: killing a run at any moment leaves the previous state,
and rerunning emits no alert twice and loses none. Without ``--state`` the same store lives in a
temporary file, so batch and incremental runs share one code path and memory stays bounded.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from lambdawatch.errors import StateError
from lambdawatch.ingest.decode import Matched
from lambdawatch.ingest.normalize import Event, normalize

SCHEMA_VERSION = "2"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    ts REAL NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    function TEXT,
    rules TEXT NOT NULL,
    raw BLOB NOT NULL,
    row BLOB
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (ts, event_id);
CREATE TABLE IF NOT EXISTS alerts (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    function TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    digest TEXT NOT NULL,
    body BLOB NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True, slots=True)
class StoredAlert:
    id: str
    digest: str
    body: dict[str, Any]
    superseded: bool


class Store:
    def __init__(self, path: str | None) -> None:
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        if path is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="lambdawatch-")
            path = os.path.join(self._tmpdir.name, "state.db")
        self.path = path
        try:
            self.db = sqlite3.connect(path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA temp_store=MEMORY")
            self.db.execute("PRAGMA cache_size=-65536")  # 64 MiB: no spills inside the run's transaction
            self.db.executescript(_SCHEMA)
            self.db.execute("CREATE TEMP TABLE run_events (event_id TEXT PRIMARY KEY)")
        except sqlite3.DatabaseError as exc:
            raise StateError(f"cannot open state database ({exc})", where=path) from None
        row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif row[0] != SCHEMA_VERSION:
            raise StateError(f"state schema {row[0]} is not {SCHEMA_VERSION}; use a new file",
                             where=path)

    # -- transactions ---------------------------------------------------------------------------
    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def close(self) -> None:
        self.rollback()
        self.db.close()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()

    # -- events ---------------------------------------------------------------------------------
    def add_events(self, batch: list[Matched]) -> int:
        """Store a batch; returns how many were new (the rest were duplicate deliveries)."""
        if not batch:
            return 0
        self.db.executemany("INSERT OR IGNORE INTO run_events VALUES (?)",
                            [(m.event_id,) for m in batch])
        cur = self.db.executemany(
            "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?)",
            [(m.event_id, m.ts, m.account, m.region, m.function, ",".join(m.rules), m.raw, m.row)
             for m in batch],
        )
        return cur.rowcount

    def iter_events(self, *, run_only: bool = False) -> Iterator[Event]:
        """Stored events in event-time order (eventID breaks ties), normalized again."""
        sql = "SELECT e.raw, e.rules FROM events e"
        if run_only:
            sql += " JOIN run_events r ON r.event_id = e.event_id"
        sql += " ORDER BY e.ts, e.event_id"
        for raw, rules in self.db.execute(sql):
            event = normalize(orjson.loads(raw))
            event.rules = rules.split(",") if rules else []
            yield event

    def iter_rows(self, *, run_only: bool = False) -> Iterator[tuple[dict[str, Any], str]]:
        """(projected output columns by rule, eventTime ISO) in event-time order."""
        sql = "SELECT e.row, e.ts FROM events e"
        if run_only:
            sql += " JOIN run_events r ON r.event_id = e.event_id"
        sql += " WHERE e.row IS NOT NULL ORDER BY e.ts, e.event_id"
        for row, ts in self.db.execute(sql):
            yield orjson.loads(row), datetime.fromtimestamp(ts, timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ")

    def count_events(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM events").fetchone()[0])

    # -- alerts ---------------------------------------------------------------------------------
    def stored_alerts(self) -> dict[str, StoredAlert]:
        return {
            row[0]: StoredAlert(row[0], row[1], orjson.loads(row[2]), bool(row[3]))
            for row in self.db.execute("SELECT id, digest, body, superseded FROM alerts")
        }

    def put_alerts(self, items: list[tuple[dict[str, Any], str]]) -> None:
        """Insert or update alerts (body, digest)."""
        self.db.executemany(
            "INSERT INTO alerts VALUES (?,?,?,?,?,?,?,0) ON CONFLICT(id) DO UPDATE SET "
            "digest=excluded.digest, body=excluded.body, superseded=0",
            [(b["id"], b["account"], b["region"], b["function"], b["first_seen"], d, orjson.dumps(b))
             for b, d in items],
        )

    def supersede(self, alert_id: str) -> None:
        self.db.execute("UPDATE alerts SET superseded=1 WHERE id=?", (alert_id,))

    def get_alert(self, alert_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT body FROM alerts WHERE id=?", (alert_id,)).fetchone()
        return orjson.loads(row[0]) if row else None
