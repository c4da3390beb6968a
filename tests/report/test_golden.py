"""The report over the bundled examples has exactly the golden structure
(regenerate: ``python -m tests.report.golden_outline``)."""

from __future__ import annotations

import json

from tests.report.golden_outline import GOLDEN, outline


def test_examples_report_outline_is_golden() -> None:
    assert outline() == json.loads(GOLDEN.read_text())
