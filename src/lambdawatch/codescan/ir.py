"""The language-neutral facts a front end extracts from one file.

Front ends (Python ``ast``, tree-sitter JavaScript/TypeScript, the tolerant text scanner) reduce
source code to calls, assignments, string literals and environment reads. Callees are
canonical dotted names after import aliases and simple types are resolved
(``s = socket.socket(); s.connect`` becomes ``socket.socket.connect``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


def norm(name: str) -> str:
    """Matching key of a callee: lower case without underscores (create_user == createUser)."""
    return name.lower().replace("_", "")


@dataclass(frozen=True)
class Expr:
    names: frozenset[str] = frozenset()
    calls: frozenset[str] = frozenset()
    strings: tuple[str, ...] = ()
    env: tuple[str, ...] = ()  # environment keys read inside; "*" is the whole environment
    picked: frozenset[str] = frozenset()  # names only indexed (``d["k"]``, ``d.get("k")``)

    def __or__(self, other: Expr) -> Expr:
        return Expr(
            self.names | other.names,
            self.calls | other.calls,
            self.strings + other.strings,
            self.env + other.env,
            (self.picked | other.picked)
            - (self.names - self.picked)
            - (other.names - other.picked),
        )


EMPTY = Expr()


@dataclass(frozen=True)
class Call:
    callee: str
    line: int
    args: Expr
    literal_args: bool = False  # every argument is a literal (a fixed command line)
    shell: bool = False  # shell=True or a shell string command
    command: str = ""  # process calls: the command line rendered as shell text (unknowns: X)
    keywords: tuple[str, ...] = ()  # keyword / option names given (Handler=, Layers=...)


@dataclass(frozen=True)
class Assign:
    names: tuple[str, ...]
    value: Expr
    line: int


@dataclass(frozen=True)
class Literal:
    value: str
    line: int
    context: str = "code"  # "collection" or "compare" when it only names a value (blocklists)


@dataclass(frozen=True)
class EnvRead:
    key: str
    line: int


@dataclass
class Facts:
    language: str
    calls: list[Call] = field(default_factory=list)
    assigns: list[Assign] = field(default_factory=list)
    literals: list[Literal] = field(default_factory=list)
    env_reads: list[EnvRead] = field(default_factory=list)
    consts: dict[str, str] = field(default_factory=dict)  # NAME = "literal" at any scope
    returns: list[Assign] = field(default_factory=list)  # return values (names: the function)
    handler: bool = False  # defines a Lambda handler (``def f(event, context)``)
    parse_error: str | None = None
