"""hunt --format html: the run's alerts as one self-contained case report."""

from __future__ import annotations

from tests.conftest import EXAMPLES, jsonl, run_cli


def test_hunt_html_is_the_case_report_of_the_run() -> None:
    ids = [a["id"] for a in jsonl(run_cli("hunt", str(EXAMPLES), "--format", "jsonl", "-q").stdout)]
    result = run_cli("hunt", str(EXAMPLES), "--format", "html", "-q", "--fail-on", "critical")
    page = result.stdout
    assert result.exit_code == 1  # --fail-on holds for html as for the other formats
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert "default-src &#39;none&#39;" in page
    scripts = page.count("<script")
    assert scripts == page.count('<script type="application/json"')  # data, never code
    assert ids and all(i in page for i in ids)
