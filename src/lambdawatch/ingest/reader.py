"""Read one input and decode it, turning every failure into a recorded, counted outcome.

``decode_bytes(name, data, rules)`` is the per-file function every executor runs (it never
raises); ``decode_task`` is what :func:`lambdawatch.ingest.collect.collect` maps over inputs.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field

from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.decode import Decoded, NotCloudTrail, decode
from lambdawatch.ingest.limits import Limits, default_limits
from lambdawatch.ingest.sources import LocalFile, Skipped, special_kind


@dataclass
class Outcome:
    """The result of one input: decoded content, or the reason it gave nothing."""

    name: str
    decoded: Decoded | None = None
    error: str | None = None
    bytes_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.decoded is not None


@dataclass(frozen=True, slots=True)
class Fetched:
    """An input already read into memory (an S3 object, stdin)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class DecodeContext:
    """What every worker needs, sent once per worker: the rules and the limits."""

    rules: RuleSet
    limits: Limits = field(default_factory=default_limits)


Task = LocalFile | Fetched | Skipped | Outcome

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def read_local(path: str, limit: int | None = None) -> bytes:
    """A regular file's bytes (at most ``limit + 1``). Special files are never read: the open is
    non-blocking (a FIFO cannot hang it) and the opened file is checked before any read."""
    try:
        kind = special_kind(os.stat(path).st_mode)
        if kind is not None:
            raise OSError(errno.EINVAL, f"{kind}, not a regular file: not opened")
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        if os.path.islink(path):
            raise OSError(errno.ENOENT, "broken symbolic link") from None
        raise OSError(errno.ENOENT, "file vanished or does not exist") from None
    except IsADirectoryError:
        raise OSError(errno.EISDIR, "is a directory") from None
    except PermissionError:
        raise OSError(errno.EACCES, "permission denied (unreadable file)") from None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # swapped for a special file since the check above
            raise OSError(
                errno.EINVAL,
                f"{special_kind(mode) or 'special file'}, not a regular file: not read",
            )
        return fh.read() if limit is None else fh.read(limit + 1)


def decode_bytes(name: str, data: bytes, rules: RuleSet, limits: Limits | None = None) -> Outcome:
    """Decode ``data`` (the bytes of input ``name``). Never raises on bad content."""
    try:
        decoded = decode(data, rules.prefilter, rules.match, rules.project, limits)
    except NotCloudTrail as exc:
        return Outcome(name, error=str(exc), bytes_read=len(data))
    except Exception as exc:  # noqa: BLE001 - isolation boundary: one bad file never stops the run
        return Outcome(
            name, error=f"could not decode ({type(exc).__name__}: {exc})", bytes_read=len(data)
        )
    if decoded.records == 0 and decoded.problem:
        return Outcome(name, error=decoded.problem, bytes_read=len(data))
    return Outcome(name, decoded=decoded, bytes_read=len(data))


def read_and_decode(path: str, rules: RuleSet, limits: Limits | None = None) -> Outcome:
    limits = limits or default_limits()
    try:
        data = read_local(path, limits.max_inflate)
    except OSError as exc:
        return Outcome(path, error=exc.strerror or str(exc))
    return decode_bytes(path, data, rules, limits)


def decode_task(ctx: DecodeContext, task: Task) -> Outcome | Skipped:
    """One input, whatever its kind: read (local files) and decode; passed-through results."""
    if isinstance(task, LocalFile):
        return read_and_decode(task.path, ctx.rules, ctx.limits)
    if isinstance(task, Fetched):
        return decode_bytes(task.name, task.data, ctx.rules, ctx.limits)
    return task
