"""The HTML case report: one self-contained, script-free, printable file per case."""

from __future__ import annotations

from lambdawatch.report.render import render_report

__all__ = ["render_report"]
