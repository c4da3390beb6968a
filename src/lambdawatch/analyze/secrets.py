"""Secret detectors for environment variables (founding spec, "Environment Variables Review").

The detectors, the patterns and the mask live in the one secrets module,
:mod:`lambdawatch.secrets`; this name is kept for the analyzers that import it.
"""

from __future__ import annotations

from lambdawatch.secrets import DETECTORS, Hit, entropy, mask, scan_variable

__all__ = ["DETECTORS", "Hit", "entropy", "mask", "scan_variable"]
