"""The stream state: everything a run must know about the records before it, typed and saved.

What a full replay used to rebuild is held here and saved in the state store after each run
(see :mod:`lambdawatch.detect.snapshot` for the format): function configuration history and
trigger bookkeeping, the role inventory and its IAM history, the names of every function (for
typosquats), principal novelty, and the throttle windows still open, by the event ids they hold
(the events themselves stay in the store). Its size follows the number of functions, roles,
principals and open windows, not the number of records ever read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lambdawatch.analyze.http_apis import HttpApiBook
from lambdawatch.analyze.identity import Novelty
from lambdawatch.analyze.typosquat import NameBook
from lambdawatch.detect import snapshot
from lambdawatch.state.iam import Role, RoleInventory, Step
from lambdawatch.state.stream import FunctionHistory, FunctionState
from lambdawatch.values import Finding, FnKey, Mark

Key = FnKey
__all__ = ["Key", "Mark", "OpenWindow", "StreamState"]


@dataclass
class OpenWindow:
    """A throttle window left open at the end of a run: its events and what they found."""

    event_ids: list[str]
    rules: list[list[str]]  # each event's rules as confirmed when it was evaluated
    findings: list[Finding]


@dataclass
class StreamState:
    functions: FunctionHistory = field(default_factory=FunctionHistory)
    roles: RoleInventory = field(default_factory=RoleInventory)
    names: NameBook = field(default_factory=NameBook)
    novelty: Novelty = field(default_factory=Novelty)
    windows: dict[Key, OpenWindow] = field(default_factory=dict)
    watermark: Mark | None = None  # the last record this state has seen

    def dumps(self) -> bytes:
        return snapshot.dumps(self)

    @staticmethod
    def loads(data: bytes) -> StreamState:
        state = snapshot.loads(data)
        if not isinstance(state, StreamState):
            raise TypeError("not a stream state")
        return state

    def name_marks(self) -> dict[tuple[str, str], Any]:
        """What the typosquat judgement reads of each name: seen, and when it was created."""
        return {key: self.names.created.get(key) for key in self.names.seen}


def _restore_book(book: Any) -> None:
    book.indexes = {}
    book.verdicts = {}


def _restore_novelty(novelty: Any) -> None:
    novelty.facts = {}


snapshot.register(StreamState)
snapshot.register(HttpApiBook)
snapshot.register(OpenWindow)
snapshot.register(Finding)
snapshot.register(FunctionHistory)
snapshot.register(FunctionState)
snapshot.register(RoleInventory)
snapshot.register(Role)
snapshot.register(Step)
snapshot.register(NameBook, skip=("indexes", "verdicts"), restore=_restore_book)
snapshot.register(Novelty, skip=("facts",), restore=_restore_novelty)
