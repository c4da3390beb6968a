"""The report in real headless Chromium: a hostile corpus runs no script and fetches nothing."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from lambdawatch.report.render import CSP
from tests.conftest import run_cli
from tests.report.chromium import HitServer, dump_dom, needs_chromium, print_pdf, screenshot
from tests.report.hostile import MARK, hostile_state, payloads
from tests.report.png import distinct_colours

pytestmark = needs_chromium


class Elements(HTMLParser):
    """Every element of a document with its attributes, and the document title."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_title = tag == "title" and len(self.elements) < 20

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def parse(dom: str) -> Elements:
    parser = Elements()
    parser.feed(dom)
    return parser


def assert_inert(dom: str, title: str) -> None:
    doc = parse(dom)
    assert doc.title == title
    assert MARK not in doc.title
    for tag, attrs in doc.elements:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert f"data-{MARK}" not in attrs, (tag, attrs)
        assert tag not in {"img", "iframe", "link", "object", "embed", "base", "a"} or (
            tag == "a" and str(attrs.get("href", "")).startswith("#")
        ), (tag, attrs)
        assert not (tag == "meta" and attrs.get("http-equiv") == "refresh"), attrs
    scripts = [attrs for tag, attrs in doc.elements if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "case"}]


def test_hostile_report_runs_no_script_fetches_nothing_and_masks(tmp_path: Path) -> None:
    with HitServer() as server:
        state, scan = hostile_state(tmp_path, server.port)
        page = tmp_path / "case.html"
        result = run_cli(
            "report",
            "--state",
            str(state),
            "--all",
            "-o",
            str(page),
            "--case",
            "hostile",
            "--scan",
            f"fn{payloads(server.port)[0]}={scan}",
        )
        assert result.exit_code == 0, result.stderr
        html = page.read_text()
        dom = dump_dom(page)
        shot = screenshot(page, tmp_path / "shot.png")
        assert server.hits == []
    assert_inert(dom, "hostile - lambdawatch case report")
    # every hostile field reached the page, as text: name, description, env keys, UA, policy, code
    for needle in [
        "<td>fn&lt;img src=http://127.0.0.1",  # function name, as text
        '"K1\\u003csvg onload=',  # environment key, in the JSON view
        '"description": "\\u003cimg src=http://127.0.0.1',  # description
        "&lt;/script&gt;&lt;script&gt;document.title=",  # user agent
        '\\"Sid\\": \\"\\u003c/script\\u003e\\u003cscript\\u003e',  # policy statement JSON
        "<td>index&lt;iframe src=",  # code finding file
        '&lt;a href="javascript:alert(1)" id="lwpwned-link"&gt;x&lt;/a&gt;<pre>',  # message
        "&lt;style&gt;@import url(http://127.0.0.1",  # code snippet
        "\\u202egnp.exe\\u200b",  # bidi and zero-width shown escaped
    ]:
        assert needle in dom, needle
    # secret values never reach the page; their masked form does
    assert "AKIAIOSFODNN7EXAMPLE" not in html and "hunter2hunter2" not in html
    assert "****(14 chars)" in html and "****(20 chars)" in html
    assert distinct_colours(shot) > 20


def test_csp_stops_script_and_fetches_even_if_escaping_failed(tmp_path: Path) -> None:
    """The second wall: raw payloads spliced into the page (an escaping bug) stay inert."""
    with HitServer() as server:
        raw = "".join(p for p in payloads(server.port) if "refresh" not in p)
        page = tmp_path / "bug.html"
        page.write_text(
            '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy"'
            f' content="{CSP}"><title>bug</title></head><body><p>ok</p>{raw}'
            "</body></html>"
        )
        dom = dump_dom(page)
        assert server.hits == []
    doc = parse(dom)
    assert doc.title == "bug"
    body = [attrs for tag, attrs in doc.elements if tag == "body"]
    assert all(f"data-{MARK}" not in attrs for attrs in body)


def test_the_same_page_without_csp_would_fetch(tmp_path: Path) -> None:
    """Must-fire twin of the test above: the harness does see a fetch and a script run."""
    with HitServer() as server:
        page = tmp_path / "open.html"
        page.write_text(
            f"<!DOCTYPE html><html><head><title>open</title></head><body>"
            f"{payloads(server.port)[0]}<script>document.body.setAttribute("
            f"'data-{MARK}-script','1')</script></body></html>"
        )
        dom = dump_dom(page)
        assert server.hits == ["/img"]
    assert f'data-{MARK}="img"' in dom and f'data-{MARK}-script="1"' in dom


def test_prints_one_alert_per_page(tmp_path: Path) -> None:
    """The print stylesheet starts every alert on a new page: more pages than alerts."""
    import re

    from tests.conftest import EXAMPLES

    state = tmp_path / "s.db"
    assert run_cli("hunt", str(EXAMPLES), "--state", str(state), "--workers", "1").exit_code == 0
    page = tmp_path / "case.html"
    assert run_cli("report", "--state", str(state), "-o", str(page)).exit_code == 0
    pdf = print_pdf(page, tmp_path / "case.pdf")
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 5  # the summary, then each of the 4 alerts from a new page
