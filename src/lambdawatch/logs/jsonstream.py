"""``filter-log-events`` output read event by event: a file of millions of events is never
held whole (only the current megabyte of text and one event)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any

_HEAD = re.compile(r'\s*\{\s*"events"\s*:\s*\[')
_READ = 1 << 20


class Truncated(ValueError):
    """The events array ends in the middle of an event."""


def is_events_page(head: str) -> bool:
    return _HEAD.match(head) is not None


def events(fh: IO[str]) -> Iterator[dict[str, Any]]:
    """Every object of the leading ``"events": [...]`` array of an open text file."""
    decoder = json.JSONDecoder()
    buf = fh.read(_READ)
    m = _HEAD.match(buf)
    if m is None:
        raise ValueError('not {"events": [...]}')
    pos, eof = m.end(), False
    while True:
        while pos < len(buf) and buf[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(buf):
            if eof:
                raise Truncated("the file ends inside the events array")
            more = fh.read(_READ)
            eof = not more
            buf, pos = buf[pos:] + more, 0
            continue
        if buf[pos] == "]":
            return
        try:
            item, end = decoder.raw_decode(buf, pos)
        except json.JSONDecodeError:
            if eof:
                raise Truncated("the file ends inside an event") from None
            more = fh.read(_READ)  # the event runs past the text read so far
            eof = not more
            buf, pos = buf[pos:] + more, 0
            continue
        if isinstance(item, dict):
            yield item
        pos = end
        if pos > _READ:
            buf, pos = buf[pos:], 0
