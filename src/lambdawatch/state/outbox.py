"""The notification outbox: rows written in the same transaction as the alert change they
announce, sent later by :mod:`lambdawatch.notify.sender`, one delivery per (alert, revision,
sink). Survives restarts: the schedule (``next_attempt_at``) lives in the row."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    alert_id: str
    revision: int
    sink: str
    kind: str  # alert.created | alert.updated | alert.superseded
    payload: bytes
    created_at: float
    attempts: int

    @property
    def key(self) -> str:
        """The idempotency key receivers dedup on (Standard Webhooks ``webhook-id``)."""
        return f"{self.alert_id}:{self.revision}"


def enqueue(
    db: sqlite3.Connection,
    alert_id: str,
    revision: int,
    sink: str,
    kind: str,
    payload: bytes,
    now: float,
) -> bool:
    cur = db.execute(
        "INSERT OR IGNORE INTO outbox (alert_id, revision, sink, kind, payload, "
        "created_at, next_attempt_at) VALUES (?,?,?,?,?,?,?)",
        (alert_id, revision, sink, kind, payload, now, now),
    )
    return cur.rowcount > 0


def due(db: sqlite3.Connection, now: float, limit: int = 100) -> list[Row]:
    rows = db.execute(
        "SELECT alert_id, revision, sink, kind, payload, created_at, attempts "
        "FROM outbox WHERE status='pending' AND next_attempt_at <= ? "
        "ORDER BY next_attempt_at, created_at, alert_id, revision LIMIT ?",
        (now, limit),
    ).fetchall()
    return [Row(r[0], r[1], r[2], r[3], bytes(r[4]), r[5], r[6]) for r in rows]


def next_due(db: sqlite3.Connection) -> float | None:
    row = db.execute("SELECT MIN(next_attempt_at) FROM outbox WHERE status='pending'").fetchone()
    return float(row[0]) if row and row[0] is not None else None


def _update(db: sqlite3.Connection, row: Row, sql: str, *params: object) -> None:
    db.execute(
        f"UPDATE outbox SET {sql} WHERE alert_id=? AND revision=? AND sink=?",
        (*params, row.alert_id, row.revision, row.sink),
    )


def sent(db: sqlite3.Connection, row: Row) -> None:
    _update(db, row, "status='sent', attempts=attempts+1, last_error=NULL")


def retry(db: sqlite3.Connection, row: Row, at: float, error: str) -> None:
    _update(db, row, "attempts=attempts+1, next_attempt_at=?, last_error=?", at, error[:500])


def dead(db: sqlite3.Connection, row: Row, error: str) -> None:
    _update(db, row, "status='dead', attempts=attempts+1, last_error=?", error[:500])


def backlog(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT COUNT(*) FROM outbox WHERE status='pending'").fetchone()[0])


def counts(db: sqlite3.Connection) -> dict[str, int]:
    return {
        str(s): int(n) for s, n in db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    }
