"""Recover members of a truncated zip from its local file headers (no central directory)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

LOCAL = struct.Struct("<4sHHHHHIIIHH")


def salvage_zip(data: bytes, max_member: int) -> Iterator[tuple[str, bytes]]:
    """Members whose local header and data are complete; stored or deflated only, bounded."""
    pos = data.find(b"PK\x03\x04")
    while pos >= 0 and pos + LOCAL.size <= len(data):
        (_, _, flags, method, _, _, _, csize, usize, nlen, xlen) = LOCAL.unpack_from(data, pos)
        start = pos + LOCAL.size + nlen + xlen
        name = data[pos + LOCAL.size : pos + LOCAL.size + nlen].decode("utf-8", "replace")
        end = start + csize
        if flags & 0x9 or end > len(data) or usize > max_member:
            break  # encrypted, data descriptor (size unknown) or truncated: stop here
        raw = data[start:end]
        try:
            if method == 0:
                yield name, raw
            elif method == 8:
                d = zlib.decompressobj(-15)
                out = d.decompress(raw, max_member)
                yield name, out
        except zlib.error:
            break
        pos = data.find(b"PK\x03\x04", end)
