"""PK0xx: package-safety findings (archive limits, traversal, symlinks, encryption, corruption)
and package-structure checks (stdlib shadowing in layers, ``.pth`` startup hooks)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.checkbase import Hit, check
from lambdawatch.codescan.flows import FileContext
from lambdawatch.codescan.model import Severity as S
from lambdawatch.codescan.model import declare

LIMIT = declare(
    "PK001",
    "archive-limit-exceeded",
    "archive-limit",
    "Archive exceeds a safety limit",
    S.HIGH,
    "high",
    """A member or the package breaks a limit: total uncompressed size, compression
                ratio (zip bomb), file count, member size or nesting depth. The rest is skipped and
                the result is partial.""",
)
TRAVERSAL = declare(
    "PK002",
    "path-traversal-member",
    "path-traversal",
    "Archive member escapes the extraction folder",
    S.HIGH,
    "high",
    """A member name that is absolute or contains ``..`` would write outside the
                    extraction folder. Its content is still scanned under its name.""",
)
SYMLINK = declare(
    "PK003",
    "symlink-member",
    "symlink",
    "Symbolic link in the package",
    S.MEDIUM,
    "high",
    """A member stored as a symbolic link (zip ``external_attr``, tar, or a folder
                  link). Never followed. High when the target is absolute or climbs with ``..``.""",
)
ENCRYPTED = declare(
    "PK004",
    "encrypted-member",
    "encrypted-member",
    "Encrypted archive member",
    S.HIGH,
    "high",
    """A member with the zip encryption flag: its code cannot be reviewed (the spec's
                    "encrypted code in layers"). Counted as unreadable.""",
)
CORRUPT = declare(
    "PK005",
    "corrupt-archive",
    "corrupt-archive",
    "Truncated or corrupt archive or member",
    S.MEDIUM,
    "high",
    """The archive (or a member) cannot be read completely: truncated download, bad
                  CRC, unknown compression. What could be read is still scanned.""",
)
# sitecustomize/usercustomize are imported by ``site`` at every interpreter start.
STDLIB = frozenset(sys.stdlib_module_names) - {"this", "antigravity", "__future__"} | {
    "sitecustomize",
    "usercustomize",
}
ROOTS = re.compile(
    r"^(?:python/(?:lib/python3\.\d+/site-packages/)?)?([A-Za-z_]\w*)"
    r"(?:\.py|/__init__\.py)$"
)
PTH_BAD = (
    "exec(",
    "eval(",
    "base64",
    "socket",
    "urllib",
    "subprocess",
    "os.system",
    "http",
    "__import__",
    "compile(",
)
PTH_OK = ("_distutils_hack", "_virtualenv", "__editable__", "coverage")


def stdlib_shadow(path: str) -> str | None:
    """The standard-library module a root-level module would shadow, if any."""
    m = ROOTS.match(path)
    return m.group(1) if m and m.group(1) in STDLIB else None


@check(
    "PK010",
    "stdlib-module-shadowing",
    "module-shadowing",
    "Layer or package module shadows a standard-library module",
    S.HIGH,
    "high",
)
def shadowing(ctx: FileContext) -> Iterator[Hit]:
    """A module or package at the package root or a layer's ``python/`` (or ``site-packages/``)
    root named like a standard-library module (``json.py``, ``json/__init__.py``) is imported
    instead of the real one, and ``sitecustomize``/``usercustomize`` run at every interpreter
    start; when it also touches the network, the environment or processes it is a hook into
    every import."""
    name = stdlib_shadow(ctx.path)
    if not name:
        return
    touches = [
        c.line
        for c in ctx.facts.calls
        if tx.is_net(c.callee) or tx.is_socket(c.callee) or tx.is_process(c.callee)
    ] + [r.line for r in ctx.facts.env_reads]
    if touches:
        yield Hit(min(touches), f"{ctx.path} shadows stdlib '{name}' and touches network/env")


@check(
    "PK011",
    "pth-startup-code",
    "startup-hook",
    "Executable line in a .pth startup file",
    S.MEDIUM,
    "high",
)
def pth_startup(ctx: FileContext) -> Iterator[Hit]:
    """Lines of a ``.pth`` file that start with ``import`` run at every interpreter start.
    High when the line decodes, executes, or reaches the network or processes."""
    if ctx.role != "pth":
        return
    for i, text in enumerate(ctx.lines, 1):
        if text.lstrip().startswith(("import ", "import\t")) and not any(
            ok in text for ok in PTH_OK
        ):
            bad = any(b in text for b in PTH_BAD)
            yield Hit(i, ".pth runs code at interpreter start", S.HIGH if bad else None)
