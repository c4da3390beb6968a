"""Render the case report: Jinja2 with autoescape and strict undefined, templates as package data.

The page holds no script and fetches nothing: a Content-Security-Policy meta tag
(``default-src 'none'``) forbids both, as a second wall behind escaping.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from lambdawatch.report import view
from lambdawatch.textsafe import safe_text

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "base-uri 'none'"
)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("lambdawatch.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["visible"] = lambda v: safe_text("" if v is None else v)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": True}
    return env


def render_report(
    alerts: list[dict[str, Any]], events_by_alert: dict[str, list[Any]], meta: dict[str, Any]
) -> str:
    """One self-contained HTML page for these alerts.

    ``events_by_alert`` maps an alert id to its raw CloudTrail records (dicts, or the store's
    Event objects); ``meta`` may hold
    ``case``, ``generated_at``, ``version``, ``command``, ``logs`` (``logs --format jsonl``
    objects) and ``code_findings`` (function -> scan findings). Secrets are masked here."""
    model = view.build(alerts, events_by_alert, meta)
    case_json = {
        "case": model["case"],
        "generated_at": model["generated_at"],
        "alerts": [v["a"] for v in model["alerts"]],
    }
    return (
        environment().get_template("report.html.j2").render(m=model, csp=CSP, case_json=case_json)
    )
