"""DuckDB rendering of every rule over fixture logs selects exactly what the Python engine matches.

Fixtures: every base event plus every inline-test record of every rule (positives and look-alikes),
plus the shared Stratus detonation logs when present. The table has the Athena CloudTrail layout
(JSON-string request/response columns, a useridentity struct). Rules with ``sql.exact: false`` use
predicates with no SQL form: there the SQL must equal the declarative part of the match, be a
superset of the full Python match, and the Python re-check narrows it to the exact set.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from lambdawatch.engine.bases import base_names, make_event
from lambdawatch.engine.matcher import compile_match
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.engine.sql import render
from tests.conftest import SHARED

RULES = RuleSet.load()
ISSUER = (
    "STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, username VARCHAR)"
)
IDENT = (
    f"STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, "
    f"invokedby VARCHAR, accesskeyid VARCHAR, username VARCHAR, "
    f"sessioncontext STRUCT(sessionissuer {ISSUER}))"
)
COLUMNS = [
    ("eventid", "VARCHAR"),
    ("eventtime", "VARCHAR"),
    ("eventsource", "VARCHAR"),
    ("eventname", "VARCHAR"),
    ("awsregion", "VARCHAR"),
    ("sourceipaddress", "VARCHAR"),
    ("useragent", "VARCHAR"),
    ("errorcode", "VARCHAR"),
    ("readonly", "VARCHAR"),
    ("recipientaccountid", "VARCHAR"),
    ("requestparameters", "VARCHAR"),
    ("responseelements", "VARCHAR"),
    ("additionaleventdata", "VARCHAR"),
    ("useridentity", IDENT),
]


def _fixtures() -> list[dict]:
    records = [make_event(b) for b in base_names()]
    for rule in RULES.rules:
        for case in rule.tests:
            records.append(make_event(case.base, case.patch, case.remove))
            records.extend(make_event(b.base, b.patch, b.remove) for b in case.before)
    folder = SHARED / "cloudtrail-samples" / "stratus-detonation-logs"
    if folder.exists():
        for f in sorted(folder.glob("*.json")):
            data = json.loads(f.read_text())
            records.extend(data if isinstance(data, list) else data.get("Records", []))
    for i, r in enumerate(records):
        r["eventID"] = f"fx-{i:05d}"
    return records


def _ident(r: dict) -> dict | None:
    u = r.get("userIdentity")
    if not isinstance(u, dict):
        return None
    issuer = (u.get("sessionContext") or {}).get("sessionIssuer") or {}
    return {
        "type": u.get("type"),
        "principalid": u.get("principalId"),
        "arn": u.get("arn"),
        "accountid": u.get("accountId"),
        "invokedby": u.get("invokedBy"),
        "accesskeyid": u.get("accessKeyId"),
        "username": u.get("userName"),
        "sessioncontext": {
            "sessionissuer": {
                "type": issuer.get("type"),
                "principalid": issuer.get("principalId"),
                "arn": issuer.get("arn"),
                "accountid": issuer.get("accountId"),
                "username": issuer.get("userName"),
            }
        },
    }


def _json(v: object) -> str | None:
    return None if v is None else json.dumps(v)


RECORDS = _fixtures()


@pytest.fixture(scope="module")
def db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE cloudtrail_logs (" + ", ".join(f"{n} {t}" for n, t in COLUMNS) + ")")
    rows = [
        (
            r["eventID"],
            r.get("eventTime"),
            r.get("eventSource"),
            r.get("eventName"),
            r.get("awsRegion"),
            r.get("sourceIPAddress"),
            r.get("userAgent"),
            r.get("errorCode"),
            None if r.get("readOnly") is None else str(r.get("readOnly")).lower(),
            r.get("recipientAccountId"),
            _json(r.get("requestParameters")),
            _json(r.get("responseElements")),
            _json(r.get("additionalEventData")),
            _ident(r),
        )
        for r in RECORDS
    ]
    con.executemany(
        "INSERT INTO cloudtrail_logs VALUES (" + ", ".join("?" * len(COLUMNS)) + ")", rows
    )
    return con


@pytest.mark.parametrize("rule_id", sorted(RULES.by_id))
def test_duckdb_matches_python(db: duckdb.DuckDBPyConnection, rule_id: str) -> None:
    compiled = RULES.by_id[rule_id]
    rule = compiled.rule
    sql = render(rule, "duckdb", pretty=False).replace("SELECT *", "SELECT eventid", 1)
    got = {row[0] for row in db.execute(sql).fetchall()}
    python = {r["eventID"] for r in RECORDS if compiled.matches(r)}
    assert python, f"{rule_id}: no fixture record matches; the parity test would prove nothing"
    if rule.sql.exact:
        assert got == python
    else:
        declarative = compile_match(rule.match.model_copy(update={"predicates": []}))
        assert got == {r["eventID"] for r in RECORDS if declarative(r)}
        assert got >= python  # superset; the Python re-check narrows it
        assert rule.sql.note


@pytest.mark.parametrize("dialect", ["athena", "trino", "spark", "cloudtrail-lake"])
def test_every_dialect_renders_and_reparses(dialect: str) -> None:
    import sqlglot

    from lambdawatch.engine.sql import DIALECTS

    for rule in RULES.rules:
        text = render(rule, dialect)
        sqlglot.parse_one(text.replace("$EDS_ID", "eds"), read=DIALECTS[dialect])
        assert "eventsource" in text.lower()
    lake = render(RULES.by_id["LW102"].rule, "cloudtrail-lake")
    assert "ELEMENT_AT(requestParameters, 'authType')" in lake
    athena = render(RULES.by_id["LW102"].rule, "athena")
    assert "JSON_EXTRACT_SCALAR(requestparameters, '$.authType')" in athena
