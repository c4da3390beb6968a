"""The structure of the report over the bundled examples, as JSON (golden file).

Regenerate after an intended change of the report: ``python -m tests.report.golden_outline``.
"""

from __future__ import annotations

import json
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES, run_cli

GOLDEN = Path(__file__).parent / "golden" / "examples.outline.json"


class _Outline(HTMLParser):
    """Tag structure with classes and ids, text of headings; no data values beyond those."""

    def __init__(self) -> None:
        super().__init__()
        self.out: dict[str, Any] = {"cards": [], "bars": [], "sections": []}
        self._h: list[str] | None = None
        self._section: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "meta" and a.get("http-equiv"):
            self.out["csp"] = a.get("content")
        elif tag == "div" and cls == "card":
            self.out["cards"].append(a.get("id"))
        elif tag == "rect" and (self._section or {}).get("id") == "summary":
            self.out["bars"].append(a.get("height"))
        elif tag == "section":
            self._section = {
                "id": a.get("id"),
                "class": cls,
                "h2": "",
                "h3": [],
                "svg": [],
                "tables": [],
                "checklist_items": 0,
            }
            self.out["sections"].append(self._section)
        elif self._section is not None:
            if tag in ("h2", "h3"):
                self._h = []
            elif tag == "svg":
                self._section["svg"].append(cls)
            elif tag == "table":
                self._section["tables"].append(cls)
            elif tag == "li" and self._section["h3"][-1:] == ["Playbook"]:
                self._section["checklist_items"] += 1

    def handle_data(self, data: str) -> None:
        if self._h is not None:
            self._h.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3") and self._h is not None and self._section is not None:
            text = "".join(self._h).strip()
            if tag == "h2":
                self._section["h2"] = text
            else:
                self._section["h3"].append(text)
            self._h = None
        elif tag == "section":
            self._section = None


def outline() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state.db"
        assert (
            run_cli("hunt", str(EXAMPLES), "--state", str(state), "--workers", "1").exit_code == 0
        )
        result = run_cli("report", "--state", str(state), "--all", "--case", "golden")
        assert result.exit_code == 0, result.stderr
    parser = _Outline()
    parser.feed(result.stdout)
    return parser.out


if __name__ == "__main__":
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(outline(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
