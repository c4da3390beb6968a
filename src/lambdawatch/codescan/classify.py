"""Which front end reads a file, and what role the file plays in a Lambda package."""

from __future__ import annotations

import posixpath
import re

PY = (".py", ".pyw")
JS = (".js", ".mjs", ".cjs", ".jsx")
TS = (".ts", ".mts", ".cts")
SHELL = (".sh", ".bash", ".ksh", ".zsh")
BINARY_EXT = (".so", ".node", ".exe", ".dll", ".bin", ".dylib", ".o", ".a", ".pyc", ".class")
DATA_EXT = (
    ".json",
    ".txt",
    ".md",
    ".rst",
    ".yml",
    ".yaml",
    ".cfg",
    ".ini",
    ".toml",
    ".env",
    ".pem",
    ".key",
    ".csv",
    ".xml",
    ".html",
    ".map",
    ".d.ts",
    ".lock",
    ".properties",
)


EXECUTABLE_DIRS = re.compile(r"(?:^|/)(?:extensions|bin|sbin|libexec)/")
PY_HINT = re.compile(r"^(?:import \w|from [\w.]+ import |def \w+\(|class \w+[(:])", re.MULTILINE)
JS_HINT = re.compile(
    r"\brequire\(['\"]|^(?:const|let|var) \w+ = |module\.exports|"
    r"^import .* from ['\"]",
    re.MULTILINE,
)


def language(path: str, head: bytes) -> str:
    """One of python, js, ts, tsx, shell, pth, binary, data."""
    base = posixpath.basename(path).lower()
    if (
        b"\x00" in head[:8192]
        or head[:4] in (b"\x7fELF", b"\xcf\xfa\xed\xfe")
        or head[:2] == b"MZ"
        or base.endswith(BINARY_EXT)
    ):
        return "binary"
    if base.endswith(".pth"):
        return "pth"
    if base.endswith(".d.ts"):
        return "data"
    if base.endswith(PY):
        return "python"
    if base.endswith(JS):
        return "js"
    if base.endswith(TS):
        return "ts"
    if base.endswith(".tsx"):
        return "tsx"
    if head.startswith(b"#!"):
        first = head.split(b"\n", 1)[0]
        if b"python" in first:
            return "python"
        if b"node" in first:
            return "js"
        return "shell"
    if base.endswith(SHELL):
        return "shell"
    if "." not in base and (base == "bootstrap" or EXECUTABLE_DIRS.search(path)):
        return _sniff(head)
    return "data"


def _sniff(head: bytes) -> str:
    """An extension-less executable typed by its content (no shebang): Python, JS or shell."""
    text = head[:4096].decode("utf-8", "replace")
    if PY_HINT.search(text):
        return "python"
    if JS_HINT.search(text):
        return "js"
    return "shell"


def role(path: str, lang: str, text: str) -> str:
    """``bootstrap`` (root custom runtime), ``wrapper`` (exec wrapper), ``extension``, ``pth``,
    ``binary`` or ``code``."""
    if lang == "binary":
        return "binary"
    if lang == "pth":
        return "pth"
    if path == "bootstrap":
        return "bootstrap"
    if lang == "shell" and ('exec "$@"' in text or 'exec "${@}"' in text):
        return "wrapper"
    if path.startswith("extensions/"):
        return "extension"
    return "code"
