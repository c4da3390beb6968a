"""The byte prefilter, derived from the loaded rules (never a hand-kept list).

``anchors`` are the exact ``"eventSource":"<service>"`` pairs searched in the raw bytes of a file.
Each record found by an anchor is then checked against that anchor's rule groups: one of the
group's event names (as a prefix, so every logged API-version suffix passes) and one of its
``match.prefilter`` hints must appear in the record's bytes. Both JSON forms are covered:
compact (S3 delivery) and spaced (``json.dumps``). The prefilter only skips; every parsed record
is re-checked by the rules, and each rule's firing tests assert the prefilter lets them through.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lambdawatch.engine.model import Rule

Group = tuple[tuple[bytes, ...], tuple[bytes, ...]]  # (event-name prefixes, hints); () = any


def _pair(key: str, value: str, *, prefix: bool = False) -> tuple[bytes, ...]:
    end = "" if prefix else '"'
    return (f'"{key}":"{value}{end}'.encode(), f'"{key}": "{value}{end}'.encode())


@dataclass(frozen=True)
class Prefilter:
    anchors: tuple[bytes, ...]
    groups: dict[bytes, tuple[Group, ...]]

    @classmethod
    def from_rules(cls, rules: Iterable[Rule]) -> Prefilter | None:
        groups: dict[bytes, set[Group]] = {}
        for rule in rules:
            if not rule.match.event_source:
                return None  # a rule that can match any source: no byte prefilter possible
            names = tuple(sorted({lit for n in rule.match.event_names
                                  for lit in _pair("eventName", n, prefix=True)}))
            hints = tuple(sorted({h.encode() for h in rule.match.prefilter}))
            for source in rule.match.event_source:
                for anchor in _pair("eventSource", source):
                    groups.setdefault(anchor, set()).add((names, hints))
        return cls(tuple(sorted(groups)), {a: tuple(sorted(g)) for a, g in groups.items()})

    def accepts(self, chunk: bytes, anchors: Iterable[bytes] | None = None) -> bool:
        """Could this record (its bytes) match some rule? False only when it surely cannot."""
        for anchor in anchors if anchors is not None else self.anchors:
            if anchors is None and anchor not in chunk:
                continue
            for names, hints in self.groups[anchor]:
                if names and not any(n in chunk for n in names):
                    continue
                if hints and not any(h in chunk for h in hints):
                    continue
                return True
        return False
