"""Build the ``FileContext`` of one file: decode, choose the front end, run flows."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from lambdawatch.codescan.checks_binary import printable_strings
from lambdawatch.codescan.classify import language, role
from lambdawatch.codescan.flows import FileContext, analyse
from lambdawatch.codescan.ir import Facts
from lambdawatch.codescan.lang_python import parse_python
from lambdawatch.codescan.lang_text import expand_commands, scan_text
from lambdawatch.codescan.model import Severity
from lambdawatch.codescan.package_checks import stdlib_shadow

MAX_PARSE = 4 * 1024 * 1024  # bigger Python sources get the tolerant line scanner
MAX_JS_PARSE = 512 * 1024  # bigger JS/TS (bundles, minified) too: the tree walk costs ~6 us/node


def file_context(
    path: str, data: bytes, vendored: bool, prefilter: Callable[[bytes], bool], parse: bool = True
) -> FileContext | None:
    """The checks' view of one file, or None when nothing can fire; ``parse=False`` gives the
    tolerant text scan instead of the language parser (size or time budget exceeded)."""
    inner = path.split("!/")[-1]
    lang = language(inner, data[:8192])
    if vendored and stdlib_shadow(_layer_relative(inner)):
        vendored = False
    # Data files and archive members shipped by a verified distribution (timezone tarballs,
    # test fixtures) never rank above info.
    cap = Severity.INFO if vendored and (lang in {"data", "binary"} or "!/" in path) else None
    if lang == "binary":
        if not prefilter(data) and not re.search(rb"https?://|\d+\.\d+\.\d+\.\d+", data):
            return None
        return FileContext(
            path, Facts("binary"), printable_strings(data), vendored, "binary", cap=cap
        )
    if (vendored or lang == "data") and lang != "pth" and not prefilter(data):
        return None
    text = data.decode("utf-8", "replace")
    lines = text.splitlines()
    if vendored or lang == "data":
        return FileContext(path, Facts(lang), lines, vendored, role(inner, lang, text), cap=cap)
    facts = _facts(lang, text, len(data)) if parse else _text_only(lang, text)
    return analyse(FileContext(path, facts, lines, vendored, role(inner, lang, text)))


def _facts(lang: str, text: str, size: int) -> Facts:
    if lang == "python":
        facts = parse_python(text) if size <= MAX_PARSE else Facts("python", parse_error="big")
        if facts.parse_error:
            err = facts.parse_error
            facts = scan_text(text, "python")
            facts.parse_error = err
        return expand_commands(facts)
    if lang in {"js", "ts", "tsx"} and size <= MAX_JS_PARSE:
        from lambdawatch.codescan.lang_js import parse_js

        try:
            return expand_commands(parse_js(text, lang))
        except RecursionError:
            facts = scan_text(text, lang)
            facts.parse_error = "RecursionError: nesting too deep for the parser"
            return facts
    if lang == "pth":
        return Facts("pth")
    return scan_text(text, "shell" if lang == "shell" else lang)


def _text_only(lang: str, text: str) -> Facts:
    facts = scan_text(text, "shell" if lang == "shell" else lang)
    facts.parse_error = "not parsed (over the size or time budget)"
    return facts


def _layer_relative(path: str) -> str:
    return posixpath.normpath(path).lstrip("/")
