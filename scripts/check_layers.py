#!/usr/bin/env python3
"""Fail when a module imports against the data flow (DESIGN.md: sources -> decode -> normalize
-> rules -> analyzers -> scoring -> tuning -> throttle -> sinks).

Each module belongs to a layer (the longest matching prefix in LAYERS); it may import its own
layer and the layers below it, never one above. Imports under ``if TYPE_CHECKING:`` are types
only and are not counted; imports inside functions are (a lazy import is still a dependency).
Known, reasoned exceptions are listed in ALLOWED with why.

    python scripts/check_layers.py        # exit 1 and one line per violation
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src"

# bottom first; a layer may import its own and every earlier one
LAYERS: list[tuple[str, list[str]]] = [
    (
        "values",
        [
            "lambdawatch.severity",
            "lambdawatch.values",
            "lambdawatch.errors",
            "lambdawatch.textsafe",
            "lambdawatch.yamlio",
            "lambdawatch.data",
            "lambdawatch.kinds",
            "lambdawatch.layer_publishers",
            "lambdawatch.secrets",
            "lambdawatch.findings",
            "lambdawatch.sealed",
            "lambdawatch",
        ],
    ),
    ("config", ["lambdawatch.config"]),
    # the record accessors and the normalized Event: what rules match on
    ("records", ["lambdawatch.ingest.normalize"]),
    ("rules", ["lambdawatch.engine", "lambdawatch.rules"]),
    # sources, decode and the byte prefilter derived from the rules
    ("ingest", ["lambdawatch.ingest"]),
    # evaluation in event-time order over the normalized stream
    (
        "evaluate",
        [
            "lambdawatch.engine.context",
            "lambdawatch.engine.evaluate",
            "lambdawatch.engine.ruletest",
        ],
    ),
    # record parsers the stream state keeps (HTTP API routes, S3 notification entries)
    (
        "state",
        [
            "lambdawatch.state",
            "lambdawatch.inventory",
            "lambdawatch.analyze.http_apis",
            "lambdawatch.analyze.triggers",
        ],
    ),
    # rules' context predicates read the stream state and the analyzers' record parsers
    ("analyze", ["lambdawatch.analyze", "lambdawatch.engine.predicate_library"]),
    ("alerting", ["lambdawatch.alerting"]),
    ("detect", ["lambdawatch.detect", "lambdawatch.summary"]),
    ("pipeline", ["lambdawatch.hunt", "lambdawatch.codescan"]),
    ("aws", ["lambdawatch.aws"]),
    (
        "live",
        [
            "lambdawatch.watch",
            "lambdawatch.notify",
            "lambdawatch.audit",
            "lambdawatch.respond",
            "lambdawatch.logs",
            "lambdawatch.report",
            "lambdawatch.spark",
        ],
    ),
    ("cli", ["lambdawatch.cli", "lambdawatch.__main__"]),
]

# (importer prefix, imported prefix): why it is allowed
ALLOWED: dict[tuple[str, str], str] = {
    (
        "lambdawatch.engine.ruletest",
        "lambdawatch.detect",
    ): "rule self-tests evaluate a case as a hunt would: with a fresh stream state",
    (
        "lambdawatch.engine.ruletest",
        "lambdawatch.state",
    ): "rule self-tests observe their 'before' events with the stream observers",
    (
        "lambdawatch.engine.loader",
        "lambdawatch.engine.predicate_library",
    ): "the loader registers the predicate library so rule files can name its predicates",
    (
        "lambdawatch.engine.ruleset",
        "lambdawatch.engine.predicate_library",
    ): "the rule set registers the predicate library so rule files can name its predicates",
}


def layer_of(module: str) -> int:
    best, best_len = -1, -1
    for i, (_name, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best_len:
                best, best_len = i, len(p)
    return best


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def imports(tree: ast.AST, module: str, is_pkg: bool) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                out.extend(
                    (child.lineno, a.name) for a in child.names if a.name.startswith("lambdawatch")
                )
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.split(".")
                    base = base[: len(base) - child.level + (1 if is_pkg else 0)]
                    name = ".".join(base + ([child.module] if child.module else []))
                else:
                    name = child.module or ""
                if name.startswith("lambdawatch"):
                    for a in child.names:  # "from pkg import module" imports the module
                        full = f"{name}.{a.name}"
                        out.append(
                            (
                                child.lineno,
                                full
                                if layer_of(full) != layer_of(name)
                                or full.count(".") == name.count(".") + 1
                                and (
                                    (ROOT / (full.replace(".", "/") + ".py")).exists()
                                    or (ROOT / full.replace(".", "/")).is_dir()
                                )
                                else name,
                            )
                        )
            visit(child)

    visit(tree)
    return out


def _allowed(src: str, dst: str) -> bool:
    return any(
        (src == a or src.startswith(a + ".")) and (dst == b or dst.startswith(b + "."))
        for a, b in ALLOWED
    )


def check(root: Path = ROOT) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).with_suffix("")
        is_pkg = rel.name == "__init__"
        module = ".".join(rel.parts[:-1] if is_pkg else rel.parts)
        mine = layer_of(module)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, target in imports(tree, module, is_pkg):
            theirs = layer_of(target)
            if theirs > mine and not _allowed(module, target):
                problems.append(
                    f"{path.relative_to(root.parent)}:{line}: {module} "
                    f"({LAYERS[mine][0]}) imports {target} ({LAYERS[theirs][0]}), "
                    "against the data flow"
                )
    return problems


def main() -> int:
    problems = check()
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} import(s) against the layering (scripts/check_layers.py)")
        return 1
    print("layering: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
