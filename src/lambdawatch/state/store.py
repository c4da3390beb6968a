"""SQLite state: matched events keyed by eventID, the saved stream state, and the alerts.

One file, WAL, one transaction per run: killing a run at any moment leaves the previous state,
and rerunning emits no alert twice and loses none. One writer at a time (a second run waits up
to ``lock_timeout`` seconds, then stops with "state in use"); readers (``explain``, ``report``)
keep working. The file is created 0600 and checked at open. Without ``--state`` the same store
lives in a temporary file, so batch and incremental runs share one code path.

Incremental runs: each run saves a checkpoint, the stream state at its watermark (the last
record it saw). The next run starts from the newest checkpoint older than its oldest new
record and replays only the stored events after it (normally: only its own records).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from lambdawatch.errors import StateError
from lambdawatch.ingest.decode import Matched
from lambdawatch.ingest.normalize import Event, normalize
from lambdawatch.sealed import seal_variables
from lambdawatch.secrets import scan_variable

Mark = tuple[float, str]
SCHEMA_VERSION = "3"
KEEP_CHECKPOINTS = 48
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
CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    version TEXT NOT NULL,
    done_at REAL NOT NULL,
    PRIMARY KEY (bucket, key, version)
);
CREATE TABLE IF NOT EXISTS outbox (
    alert_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    sink TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload BLOB NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    last_error TEXT,
    PRIMARY KEY (alert_id, revision, sink)
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
"""
# Added by schema 3 (a schema-2 file is upgraded in place; its first run replays everything).
_SCHEMA_3 = """
CREATE TABLE IF NOT EXISTS checkpoints (
    ts REAL NOT NULL,
    event_id TEXT NOT NULL,
    state BLOB NOT NULL,
    open_ids BLOB NOT NULL,
    PRIMARY KEY (ts, event_id)
);
CREATE INDEX IF NOT EXISTS alerts_by_function ON alerts (account, function);
"""
_ALERT_COLUMNS_3 = (
    ("built", "BLOB"),
    ("first_ts", "REAL"),
    ("first_eid", "TEXT"),
    ("revision", "INTEGER NOT NULL DEFAULT 0"),
)


def _pack(data: bytes) -> bytes:
    """Stored JSON is deflated (alert bodies repeat their playbook; records their shapes)."""
    return zlib.compress(data, 1)


def _unpack(data: bytes) -> bytes:
    return data if data[:1] in (b"{", b"[") else zlib.decompress(data)  # schema 2: plain


def _sealed(raw: bytes) -> bytes:
    """The record with the secret values of its environment variables sealed (CloudTrail
    redacts them; a record that holds some must not put them in the state file)."""
    if b'"variables"' not in raw:
        return raw
    record = orjson.loads(raw)
    changed = False
    for part in ("requestParameters", "responseElements"):
        section = record.get(part)
        env = section.get("environment") if isinstance(section, dict) else None
        variables = env.get("variables") if isinstance(env, dict) else None
        if isinstance(variables, dict):
            changed |= seal_variables(variables, scan_variable)
    return orjson.dumps(record) if changed else raw


