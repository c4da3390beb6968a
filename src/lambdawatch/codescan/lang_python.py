"""Python front end: ``ast`` only (the code is parsed, never imported or run)."""

from __future__ import annotations

import ast
import re
import warnings

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.ir import Assign, Call, EnvRead, Expr, Facts, Literal
from lambdawatch.codescan.pyfold import fold, render

ENVIRON = "os.environ"
PROC_ENVIRON = re.compile(r"/proc/[^/\s'\"]+/environ")
PICKERS = frozenset({"get", "pop", "setdefault", "getenv"})
ENV_GETTERS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault", "os.getenvb"})


BUILTINS = frozenset({"builtins", "__builtins__", "__builtin__"})
IMPORTERS = frozenset({"__import__", "importlib.import_module", "importlib.__import__"})
ALIASABLE = frozenset({"exec", "eval", "compile", "__import__", "getattr", "open"})
STAR = {
    "socket": ("socket", "create_connection"),
    "os": (
        "system",
        "popen",
        "dup2",
        "execv",
        "execve",
        "execl",
        "execvp",
        "spawnv",
        "memfd_create",
        "fexecve",
    ),
    "subprocess": ("Popen", "run", "call", "check_call", "check_output", "getoutput"),
    "pty": ("spawn",),
}
HANDLER_ARGS = ("event", "context")


class _Resolver:
    """Canonical callee names: imports, simple types, aliases (``run = exec``), names built
    from literals (``getattr(builtins, "ex" + "ec")``, ``__import__("os")``) and local helper
    functions (a local ``fetch`` is a network call only when its body makes one)."""

    def __init__(self, tree: ast.AST) -> None:
        self.alias: dict[str, str] = {}
        self.types: dict[str, str] = {}
        self.consts: dict[str, str] = {}
        self.templates: dict[str, str] = {}  # partly known strings (unknown parts: X)
        self.handler = False
        defs: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.alias[(a.asname or a.name).split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    if a.name == "*":
                        for name in STAR.get(node.module, ()):
                            self.alias[name] = f"{node.module}.{name}"
                    else:
                        self.alias[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                defs.append(node)
                args = [a.arg for a in node.args.args]
                self.handler = self.handler or tuple(args[:2]) == HANDLER_ARGS
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                text = fold(node.value, self.consts)
                if text is not None:
                    self.consts[node.targets[0].id] = text
                elif isinstance(node.value, ast.JoinedStr | ast.BinOp | ast.List):
                    self.templates[node.targets[0].id] = render(
                        node.value, self.consts, 0, self.templates
                    )
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                kind = self.call_type(node.value)
                for t in node.targets:
                    if isinstance(t, ast.Name | ast.Attribute) and kind:
                        self.types[_target_name(t)] = kind
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name | ast.Attribute):
                target = self.dotted(node.value)
                if (
                    target in ALIASABLE
                    or "." in target
                    and target.split(".")[0] in set(self.alias.values()) | BUILTINS
                ):
                    for t in node.targets:
                        if isinstance(t, ast.Name):
                            self.alias[t.id] = target.removeprefix("builtins.")
            elif (
                isinstance(node, ast.withitem)
                and isinstance(node.context_expr, ast.Call)
                and isinstance(node.optional_vars, ast.Name)
            ):
                self.types[node.optional_vars.id] = self.call_type(node.context_expr)
        for fdef in defs:
            if fdef.name in self.alias:
                continue
            inner = [self.dotted(c.func) for c in ast.walk(fdef) if isinstance(c, ast.Call)]
            net = next((c for c in inner if tx.is_net(c)), None)
            self.alias[fdef.name] = net or f"local.{fdef.name}"

    def call_type(self, call: ast.Call) -> str:
        callee = self.dotted(call.func)
        if callee.endswith((".client", ".resource")) and call.args:
            first = call.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return f"aws.{first.value}"
        if callee in IMPORTERS and call.args:
            module = fold(call.args[0], self.consts)
            if module:
                return module
        if callee == "getattr" and len(call.args) >= 2:
            attr = fold(call.args[1], self.consts)
            if attr:
                base = self.dotted(call.args[0])
                return attr if base in BUILTINS or not base else f"{base}.{attr}"
        return callee

    def dotted(self, node: ast.AST) -> str:
        if isinstance(node, ast.Name):
            return self.types.get(node.id) or self.alias.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.dotted(node.value)
            key = _target_name(node)
            if key in self.types:
                return self.types[key]
            if base in BUILTINS:
                return node.attr
            return f"{base}.{node.attr}" if base else node.attr
        if isinstance(node, ast.Call):
            return self.call_type(node)
        if isinstance(node, ast.Subscript):
            sub_key = fold(node.slice, self.consts)
            base = self.dotted(node.value)
            if sub_key and base in {
                "globals",
                "locals",
                "vars",
                "builtins.__dict__",
                "__builtins__.__dict__",
            }:
                return sub_key
            return base
        return ""


def _target_name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_target_name(node.value)}.{node.attr}"
    return ""


def _is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.List | ast.Tuple):
        return all(_is_literal(e) for e in node.elts)
    return False


