"""SQLite state: matched events keyed by eventID and the alerts already emitted.

One file, WAL, one transaction per hunt: killing a run at any moment leaves the previous state,
and rerunning emits no alert twice and loses none. Without ``--state`` the same store lives in a
temporary file, so batch and incremental runs share one code path and memory stays bounded.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
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
CREATE INDEX IF NOT EXISTS alerts_by_time ON alerts (first_seen, id);
"""


class Store:
    def __init__(self, path: str | None) -> None:
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        if path is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="lambdawatch-")
            path = os.path.join(self._tmpdir.name, "state.db")
        self.path = path
        try:
            self.db = sqlite3.connect(path, isolation_level=None)
            if self._tmpdir is None:  # the user's state: crash-safe
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            else:  # a scratch file deleted at the end of the run: no durability needed
                self.db.execute("PRAGMA journal_mode=MEMORY")
                self.db.execute("PRAGMA synchronous=OFF")
            self.db.execute("PRAGMA temp_store=MEMORY")
            self.db.execute("PRAGMA cache_size=-16384")  # 16 MiB
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
        if self._tmpdir is None:  # a scratch store holds only this run's events: no need
            self.db.executemany("INSERT OR IGNORE INTO run_events VALUES (?)",
                                [(m.event_id,) for m in batch])
        cur = self.db.executemany(
            "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?)",
            [(m.event_id, m.ts, m.account, m.region, m.function, ",".join(m.rules),
              m.raw, m.row) for m in batch],
        )
        return cur.rowcount

    def iter_events(self, *, run_only: bool = False) -> Iterator[Event]:
        """Stored events in event-time order (eventID breaks ties), normalized again."""
        sql = "SELECT e.raw, e.rules FROM events e"
        if run_only and self._tmpdir is None:
            sql += " JOIN run_events r ON r.event_id = e.event_id"
        sql += " ORDER BY e.ts, e.event_id"
        for raw, rules in self.db.execute(sql):
            event = normalize(orjson.loads(raw))
            event.rules = rules.split(",") if rules else []
            yield event

    def events_by_id(self, event_ids: list[str]) -> list[Event]:
        """The stored events with these ids, in the order given."""
        found: dict[str, Event] = {}
        for i in range(0, len(event_ids), 500):
            chunk = event_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for eid, raw, rules in self.db.execute(
                    f"SELECT event_id, raw, rules FROM events WHERE event_id IN ({marks})", chunk):
                event = normalize(orjson.loads(raw))
                event.rules = rules.split(",") if rules else []
                found[eid] = event
        return [found[e] for e in event_ids]

    # -- windows closed by the event stream, waiting to be finished once it has been read ------
    def begin_pending(self) -> None:
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY, "
                        "first_seen TEXT NOT NULL, body BLOB NOT NULL, event_ids BLOB NOT NULL)")
        self.db.execute("DELETE FROM pending")

    def add_pending(self, body: dict[str, Any]) -> None:
        self.db.execute("INSERT OR REPLACE INTO pending VALUES (?,?,?,?)",
                        (body["id"], body["first_seen"], orjson.dumps(body),
                         orjson.dumps(body["event_ids"])))

    def iter_pending(self) -> Iterator[tuple[dict[str, Any], list[str]]]:
        for body, ids in self.db.execute(
                "SELECT body, event_ids FROM pending ORDER BY first_seen, id").fetchall():
            yield orjson.loads(body), orjson.loads(ids)

    def iter_rows(self, *, run_only: bool = False) -> Iterator[tuple[dict[str, Any], float, str]]:
        """(projected output columns by rule, ts, eventID) of the stored events."""
        sql = "SELECT e.row, e.ts, e.event_id FROM events e"
        if run_only and self._tmpdir is None:
            sql += " JOIN run_events r ON r.event_id = e.event_id"
        sql += " WHERE e.row IS NOT NULL"
        for row, ts, event_id in self.db.execute(sql):
            yield orjson.loads(row), ts, event_id

    # -- alerts ---------------------------------------------------------------------------------
    # One run's alerts are reconciled one at a time (memory stays flat): ``record_alert`` stores
    # a new or changed alert and notes it in the run's table; ``supersede_missing`` marks what
    # this run no longer produces; ``run_alerts`` reads the run's alerts back in output order.
    def begin_alerts(self) -> None:
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS run_alerts "
                        "(id TEXT PRIMARY KEY, emitted INTEGER NOT NULL)")
        self.db.execute("DELETE FROM run_alerts")

    def record_alert(self, body: dict[str, Any], digest: str) -> str:
        """'new', 'updated' or 'same' (then nothing is written besides the run's note)."""
        row = self.db.execute("SELECT digest, superseded FROM alerts WHERE id=?",
                              (body["id"],)).fetchone()
        status = "new" if row is None else (
            "updated" if row[0] != digest or row[1] else "same")
        if status != "same":
            self.db.execute(
                "INSERT INTO alerts VALUES (?,?,?,?,?,?,?,0) ON CONFLICT(id) DO UPDATE SET "
                "digest=excluded.digest, body=excluded.body, superseded=0",
                (body["id"], body["account"], body["region"], body["function"],
                 body["first_seen"], digest, orjson.dumps(body)))
        self.db.execute("INSERT OR REPLACE INTO run_alerts VALUES (?,?)",
                        (body["id"], int(status != "same")))
        return status

    def supersede_missing(self) -> int:
        """Mark superseded every live alert this run did not produce; how many."""
        cur = self.db.execute("UPDATE alerts SET superseded=1 WHERE superseded=0 AND id NOT IN "
                              "(SELECT id FROM run_alerts)")
        return cur.rowcount

    def run_alerts(self, *, emitted_only: bool) -> Iterator[dict[str, Any]]:
        """This run's alerts (or only those new or changed), by first_seen then id."""
        sql = ("SELECT a.body FROM alerts a JOIN run_alerts r ON r.id = a.id"
               + (" WHERE r.emitted = 1" if emitted_only else "")
               + " ORDER BY a.first_seen, a.id")
        for (body,) in self.db.execute(sql):
            yield orjson.loads(body)

    def get_alert(self, alert_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT body FROM alerts WHERE id=?", (alert_id,)).fetchone()
        return orjson.loads(row[0]) if row else None
