"""Load and validate rule files; every problem is reported with its file and line, all at once."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from lambdawatch import kinds as _kinds
from lambdawatch.engine import predicates as _predicates
from lambdawatch.engine.model import Rule
from lambdawatch.errors import RuleError
from lambdawatch.yamlio import compose_yaml, load_yaml

BUILTIN_PACKAGE = "lambdawatch.rules"


@dataclass(frozen=True, slots=True)
class RuleProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class RuleLoadError(RuleError):
    """One or more rule files are invalid; ``problems`` lists each with file and line."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems), where=None)


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """Follow a pydantic error location through the YAML node tree to a 1-based line."""
    best = node.start_mark.line + 1 if node is not None else 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == key), None)
            if nxt is None:
                nxt = next((v for k, v in node.value if k.value == "in" and key == "in_"), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            nxt = node.value[key]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
        best = node.start_mark.line + 1
    return best


def _load_file(path: Path, problems: list[RuleProblem]) -> Rule | None:
    text = path.read_text(encoding="utf-8")
    try:
        node = compose_yaml(text)
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(
            RuleProblem(str(path), mark.line + 1 if mark else 1, f"invalid YAML: {exc}")
        )
        return None
    if not isinstance(data, dict):
        problems.append(RuleProblem(str(path), 1, "a rule file must be a YAML mapping"))
        return None
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc) or "(rule)"
            problems.append(RuleProblem(str(path), _line_of(node, loc), f"{where}: {err['msg']}"))
        return None
    before = len(problems)
    expected = f"{rule.id}-{rule.slug}"
    if path.stem != expected:
        problems.append(RuleProblem(str(path), 1, f"file must be named {expected}.yml"))
    names = list(rule.match.predicates) + [p for f in rule.findings for p in f.predicates]
    for name in names:
        if not _predicates.known(name):
            problems.append(
                RuleProblem(str(path), _line_of(node, ("match",)), f"unknown predicate {name!r}")
            )
    for i, spec in enumerate(rule.findings):  # every kind must be in the registry
        if not _kinds.is_known(spec.kind):
            problems.append(
                RuleProblem(
                    str(path),
                    _line_of(node, ("findings", i, "kind")),
                    f"unknown finding kind {spec.kind!r} (not in {_kinds.REGISTRY})",
                )
            )
    return rule if len(problems) == before else None


def builtin_rule_dir() -> Path:
    return Path(str(resources.files(BUILTIN_PACKAGE)))


def rule_files(dirs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        if d.is_file():
            files.append(d)
        elif d.is_dir():
            files.extend(sorted(p for p in d.rglob("*.yml") if "bases" not in p.parts))
        else:
            raise RuleLoadError([RuleProblem(str(d), 0, "rule folder does not exist")])
    return files


def load_rules(extra_dirs: list[Path] | None = None, *, builtin: bool = True) -> list[Rule]:
    """Load built-in rules plus ``extra_dirs``; raise :class:`RuleLoadError` listing every problem."""
    import lambdawatch.engine.predicate_library  # noqa: F401  (registers built-in predicates)

    dirs = ([builtin_rule_dir()] if builtin else []) + list(extra_dirs or [])
    problems: list[RuleProblem] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in rule_files(dirs):
        rule = _load_file(path, problems)
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(
                RuleProblem(str(path), 1, f"rule id {rule.id} already used by {seen[rule.id]}")
            )
            continue
        seen[rule.id] = str(path)
        rules.append(rule)
    if problems:
        raise RuleLoadError(problems)
    return sorted(rules, key=lambda r: r.id)
