"""Inflate one file's bytes as ``zcat`` reads them, within the per-file inflate cap.

Gzip is recognised by its magic bytes. Every member is read (several members, empty members);
bytes after the last member are ignored and reported (zero padding or junk); a corrupt or cut
stream keeps what inflated cleanly. Output past ``max_inflate`` is never produced: the file
gives what came before the cap, and the cap is reported.
"""

from __future__ import annotations

import zlib
from typing import Any

from lambdawatch.ingest.limits import human

_inflate_whole: Any
_crc32: Any
try:  # libdeflate: the fastest whole-buffer inflate measured here (bench/README.md)
    from deflate import crc32 as _crc32
    from deflate import gzip_decompress as _inflate_whole
except ImportError:  # pragma: no cover - a declared dependency
    _inflate_whole = None
    _crc32 = zlib.crc32

GZIP_MAGIC = b"\x1f\x8b"
_MEMBER = GZIP_MAGIC + b"\x08"  # magic and the deflate method: how every member starts
_CHUNK = 16 << 20  # output produced per step of the careful path
Buffer = bytes | bytearray


def _whole(data: bytes, cap: int) -> Buffer | None:
    """libdeflate's one-shot inflate, accepted only when the file is surely one member: no second
    gzip header anywhere after the first (a chance match in the deflate data just takes the
    careful path), and the trailer's ISIZE and CRC-32 describe the whole output (libdeflate
    sizes its output from ISIZE and stops after one member)."""
    if _inflate_whole is None or len(data) < 18:
        return None
    isize = int.from_bytes(data[-4:], "little")
    if isize == 0 or isize > cap or data.find(_MEMBER, 10) >= 0:
        return None  # empty or padded, a bomb or past the cap, or several members: careful
    try:
        out = _inflate_whole(data)  # a bytearray: used as is, a copy would cost ~10%
    except Exception:  # noqa: BLE001 - libdeflate's error: the careful path below decides
        return None
    if len(out) != isize or _crc32(out) != int.from_bytes(data[-8:-4], "little"):
        return None
    return bytearray(out) if not isinstance(out, bytearray) else out


def _trailing(rest: memoryview) -> str:
    n = len(rest)
    if not any(rest.tobytes()):
        return f"{n} trailing zero bytes after the gzip data ignored"
    return f"{n} bytes of trailing junk after the gzip data ignored"


def inflate(data: bytes, max_inflate: int) -> tuple[Buffer, str | None]:
    """The file's content and the problem met (None: read cleanly). Never raises."""
    if not data.startswith(GZIP_MAGIC):
        if len(data) > max_inflate:
            return data[:max_inflate], (
                f"larger than the {human(max_inflate)} cap "
                f"(--max-inflate); read the first {human(max_inflate)}"
            )
        return data, None
    whole = _whole(data, max_inflate)
    if whole is not None:
        return whole, None
    return _careful(memoryview(data), max_inflate)


def _careful(view: memoryview, cap: int) -> tuple[Buffer, str | None]:
    out = bytearray()
    pos, size = 0, len(view)
    while pos < size:
        if view[pos : pos + 2] != GZIP_MAGIC:
            return out, _trailing(view[pos:])
        d = zlib.decompressobj(wbits=31)  # exactly one gzip member
        tail: bytes | memoryview = view[pos:]
        try:
            while not d.eof:
                room = cap - len(out)
                piece = d.decompress(tail, min(_CHUNK, room + 1))
                out += piece
                if len(out) > cap:
                    del out[cap:]
                    return out, (
                        f"inflates past the {human(cap)} cap (--max-inflate); "
                        f"read the first {human(cap)}"
                    )
                tail = d.unconsumed_tail
                if not piece and not tail:
                    break
        except zlib.error as exc:
            return out, f"corrupt gzip ({exc}); recovered {len(out)} bytes"
        if not d.eof:
            return out, f"truncated gzip; recovered {len(out)} bytes"
        pos = size - len(d.unused_data) - len(d.unconsumed_tail)
    return out, None
