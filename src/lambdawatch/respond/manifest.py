"""The evidence record: artifacts written through one object, then ``manifest.json`` written
last with ``manifest.sha256`` beside it, and the check that runs before any containment."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from lambdawatch.respond.evidence import EvidenceStore

MANIFEST = "manifest.json"
MANIFEST_HASH = "manifest.sha256"


def to_json(obj: Any) -> bytes:
    """Stable JSON of an AWS response (datetimes as ISO strings, request metadata dropped)."""
    if isinstance(obj, dict):
        obj = {k: v for k, v in obj.items() if k != "ResponseMetadata"}
    return json.dumps(obj, indent=2, sort_keys=True, default=_iso).encode() + b"\n"


def _iso(value: Any) -> str:
    iso = getattr(value, "isoformat", None)
    return str(iso()) if iso else str(value)


@dataclass
class Evidence:
    """What one collection wrote: artifacts (in order) and gaps."""

    store: EvidenceStore
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def put(
        self, path: str, api: str, qualifier: str | None, data: bytes, **extra: Any
    ) -> dict[str, Any]:
        size, digest = self.store.put(path, data)
        entry = {
            "path": path,
            "api": api,
            "qualifier": qualifier,
            "bytes": size,
            "sha256": digest,
            **extra,
        }
        with self._lock:
            self.artifacts.append(entry)
        return entry

    def put_json(self, path: str, api: str, qualifier: str | None, obj: Any) -> None:
        self.put(path, api, qualifier, to_json(obj))

    def gap(self, what: str, api: str, error: str, message: str) -> None:
        with self._lock:
            self.gaps.append({"what": what, "api": api, "error": error, "message": message})


def write_manifest(evidence: Evidence, header: dict[str, Any]) -> str:
    """Write ``manifest.json`` (header + artifacts + gaps) and ``manifest.sha256``; its hash."""
    body = {
        **header,
        "artifacts": sorted(evidence.artifacts, key=lambda a: a["path"]),
        "gaps": sorted(evidence.gaps, key=lambda g: (g["what"], g["api"])),
    }
    data = json.dumps(body, indent=2, sort_keys=True).encode() + b"\n"
    digest = hashlib.sha256(data).hexdigest()
    evidence.store.put(MANIFEST, data)
    evidence.store.put(MANIFEST_HASH, f"{digest}  {MANIFEST}\n".encode())
    return digest


@dataclass(frozen=True)
class Verification:
    manifest: dict[str, Any] | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        return self.manifest is not None and not self.problems


def verify(store: EvidenceStore) -> Verification:
    """Re-read the manifest and every artifact; a problem per mismatch (none = verified)."""
    data = store.get(MANIFEST)
    if data is None:
        return Verification(None, [f"{store.location}: no {MANIFEST}"])
    problems: list[str] = []
    recorded = (store.get(MANIFEST_HASH) or b"").decode(errors="replace").split()
    if not recorded or recorded[0] != hashlib.sha256(data).hexdigest():
        problems.append(f"{MANIFEST} does not match {MANIFEST_HASH}")
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        return Verification(None, [f"{MANIFEST} is not JSON ({exc})"])
    for art in manifest.get("artifacts", []):
        blob = store.get(art["path"])
        if blob is None:
            problems.append(f"{art['path']}: missing")
        elif hashlib.sha256(blob).hexdigest() != art["sha256"] or len(blob) != art["bytes"]:
            problems.append(f"{art['path']}: SHA-256 differs from the manifest")
        if art.get("verified") is False:
            problems.append(f"{art['path']}: downloaded code does not match its CodeSha256")
    return Verification(manifest, problems)
