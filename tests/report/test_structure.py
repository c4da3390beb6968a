"""Golden structure of the report over the bundled examples, the CLI contract, masking, charts."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from lambdawatch.report import charts, render_report
from lambdawatch.report.masking import mask_tree
from lambdawatch.report.render import CSP
from lambdawatch.report.view import trigger_labels
from tests.conftest import EXAMPLES, run_cli

TYRPO_ALERT = "lw-e6163efc245161cf438d"


class Outline(HTMLParser):
    """Per alert section: its h3 headings, timeline eventIDs and trigger classes."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, dict[str, Any]] = {}
        self.current: dict[str, Any] | None = None
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._text: list[str] | None = None
        self._td: list[str] = []
        self._in_timeline = False
        self._row: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "section" and a.get("class") == "alert":
            self.current = self.sections.setdefault(
                str(a["id"]), {"h3": [], "event_ids": [], "risky_nodes": 0, "nodes": 0}
            )
        elif self.current is not None:
            if tag == "h3":
                self._text = []
            elif tag == "table":
                self._in_timeline = a.get("class") == "timeline"
            elif tag == "tr":
                self._row = []
            elif tag == "td" and self._in_timeline:
                self._text = []
            elif tag == "circle" and a.get("class") in ("node", "node-risky"):
                self.current["nodes"] += 1
                self.current["risky_nodes"] += a.get("class") == "node-risky"

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self.current is None:
            return
        if tag == "h3" and self._text is not None:
            self.current["h3"].append("".join(self._text).strip())
            self._text = None
        elif tag == "td" and self._text is not None:
            self._row.append("".join(self._text).strip())
            self._text = None
        elif tag == "tr" and self._in_timeline and len(self._row) == 6:
            self.current["event_ids"].append(self._row[5])
        elif tag == "section":
            self.current = None


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("report")
    state = tmp / "state.db"
    hunted = run_cli(
        "hunt", str(EXAMPLES), "--state", str(state), "--format", "jsonl", "--workers", "1"
    )
    assert hunted.exit_code == 0, hunted.stderr
    alerts = [json.loads(line) for line in hunted.stdout.splitlines() if line.strip()]
    out = tmp / "case.html"
    result = run_cli("report", "--state", str(state), "--all", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == f"report: 4 alert(s) written to {out}"
    return out.read_text(), alerts


def test_examples_report_structure(example_report: tuple[str, list[dict[str, Any]]]) -> None:
    html, alerts = example_report
    outline = Outline()
    outline.feed(html)
    by_risk = sorted(alerts, key=lambda a: (-a["risk"], a["id"]))
    assert list(outline.sections) == [a["id"] for a in by_risk]
    for alert in alerts:
        sec = outline.sections[alert["id"]]
        assert sec["h3"] == [
            "Risk and why",
            "Timeline",
            f"Findings ({len(alert['findings'])})",
            "Change history",
            "Triggers",
            "ATT&CK",
            "Playbook",
        ]
        assert sorted(sec["event_ids"]) == sorted(alert["event_ids"])
        assert sec["nodes"] == len(trigger_labels(alert))
    # the typosquat: a URL with auth NONE and a permission to * are the risky triggers, the
    # every-minute schedule its changes added is drawn too
    typo = next(a for a in alerts if a["id"] == TYRPO_ALERT)
    assert trigger_labels(typo) == [
        "permission: * may lambda:InvokeFunctionUrl",
        "function URL (auth NONE): https://x7kq2m4vbn5pl3rt.lambda-url.us-east-1.on.aws/",
        "eventbridge-rule:maintenance-tick rate(1 minute)",
    ]
    assert outline.sections[TYRPO_ALERT]["risky_nodes"] == 2
    assert outline.sections[TYRPO_ALERT]["nodes"] == 3


def test_examples_report_is_self_contained(
    example_report: tuple[str, list[dict[str, Any]]],
) -> None:
    html, alerts = example_report
    outline = Outline()
    outline.feed(html)
    metas = [a for t, a in outline.tags if t == "meta" and a.get("http-equiv")]
    assert metas == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    assert CSP.startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    scripts = [a for t, a in outline.tags if t == "script"]
    assert scripts == [{"type": "application/json", "id": "case"}]
    for tag, attrs in outline.tags:
        for key in ("src", "href", "action", "xlink:href"):
            assert not str(attrs.get(key) or "#").startswith(("http", "//")), (tag, attrs)
    assert "@media print" in html and "page-break-before:always" in html
    case = json.loads(
        re.search(
            r'<script type="application/json" id="case">(.*?)</script>', html, re.DOTALL
        ).group(1)
    )  # type: ignore[union-attr]
    assert sorted(a["id"] for a in case["alerts"]) == sorted(a["id"] for a in alerts)
    cards = [a["id"] for t, a in outline.tags if t == "div" and a.get("class") == "card"]
    assert cards == [
        "card-alerts",
        "card-functions",
        "card-critical",
        "card-suppressed",
        "card-contained",
    ]


def test_report_cli_contract(tmp_path: Path) -> None:
    missing = run_cli("report", "--state", str(tmp_path / "none.db"))
    assert missing.exit_code == 2
    assert missing.stderr.strip().endswith("state file not found (write one with hunt --state)")
    state = tmp_path / "s.db"
    assert run_cli("hunt", str(EXAMPLES), "--state", str(state), "--workers", "1").exit_code == 0
    unknown = run_cli("report", "--state", str(state), "lw-nope")
    assert unknown.exit_code == 2 and "no alert 'lw-nope'" in unknown.stderr
    both = run_cli("report", "--state", str(state), "--all", TYRPO_ALERT)
    assert both.exit_code == 2 and "not both" in both.stderr
    one = run_cli("report", "--state", str(state), TYRPO_ALERT)
    assert one.exit_code == 0
    assert one.stdout.count('<section class="alert"') == 1 and f'id="{TYRPO_ALERT}"' in one.stdout


def test_masking_fires_on_secrets_and_keeps_names() -> None:
    tree = {
        "requestParameters": {
            "environment": {"variables": {"DB_URL": "postgres://u:pw@h/db", "MODE": "prod"}},
            "note": "key AKIAIOSFODNN7EXAMPLE here",
            "token": "ghp_" + "a1B2" * 9,
            "role": "arn:aws:iam::111122223333:role/x",
            "code": "s3://bucket/key.zip",
        },
        "event_id": "6642d073-04f9-474f-a31d-5ef412875c07",
    }
    masked = mask_tree(tree)
    req = masked["requestParameters"]
    assert req["environment"]["variables"] == {"DB_URL": "****(20 chars)", "MODE": "****(4 chars)"}
    assert "AKIAIOSFODNN7EXAMPLE" not in req["note"]
    assert req["token"].startswith("****")
    # must not fire: ARNs, S3 locations and ids are kept
    assert req["role"] == "arn:aws:iam::111122223333:role/x"
    assert req["code"] == "s3://bucket/key.zip"
    assert masked["event_id"] == tree["event_id"]


def test_severity_bars_geometry() -> None:
    bars = charts.severity_bars({"critical": 2, "medium": 1})
    assert [(b.label, b.count, b.height) for b in bars] == [
        ("critical", 2, 90.0),
        ("high", 0, 0.0),
        ("medium", 1, 45.0),
        ("low", 0, 0.0),
        ("info", 0, 0.0),
    ]
    assert bars[0].y == 12.0 and bars[2].y == 57.0


def test_render_report_api_for_hunt_format_html() -> None:
    alert = {
        "id": "lw-1",
        "rule": "LW100",
        "title": "t",
        "severity": "high",
        "priority": "P2",
        "account": "111122223333",
        "region": "us-east-1",
        "function": "f",
        "function_arn": "arn:aws:lambda:us-east-1:111122223333:function:f",
        "first_seen": "2025-03-14T08:00:00Z",
        "last_seen": "2025-03-14T08:00:00Z",
        "event_count": 0,
        "event_ids": [],
        "event_names": [],
        "principals": [],
        "source_ips": [],
        "user_agents": [],
        "findings": [],
        "risk": 30,
        "risk_explanation": [],
        "suppressed": False,
        "suppression_reason": None,
        "mitre": [],
        "playbook": ["Check it"],
        "rules": ["LW100"],
    }
    html = render_report([alert], {}, {"case": "run"})
    assert '<section class="alert" id="lw-1">' in html
    assert "<li>Check it</li>" in html and "No trigger seen in the logs." in html


def test_render_report_takes_store_events_too(tmp_path: Path) -> None:
    """`hunt --format html` may hand over the store's Event objects instead of raw dicts."""
    from lambdawatch.state.store import Store

    state = tmp_path / "s.db"
    assert run_cli("hunt", str(EXAMPLES), "--state", str(state), "--workers", "1").exit_code == 0
    store = Store(str(state), readonly=True)
    try:
        alert = store.get_alert(TYRPO_ALERT)
        assert alert is not None
        events = store.events_by_id(alert["event_ids"])
    finally:
        store.close()
    html = render_report([alert], {alert["id"]: events}, {"case": "objects"})
    outline = Outline()
    outline.feed(html)
    assert sorted(outline.sections[TYRPO_ALERT]["event_ids"]) == sorted(alert["event_ids"])