class _Extractor:
    def __init__(self, tree: ast.AST) -> None:
        self.r = _Resolver(tree)
        self.parent: dict[int, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parent[id(child)] = node

    def env_key(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Subscript) and self.r.dotted(node.value) == ENVIRON:
            s = node.slice
            return s.value if isinstance(s, ast.Constant) and isinstance(s.value, str) else "?"
        if isinstance(node, ast.Call) and self.r.dotted(node.func) in ENV_GETTERS:
            a = node.args[0] if node.args else None
            return a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else "?"
        if isinstance(node, ast.Name | ast.Attribute) and self.r.dotted(node) == ENVIRON:
            p = self.parent.get(id(node))
            if isinstance(p, ast.Subscript | ast.Compare) or (
                isinstance(p, ast.Attribute)
                and p.attr in {"get", "setdefault", "pop", "__contains__", "__getitem__", "keys"}
            ):
                return None  # one variable (``"X" in os.environ``), not the whole environment
            return "*"
        if isinstance(node, ast.Constant | ast.JoinedStr) and not isinstance(
            self.parent.get(id(node)), ast.JoinedStr
        ):
            text = render(node, self.r.consts)
            if "environ" in text and PROC_ENVIRON.search(text):
                return "*"  # /proc/self/environ, /proc/<pid>/environ: the environment as a file
        return None

    def expr(self, node: ast.AST | None) -> Expr:
        if node is None:
            return Expr()
        names: set[str] = set()
        calls: set[str] = set()
        strings: list[str] = []
        env: list[str] = []
        indexed: set[str] = set()
        whole: set[str] = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name | ast.Attribute):
                name = sub.id if isinstance(sub, ast.Name) else _target_name(sub)
                names.add(name)
                p = self.parent.get(id(sub))
                if (isinstance(p, ast.Subscript) and p.value is sub) or (
                    isinstance(p, ast.Attribute) and p.attr in PICKERS
                ):
                    indexed.add(name)
                elif not isinstance(p, ast.Attribute):
                    whole.add(name)
            elif isinstance(sub, ast.Call):
                calls.add(self.r.dotted(sub.func))
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                strings.append(sub.value)
            elif isinstance(sub, ast.JoinedStr | ast.BinOp) and not isinstance(
                self.parent.get(id(sub)), ast.JoinedStr | ast.BinOp
            ):
                built = render(sub, self.r.consts)
                if built != "X":
                    strings.append(built)
            key = self.env_key(sub)
            if key:
                env.append(key)
        return Expr(
            frozenset(names),
            frozenset(calls),
            tuple(strings),
            tuple(env),
            frozenset(indexed - whole),
        )

    def literal_context(self, node: ast.AST) -> str:
        p = self.parent.get(id(node))
        if isinstance(p, ast.Compare):
            return "compare"
        if isinstance(p, ast.List | ast.Set | ast.Tuple | ast.Dict):
            gp = self.parent.get(id(p))
            if isinstance(gp, ast.Compare):
                return "compare"
            if not isinstance(gp, ast.Call):
                return "collection"
        return "code"

    def run(self, tree: ast.AST, facts: Facts) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                args = [*node.args, *(k.value for k in node.keywords)]
                ex = Expr()
                for a in args:
                    ex = ex | self.expr(a)
                shell = any(
                    k.arg == "shell" and isinstance(k.value, ast.Constant) and bool(k.value.value)
                    for k in node.keywords
                )
                callee = self.r.dotted(node.func)
                command = ""
                if tx.is_process(callee) and node.args:
                    command = render(node.args[0], self.r.consts, 0, self.r.templates)
                    if len(node.args) > 1 and isinstance(node.args[1], ast.List | ast.Tuple):
                        command = render(
                            ast.List([node.args[0], *node.args[1].elts]),
                            self.r.consts,
                            0,
                            self.r.templates,
                        )
                facts.calls.append(
                    Call(
                        callee,
                        node.lineno,
                        ex,
                        all(_is_literal(a) for a in node.args),
                        shell,
                        command,
                        tuple(k.arg for k in node.keywords if k.arg),
                    )
                )
            elif isinstance(node, ast.Return) and node.value is not None:
                facts.returns.append(Assign((), self.expr(node.value), node.lineno))
            elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = tuple(n for t in targets for n in _names(t))
                facts.assigns.append(Assign(names, self.expr(node.value), node.lineno))
                v = node.value
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    for n in names:
                        facts.consts[n] = v.value
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                facts.assigns.append(
                    Assign(
                        tuple(_names(node.optional_vars)),
                        self.expr(node.context_expr),
                        node.context_expr.lineno,
                    )
                )
            elif isinstance(node, ast.For):
                facts.assigns.append(
                    Assign(tuple(_names(node.target)), self.expr(node.iter), node.lineno)
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                facts.literals.append(Literal(node.value, node.lineno, self.literal_context(node)))
            key = self.env_key(node)
            if key:
                facts.env_reads.append(EnvRead(key, getattr(node, "lineno", 0)))


def _names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name | ast.Attribute):
        return [_target_name(node)]
    if isinstance(node, ast.Tuple | ast.List):
        return [n for e in node.elts for n in _names(e)]
    return []


def parse_python(text: str) -> Facts:
    """Facts of a Python file; ``parse_error`` is set when ``ast`` cannot parse it."""
    facts = Facts("python")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        facts.parse_error = f"{type(exc).__name__}: {exc}"
        return facts
    try:
        ext = _Extractor(tree)
        facts.handler = ext.r.handler
        ext.run(tree, facts)
        for name, value in ext.r.consts.items():
            facts.consts.setdefault(name, value)
    except RecursionError as exc:
        facts.parse_error = f"RecursionError: {exc}"
    return facts
