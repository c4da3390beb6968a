"""The sanitiser for human output: escapes shown, ordinary text untouched, markup inert."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table

from lambdawatch.textsafe import safe_cell, safe_line, safe_markup, safe_text


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("\x1b[2J\x1b[HALL CLEAR", "\\x1b[2J\\x1b[HALL CLEAR"),  # clear screen
        ("\x1b]0;owned\x07", "\\x1b]0;owned\\x07"),  # window title
        ("evil\rgood", "evil\\rgood"),  # carriage-return overwrite
        ("\x9b2J", "\\x9b2J"),  # C1 CSI
        ("a\u202eb\u2066c\u2069\u200f", "a\\u202eb\\u2066c\\u2069\\u200f"),  # bidi controls
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),  # invisible characters
        ("line1\nline2\t", "line1\\nline2\\t"),
    ],
)
def test_controls_are_shown_escaped(raw: str, shown: str) -> None:
    assert safe_text(raw) == shown


@pytest.mark.parametrize(
    "text",
    [
        "arn:aws:iam::111122223333:role/deploy",
        "Müller café",
        "日本語の関数",
        "[/] [bold]x[/bold]",
    ],
)
def test_ordinary_text_is_untouched(text: str) -> None:
    assert safe_text(text) == text


def test_ascii_only_shows_look_alike_letters() -> None:
    assert safe_text("pаyments", ascii_only=True) == "p\\u0430yments"  # Cyrillic a
    assert safe_text("payments", ascii_only=True) == "payments"


def test_keep_newlines_keeps_only_newlines() -> None:
    assert safe_text("a\nb\rc", keep_newlines=True) == "a\nb\\rc"


def test_safe_markup_escapes_tags() -> None:
    assert (
        safe_markup("[/] [link=https://e.example]x[/link]")
        == "\\[/] \\[link=https://e.example]x\\[/link]"
    )


def test_safe_line_masks_then_escapes() -> None:
    assert safe_line("k=AKIAIOSFODNN7EXAMPLE\x1b[2J") == "k=****(20 chars)\\x1b[2J"
    assert safe_line(None) == "-"


def _render(*cells: object) -> str:
    buf = io.StringIO()
    table = Table()
    table.add_column("c")
    for cell in cells:
        table.add_row(cell)  # type: ignore[arg-type]
    Console(file=buf, width=120, color_system=None).print(table)
    return buf.getvalue()


def test_safe_cell_is_never_parsed_as_markup() -> None:
    text = _render(
        safe_cell("[/] closes nothing"),
        safe_cell("[link=https://e.example]go[/link]"),
        safe_cell("[bold red]ALL CLEAR[/bold red] :warning:"),
    )
    assert "[/] closes nothing" in text
    assert "[link=https://e.example]go[/link]" in text
    assert "[bold red]ALL CLEAR[/bold red] :warning:" in text


def test_a_raw_markup_string_would_crash_the_table() -> None:
    """The twin: the same data as a markup string is what crashed `hunt` (issue 9)."""
    from rich.errors import MarkupError

    with pytest.raises(MarkupError):
        _render("[/] closes nothing")
