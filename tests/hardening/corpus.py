"""The terminal-injection corpus: what an attacker can put in a log field, a package member name,
a code line or a rule file to drive a terminal, hide a finding or fake a result."""

from __future__ import annotations

import re

CLEAR_THEN_ALL_CLEAR = "\x1b[2J\x1b[H\x1b[32mALL CLEAR: 0 findings\x1b[0m"
TITLE = "\x1b]0;owned\x07"
CR_OVERWRITE = "evil-principal\rarn:aws:iam::111122223333:role/ci"
OSC8_LINK = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
C1_CSI = "\x9b2J"
BIDI = "user\u202egnp.exe\u202c\u2066x\u2069\u200f"
MARKUP = "[/] [link=https://evil.example]login[/link] [bold red]ALL CLEAR[/bold red] :warning:"
CORPUS = [CLEAR_THEN_ALL_CLEAR, TITLE, CR_OVERWRITE, OSC8_LINK, C1_CSI, BIDI, MARKUP]
EVIL = " ".join(CORPUS)  # all of it in one field

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
URL_PASSWORD = "Tr0ub4dor-and-3"

# Nothing that moves the cursor, clears, retitles, links, reorders or hides may reach a terminal.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def assert_inert(text: str) -> None:
    """``text`` holds no raw control, escape or bidi character (newlines and tabs allowed)."""
    found = RAW.search(text)
    assert found is None, (
        f"raw {found.group(0)!r} at {found.start()}: {text[max(0, found.start() - 60) : found.start() + 20]!r}"
    )


def assert_no_secret(text: str) -> None:
    for secret in (KEY_ID, SECRET_KEY, URL_PASSWORD):
        assert secret not in text, f"secret {secret[:4]}... printed"