def _create_private(path: str) -> None:
    """Create the state file 0600 (it holds CloudTrail records) unless it exists."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StateError(f"cannot create the state file ({exc.strerror})", where=path) from None
    os.close(fd)


class Store:
    def __init__(
        self, path: str | None, *, lock_timeout: float = 30.0, readonly: bool = False
    ) -> None:
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self.commits = 0  # runs committed through this connection
        if readonly:  # explain, report, respond: never wait for or block a writer
            if path is None or not os.path.exists(path):
                raise StateError("no such state file", where=str(path))
            self.path, self.lock_timeout = path, lock_timeout
            try:
                self.db = sqlite3.connect(
                    f"file:{path}?mode=ro", uri=True, isolation_level=None, timeout=lock_timeout
                )
                self._check()
                row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            except sqlite3.DatabaseError as exc:
                raise self._damaged(str(exc)) from None
            if row is None or row[0] not in ("2", SCHEMA_VERSION):
                raise StateError("not a lambdawatch state file of a known schema", where=path)
            return
        if path is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="lambdawatch-")
            path = os.path.join(self._tmpdir.name, "state.db")
        else:
            _create_private(path)
        self.path = path
        self.lock_timeout = lock_timeout
        try:
            self.db = sqlite3.connect(path, isolation_level=None, timeout=lock_timeout)
            if self._tmpdir is None:  # the user's state: crash-safe, checked
                self._check()
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            else:  # a scratch file deleted at the end of the run: no durability needed
                self.db.execute("PRAGMA journal_mode=MEMORY")
                self.db.execute("PRAGMA synchronous=OFF")
            self.db.execute("PRAGMA temp_store=MEMORY")
            self.db.execute("PRAGMA cache_size=-16384")  # 16 MiB
            self._migrate()
            self.db.execute("CREATE TEMP TABLE run_events (event_id TEXT PRIMARY KEY)")
            self.db.execute(
                "CREATE TEMP TABLE new_events (ts REAL NOT NULL, event_id TEXT "
                "NOT NULL, PRIMARY KEY (ts, event_id))"
            )
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise self._in_use() from None
            raise StateError(f"cannot open state database ({exc})", where=path) from None
        except sqlite3.DatabaseError as exc:
            raise self._damaged(str(exc)) from None

    @property
    def persistent(self) -> bool:
        return self._tmpdir is None

    def _pack(self, data: bytes) -> bytes:
        """Deflated in a kept state; a scratch store lives for one run: no need."""
        return _pack(data) if self._tmpdir is None else bytes(data)

    def _damaged(self, detail: str) -> StateError:
        return StateError(
            f"the state file is damaged ({detail}); move it aside and rerun over "
            "the logs to rebuild it, or restore a backup",
            where=self.path,
        )

    def _in_use(self) -> StateError:
        return StateError(
            f"state in use by another lambdawatch run (waited {self.lock_timeout:g}"
            " s); wait for it to finish or raise --lock-timeout",
            where=self.path,
        )

    def _check(self) -> None:
        rows = self.db.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            raise self._damaged("; ".join(str(r[0]) for r in rows[:3]))

    def _migrate(self) -> None:
        self.db.executescript(_SCHEMA)
        row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is not None and row[0] not in ("2", SCHEMA_VERSION):
            raise StateError(
                f"state schema {row[0]} is not {SCHEMA_VERSION}; use a new file", where=self.path
            )
        if row is None or row[0] == "2":
            have = {r[1] for r in self.db.execute("PRAGMA table_info(alerts)")}
            for name, decl in _ALERT_COLUMNS_3:
                if name not in have:
                    self.db.execute(f"ALTER TABLE alerts ADD COLUMN {name} {decl}")
            self.db.executescript(_SCHEMA_3)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            self.db.execute("DELETE FROM checkpoints")  # a schema-2 state replays once

    # -- transactions ---------------------------------------------------------------------------
    def begin(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise self._in_use() from None
            raise

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.commits += 1

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def end_run(self) -> None:
        """Forget this run's notes (a store kept open across runs, as ``watch`` keeps it)."""
        self.rollback()
        for table in ("run_events", "new_events"):
            self.db.execute(f"DELETE FROM {table}")

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
            self.db.executemany(
                "INSERT OR IGNORE INTO run_events VALUES (?)", [(m.event_id,) for m in batch]
            )
            ids = [m.event_id for m in batch]
            known: set[str] = set()
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                known.update(
                    r[0]
                    for r in self.db.execute(
                        f"SELECT event_id FROM events WHERE event_id IN ({marks})", chunk
                    )
                )
            fresh = [m for m in batch if m.event_id not in known]
            if fresh:
                self.db.executemany(
                    "INSERT OR IGNORE INTO new_events VALUES (?, ?)",
                    [(m.ts, m.event_id) for m in fresh],
                )
            batch = fresh
        cur = self.db.executemany(
            "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    m.event_id,
                    m.ts,
                    m.account,
                    m.region,
                    m.function,
                    ",".join(m.rules),
                    self._pack(_sealed(m.raw)),
                    m.row,
                )
                for m in batch
            ],
        )
        return cur.rowcount

    def first_new_event(self) -> Mark | None:
        """(time, eventID) of the oldest event this run stored, or None when it stored none."""
        table = "new_events" if self._tmpdir is None else "events"
        row = self.db.execute(
            f"SELECT ts, event_id FROM {table} ORDER BY ts, event_id LIMIT 1"
        ).fetchone()
        return (float(row[0]), str(row[1])) if row else None

    def last_event(self) -> Mark | None:
        """(time, eventID) of the newest stored event."""
        row = self.db.execute(
            "SELECT ts, event_id FROM events ORDER BY ts DESC, event_id DESC LIMIT 1"
        ).fetchone()
        return (float(row[0]), str(row[1])) if row else None

    @staticmethod
    def _event(raw: bytes, rules: str) -> Event:
        event = normalize(orjson.loads(_unpack(raw)))
        event.rules = rules.split(",") if rules else []
        return event

    def iter_events(self, *, after: Mark | None = None) -> Iterator[Event]:
        """Stored events after ``after`` in event-time order (eventID breaks ties)."""
        if after is None:
            cur = self.db.execute("SELECT raw, rules FROM events ORDER BY ts, event_id")
        else:
            cur = self.db.execute(
                "SELECT raw, rules FROM events WHERE (ts, event_id) > (?, ?) ORDER BY ts, event_id",
                after,
            )
        while batch := cur.fetchmany(512):
            for raw, rules in batch:
                yield self._event(raw, rules)

    def events_by_id(self, event_ids: list[str]) -> list[Event]:
        """The stored events with these ids, in the order given."""
        found: dict[str, Event] = {}
        for i in range(0, len(event_ids), 500):
            chunk = event_ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for eid, raw, rules in self.db.execute(
                f"SELECT event_id, raw, rules FROM events WHERE event_id IN ({marks})", chunk
            ):
                found[eid] = self._event(raw, rules)
        return [found[e] for e in event_ids if e in found]

    def iter_rows(self, *, run_only: bool = False) -> Iterator[tuple[dict[str, Any], float, str]]:
        """(projected output columns by rule, ts, eventID) of the stored events."""
        sql = "SELECT e.row, e.ts, e.event_id FROM events e"
        if run_only and self._tmpdir is None:
            sql += " JOIN run_events r ON r.event_id = e.event_id"
        sql += " WHERE e.row IS NOT NULL"
        for row, ts, event_id in self.db.execute(sql):
            yield orjson.loads(row), ts, event_id

    # -- objects read from a queue's notifications (bucket, key, version): each read once ------
    def object_done(self, bucket: str, key: str, version: str) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM objects WHERE bucket=? AND key=? AND version=?",
                (bucket, key, version),
            ).fetchone()
            is not None
        )

    def mark_object(self, bucket: str, key: str, version: str, when: float) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO objects VALUES (?,?,?,?)", (bucket, key, version, when)
        )

    def revision(self, alert_id: str) -> int:
        row = self.db.execute("SELECT revision FROM alerts WHERE id=?", (alert_id,)).fetchone()
        return int(row[0]) if row else 0

    # -- checkpoints of the stream state --------------------------------------------------------
    def checkpoint_before(self, mark: Mark) -> tuple[Mark, bytes, list[str]] | None:
        """The newest saved stream state whose watermark is before ``mark``."""
        row = self.db.execute(
            "SELECT ts, event_id, state, open_ids FROM checkpoints WHERE (ts, event_id) < (?, ?) "
            "ORDER BY ts DESC, event_id DESC LIMIT 1",
            mark,
        ).fetchone()
        if row is None:
            return None
        return (float(row[0]), str(row[1])), _unpack(bytes(row[2])), list(orjson.loads(row[3]))

    def drop_checkpoints_from(self, mark: Mark) -> None:
        """Checkpoints at or after ``mark`` no longer describe the stream (a late record)."""
        self.db.execute("DELETE FROM checkpoints WHERE (ts, event_id) >= (?, ?)", mark)

    def save_checkpoint(self, mark: Mark, state: bytes, open_ids: Iterable[str]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO checkpoints VALUES (?,?,?,?)",
            (mark[0], mark[1], self._pack(state), orjson.dumps(sorted(open_ids))),
        )
        self.db.execute(
            "DELETE FROM checkpoints WHERE (ts, event_id) NOT IN (SELECT ts, event_id "
            "FROM checkpoints ORDER BY ts DESC, event_id DESC LIMIT ?)",
            (KEEP_CHECKPOINTS,),
        )

    # -- windows closed by the event stream, waiting to be finished once it has been read ------
    def begin_pending(self) -> None:
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY, "
            "first_seen TEXT NOT NULL, body BLOB NOT NULL)"
        )
        self.db.execute("DELETE FROM pending")

    def add_pending(self, body: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO pending VALUES (?,?,?)",
            (body["id"], body["first_seen"], orjson.dumps(body)),
        )

    def iter_pending(self) -> Iterator[dict[str, Any]]:
        for (body,) in self.db.execute(
            "SELECT body FROM pending ORDER BY first_seen, id"
        ).fetchall():
            yield orjson.loads(body)

    # -- alerts ---------------------------------------------------------------------------------
    # One run's alerts are reconciled one at a time (memory stays flat): ``record_alert`` stores
    # a new or changed alert and notes it in the run's table; ``supersede_in_scope`` marks what
    # this run re-evaluated and no longer produces; ``run_alerts`` reads them back in order.
    def begin_alerts(self) -> None:
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS run_alerts (id TEXT PRIMARY KEY, status TEXT NOT NULL)"
        )
        self.db.execute("DELETE FROM run_alerts")

    def record_alert(
        self, body: dict[str, Any], built: dict[str, Any], digest: str, first: Mark
    ) -> str:
        """'new', 'updated' or 'same' (then nothing is written besides the run's note)."""
        row = self.db.execute(
            "SELECT digest, superseded FROM alerts WHERE id=?", (body["id"],)
        ).fetchone()
        status = "new" if row is None else ("updated" if row[0] != digest or row[1] else "same")
        if status != "same":
            self.db.execute(
                "INSERT INTO alerts (id, account, region, function, first_seen, digest, body, "
                "superseded, built, first_ts, first_eid, revision) "
                "VALUES (?,?,?,?,?,?,?,0,?,?,?,1) ON CONFLICT(id) DO UPDATE SET "
                "digest=excluded.digest, body=excluded.body, superseded=0, built=excluded.built, "
                "revision=alerts.revision+1",
                (
                    body["id"],
                    body["account"],
                    body["region"],
                    body["function"],
                    body["first_seen"],
                    digest,
                    self._pack(orjson.dumps(body)),
                    self._pack(orjson.dumps(built)) if self.persistent else None,
                    first[0],
                    first[1],
                ),
            )
        self.db.execute("INSERT OR REPLACE INTO run_alerts VALUES (?,?)", (body["id"], status))
        return status

    def keep_alert(self, alert_id: str) -> None:
        """Note an alert this run re-evaluated and left as it was (never withdrawn by it)."""
        self.db.execute("INSERT OR IGNORE INTO run_alerts VALUES (?, 'kept')", (alert_id,))

    def produced(self, alert_id: str) -> bool:
        """Whether this run has already finished this alert (a kept one was not)."""
        return (
            self.db.execute(
                "SELECT 1 FROM run_alerts WHERE id=? AND status != 'kept'", (alert_id,)
            ).fetchone()
            is not None
        )

    def built_alerts_of(self, account: str, function: str) -> Iterator[dict[str, Any]]:
        """The assembled (unfinished) form of the live alerts of one function."""
        for (built,) in self.db.execute(
            "SELECT built FROM alerts WHERE account=? AND function=? AND superseded=0 "
            "AND built IS NOT NULL ORDER BY first_seen, id",
            (account, function),
        ).fetchall():
            yield orjson.loads(_unpack(built))

    def supersede_in_scope(self, after: Mark | None, open_ids: Iterable[str]) -> int:
        """Mark superseded the live alerts this run re-evaluated (opened after ``after``, or
        open at that point) and did not produce; how many."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS scope_open (id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM scope_open")
        self.db.executemany("INSERT OR IGNORE INTO scope_open VALUES (?)", [(i,) for i in open_ids])
        where = (
            "superseded=0 AND id NOT IN (SELECT id FROM run_alerts) AND (first_ts IS NULL "
            "OR id IN (SELECT id FROM scope_open)"
        )
        params: tuple[Any, ...] = ()
        if after is None:
            where += " OR 1)"
        else:
            where += " OR (first_ts, first_eid) > (?, ?))"
            params = after
        ids = [r[0] for r in self.db.execute(f"SELECT id FROM alerts WHERE {where}", params)]
        for alert_id in ids:
            self.db.execute(
                "UPDATE alerts SET superseded=1, revision=revision+1 WHERE id=?", (alert_id,)
            )
            self.db.execute(
                "INSERT OR REPLACE INTO run_alerts VALUES (?, 'superseded')", (alert_id,)
            )
        return len(ids)

    @staticmethod
    def _body(body: bytes, superseded: int) -> dict[str, Any]:
        alert: dict[str, Any] = orjson.loads(_unpack(body))
        if superseded:
            alert["superseded"] = True
        return alert

    def run_alerts(self, *, emitted_only: bool) -> Iterator[dict[str, Any]]:
        """This run's alerts (or only those new, changed or superseded), by first_seen then id;
        a superseded alert carries ``"superseded": true``."""
        sql = (
            "SELECT a.body, a.superseded FROM alerts a JOIN run_alerts r ON r.id = a.id"
            + (" WHERE r.status NOT IN ('same', 'kept')" if emitted_only else "")
            + " ORDER BY a.first_seen, a.id"
        )
        for body, superseded in self.db.execute(sql):
            yield self._body(body, superseded)

    def run_changes(self) -> Iterator[tuple[str, int, dict[str, Any]]]:
        """(status, revision, alert) of this run's new, updated and superseded alerts."""
        sql = (
            "SELECT r.status, a.revision, a.body, a.superseded FROM alerts a JOIN run_alerts r "
            "ON r.id = a.id WHERE r.status NOT IN ('same', 'kept') "
            "ORDER BY a.first_seen, a.id"
        )
        for status, revision, body, superseded in self.db.execute(sql).fetchall():
            yield str(status), int(revision), self._body(body, superseded)

    def iter_alerts(self, *, include_superseded: bool = False) -> Iterator[dict[str, Any]]:
        """Every alert of the state, by first_seen then id."""
        sql = "SELECT body, superseded FROM alerts"
        if not include_superseded:
            sql += " WHERE superseded=0"
        for body, superseded in self.db.execute(sql + " ORDER BY first_seen, id"):
            yield self._body(body, superseded)

    def get_alert(self, alert_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT body, superseded FROM alerts WHERE id=?", (alert_id,)
        ).fetchone()
        return self._body(row[0], row[1]) if row else None
