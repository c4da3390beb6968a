"""The one severity scale and its spellings in other formats."""

from __future__ import annotations

import pytest

from lambdawatch import severity as sev


def test_order_and_names() -> None:
    assert sev.SEVERITIES == ["critical", "high", "medium", "low", "info"]
    assert sev.SEVERITY_ORDER == {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
    assert sev.Severity.parse(" High ") is sev.Severity.HIGH and str(sev.Severity.HIGH) == "high"
    with pytest.raises(KeyError):
        sev.Severity.parse("severe")


def test_bars_highest_and_shifts() -> None:
    assert sev.at_or_above("high", "high") and sev.at_or_above("critical", "high")
    assert not sev.at_or_above("medium", "high") and not sev.at_or_above("critical", None)
    assert sev.highest(["low", "critical", "medium"]) == "critical"
    assert sev.highest([]) == "info"
    assert sev.shifted("high", -1) == "medium" and sev.shifted("critical", 2) == "critical"
    assert sev.shifted("low", -3, floor="low") == "low"


def test_every_format_maps_every_severity() -> None:
    for table in (
        sev.OCSF_SEVERITY_ID,
        sev.OCSF_SEVERITY_NAME,
        sev.SARIF_LEVEL,
        sev.SARIF_SCORE,
        sev.SIGMA_LEVEL,
        sev.DEFAULT_PRIORITY,
    ):
        assert set(table) == set(sev.SEVERITY_ORDER)
    assert (
        sev.OCSF_SEVERITY_ID["critical"] == 5 and sev.OCSF_SEVERITY_NAME["info"] == "Informational"
    )
    assert sev.SIGMA_LEVEL["info"] == "informational" and sev.SARIF_LEVEL["medium"] == "warning"


def test_old_names_are_the_same_objects() -> None:
    from lambdawatch.alerting.alert import PRIORITY_ORDER
    from lambdawatch.alerting.ocsf import SEVERITY_ID
    from lambdawatch.codescan.model import Severity
    from lambdawatch.engine.model import SEVERITY_ORDER
    from lambdawatch.engine.sigma import LEVEL

    assert SEVERITY_ORDER is sev.SEVERITY_ORDER and Severity is sev.Severity
    assert SEVERITY_ID is sev.OCSF_SEVERITY_ID and LEVEL is sev.SIGMA_LEVEL
    assert PRIORITY_ORDER is sev.PRIORITY_ORDER
