"""A loaded, compiled set of rules: what every ingest worker needs to match records."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambdawatch.engine.loader import load_rules
from lambdawatch.engine.matcher import CompiledRule, compile_rule
from lambdawatch.engine.model import Rule
from lambdawatch.engine.prefilter import Prefilter
from lambdawatch.engine.projection import Projector


@dataclass
class RuleSet:
    rules: list[Rule]
    extra_dirs: tuple[str, ...] = ()
    compiled: list[CompiledRule] = field(init=False)

    def __post_init__(self) -> None:
        self.compiled = [compile_rule(r) for r in self.rules]
        self.prefilter = Prefilter.from_rules(self.rules)
        self.project = Projector(self.rules)
        self.by_id = {c.rule.id: c for c in self.compiled}
        self._by_source: dict[str, list[CompiledRule]] = {}
        for c in self.compiled:
            for source in c.rule.match.event_source:
                self._by_source.setdefault(source, []).append(c)

    @classmethod
    def load(cls, extra_dirs: list[Path] | tuple[str, ...] = ()) -> RuleSet:
        dirs = tuple(str(d) for d in extra_dirs)
        return cls(load_rules([Path(d) for d in dirs]), dirs)

    def match(self, record: dict[str, Any]) -> list[str]:
        """Ids of the rules whose match holds on ``record`` (in id order)."""
        candidates = self._by_source.get(record.get("eventSource"), ())  # type: ignore[arg-type]
        return [c.rule.id for c in candidates if c.matches(record)]

    def __reduce__(self) -> Any:
        # Workers rebuild from the rule folders rather than pickling compiled closures.
        return (RuleSet.load, (self.extra_dirs,))
