"""JavaScript / TypeScript front end through tree-sitter (grammars pinned in pyproject)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from tree_sitter import Language, Node, Parser

from lambdawatch.codescan import taxonomy as tx
from lambdawatch.codescan.ir import Assign, Call, EnvRead, Expr, Facts, Literal
from lambdawatch.codescan.pyfold import argv_command

STRINGS = {"string", "template_string"}
LITERALS = STRINGS | {"number", "true", "false", "null"}
FUNCS = {"arrow_function", "function_expression", "function"}
HANDLER_EXPORTS = {"exports.handler", "module.exports.handler"}
PROC_ENVIRON = re.compile(r"/proc/[^/\s'\"]+/environ")


@cache
def _parser(dialect: str) -> Parser:
    if dialect == "js":
        import tree_sitter_javascript as g

        return Parser(Language(g.language()))
    import tree_sitter_typescript as t

    return Parser(Language(t.language_tsx() if dialect == "tsx" else t.language_typescript()))


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def _walk_expr(node: Node) -> Iterator[Node]:
    """The nodes of an expression, without the bodies of callbacks defined inside it (their
    calls are facts of their own, not arguments of the outer call)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if n is not node and n.type in FUNCS:
            continue
        stack.extend(reversed(n.children))


def _text(n: Node | None) -> str:
    return n.text.decode("utf-8", "replace") if n is not None and n.text is not None else ""


def _str_value(n: Node) -> str:
    return _text(n)[1:-1]


class _Js:
    def __init__(self, root: Node) -> None:
        self.alias: dict[str, str] = {}
        self.consts: dict[str, str] = {}
        self.handler = False
        funcs: list[tuple[str, Node]] = []
        for n in _walk(root):
            if n.type == "variable_declarator":
                name, value = n.child_by_field_name("name"), n.child_by_field_name("value")
                if value is not None and value.type in FUNCS and name is not None:
                    funcs.append((_text(name), value))
                    continue
                if (
                    value is not None
                    and value.type in STRINGS | {"binary_expression"}
                    and name is not None
                    and name.type == "identifier"
                ):
                    self.consts[_text(name)] = self.render(value)
                self._bind(name, value)
            elif n.type in {"function_declaration", "generator_function_declaration"}:
                name = n.child_by_field_name("name")
                if name is not None:
                    funcs.append((_text(name), n))
            elif (n.type == "member_expression" and _text(n) in HANDLER_EXPORTS) or (
                n.type == "export_statement" and "handler" in _text(n)[:80]
            ):
                self.handler = True
            elif n.type == "import_statement":
                src = n.child_by_field_name("source")
                mod = _str_value(src).removeprefix("node:") if src is not None else ""
                for c in _walk(n):
                    if c.type == "import_specifier":
                        name, al = c.child_by_field_name("name"), c.child_by_field_name("alias")
                        self.alias[_text(al or name)] = f"{mod}.{_text(name)}"
                    elif c.type in {"namespace_import", "import_clause"}:
                        for ident in c.children:
                            if ident.type == "identifier":
                                self.alias[_text(ident)] = mod
        for fname, body in funcs:
            if fname in self.alias:
                continue
            inner = [
                self.callee(c)
                for c in _walk(body)
                if c.type in {"call_expression", "new_expression"}
            ]
            self.alias[fname] = next((c for c in inner if tx.is_net(c)), f"local.{fname}")

    def _bind(self, name: Node | None, value: Node | None) -> None:
        if name is None or value is None:
            return
        target = self.dotted(value)
        if name.type == "identifier" and target:
            self.alias[_text(name)] = target
        elif name.type == "object_pattern":
            for c in name.children:
                if c.type == "shorthand_property_identifier_pattern":
                    self.alias[_text(c)] = f"{target}.{_text(c)}"
                elif c.type == "pair_pattern":
                    k, v = c.child_by_field_name("key"), c.child_by_field_name("value")
                    self.alias[_text(v)] = f"{target}.{_text(k)}"

    def dotted(self, n: Node | None) -> str:
        if n is None:
            return ""
        t = n.type
        if t == "identifier":
            return self.alias.get(_text(n), _text(n))
        if t == "member_expression":
            obj, prop = n.child_by_field_name("object"), n.child_by_field_name("property")
            base = self.dotted(obj)
            if not base and obj is not None and obj.type not in {"identifier", "member_expression"}:
                return f"?.{_text(prop)}"  # a regex, call result or ``this``: not a module
            return f"{base}.{_text(prop)}" if base else _text(prop)
        if t == "call_expression":
            fn = n.child_by_field_name("function")
            args = n.child_by_field_name("arguments")
            if _text(fn) == "require" and args is not None and args.named_child_count:
                return self.render(args.named_children[0]).removeprefix("node:")
            return self.dotted(fn)
        if t == "new_expression":
            return self.dotted(n.child_by_field_name("constructor"))
        if t in {"await_expression", "parenthesized_expression"} and n.named_child_count:
            return self.dotted(n.named_children[-1])
        return ""

    def env_key(self, n: Node) -> str | None:
        if n.type in STRINGS and "environ" in _text(n) and PROC_ENVIRON.search(_text(n)):
            return "*"  # /proc/self/environ read as a file
        if n.type not in {"member_expression", "subscript_expression"}:
            return None
        obj = n.child_by_field_name("object")
        if _text(obj) == "process.env":
            key = n.child_by_field_name("property") or n.child_by_field_name("index")
            return _text(key).strip("'\"`") if key is not None else "?"
        if (
            _text(n) == "process.env"
            and n.parent is not None
            and n.parent.type not in {"member_expression", "subscript_expression"}
        ):
            p = n.parent
            if p.type == "binary_expression" and _text(p.child_by_field_name("operator")) == "in":
                return None  # ``"X" in process.env``: one variable
            return "*"
        return None

    def expr(self, n: Node | None) -> Expr:
        if n is None:
            return Expr()
        names, calls, strings, env = set(), set(), [], []
        for s in _walk_expr(n):
            if s.type == "identifier":
                names.add(_text(s))
            elif s.type in {"call_expression", "new_expression"}:
                calls.add(self.callee(s))
            elif s.type in STRINGS:
                strings.append(_str_value(s))
            key = self.env_key(s)
            if key:
                env.append(key)
        return Expr(frozenset(names), frozenset(calls), tuple(strings), tuple(env))

    def render(self, n: Node | None, depth: int = 0) -> str:
        """The text a string expression builds; unknown parts are ``X``."""
        if n is None or depth > 20:
            return "X"
        if n.type == "string":
            return _str_value(n)
        if n.type == "template_string":
            return "".join(
                _text(c)
                if c.type == "string_fragment"
                else self.render(c.named_children[0] if c.named_child_count else None, depth + 1)
                for c in n.named_children
            )
        if n.type == "binary_expression" and _text(n.child_by_field_name("operator")) == "+":
            return self.render(n.child_by_field_name("left"), depth + 1) + self.render(
                n.child_by_field_name("right"), depth + 1
            )
        if n.type == "identifier" and _text(n) in self.consts:
            return self.consts[_text(n)]
        if n.type == "array":
            return argv_command([self.render(e, depth + 1) for e in n.named_children])
        if n.type == "parenthesized_expression" and n.named_child_count:
            return self.render(n.named_children[0], depth + 1)
        return "X"

    def command(self, n: Node) -> str:
        args = n.child_by_field_name("arguments")
        items = args.named_children if args is not None else []
        if not items:
            return ""
        if len(items) > 1 and items[1].type == "array":
            return argv_command(
                [self.render(items[0]), *(self.render(e) for e in items[1].named_children)]
            )
        return self.render(items[0])

    def callee(self, n: Node) -> str:
        field = "function" if n.type == "call_expression" else "constructor"
        name = self.dotted(n.child_by_field_name(field))
        if name in {"Buffer.from", "buffer.Buffer.from"}:
            args = _text(n.child_by_field_name("arguments"))
            if "'base64'" in args or '"base64"' in args or "'hex'" in args:
                return "base64.decode"
        return name


