"""``--state DB``: audit runs and their results in the SQLite file ``hunt`` and ``explain`` use,
in tables of their own (``audit_runs``, ``audit_results``), one transaction per run."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import orjson

from lambdawatch.errors import StateError

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_runs (
  run_id TEXT PRIMARY KEY, audited_at TEXT NOT NULL, account TEXT NOT NULL,
  regions TEXT NOT NULL, calls INTEGER NOT NULL, seconds REAL NOT NULL, gaps TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_results (
  run_id TEXT NOT NULL REFERENCES audit_runs(run_id), id TEXT NOT NULL,
  account TEXT NOT NULL, region TEXT NOT NULL, function TEXT NOT NULL, qualifier TEXT,
  severity TEXT NOT NULL, risk INTEGER NOT NULL, result TEXT NOT NULL,
  PRIMARY KEY (run_id, id));
CREATE INDEX IF NOT EXISTS audit_results_function ON audit_results(account, region, function);
"""


def _connect(path: str | Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(str(path), timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
    except sqlite3.Error as exc:
        raise StateError(
            f"cannot open the state for audit results ({exc})", where=str(path)
        ) from None
    return conn


def record(
    path: str | Path,
    run_id: str,
    audited_at: str,
    account: str,
    regions: list[str],
    calls: int,
    seconds: float,
    gaps: list[dict[str, Any]],
    results: list[dict[str, Any]],
) -> None:
    conn = _connect(path)
    try:
        with conn:
            conn.execute(
                "INSERT OR REPLACE INTO audit_runs VALUES (?,?,?,?,?,?,?)",
                (
                    run_id,
                    audited_at,
                    account,
                    orjson.dumps(regions).decode(),
                    calls,
                    seconds,
                    orjson.dumps(gaps).decode(),
                ),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO audit_results VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        run_id,
                        r["id"],
                        r["account"],
                        r["region"],
                        r["function"],
                        r["qualifier"],
                        r["severity"],
                        r["risk"],
                        orjson.dumps(r).decode(),
                    )
                    for r in results
                ],
            )
    finally:
        conn.close()


def latest(path: str | Path, account: str, region: str, function: str) -> list[dict[str, Any]]:
    """The results of the newest audit run that judged this function (every qualifier)."""
    conn = _connect(path)
    try:
        rows = conn.execute(
            "SELECT r.result FROM audit_results r JOIN audit_runs u USING (run_id) "
            "WHERE r.account=? AND r.region=? AND r.function=? AND u.audited_at = ("
            " SELECT MAX(u2.audited_at) FROM audit_results r2 JOIN audit_runs u2 USING (run_id)"
            " WHERE r2.account=r.account AND r2.region=r.region AND r2.function=r.function)"
            " ORDER BY r.qualifier IS NOT NULL, r.qualifier",
            (account, region, function),
        ).fetchall()
    finally:
        conn.close()
    return [orjson.loads(row[0]) for row in rows]
