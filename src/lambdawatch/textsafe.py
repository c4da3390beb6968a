"""Neutralise attacker-controlled strings before any human-readable renderer sees them.

Everything that comes from logs, packages, configs or AWS responses can hold terminal escape
sequences, carriage returns, bidi controls or rich markup. :func:`safe_text` shows control and
invisible characters escaped (``\\x1b``, ``\\r``, ``\\u202e``) and leaves ordinary text,
accented letters included, as it is (``ascii_only=True`` escapes every non-ASCII character too,
for names where a look-alike letter is the attack). :func:`safe_markup` also escapes rich markup
so that data is never interpreted as styles or links; :func:`safe_cell` gives a rich ``Text``
that is never parsed for markup, the safest way to put data in a rich table. :func:`safe_line`
is :func:`safe_text` after :func:`lambdawatch.secrets.redact` (secrets masked), for one-line
messages built from data. Machine formats (JSON, SARIF, OCSF) keep exact values (secrets aside,
see :mod:`lambdawatch.secrets`) and must not use these functions.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

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


def safe_text(value: Any, *, keep_newlines: bool = False, ascii_only: bool = False) -> str:
    """``value`` as one printable string: control, format and unassigned characters escaped
    (every non-ASCII character too with ``ascii_only``)."""
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():
        return text  # the common case, no allocation
    out: list[str] = []
    for ch in text:
        if keep_newlines and ch == "\n":
            out.append(ch)
        elif (ascii_only and ord(ch) > 0x7E) or unicodedata.category(ch) in _VISIBLE_CATEGORIES:
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def safe_line(value: Any, *, ascii_only: bool = False) -> str:
    """:func:`safe_text` of ``value`` with every secret in it masked first."""
    from lambdawatch.secrets import redact

    text = "-" if value is None else value if isinstance(value, str) else str(value)
    return safe_text(redact(text), ascii_only=ascii_only)


def safe_cell(
    value: Any, *, style: str = "", keep_newlines: bool = True, ascii_only: bool = False
) -> Text:
    """A rich ``Text`` of ``value`` (secrets masked, escapes shown): never parsed as markup,
    never turned into a link or an emoji. Newlines stay (a cell may hold several lines)."""
    from rich.text import Text

    from lambdawatch.secrets import redact

    text = "-" if value is None else value if isinstance(value, str) else str(value)
    return Text(
        safe_text(redact(text), keep_newlines=keep_newlines, ascii_only=ascii_only), style=style
    )


def safe_markup(value: Any, *, keep_newlines: bool = False) -> str:
    """:func:`safe_text`, then rich markup escaped (``[`` cannot open a tag or a link)."""
    from rich.markup import escape

    return escape(safe_text(value, keep_newlines=keep_newlines))