def _context(n: Node) -> str:
    p = n.parent
    if p is not None and p.type == "binary_expression":
        return "compare"
    if p is not None and p.type == "array":
        gp = p.parent
        return "code" if gp is not None and gp.type == "arguments" else "collection"
    return "code"


def parse_js(text: str, dialect: str = "js") -> Facts:
    """Facts of a JavaScript (``js``), TypeScript (``ts``) or TSX (``tsx``) file."""
    facts = Facts("javascript" if dialect == "js" else "typescript")
    tree = _parser(dialect).parse(text.encode("utf-8", "replace"))
    js = _Js(tree.root_node)
    for n in _walk(tree.root_node):
        line = n.start_point[0] + 1
        if n.type in {"call_expression", "new_expression"}:
            args = n.child_by_field_name("arguments")
            items = args.named_children if args is not None else []
            literal = all(
                a.type in LITERALS
                or a.type == "array"
                and all(e.type in LITERALS for e in a.named_children)
                for a in items
            )
            callee = js.callee(n)
            keys = tuple(
                _text(p.child_by_field_name("key"))
                for a in items
                if a.type == "object"
                for p in a.named_children
                if p.type == "pair"
            )
            facts.calls.append(
                Call(
                    callee,
                    line,
                    js.expr(args),
                    literal,
                    "shell: true" in _text(args) or "shell:true" in _text(args),
                    js.command(n) if tx.is_process(callee) else "",
                    keys,
                )
            )
        elif n.type == "return_statement" and n.named_child_count:
            facts.returns.append(Assign((), js.expr(n.named_children[0]), line))
        elif n.type in {"variable_declarator", "assignment_expression"}:
            left = n.child_by_field_name("name") or n.child_by_field_name("left")
            right = n.child_by_field_name("value") or n.child_by_field_name("right")
            names = (
                tuple(
                    _text(i)
                    for i in _walk(left)
                    if i.type in {"identifier", "shorthand_property_identifier_pattern"}
                )
                if left
                else ()
            )
            if left is not None and left.type == "member_expression":
                names = (_text(left),)
            facts.assigns.append(Assign(names, js.expr(right), line))
            if right is not None and right.type == "string" and names:
                facts.consts[names[0]] = _str_value(right)
        elif n.type in STRINGS:
            facts.literals.append(Literal(_str_value(n), line, _context(n)))
        key = js.env_key(n)
        if key:
            facts.env_reads.append(EnvRead(key, line))
    facts.handler = js.handler
    for name, value in js.consts.items():
        facts.consts.setdefault(name, value)
    if tree.root_node.has_error:
        facts.parse_error = "tree-sitter reported syntax errors (partial facts)"
    return facts
