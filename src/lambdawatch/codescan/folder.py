"""Walk a folder for the scanner: regular files only, every other entry reported.

* Special files (FIFOs, character and block devices, sockets) are never opened (a FIFO would
  block forever, ``/dev/zero`` would never end): each is listed in the errors.
* Links (to files or folders) are never followed. A link whose target resolves inside the
  scanned folder is a medium ``PK003`` (the target is scanned under its own name); a link
  leading outside it, or nowhere, is high: that content is not scanned, so a CI gate fails.
* A folder or file that cannot be read is a high ``PK005`` naming it: never a silent pass.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lambdawatch.codescan.package_checks import CORRUPT, SYMLINK

if TYPE_CHECKING:
    from lambdawatch.codescan.archive import Reader

SPECIAL = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
)


def walk_folder(reader: Reader, root: str) -> Iterator[tuple[str, bytes]]:
    """``(relative path, bytes)`` of every regular file under ``root``, sorted, bounded."""
    from lambdawatch.codescan.archive import Issue

    real_root = os.path.realpath(root)

    def rel(full: str) -> str:
        return os.path.relpath(full, root).replace(os.sep, "/")

    def unreadable(exc: OSError) -> None:
        where = rel(exc.filename) if exc.filename else "."
        reader.issues.append(
            Issue(CORRUPT, where, f"folder unreadable ({exc.strerror}): not scanned", high=True)
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        for d in sorted(dirnames):
            full = os.path.join(dirpath, d)
            if os.path.islink(full):
                _link(reader, rel(full), full, real_root, "folder")
                dirnames.remove(d)
        dirnames.sort()
        for fn in sorted(filenames):
            full = os.path.join(dirpath, fn)
            path = rel(full)
            try:
                st = os.lstat(full)
            except OSError as exc:
                reader.issues.append(
                    Issue(CORRUPT, path, f"file unreadable ({exc.strerror})", high=True)
                )
                continue
            if stat.S_ISLNK(st.st_mode):
                _link(reader, path, full, real_root, "file")
                continue
            if not stat.S_ISREG(st.st_mode):
                what = next((name for test, name in SPECIAL if test(st.st_mode)), "special file")
                reader.notes.append(f"{path}: {what} skipped (never opened)")
                continue
            if not reader.admit(path, st.st_size):
                if reader.stopped:
                    return
                continue
            data = _read(reader, path, full, st.st_size)
            if data is not None:
                yield from reader.nested(path, data, 0)


def _read(reader: Reader, path: str, full: str, size: int) -> bytes | None:
    from lambdawatch.codescan.archive import Issue

    try:
        fd = os.open(
            full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped since lstat
                reader.notes.append(f"{path}: not a regular file any more: skipped")
                return None
            data = fh.read(size + 1)
    except OSError as exc:
        reader.issues.append(Issue(CORRUPT, path, f"file unreadable ({exc.strerror})", high=True))
        return None
    if len(data) > size:
        reader.notes.append(f"{path}: grew while read: first {size} bytes scanned")
        return data[:size]
    return data


def _link(reader: Reader, path: str, full: str, real_root: str, kind: str) -> None:
    from lambdawatch.codescan.archive import Issue

    try:
        target = os.readlink(full)
    except OSError:
        target = "?"
    real = os.path.realpath(full)
    inside = os.path.exists(real) and (real == real_root or real.startswith(real_root + os.sep))
    if inside:
        msg = f"symlink to {kind} {target!r} (not followed; scanned under its own name)"
    else:
        msg = (
            f"symlink to {kind} {target!r} outside the scanned folder or missing: not "
            "followed, its content is not scanned"
        )
    reader.issues.append(Issue(SYMLINK, path, msg, high=not inside))
