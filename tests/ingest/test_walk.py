"""Every folder or file that cannot be walked is reported; special files are never opened."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from lambdawatch.ingest.reader import read_local
from lambdawatch.ingest.sources import LocalFile, Skipped, walk_local
from tests.conftest import ROOT
from tests.ingest.helpers import GOOD, with_records, write


def _walk(root: Path) -> list[LocalFile | Skipped]:
    return list(walk_local(str(root)))


def test_fifo_in_a_folder_is_reported_and_never_opened(tmp_path: Path) -> None:
    good = write(tmp_path / "a.json", with_records(*GOOD))
    fifo = tmp_path / "b.json"
    os.mkfifo(fifo)  # opening it for reading would block this test forever
    assert _walk(tmp_path) == [
        LocalFile(str(good)),
        Skipped(str(fifo), "FIFO, not a regular file: not opened"),
    ]


def test_fifo_named_on_the_command_line_is_not_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert _walk(fifo) == [Skipped(str(fifo), "FIFO, not a regular file: not opened")]
    with pytest.raises(OSError, match="FIFO, not a regular file: not opened"):
        read_local(str(fifo))


def test_socket_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        assert _walk(tmp_path) == [Skipped(str(path), "socket, not a regular file: not opened")]


def test_symlink_to_dev_zero_is_reported_not_read(tmp_path: Path) -> None:
    link = tmp_path / "zero.json.gz"
    link.symlink_to("/dev/zero")
    assert _walk(tmp_path) == [
        Skipped(str(link), "character device, not a regular file: not opened")
    ]


def test_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    good = write(tmp_path / "real" / "a.json", with_records(*GOOD))
    link = tmp_path / "link.json"
    link.symlink_to(good)
    assert _walk(tmp_path) == [LocalFile(str(link)), LocalFile(str(good))]


def test_symlink_loop_is_reported_once(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    good = write(sub / "a.json", with_records(*GOOD))
    (sub / "again").symlink_to(tmp_path)
    assert _walk(tmp_path) == [
        LocalFile(str(good)),
        Skipped(
            str(sub / "again"),
            "folder already walked (symbolic link loop or second link): not walked again",
        ),
    ]


def test_self_referencing_symlink_is_reported(tmp_path: Path) -> None:
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    assert _walk(tmp_path) == [Skipped(str(loop), "symbolic link loop")]


def test_symlinked_subfolder_is_walked(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    good = write(elsewhere / "a.json", with_records(*GOOD))
    root = tmp_path / "root"
    root.mkdir()
    (root / "linked").symlink_to(elsewhere)
    assert _walk(root) == [LocalFile(str(root / "linked" / "a.json"))]
    assert good.exists()


def test_broken_symlink_is_reported_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    assert _walk(tmp_path) == [Skipped(str(tmp_path / "gone"), "broken symbolic link")]


def test_other_names_are_neither_read_nor_reported(tmp_path: Path) -> None:
    write(tmp_path / "README.md", b"# notes")
    assert _walk(tmp_path) == []


_WALK_AS_NOBODY = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {src!r})
    from lambdawatch.ingest.sources import walk_local  # imported before dropping privileges
    items = walk_local({root!r})
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)  # root reads any folder: walk as nobody
    for item in items:
        print(repr(item))
""")


def test_unreadable_folder_is_reported(budget: float = 60.0) -> None:
    root = Path(tempfile.mkdtemp(prefix="lw-walk-"))  # not under pytest's 0700 folder
    try:
        root.chmod(0o755)
        good = write(root / "a.json", with_records(*GOOD))
        good.chmod(0o644)
        locked = root / "locked"
        write(locked / "b.json", with_records(*GOOD))
        locked.chmod(0)
        proc = subprocess.run(
            [sys.executable, "-c", _WALK_AS_NOBODY.format(src=str(ROOT / "src"), root=str(root))],
            capture_output=True,
            text=True,
            check=False,
            timeout=budget,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.splitlines() == [
            repr(LocalFile(str(good))),
            repr(Skipped(str(locked), "cannot read folder (Permission denied)")),
        ]
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(root)


def test_file_swapped_for_a_fifo_after_the_walk_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    write(path, b"{}")
    (item,) = _walk(tmp_path)
    path.unlink()
    os.mkfifo(path)
    assert isinstance(item, LocalFile)
    with pytest.raises(OSError, match="FIFO, not a regular file"):
        read_local(item.path)
