"""Binaries (printable strings), .pth files, Python 2 fallback, masking."""

from __future__ import annotations

from lambdawatch.codescan.model import Severity
from lambdawatch.codescan.scanner import scan_file


def test_miner_binary_strings() -> None:
    blob = (
        b"\x7fELF\x02\x01\x01"
        + b"\0" * 64
        + b"xmrig 6.21 --donate-level\0"
        + b"stratum+tcp://203.0.113.8:3333\0"
        + b"\0" * 32
    )
    found = {(f.code, f.line, f.severity) for f in scan_file("bin/worker", blob, False, [])}
    assert found == {("CS501", 0, Severity.HIGH), ("CS503", 0, Severity.MEDIUM)}


def test_upx_packed_binary() -> None:
    blob = (
        b"\x7fELF\x02\x01\x01"
        + b"\0" * 100
        + b"UPX!\0\0$Info: This file is packed with the UPX executable packer\0"
    )
    found = {(f.code, f.severity) for f in scan_file("extensions/agent", blob, False, [])}
    assert found == {("CS502", Severity.MEDIUM)}


def test_plain_binary_is_silent() -> None:
    blob = (
        b"\x7fELF\x02\x01\x01"
        + b"\0" * 100
        + b"libc.so.6\0GLIBC_2.17\0https://dynamodb.amazonaws.com\0"
    )
    assert scan_file("lib/libfoo.so", blob, False, []) == []


def test_benign_pth_and_vendored_setuptools_pth() -> None:
    assert scan_file("python/paths.pth", b"/opt/python/lib\n../shared\n", False, []) == []
    shim = (
        b"import os; var = 'SETUPTOOLS_USE_DISTUTILS'; __import__('_distutils_hack').add_shim()\n"
    )
    assert scan_file("python/distutils-precedence.pth", shim, False, []) == []


def test_python2_fallback_reports_parse_error() -> None:
    errors: list[str] = []
    found = scan_file("old.py", b"print 'x'\nexec base64.b64decode(s)\n", False, errors)
    assert {(f.code, f.line) for f in found} == {("CS301", 2), ("CS303", 2)}
    assert errors and "tolerant scan" in errors[0]


def test_pathological_sources_do_not_crash() -> None:
    errors: list[str] = []
    deep = b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n"
    scan_file("deep.py", deep, False, errors)
    chain = b"a" + b".b" * 3000 + b"()\n"
    scan_file("chain.js", chain, False, errors)
    minified = b"var a=1;" * 100_000 + b"eval(atob('eA=='));\n"
    found = scan_file("bundle.js", minified, False, errors)
    assert ("CS301", 1) in {(f.code, f.line) for f in found}


def test_tsx_is_parsed() -> None:
    src = b"export const C = () => { eval(atob(p)); return <div/>; };  // x\n"
    assert {(f.code, f.line) for f in scan_file("ui/App.tsx", src, False, [])} == {
        ("CS301", 1),
        ("CS303", 1),
    }
