"""Bounded, in-memory reading of packages: zip (and jar/whl), tar(.gz), folders.

Nothing is extracted to disk or executed. Every limit breach, traversal name, symlink, encrypted
or corrupt member becomes a package finding (``Issue``) and reading goes on where it safely can.
"""

from __future__ import annotations

import io
import lzma
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from lambdawatch.codescan.bounded import InflateLimit, inflated, overlaps
from lambdawatch.codescan.folder import walk_folder
from lambdawatch.codescan.model import CheckMeta
from lambdawatch.codescan.package_checks import CORRUPT, ENCRYPTED, LIMIT, SYMLINK, TRAVERSAL
from lambdawatch.codescan.salvage import salvage_zip

NESTED_EXT = (".zip", ".jar", ".whl", ".egg", ".war", ".tar", ".tar.gz", ".tgz")


@dataclass(frozen=True)
class Limits:
    max_total: int = 1024 * 1024 * 1024
    max_member: int = 256 * 1024 * 1024
    max_ratio: int = 200
    max_files: int = 100_000
    max_depth: int = 3


@dataclass(frozen=True)
class Issue:
    meta: CheckMeta
    path: str
    message: str
    high: bool = False


@dataclass
class Reader:
    limits: Limits = field(default_factory=Limits)
    total: int = 0
    count: int = 0
    unreadable: int = 0
    stopped: bool = False
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # skipped entries: errors, not findings

    def admit(self, path: str, size: int) -> bool:
        if self.stopped:
            return False
        lim = self.limits
        if self.count + 1 > lim.max_files:
            return self._stop(path, f"more than {lim.max_files} files")
        if size > lim.max_member:
            self.issues.append(Issue(LIMIT, path, f"member of {size} bytes over the member limit"))
            return False
        if self.total + size > lim.max_total:
            return self._stop(path, f"total uncompressed size over {lim.max_total} bytes")
        self.count += 1
        self.total += size
        return True

    def _stop(self, path: str, why: str) -> bool:
        self.stopped = True
        self.issues.append(Issue(LIMIT, path, f"{why}: reading stopped, result is partial"))
        return False

    def read(self, name: str, data: bytes, depth: int = 0) -> Iterator[tuple[str, bytes]]:
        """Members of an archive given as bytes (zip or tar), or the bytes as one file."""
        prefix = f"{name}!/" if depth else ""
        if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
            yield from self._zip(data, prefix, depth, name)
        elif _is_tar(name, data):
            yield from self._tar(data, prefix, depth, name)
        elif self.admit(name, len(data)):
            yield name, data

    def nested(self, path: str, data: bytes, depth: int) -> Iterator[tuple[str, bytes]]:
        if path.lower().endswith(NESTED_EXT) or data[:4] == b"PK\x03\x04":
            if depth + 1 > self.limits.max_depth:
                self.issues.append(
                    Issue(
                        LIMIT,
                        path,
                        f"archive nested deeper than {self.limits.max_depth}: not opened",
                    )
                )
                return
            self.total -= len(data)
            self.count -= 1
            yield from self.read(path, data, depth + 1)
        else:
            yield path, data

    def _zip(self, data: bytes, prefix: str, depth: int, name: str) -> Iterator[tuple[str, bytes]]:
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            self.issues.append(
                Issue(
                    CORRUPT, name or "<archive>", f"zip unreadable ({exc}); salvaging local headers"
                )
            )
            for path, blob in salvage_zip(data, self.limits.max_member):
                if self.admit(prefix + path, len(blob)):
                    yield from self.nested(prefix + path, blob, depth)
            return
        overlapping = overlaps(data, infos)
        if overlapping:
            first = infos[min(overlapping)].filename
            self.issues.append(
                Issue(
                    LIMIT,
                    prefix + first,
                    (
                        f"{len(overlapping)} member(s) overlap other members' data (overlapping-entry "
                        "zip bomb): not read"
                    ),
                    high=True,
                )
            )
        for k, info in enumerate(infos):
            path = prefix + info.filename
            if info.is_dir() or k in overlapping:
                continue
            self._check_name(info.filename, path)
            if stat.S_ISLNK(info.external_attr >> 16):
                target = (
                    zf.read(info)[:512].decode("utf-8", "replace")
                    if info.file_size < 4096 and not info.flag_bits & 1
                    else "?"
                )
                self._symlink(path, target)
                continue
            if info.flag_bits & 0x1:
                self.unreadable += 1
                self.issues.append(Issue(ENCRYPTED, path, "encrypted member: content unreadable"))
                continue
            if info.file_size > 1024 * 1024 and info.file_size > self.limits.max_ratio * max(
                info.compress_size, 1
            ):
                self.issues.append(
                    Issue(
                        LIMIT,
                        path,
                        f"compression ratio over {self.limits.max_ratio}:1 (zip bomb): not read",
                    )
                )
                continue
            if not self.admit(path, info.file_size):
                if self.stopped:
                    return
                continue
            content = self._read_member(zf, info, path)
            if content is not None:
                yield from self.nested(path, content, depth)

    def _read_member(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: str) -> bytes | None:
        try:
            with zf.open(info) as fh:
                blob = fh.read(info.file_size + 1)
            if len(blob) > info.file_size:
                self.issues.append(Issue(LIMIT, path, "member larger than its header says"))
                return None
            return blob
        except (
            zipfile.BadZipFile,
            OSError,
            EOFError,
            NotImplementedError,
            ValueError,
            RuntimeError,
        ) as exc:
            self.unreadable += 1
            self.issues.append(Issue(CORRUPT, path, f"member unreadable: {exc}"))
            return None

    def _check_name(self, name: str, path: str) -> None:
        norm = name.replace("\\", "/")
        if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":") or ".." in norm.split("/"):
            self.issues.append(Issue(TRAVERSAL, path, f"member name {name!r} escapes the folder"))

    def _symlink(self, path: str, target: str) -> None:
        bad = target.startswith("/") or ".." in target.split("/")
        self.issues.append(Issue(SYMLINK, path, f"symlink to {target!r} (not followed)", bad))

    def _tar(self, data: bytes, prefix: str, depth: int, name: str) -> Iterator[tuple[str, bytes]]:
        lim = self.limits
        cap = min(
            max(lim.max_ratio * len(data), 16 * 1024 * 1024),
            lim.max_total - self.total + 1024 * 1024,
        )
        entries = 0
        try:
            with tarfile.open(fileobj=inflated(data, cap), mode="r|") as tf:
                for m in tf:
                    entries += 1
                    if entries > lim.max_files:
                        self._stop(prefix + m.name, f"more than {lim.max_files} tar entries")
                        return
                    path = prefix + m.name
                    self._check_name(m.name, path)
                    if (m.islnk() or (m.issym() and depth)) and _inside(m.linkname):
                        continue  # names another member (scanned under its own name): inert
                    if m.issym() or m.islnk():
                        self._symlink(path, m.linkname)
                    elif m.isfile() and self.admit(path, m.size):
                        fh = tf.extractfile(m)
                        if fh is not None:
                            yield from self.nested(path, fh.read(m.size), depth)
                    elif self.stopped:
                        return
        except InflateLimit:
            self.issues.append(
                Issue(
                    LIMIT,
                    name or "<archive>",
                    (
                        f"tar inflates past {cap} bytes (compression bomb): reading stopped, result is "
                        "partial"
                    ),
                    high=True,
                )
            )
        except (tarfile.TarError, OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as exc:
            self.issues.append(Issue(CORRUPT, name or "<archive>", f"tar unreadable: {exc}"))

    def folder(self, root: str) -> Iterator[tuple[str, bytes]]:
        """Regular files under ``root`` (special files, links and unreadable entries reported,
        see :mod:`lambdawatch.codescan.folder`)."""
        yield from walk_folder(self, root)


def _is_tar(name: str, data: bytes) -> bool:
    return (
        name.lower().endswith((".tar", ".tar.gz", ".tgz"))
        or data[257:262] == b"ustar"
        or (data[:2] == b"\x1f\x8b" and name.lower().endswith((".gz",)))
    )


def _inside(target: str) -> bool:
    """A link target that stays inside the archive: relative, never climbing."""
    norm = target.replace("\\", "/")
    return bool(norm) and not norm.startswith("/") and ".." not in norm.split("/")
