"""The finding model shared by rules, analyzers and the code scanner's alert view (defined in
:mod:`lambdawatch.values`, the bottom layer; this name stays for the modules that import it)."""

from __future__ import annotations

from lambdawatch.values import Finding, max_severity

__all__ = ["Finding", "max_severity"]
