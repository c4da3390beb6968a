"""Compression-bomb guards: a capped streaming inflater for tarballs, overlap detection for zips.

* A ``.tar.gz`` (or ``.tar.bz2``/``.tar.xz``) is inflated as a stream, never whole, and reading
  past ``cap`` bytes raises :class:`InflateLimit`: a 100 KB tarball of zeros declared as huge
  members stops after the cap instead of inflating gigabytes to skip them.
* A zip whose members' data ranges overlap (David Fifield's non-recursive zip bomb: thousands
  of central-directory entries pointing into one shared deflate kernel) is caught from the
  central directory and the local headers alone, before anything is inflated.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import struct
import zipfile
from typing import IO

LOCAL_HEADER = 30


class InflateLimit(Exception):
    """More than the allowed bytes came out of a compressed stream."""


class _Capped(io.RawIOBase):
    """A read-only stream that raises :class:`InflateLimit` past ``cap`` bytes."""

    def __init__(self, inner: io.BufferedIOBase, cap: int) -> None:
        self.inner = inner
        self.cap = cap
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: bytearray | memoryview) -> int:  # type: ignore[override]
        want = min(len(buf), self.cap - self.done + 1)
        chunk = self.inner.read(want)
        self.done += len(chunk)
        if self.done > self.cap:
            raise InflateLimit(f"more than {self.cap} bytes inflated")
        n = len(chunk)
        buf[:n] = chunk
        return n


def inflated(data: bytes, cap: int) -> IO[bytes]:
    """A stream of ``data`` decompressed (gzip, bzip2, xz, or stored), capped at ``cap``."""
    src = io.BytesIO(data)
    raw: io.BufferedIOBase = src  # decompressors returned, closed with the tar
    if data[:2] == b"\x1f\x8b":
        raw = gzip.GzipFile(fileobj=src, mode="rb")
    elif data[:3] == b"BZh":
        raw = bz2.BZ2File(src, mode="rb")
    elif data[:6] == b"\xfd7zXZ\x00":
        raw = lzma.LZMAFile(src, mode="rb")  # noqa: SIM115
    return io.BufferedReader(_Capped(raw, cap), buffer_size=64 * 1024)


def overlaps(data: bytes, infos: list[zipfile.ZipInfo]) -> set[int]:
    """Indices (in ``infos``) of members whose local header + data start inside an earlier
    member's range."""
    spans: list[tuple[int, int, int]] = []
    for k, info in enumerate(infos):
        off = info.header_offset
        if off < 0 or off + LOCAL_HEADER > len(data) or data[off : off + 4] != b"PK\x03\x04":
            continue  # zipfile reports a bad local header when the member is read
        nlen, xlen = struct.unpack_from("<HH", data, off + 26)
        spans.append((off, off + LOCAL_HEADER + nlen + xlen + info.compress_size, k))
    spans.sort()
    bad: set[int] = set()
    end = -1
    for start, stop, k in spans:
        if start < end:
            bad.add(k)
        end = max(end, stop)
    return bad
