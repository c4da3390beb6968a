"""Fold Python expressions to the text they build, without running anything.

Used to see through ``"ex" + "ec"``, ``"cexe"[::-1]``, ``"".join([...])``, ``chr(101)``,
``base64.b64decode("...").decode()`` (attribute names built at run time), and to render the
command line handed to a process call (``f"curl {url} | sh"``, ``["sh", "-c", cmd]``), where the
parts that cannot be known become ``X``.
"""

from __future__ import annotations

import ast
import base64
import binascii
import posixpath

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ash", "ksh"})
UNKNOWN = "X"


def fold(node: ast.AST | None, consts: dict[str, str] | None = None, depth: int = 0) -> str | None:
    """The exact string ``node`` evaluates to, when it is built from literals only."""
    if node is None or depth > 20:
        return None
    d = depth + 1
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, bytes):
            return node.value.decode("latin-1")
        return None
    if isinstance(node, ast.Name) and consts is not None:
        return consts.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = fold(node.left, consts, d), fold(node.right, consts, d)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        parts = [
            fold(v.value if isinstance(v, ast.FormattedValue) else v, consts, d)
            for v in node.values
        ]
        return "".join(p for p in parts if p is not None) if None not in parts else None
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        inner = fold(node.value, consts, d)
        sl = node.slice
        if (
            inner is not None
            and sl.lower is None
            and sl.upper is None
            and isinstance(sl.step, ast.UnaryOp)
            and isinstance(sl.step.operand, ast.Constant)
            and sl.step.operand.value == 1
        ):
            return inner[::-1]
        return None
    if isinstance(node, ast.Call):
        return _fold_call(node, consts, d)
    return None


def _fold_call(node: ast.Call, consts: dict[str, str] | None, d: int) -> str | None:
    fn = node.func
    if isinstance(fn, ast.Name) and fn.id == "chr" and len(node.args) == 1:
        a = node.args[0]
        if isinstance(a, ast.Constant) and isinstance(a.value, int) and 0 <= a.value < 0x110000:
            return chr(a.value)
        return None
    if not isinstance(fn, ast.Attribute):
        return None
    if fn.attr == "join" and len(node.args) == 1:
        sep = fold(fn.value, consts, d)
        items = node.args[0]
        if sep is not None and isinstance(items, ast.List | ast.Tuple):
            parts = [fold(e, consts, d) for e in items.elts]
            return sep.join(p for p in parts if p is not None) if None not in parts else None
        return None
    if fn.attr in {"decode", "lower", "strip"} and not node.args:
        inner = fold(fn.value, consts, d)
        return (
            None if inner is None else getattr(inner, fn.attr)() if fn.attr != "decode" else inner
        )
    if fn.attr in {"b64decode", "urlsafe_b64decode", "unhexlify", "fromhex"} and node.args:
        raw = fold(node.args[0], consts, d)
        if raw is None:
            return None
        try:
            if fn.attr in {"unhexlify", "fromhex"}:
                return bytes.fromhex(raw).decode("latin-1")
            return base64.b64decode(
                raw + "==", altchars=b"-_" if "urlsafe" in fn.attr else None
            ).decode("latin-1")
        except (ValueError, binascii.Error):
            return None
    return None


def render(
    node: ast.AST | None,
    consts: dict[str, str],
    depth: int = 0,
    templates: dict[str, str] | None = None,
) -> str:
    """The text a string expression builds, unknown parts as ``X`` (for shell parsing);
    ``templates`` holds partly known strings assigned to names (``cmd = f"curl {u} | sh"``)."""
    if node is None or depth > 20:
        return UNKNOWN
    known = fold(node, consts)
    if known is not None:
        return known
    if isinstance(node, ast.Name) and templates and node.id in templates:
        return templates[node.id]
    d = depth + 1
    if isinstance(node, ast.JoinedStr):
        return "".join(
            render(v.value if isinstance(v, ast.FormattedValue) else v, consts, d, templates)
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        left = render(node.left, consts, d, templates)
        return (
            left + render(node.right, consts, d, templates)
            if isinstance(node.op, ast.Add)
            else left
        )
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return render(node.func.value, consts, d, templates)
    if isinstance(node, ast.List | ast.Tuple):
        return argv_command([render(e, consts, d, templates) for e in node.elts])
    return UNKNOWN


def argv_command(argv: list[str]) -> str:
    """An argv list as a shell line; ``["sh", "-c", CMD]`` is CMD itself."""
    if (
        len(argv) >= 3
        and posixpath.basename(argv[0]) in SHELLS
        and argv[1].startswith("-")
        and "c" in argv[1]
    ):
        return argv[2]
    return " ".join(argv)
