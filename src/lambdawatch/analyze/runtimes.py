"""Runtime red flags (founding spec, "Runtime Analysis"): deprecated, custom, container image.

Codes: RT101 deprecated-runtime, RT102 custom-runtime, RT103 container-image. The deprecation
table is data (``data/runtimes.yml``) and is judged against the event's time, not today's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lambdawatch.analyze.common import is_function_change, params
from lambdawatch.data import load
from lambdawatch.findings import Finding
from lambdawatch.ingest.normalize import Event


def deprecated_since(runtime: str, when: date) -> str | None:
    """The deprecation date of ``runtime`` if it was deprecated on ``when``."""
    since = load("runtimes.yml")["deprecated"].get(runtime)
    if since is None:
        return None
    since = str(since)
    return since if when >= date.fromisoformat(since) else None


def runtime_findings(
    runtime: Any, package_type: Any, image_uri: Any, when: date, where: str
) -> list[Finding]:
    out: list[Finding] = []
    if isinstance(runtime, str) and runtime:
        if since := deprecated_since(runtime, when):
            out.append(
                Finding(
                    "deprecated-runtime",
                    "RT101",
                    "medium",
                    f"Deprecated runtime {runtime}",
                    {
                        "runtime": runtime,
                        "deprecated_since": since,
                        "judged_at": when.isoformat(),
                        "source": where,
                    },
                )
            )
        if runtime in load("runtimes.yml")["custom"]:
            out.append(
                Finding(
                    "custom-runtime",
                    "RT102",
                    "low",
                    f"Custom runtime {runtime}",
                    {
                        "runtime": runtime,
                        "source": where,
                        "note": "bootstrap is your own code: scan it",
                    },
                )
            )
    if package_type == "Image" or (isinstance(image_uri, str) and image_uri):
        ev: dict[str, Any] = {"packageType": package_type or "Image", "source": where}
        if isinstance(image_uri, str) and image_uri:
            ev["imageUri"] = image_uri
        out.append(
            Finding("container-image", "RT103", "low", "Function runs a container image", ev)
        )
    return out


def analyze_runtime(event: Event, ctx: Any) -> list[Finding]:
    if not is_function_change(event):
        return []
    p = params(event)
    raw_code = p.get("code")
    code: dict[str, Any] = raw_code if isinstance(raw_code, dict) else {}
    image = (
        p.get("imageUri")
        or code.get("imageUri")
        or (p.get("imageConfigResponse") or {}).get("imageUri")
    )
    return runtime_findings(
        p.get("runtime"), p.get("packageType"), image, event.time.date(), "event"
    )
