#!/usr/bin/env python3
"""Baseline (b): the founding filter as a DuckDB ``read_json`` query over the .json.gz files.

    python bench/duckdb_founding.py DIR [--variant projected|auto] [--threads N] [--print-sql]

variant ``auto`` (default) lets DuckDB infer the record schema (``format='auto'``, sampling),
i.e. the obvious query; it is also the fastest form measured here (DuckDB 2.0.1).  Variant
``projected`` declares only the three fields the filter needs
(``columns={'Records': 'STRUCT(eventSource VARCHAR, eventName VARCHAR, errorCode VARCHAR)[]'}``);
surprisingly it runs about 3-4x slower (kept for comparison).
DuckDB uses its default thread count unless --threads is given.  Prints one JSON line with the
matched count.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

FOUNDING = (
    "CreateFunction",
    "UpdateFunctionCode",
    "UpdateFunctionConfiguration",
    "AddPermission",
    "CreateEventSourceMapping",
)


def build_sql(root: str, variant: str) -> str:
    # CloudTrail log files only: the digest files live under AWSLogs/<acct>/CloudTrail-Digest/
    glob = os.path.join(os.path.abspath(root), "AWSLogs", "*", "CloudTrail", "**", "*.json.gz")
    glob = glob.replace("'", "''")
    opts = "format='auto', compression='gzip', maximum_object_size=268435456"
    if variant == "projected":
        opts += (
            ", columns={'Records': "
            "'STRUCT(eventSource VARCHAR, eventName VARCHAR, errorCode VARCHAR)[]'}"
        )
    names = ", ".join(f"'{n}'" for n in FOUNDING)
    return f"""WITH recs AS (
  SELECT unnest(Records) AS r
  FROM read_json('{glob}', {opts})
)
SELECT count(*) AS matched
FROM recs
WHERE r.eventSource = 'lambda.amazonaws.com'
  AND regexp_replace(r.eventName, '\\d{{8}}(v\\d+)?$', '') IN ({names})
  AND (r.errorCode IS NULL OR r.errorCode = '')"""


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--variant", default="auto", choices=["auto", "projected"])
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--print-sql", action="store_true")
    a = ap.parse_args(argv)
    sql = build_sql(a.dir, a.variant)
    if a.print_sql:
        print(sql)
        return 0
    import duckdb

    con = duckdb.connect()
    if a.threads:
        con.execute(f"SET threads = {int(a.threads)}")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    matched = con.execute(sql).fetchone()[0]
    print(
        json.dumps(
            {
                "matched": matched,
                "variant": a.variant,
                "threads": threads,
                "duckdb": duckdb.__version__,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
