"""Neutralise attacker-controlled strings before any human-readable renderer sees them.

Everything that comes from logs, packages, configs or AWS responses can hold terminal escape
sequences, carriage returns, bidi controls or rich markup. :func:`safe_text` shows control and
invisible characters escaped (``\\x1b``, ``\\r``, ``\\u202e``) and leaves ordinary text,
accented letters included, as it is. :func:`safe_markup` also escapes rich markup so that data is
never interpreted as styles or links. Machine formats (JSON, SARIF, OCSF) keep exact values and
must not use these functions.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# Format characters (Cf: zero-width, bidi controls, BOM), line/paragraph separators and
# every C0/C1 control besides none: a newline in data is shown as \n too.
_VISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe_text(value: Any, *, keep_newlines: bool = False) -> str:
    """``value`` as one printable string: control, format and unassigned characters escaped."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable() and text.isascii():
        return text  # the common case, no allocation
    out: list[str] = []
    for ch in text:
        if keep_newlines and ch == "\n":
            out.append(ch)
        elif unicodedata.category(ch) in _VISIBLE_CATEGORIES:
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def safe_markup(value: Any, *, keep_newlines: bool = False) -> str:
    """:func:`safe_text`, then rich markup escaped (``[`` cannot open a tag or a link)."""
    from rich.markup import escape

    return escape(safe_text(value, keep_newlines=keep_newlines))
