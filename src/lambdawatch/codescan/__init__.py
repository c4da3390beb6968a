"""Static scan of Lambda packages and layers for backdoor code (never executes scanned code).

Data flow: ``targets`` (zip, folder, S3, function, layer) -> ``archive`` (safe, bounded reading)
-> ``scanner`` (classify each file, vendored or first-party) -> a language front end
(``lang_python``, ``lang_js``, ``lang_text``, ``binary``) that reduces a file to ``ir.Facts``
-> ``flows`` (taint: credentials, decoded payloads, hosts) -> ``checks`` -> ``report``.
"""

from lambdawatch.codescan import checks_infra, checks_wrapper  # noqa: F401  (registers checks)
from lambdawatch.codescan.model import Finding, ScanResult, Severity
from lambdawatch.codescan.scanner import scan_target

__all__ = ["Finding", "ScanResult", "Severity", "scan_target"]
